"""A quarter outside the partitions is the file's rejection, never the run's failure (issue 12,
item 1): a cover saying `2015-Q4` (before the warehouse's first quarter) used to pass `ntm check`
and then fail every `ntm run` before the ingest, blocking every other district."""

from __future__ import annotations

from ntm.runner import run_pipeline
from tests.support.factories import sheets_with_quarter_text, valid_sheets, write_xlsx
from tests.support.fixtures import query


def test_the_run_rejects_that_file_and_publishes_the_others(ntm_home) -> None:
    landing = ntm_home.landing_dir
    write_xlsx(landing / "NTM_02-026_2015Q4.xlsx", sheets_with_quarter_text("2015-Q4"))
    write_xlsx(landing / "NTM_02-026_2019Q1.xlsx", valid_sheets())
    report = run_pipeline(ntm_home, echo=lambda _: None)
    assert report.success and report.published, report.summary()
    assert (report.accepted, report.rejected) == (1, 1), report.summary()

    published = query(
        ntm_home,
        "select quarter, district_code, ntm_communes from reporting.rpt_attainment "
        "where district_code = '026'",
    )
    assert [(r["quarter"], r["ntm_communes"]) for r in published] == [("2019Q1", 1)]
    rejections = query(
        ntm_home,
        "select rule_id, file_name from raw.rejections where file_name = 'NTM_02-026_2015Q4.xlsx'",
    )
    assert "COV-013" in [r["rule_id"] for r in rejections]  # (and TC-008: 2018 > 2015Q4)
    assert list(ntm_home.rejected_dir.glob("*/NTM_02-026_2015Q4.xlsx"))

    # The file stays in landing (files are never modified there): the next run must not fail.
    again = run_pipeline(ntm_home, echo=lambda _: None)
    assert again.success, again.summary()
    assert (again.accepted, again.rejected) == (0, 0), again.summary()
