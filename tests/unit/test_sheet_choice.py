"""Which sheet is read when a workbook holds copies of a contract sheet (issue 12, item 3).

Excel names a copied sheet `Tieu chi (2)` and places it wherever the officer drops it; a hidden
sheet is often last quarter's data kept "just in case". The stale copy must never be read
silently: two candidates are a rejection naming both, unless exactly one has the contract's own
name (read, with a warning naming the other); a hidden sheet never wins over a visible one."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

from schemas.validate import validate_workbook
from sources.reader import choose_sheets, match_sheets, read_workbook
from tests.support import factories as f

TODAY = date(2019, 6, 1)
FIRST_XA = 1  # the first data row of the criteria sheet (row 0 is the header)


def _stale(sheets: f.Sheets) -> f.Rows:
    """The criteria sheet with the first xã's name changed: a marker for 'the copy was read'."""
    rows = copy.deepcopy(sheets[f.CRITERIA])
    rows[FIRST_XA][2] = "STALE COPY"
    return rows


def _write(tmp_path: Path, order: list[tuple[str, f.Rows]], hidden=frozenset()) -> Path:
    path = tmp_path / "NTM_02-026_2019Q1.xlsx"
    return f.write_xlsx(path, dict(order), hidden=frozenset(hidden))


def _criteria_names(extract) -> list[str]:
    return list(extract.criteria.frame["commune_name"])


def test_choose_sheets_rules() -> None:
    names = ["Tieu chi (2)", "Thong tin", "Tiêu chí", "Ho ngheo", "Nguon von"]
    assert match_sheets(names)["criteria"] == "Tiêu chí"  # the contract's name, accents aside
    ambiguous = choose_sheets(["Tieu chi (2)", "Tieu chi (3)", "Thong tin"])
    assert ambiguous["criteria"].chosen is None
    assert ambiguous["criteria"].candidates == ("Tieu chi (2)", "Tieu chi (3)")
    hidden = choose_sheets(["Tieu chi", "Tieu chi (2)"], hidden=frozenset({"Tieu chi"}))
    assert hidden["criteria"].chosen == "Tieu chi (2)"
    only_hidden = choose_sheets(["Tieu chi"], hidden=frozenset({"Tieu chi"}))
    assert only_hidden["criteria"].chosen == "Tieu chi"


def test_a_copy_placed_before_the_original_is_not_read(tmp_path: Path) -> None:
    sheets = f.valid_sheets()
    order = [
        (f.COVER, sheets[f.COVER]),
        ("Tieu chi (2)", _stale(sheets)),
        (f.CRITERIA, sheets[f.CRITERIA]),
        (f.HOUSEHOLDS, sheets[f.HOUSEHOLDS]),
        (f.FUNDING, sheets[f.FUNDING]),
    ]
    extract = read_workbook(_write(tmp_path, order))
    result = validate_workbook(extract, today=TODAY)
    assert result.accepted, [x.describe() for x in result.findings]
    assert "STALE COPY" not in _criteria_names(extract)
    warnings = [x for x in result.findings if x.rule_id == "SHEET-006"]
    assert len(warnings) == 1
    assert warnings[0].severity == "warning"
    assert "'Tieu chi (2)'" in warnings[0].message_en and "'Tieu chi (2)'" in warnings[0].message_vi
    assert warnings[0].sheet == f.CRITERIA


def test_two_copies_without_the_contract_name_reject_the_workbook(tmp_path: Path) -> None:
    sheets = f.valid_sheets()
    order = [
        (f.COVER, sheets[f.COVER]),
        ("Tieu chi (2)", _stale(sheets)),
        ("Tieu chi (3)", sheets[f.CRITERIA]),
        (f.HOUSEHOLDS, sheets[f.HOUSEHOLDS]),
        (f.FUNDING, sheets[f.FUNDING]),
    ]
    result = validate_workbook(read_workbook(_write(tmp_path, order)), today=TODAY)
    assert not result.accepted
    errors = [x for x in result.findings if x.rule_id == "SHEET-005"]
    assert len(errors) == 1
    assert "'Tieu chi (2)', 'Tieu chi (3)'" in errors[0].message_en
    assert "'Tieu chi (2)', 'Tieu chi (3)'" in errors[0].message_vi
    assert "SHEET-001" not in result.rule_ids()  # ambiguous, not missing


def test_a_hidden_original_never_wins_over_a_visible_copy(tmp_path: Path) -> None:
    sheets = f.valid_sheets()
    order = [
        (f.COVER, sheets[f.COVER]),
        (f.CRITERIA, _stale(sheets)),
        ("Tieu chi (2)", sheets[f.CRITERIA]),
        (f.HOUSEHOLDS, sheets[f.HOUSEHOLDS]),
        (f.FUNDING, sheets[f.FUNDING]),
    ]
    extract = read_workbook(_write(tmp_path, order, hidden={f.CRITERIA}))
    result = validate_workbook(extract, today=TODAY)
    assert result.accepted, [x.describe() for x in result.findings]
    assert "STALE COPY" not in _criteria_names(extract)
    assert extract.criteria is not None
    assert [x.rule_id for x in result.findings if x.rule_id.startswith("SHEET")] == ["SHEET-006"]
