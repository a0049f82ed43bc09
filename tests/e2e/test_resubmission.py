"""Resubmissions through the whole pipeline: the newest accepted version is in force, and a
rejected resubmission leaves the earlier accepted version in force (raw layer → dbt → publish)."""

from __future__ import annotations

import json
import os
import time

from ntm.runner import run_pipeline
from tests.support.factories import CRITERIA, valid_sheets, write_xlsx
from tests.support.fixtures import query
from warehouse.dbt_build import FULL_BUILDS_TABLE

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

    # Runs after the first built only what the raw layer feeds (no seed was loaded again): a
    # full rebuild now must publish exactly the same reporting views, row for row.
    assert _full_builds(ntm_home) == 1
    assert _seeds_built(ntm_home) == 0
    scoped = _reporting_views(ntm_home)
    rebuilt = run_pipeline(ntm_home, rebuild=True, echo=lambda _: None)
    assert rebuilt.success and rebuilt.published, rebuilt.summary()
    assert _full_builds(ntm_home) == 2
    assert _seeds_built(ntm_home) > 0
    full = _reporting_views(ntm_home)
    assert len(full) >= 8 and all(full.values()), {view: len(rows) for view, rows in full.items()}
    for view, rows in full.items():
        assert scoped[view] == rows, view


def _full_builds(settings) -> int:
    return query(settings, f"select count(*) as n from {FULL_BUILDS_TABLE}")[0]["n"]


def _seeds_built(settings) -> int:
    """Seeds in the working area's last dbt build (dbt's run_results.json)."""
    results = json.loads((settings.dbt_target_dir / "run_results.json").read_text())
    return sum(1 for r in results["results"] if r["unique_id"].startswith("seed."))


def _reporting_views(settings) -> dict[str, list[dict]]:
    """Every reporting view of the published warehouse, its rows in a fixed order."""
    views = query(
        settings,
        "select table_name from information_schema.views where table_schema = 'reporting'",
    )
    return {
        v["table_name"]: query(settings, f"select * from reporting.{v['table_name']} order by all")
        for v in views
    }
