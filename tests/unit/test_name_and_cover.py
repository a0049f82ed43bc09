"""File name and cover disagree (issue 12, item 6): the cover is authoritative; another quarter in
the name is a warning with both values, another district an error."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from schemas.validate import validate_workbook
from sources.contract import name_district, name_quarter
from sources.reader import read_workbook
from tests.support import factories as f

TODAY = date(2019, 6, 1)  # the factories' workbook is 02-026, 2019Q1


def _judge(tmp_path: Path, file_name: str):
    path = f.write_xlsx(tmp_path / file_name, f.valid_sheets())
    return validate_workbook(read_workbook(path), today=TODAY)


@pytest.mark.parametrize(
    ("name", "district", "quarter"),
    [
        ("NTM_02-026_2019Q1.xlsx", ("02", "026"), "2019Q1"),
        ("Bao cao 02-026 2019-Q2 (sua).xlsx", ("02", "026"), "2019Q2"),
        ("NTM_02-026_2019Q4_v2.xlsx", ("02", "026"), "2019Q4"),
        ("bao_cao_quy.xlsx", None, None),
    ],
)
def test_what_a_name_says(name, district, quarter) -> None:
    assert name_district(name) == district
    assert name_quarter(name) == quarter


def test_a_name_with_another_quarter_warns_with_both(tmp_path) -> None:
    result = _judge(tmp_path, "NTM_02-026_2019Q2.xlsx")
    assert result.accepted
    (item,) = [x for x in result.findings if x.rule_id == "COV-014"]
    assert item.severity == "warning" and item.sheet == f.COVER
    assert "2019Q2" in item.message_en and "taken as 2019Q1" in item.message_en
    assert "2019Q2" in item.message_vi and "2019Q1" in item.message_vi


def test_a_name_with_another_district_is_an_error(tmp_path) -> None:
    result = _judge(tmp_path, "NTM_02-027_2019Q1.xlsx")
    assert not result.accepted
    (item,) = [x for x in result.findings if x.rule_id == "COV-015"]
    assert "02-027" in item.message_en and "02-026" in item.message_en


def test_a_name_that_agrees_or_says_nothing_is_silent(tmp_path) -> None:
    for name in ("NTM_02-026_2019Q1.xlsx", "bao_cao_quy.xlsx"):
        result = _judge(tmp_path, name)
        assert result.accepted and result.findings == [], name
