"""Impossible values are findings on their cells (issue 12, item 5): 4e18 households passed every
check and made the province's poor rate 0.00 %; 1e19 failed the whole batch with a TypeError."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from schemas.validate import validate_workbook
from sources.reader import read_workbook
from tests.support import factories as f

TODAY = date(2019, 6, 1)
YEAR = 23  # column X of `Tieu chi`: recognition year
PLAN = 4  # column E of `Nguon von`


def _judge(tmp_path: Path, sheets: f.Sheets):
    return validate_workbook(
        read_workbook(f.write_xlsx(tmp_path / "NTM_02-026_2019Q1.xlsx", sheets)), today=TODAY
    )


def _cells(result, rule_id: str) -> list[tuple[str, str]]:
    return [(x.sheet, x.cell_ref) for x in result.findings if x.rule_id == rule_id]


@pytest.mark.parametrize("value", [4e18, 1e19, "4.000.000.000.000.000.000", 100_001])
def test_an_implausible_household_count_is_rejected_on_its_cell(tmp_path, value) -> None:
    sheets = f.valid_sheets()
    sheets[f.HOUSEHOLDS][1][f.HOUSEHOLDS_COLUMN] = value
    result = _judge(tmp_path, sheets)
    assert not result.accepted
    assert _cells(result, "HH-006") == [(f.HOUSEHOLDS, "D2")]
    item = next(x for x in result.findings if x.rule_id == "HH-006")
    assert "100,000" in item.message_en and "100.000" in item.message_vi


def test_the_largest_plausible_count_is_accepted(tmp_path) -> None:
    sheets = f.valid_sheets()
    sheets[f.HOUSEHOLDS][1][f.HOUSEHOLDS_COLUMN] = 100_000
    assert _judge(tmp_path, sheets).accepted


def test_a_year_that_overflows_is_a_finding_not_a_type_error(tmp_path) -> None:
    sheets = f.valid_sheets()
    sheets[f.CRITERIA][1][YEAR] = 1e19
    result = _judge(tmp_path, sheets)
    assert not result.accepted
    assert _cells(result, "TC-004") == [(f.CRITERIA, "X2")]


def test_an_implausible_amount_is_rejected_on_its_cell(tmp_path) -> None:
    sheets = f.valid_sheets()
    sheets[f.FUNDING][1][PLAN] = 10_000_001
    result = _judge(tmp_path, sheets)
    assert not result.accepted
    assert _cells(result, "FUND-005") == [(f.FUNDING, "E2")]
