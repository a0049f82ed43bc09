"""A quarter outside the partitions is the file's rejection, never the run's failure (issue 12,
item 1): a cover saying `2015-Q4` (before the warehouse's first quarter) used to pass `ntm check`
and then fail every `ntm run` before the ingest, blocking every other district."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from ntm.cli import main
from ntm.runner import run_pipeline
from tests.conftest import query
from tests.factories import COVER, valid_sheets, write_xlsx

pytestmark = pytest.mark.e2e

QUARTER_ROW = 4  # 'Kỳ báo cáo' on the cover


def _sheets_for(quarter_text: str):
    sheets = valid_sheets()
    sheets[COVER][QUARTER_ROW][1] = quarter_text
    return sheets


def test_ntm_check_rejects_a_quarter_before_the_first(tmp_path) -> None:
    path = write_xlsx(tmp_path / "NTM_02-026_2015Q4.xlsx", _sheets_for("2015-Q4"))
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1, result.output
    assert "COV-013" in result.output and "2016Q1" in result.output


def test_the_run_rejects_that_file_and_publishes_the_others(ntm_home) -> None:
    landing = ntm_home.landing_dir
    write_xlsx(landing / "NTM_02-026_2015Q4.xlsx", _sheets_for("2015-Q4"))
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
