"""One list of criterion-status spellings (issue 12, item 12): what the reader accepts is what the
README's contract section, the template's help and TC-001's message tell district offices."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from sources.contract import MET_SPELLINGS, NOT_MET_SPELLINGS, fold_text, status_help
from sources.reader import parse_flag
from sources.rules import RULES
from sources.template import write_template

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize("spelling", MET_SPELLINGS)
def test_every_met_spelling_reads_as_met(spelling: str) -> None:
    for variant in {spelling, spelling.lower(), spelling.upper(), fold_text(spelling)}:
        assert parse_flag(variant) is True, variant


@pytest.mark.parametrize("spelling", NOT_MET_SPELLINGS)
def test_every_not_met_spelling_reads_as_not_met(spelling: str) -> None:
    for variant in {spelling, spelling.lower(), spelling.upper()}:
        assert parse_flag(variant) is False, variant
    assert parse_flag(None) is False and parse_flag("  ") is False


@pytest.mark.parametrize("text", ["Đạt một phần", "y", "2", "...", "không"])
def test_a_spelling_outside_the_list_is_not_a_status(text: str) -> None:
    with pytest.raises(ValueError):
        parse_flag(text)


def test_the_readme_the_rule_and_the_template_show_the_same_list(tmp_path: Path) -> None:
    readme = README.read_text(encoding="utf-8")
    for lang in ("vi", "en"):
        assert status_help(lang) in readme
    rule = RULES["TC-001"]
    assert status_help("vi") in rule.message_vi
    assert status_help("en") in rule.message_en
    for spelling in (*MET_SPELLINGS, *NOT_MET_SPELLINGS):
        assert f"'{spelling}'" in status_help("vi") and f"'{spelling}'" in status_help("en")

    path = write_template("02-026", "2019Q1", tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(path)["Tieu chi"]
    prompts = {dv.prompt for dv in sheet.data_validations.dataValidation if dv.prompt}
    assert prompts == {status_help("vi") + "\n" + status_help("en")}
