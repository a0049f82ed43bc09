"""Impossible values are findings on their cells (issue 12, item 5): 4e18 households passed every
check and made the province's poor rate 0.00 %; 1e19 failed the whole batch with a TypeError."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ntm.runner import run_pipeline
from schemas.validate import validate_workbook
from sources.reader import read_workbook
from tests import factories as f
from tests.conftest import query

TODAY = date(2019, 6, 1)
HOUSEHOLDS, POOR = 3, 4  # columns D and E of `Ho ngheo`
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
    sheets[f.HOUSEHOLDS][1][HOUSEHOLDS] = value
    result = _judge(tmp_path, sheets)
    assert not result.accepted
    assert _cells(result, "HH-006") == [(f.HOUSEHOLDS, "D2")]
    item = next(x for x in result.findings if x.rule_id == "HH-006")
    assert "100,000" in item.message_en and "100.000" in item.message_vi


def test_the_largest_plausible_count_is_accepted(tmp_path) -> None:
    sheets = f.valid_sheets()
    sheets[f.HOUSEHOLDS][1][HOUSEHOLDS] = 100_000
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


@pytest.mark.e2e
def test_the_run_rejects_them_and_publishes_the_good_workbook(ntm_home) -> None:
    landing = ntm_home.landing_dir
    huge = f.valid_sheets()
    huge[f.HOUSEHOLDS][1][HOUSEHOLDS] = 4e18
    f.write_xlsx(landing / "NTM_02-026_2019Q1.xlsx", huge)
    overflow = f.valid_sheets()
    overflow[f.HOUSEHOLDS][1][POOR] = 1e19
    f.write_xlsx(landing / "NTM_02-026_2019Q1_b.xlsx", overflow)
    report = run_pipeline(ntm_home, echo=lambda _: None)
    assert report.success, report.summary()
    assert (report.accepted, report.rejected) == (0, 2), report.summary()
    rules = query(ntm_home, "select rule_id, cell_ref from raw.rejections order by file_name")
    assert [(r["rule_id"], r["cell_ref"]) for r in rules] == [("HH-006", "D2"), ("HH-006", "E2")]

    # The good workbook of the next run is published; nothing of the bad ones reached the marts.
    f.write_xlsx(landing / "NTM_02-026_2019Q1_c.xlsx", f.valid_sheets())
    good = run_pipeline(ntm_home, echo=lambda _: None)
    assert good.success and good.published, good.summary()
    rows = query(
        ntm_home,
        "select households, poor_rate_pct from reporting.rpt_poverty "
        "where quarter = '2019Q1' and district_code = '026'",
    )
    expected = sum(f.household_numbers(i)[0] for i in range(len(f.district_units())))
    assert [r["households"] for r in rows] == [expected]
    assert 0 < rows[0]["poor_rate_pct"] < 100
