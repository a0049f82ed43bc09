"""Impossible values through the whole run (issue 12, item 5): the run rejects the workbooks that
hold them and publishes the good one."""

from __future__ import annotations

from ntm.runner import run_pipeline
from tests.support import factories as f
from tests.support.fixtures import query


def test_the_run_rejects_them_and_publishes_the_good_workbook(ntm_home) -> None:
    landing = ntm_home.landing_dir
    huge = f.valid_sheets()
    huge[f.HOUSEHOLDS][1][f.HOUSEHOLDS_COLUMN] = 4e18
    f.write_xlsx(landing / "NTM_02-026_2019Q1.xlsx", huge)
    overflow = f.valid_sheets()
    overflow[f.HOUSEHOLDS][1][f.POOR_COLUMN] = 1e19
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
