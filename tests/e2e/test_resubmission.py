"""Resubmissions through the whole pipeline: the newest accepted version is in force, and a
rejected resubmission leaves the earlier accepted version in force (raw layer → dbt → publish)."""

from __future__ import annotations

import os
import time

from ntm.runner import run_pipeline
from tests.support.factories import CRITERIA, valid_sheets, write_xlsx
from tests.support.fixtures import query

ROW_OF_SECOND_XA = 2  # index in the 'Tieu chi' rows: 0 is the header, 1 the first xã


def _ntm_communes(settings) -> int:
    rows = query(
        settings,
        "select ntm_communes from reporting.rpt_attainment "
        "where quarter = '2019Q1' and district_code = '026'",
    )
    assert len(rows) == 1
    return rows[0]["ntm_communes"]


def _second_xa_recognised(sheets):
    row = sheets[CRITERIA][ROW_OF_SECOND_XA]
    row[3:22] = ["Đạt"] * 19
    row[22:25] = [19, 2019, "NTM"]
    return sheets


def _write(path, sheets, age_seconds: int):
    write_xlsx(path, sheets)
    stamp = time.time() - age_seconds
    os.utime(path, (stamp, stamp))


def test_newest_accepted_version_is_in_force(ntm_home):
    landing = ntm_home.landing_dir
    _write(landing / "NTM_02-026_2019Q1.xlsx", valid_sheets(), age_seconds=300)
    first = run_pipeline(ntm_home, echo=lambda _: None)
    assert first.success and first.published, first.summary()
    assert _ntm_communes(ntm_home) == 1

    # A resubmission that claims a second NTM commune but carries a bad flag: rejected whole.
    rejected = _second_xa_recognised(valid_sheets())
    rejected[CRITERIA][3][5] = "???"
    _write(landing / "NTM_02-026_2019Q1_v2.xlsx", rejected, age_seconds=200)
    second = run_pipeline(ntm_home, echo=lambda _: None)
    assert second.success and (second.accepted, second.rejected) == (0, 1), second.summary()
    assert _ntm_communes(ntm_home) == 1  # the earlier accepted version stays in force

    # The corrected resubmission is accepted and supersedes the first version.
    _write(landing / "NTM_02-026_2019Q1_v3.xlsx", _second_xa_recognised(valid_sheets()), 100)
    third = run_pipeline(ntm_home, echo=lambda _: None)
    assert third.success and (third.accepted, third.rejected) == (1, 0), third.summary()
    assert _ntm_communes(ntm_home) == 2

    versions = query(
        ntm_home,
        "select file_name, status, is_current from marts.dim_source_workbook order by file_name",
    )
    assert [(v["file_name"], v["status"], v["is_current"]) for v in versions] == [
        ("NTM_02-026_2019Q1.xlsx", "accepted", False),
        ("NTM_02-026_2019Q1_v2.xlsx", "rejected", False),
        ("NTM_02-026_2019Q1_v3.xlsx", "accepted", True),
    ]
