"""The demo warehouse (`demo_run`, loaded with received times from the mtimes) tells the demo's
reporting story (`sources.demo.story`; the files themselves: unit/test_demo_story.py)."""

from __future__ import annotations

from sources.demo.story import (
    CORRECTED_DAYS,
    LATE,
    submissions,
)
from tests.support.fixtures import CORRECTED_FILE, REJECTED_FILE, query


# --- in the warehouse ------------------------------------------------------------------------
def test_warehouse_received_the_story(demo_run) -> None:
    settings, report = demo_run
    assert report.success, report.failure
    arrivals = {s.file_name: s.arrives_at for s in submissions()}
    audit = query(
        settings,
        "select file_name, status, is_current, received_at from reporting.rpt_workbook_audit",
    )
    assert {r["file_name"]: r["received_at"] for r in audit} == arrivals
    assert [r["file_name"] for r in audit if r["status"] == "rejected"] == [REJECTED_FILE]
    in_force = [r["file_name"] for r in audit if r["is_current"] and "_2019Q4" in r["file_name"]]
    assert CORRECTED_FILE in in_force and REJECTED_FILE not in in_force
    basis = query(settings, "select distinct received_basis from reporting.rpt_workbook_audit")
    assert basis == [{"received_basis": "file_mtime"}]


def test_reporting_status_tells_the_story(demo_run) -> None:
    settings, _ = demo_run
    rows = query(
        settings,
        "select quarter, district_code, status, rejected_versions, days_after_quarter_end "
        "from reporting.rpt_reporting_status where district_code is not null",
    )
    by_key = {(r["district_code"], r["quarter"]): r for r in rows}
    assert len(by_key) == 11 * 20
    statuses = [r["status"] for r in rows]
    assert statuses.count("missing") == 1
    assert statuses.count("accepted_late") == len(LATE)
    assert statuses.count("accepted_on_time") == 220 - 1 - len(LATE)
    assert by_key[("030", "2019Q3")]["status"] == "missing"
    for (district, year, quarter), days in LATE.items():
        row = by_key[(district, f"{year}Q{quarter}")]
        assert (row["status"], row["days_after_quarter_end"]) == ("accepted_late", days)
    corrected = by_key[("032", "2019Q4")]
    assert (corrected["status"], corrected["rejected_versions"]) == ("accepted_on_time", 1)
    assert corrected["days_after_quarter_end"] == CORRECTED_DAYS
