"""`818.100` in an amount cell (issue 12, item 11): read the Vietnamese way (818,100), as the
contract says, with a warning that quotes the cell and both readings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from schemas.validate import validate_workbook
from sources.reader import read_workbook
from tests.support import factories as f

TODAY = date(2019, 6, 1)
ACTUAL = 5  # column F of `Nguon von`: actual year to date


def _with_actual(tmp_path: Path, text: str):
    sheets = f.valid_sheets()
    sheets[f.FUNDING][1][ACTUAL] = text
    extract = read_workbook(f.write_xlsx(tmp_path / "NTM_02-026_2019Q1.xlsx", sheets))
    return extract, validate_workbook(extract, today=TODAY)


def test_three_digits_after_one_dot_warn_with_both_readings(tmp_path: Path) -> None:
    extract, result = _with_actual(tmp_path, "818.100")
    assert result.accepted
    assert extract.funding.frame["actual_ytd_million_vnd"].iloc[0] == 818100
    (warning,) = [x for x in result.findings if x.rule_id == "CELL-010"]
    assert warning.severity == "warning"
    assert (warning.sheet, warning.row, warning.cell_ref) == (f.FUNDING, 2, "F2")
    assert "'818.100'" in warning.message_en and "818,100" in warning.message_en
    assert "818.1" in warning.message_en
    assert "'818,1'" in warning.message_vi and "818,100" in warning.message_vi


@pytest.mark.parametrize("text", ["1.818.100", "818,1", "818.1", "818.100,5", "818100"])
def test_unambiguous_amounts_do_not_warn(tmp_path: Path, text: str) -> None:
    _, result = _with_actual(tmp_path, text)
    assert result.accepted
    assert "CELL-010" not in result.rule_ids()
