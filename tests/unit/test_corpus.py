"""A corpus of broken and hostile workbooks (tests.support.corpus), each alone through the reader
and validation: rejected with its exact rule and place (rule id, sheet, row, column). The
rejection workbook report is readable and safe."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from schemas.validate import validate_workbook
from sources.reader import read_workbook
from tests.support.corpus import CASES, CORPUS, FILE_LEVEL, TODAY


def test_corpus_is_large_and_varied() -> None:
    assert len(CORPUS) >= 30
    assert len({rule for *_, rule, _ in CORPUS}) >= 25
    assert {suffix for _, suffix, *_ in CORPUS} == {"xlsx", "xls", "ods"}


@pytest.mark.parametrize("name", list(CASES))
def test_each_file_rejected_with_its_rule_and_place(corpus: dict[str, Path], name: str) -> None:
    _, _, _, rule_id, location = CASES[name]
    path = corpus[name]
    result = validate_workbook(read_workbook(path), today=TODAY)
    assert not result.accepted
    found = [(x.sheet, x.row, x.column) for x in result.findings if x.rule_id == rule_id]
    assert location in found, [x.describe() for x in result.findings]
    item = next(x for x in result.findings if x.rule_id == rule_id)
    assert item.severity == "error" and item.message_vi and item.message_en
    assert item.file_name == path.name
    if location == FILE_LEVEL:
        # Rejected before any parser: the guard's finding is the only one.
        assert [x.rule_id for x in result.findings] == [rule_id]


def test_hostile_files_are_small_and_rejected_by_the_guards(corpus: dict[str, Path]) -> None:
    """Tiny files that declare or hold huge sheets are refused by the guards, before any parser
    could abort the process (their speed is a `make bench` matter, not a test's)."""
    for name in ("huge_declared_dimension", "lying_dimension", "ods_repeat_bomb", "xls_far_cell"):
        assert corpus[name].stat().st_size < 64 * 1024, name
        extract = read_workbook(corpus[name])
        assert extract.findings, name
        assert all(x.severity == "error" for x in extract.findings), name


def test_rejection_workbook_report_is_readable_and_safe(tmp_path: Path) -> None:
    from sources.rules import finding
    from warehouse.ingest import write_rejection_workbook

    findings = [
        finding(
            "TC-001",
            file_name="NTM_02-026_2019Q1.xlsx",
            sheet="Tiêu chí",
            row=4,
            column="TC3",
            value='=HYPERLINK("http://x")',
            cell_ref="F4",
        )
    ]
    path = write_rejection_workbook(findings, tmp_path / "r.errors.xlsx")
    sheet = openpyxl.load_workbook(path).active
    row = [c.value for c in sheet[2]]
    assert row[:7] == [
        "NTM_02-026_2019Q1.xlsx",
        "Tiêu chí",
        4,
        "TC3",
        "F4",
        '=HYPERLINK("http://x")',
        "TC-001",
    ]
    assert sheet.cell(2, 6).data_type == "s"  # text, never a formula
    assert sheet.cell(2, 6).quotePrefix
    assert "Tiêu chí" in row[8] and "criterion" in row[9]
