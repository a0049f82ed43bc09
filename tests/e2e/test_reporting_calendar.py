"""Reporting calendar and timeliness through the real `ntm run` on workbooks the tests write:
a quarter in which nothing arrived is `missing`, a late one `accepted_late`, a rejected one
`rejected`, a quarter before its deadline `not_yet_due` (the quarter under way, in the commune
era: the districts' calendar ends in 2025Q2); each
file has its own received time and basis (`--received-from-mtime` records the file's modification
time as `file_mtime`); the quarterly schedule's missing-districts tag reads the published view."""

from __future__ import annotations

import os
import time
from datetime import date, datetime, timedelta

import dagster as dg
from click.testing import CliRunner

from ntm.cli import main
from orchestration.defs.ingest.schedules import quarterly_schedule
from orchestration.defs.ingest.sensors import landing_sensor
from orchestration.defs.resources import WarehouseHome
from sources.arrivals import load_arrivals
from sources.contract import LAST_DISTRICT_QUARTER
from tests.support.commune import (
    COMMUNE,
    OTHER_COMMUNE,
    PROVINCE,
    commune_sheets,
    commune_workbook,
    set_cover,
)
from tests.support.factories import COVER, CRITERIA, valid_sheets, write_xlsx
from tests.support.fixtures import query
from warehouse.trace import trace
from warehouse.trace_recipes import RECIPES

# Hà Giang's districts on the GSO units of 2019-2020 (the calendar expects every one of them).
HA_GIANG = ["024", "026", "027", "028", "029", "030", "031", "032", "033", "034", "035"]
STATUS_COLUMNS = (
    "quarter, district_code, district_name, status, received, accepted, rejected_versions, "
    "districts_expected, districts_reporting, is_complete, accepted_at, received_basis, due_on, "
    "days_after_quarter_end, completeness_pct, timeliness_pct"
)


def _workbook(path, quarter: str, prepared_on: date, modified: datetime, rejected=False):
    """District 026's workbook for ``quarter``, written with the real writer, its modification
    time set to ``modified`` (when the district 'sent' it)."""
    sheets = valid_sheets()
    sheets[COVER][4][1] = f"{quarter[:4]}-{quarter[4:]}"
    sheets[COVER][5][1] = prepared_on
    if rejected:
        sheets[CRITERIA][3][5] = "???"  # not a criterion status: the workbook is rejected whole
    write_xlsx(path, sheets)
    stamp = modified.timestamp()
    os.utime(path, (stamp, stamp))
    return path


def _current_quarter(today: date) -> tuple[str, date]:
    """(quarter key, last day) of the quarter ``today`` is in."""
    number = (today.month - 1) // 3 + 1
    next_start = date(today.year + (number == 4), 1 if number == 4 else 3 * number + 1, 1)
    return f"{today.year}Q{number}", next_start - timedelta(days=1)


def _ntm_run(*args: str):
    result = CliRunner().invoke(main, ["run", *args])
    assert result.exit_code == 0, result.output
    return result


def _status(settings, where: str) -> list[dict]:
    return query(
        settings,
        f"select {STATUS_COLUMNS} from reporting.rpt_reporting_status where {where} "
        "order by quarter, district_code nulls first",
    )


def _schedule_tags(settings, when: datetime) -> dict[str, str]:
    # As a context manager: its resources (and their ephemeral instance) close when it ends.
    with dg.build_schedule_context(
        scheduled_execution_time=when,
        resources={"warehouse": WarehouseHome.of(settings)},
    ) as context:
        return quarterly_schedule(settings.schedule_days_after_quarter)(context).tags


def _row(quarter, status, received, accepted, rejected, accepted_at, basis, due_on, days):
    """District 026's expected row (its district row: one expected district)."""
    reporting = int(accepted_at is not None)
    return {
        "quarter": quarter,
        "district_code": "026",
        "district_name": "Huyện Đồng Văn",
        "status": status,
        "received": received,
        "accepted": accepted,
        "rejected_versions": rejected,
        "districts_expected": 1,
        "districts_reporting": reporting,
        "is_complete": bool(reporting),
        "accepted_at": accepted_at,
        "received_basis": basis,
        "due_on": due_on,
        "days_after_quarter_end": days,
        "completeness_pct": 100.0 * reporting,
        "timeliness_pct": 100.0 if status == "accepted_on_time" else 0.0,
    }


def test_historical_load_every_status_and_the_schedule_tag(ntm_home, monkeypatch):
    today = date.today()
    current, current_last_day = _current_quarter(today)
    monkeypatch.setenv("NTM_REPORTING_UNTIL", current)
    landing = ntm_home.landing_dir
    on_time = datetime(2019, 4, 10, 9, 0)  # 10 days after 2019Q1 ends: on time (15 days)
    late = datetime(2019, 10, 30, 14, 30)  # 30 days after 2019Q3 ends
    refused = datetime(2020, 1, 5, 8, 0)  # 2019Q4, rejected by validation
    _workbook(landing / "NTM_02-026_2019Q1.xlsx", "2019Q1", date(2019, 4, 5), on_time)
    _workbook(landing / "NTM_02-026_2019Q3.xlsx", "2019Q3", date(2019, 10, 28), late)
    _workbook(landing / "NTM_02-026_2019Q4.xlsx", "2019Q4", date(2020, 1, 3), refused, True)
    # nothing for 2019Q2 or any later district quarter; one commune sends the quarter under way
    sheets = set_cover(commune_sheets(current), "prepared_on", today)
    commune_workbook(landing, sheets, name=f"NTM_{PROVINCE}-{COMMUNE}_{current}.xlsx")

    result = _ntm_run("--received-from-mtime")

    # every file received at its own modification time, and the audit says it was told so
    audit = query(
        ntm_home,
        "select file_name, status, received_at, received_basis, file_modified_at "
        "from reporting.rpt_workbook_audit where province_code = '02' order by file_name",
    )
    assert audit == [
        {
            "file_name": "NTM_02-026_2019Q1.xlsx",
            "status": "accepted",
            "received_at": on_time,
            "received_basis": "file_mtime",
            "file_modified_at": on_time,
        },
        {
            "file_name": "NTM_02-026_2019Q3.xlsx",
            "status": "accepted",
            "received_at": late,
            "received_basis": "file_mtime",
            "file_modified_at": late,
        },
        {
            "file_name": "NTM_02-026_2019Q4.xlsx",
            "status": "rejected",
            "received_at": refused,
            "received_basis": "file_mtime",
            "file_modified_at": refused,
        },
    ]

    rows = _status(ntm_home, "district_code = '026' and quarter between '2019Q1' and '2020Q1'")
    assert rows == [
        _row("2019Q1", "accepted_on_time", 1, 1, 0, on_time, "file_mtime", date(2019, 4, 15), 10),
        _row("2019Q2", "missing", 0, 0, 0, None, None, date(2019, 7, 15), None),
        _row("2019Q3", "accepted_late", 1, 1, 0, late, "file_mtime", date(2019, 10, 15), 30),
        _row("2019Q4", "rejected", 1, 0, 1, None, "file_mtime", date(2020, 1, 15), None),
        _row("2020Q1", "missing", 0, 0, 0, None, None, date(2020, 4, 15), None),
    ]
    # the districts' calendar runs from the first declared quarter to the last district quarter
    # (2025Q2): two-tier Vietnam has no districts, whatever NTM_REPORTING_UNTIL says
    calendar = query(
        ntm_home,
        "select quarter, list(district_code order by district_code) as districts "
        "from reporting.rpt_reporting_status where district_code is not null "
        "group by quarter order by quarter",
    )
    assert calendar[0]["quarter"] == "2019Q1" and calendar[-1]["quarter"] == LAST_DISTRICT_QUARTER
    assert len(calendar) == 4 * (2025 - 2019) + 2
    assert all(r["districts"] == HA_GIANG for r in calendar)

    # province rows: the least advanced district's status, and their coverage
    provinces = query(
        ntm_home,
        "select quarter, province_name, status, expected, received, accepted, "
        "districts_expected, districts_reporting, is_complete, received_basis, "
        "completeness_pct, timeliness_pct from reporting.rpt_reporting_status "
        "where province_code = '02' and district_code is null "
        "and quarter in ('2019Q1', '2019Q4') order by quarter",
    )
    province = {"province_name": "Tỉnh Hà Giang", "expected": 11, "districts_expected": 11}
    assert provinces == [
        {
            **province,
            "quarter": "2019Q1",
            "status": "missing",
            "received": 1,
            "accepted": 1,
            "districts_reporting": 1,
            "is_complete": False,
            "received_basis": "file_mtime",
            "completeness_pct": 9.09,
            "timeliness_pct": 9.09,
        },
        {
            **province,
            "quarter": "2019Q4",
            "status": "missing",
            "received": 1,
            "accepted": 0,
            "districts_reporting": 0,
            "is_complete": False,
            "received_basis": "file_mtime",
            "completeness_pct": 0.0,
            "timeliness_pct": 0.0,
        },
    ]

    # the quarter under way: a commune of Tuyên Quang has sent it, the others are not yet due
    # (every current unit of the province is expected; due 15 days after the quarter ends)
    due = current_last_day + timedelta(days=15)
    new_era = query(
        ntm_home,
        "select reporter_level, reporter_code, status, received, accepted, due_on, "
        "reporters_expected, reporters_reporting, is_complete "
        "from reporting.rpt_reporting_status "
        f"where province_code = '08' and quarter = '{current}' "
        f"and (reporter_code in ('{COMMUNE}', '{OTHER_COMMUNE}') or reporter_code is null) "
        "order by reporter_code nulls first",
    )
    assert [(r["reporter_level"], r["reporter_code"], r["status"]) for r in new_era] == [
        ("commune", None, "not_yet_due"),  # the province row: its reporters are communes
        ("commune", COMMUNE, "accepted_on_time"),
        ("commune", OTHER_COMMUNE, "not_yet_due"),
    ]
    assert {r["due_on"] for r in new_era} == {due}
    assert (new_era[0]["reporters_expected"], new_era[0]["reporters_reporting"]) == (124, 1)
    assert (new_era[2]["received"], new_era[2]["accepted"], new_era[2]["is_complete"]) == (
        0,
        0,
        False,
    )

    # every figure of the view recomputes from the ledger and the calendar (`ntm trace`)
    wheres = (
        "quarter = '2019Q1' and district_code is null",
        "quarter = '2019Q3' and district_code = '026'",
    )
    for where in wheres:
        for column in RECIPES["rpt_reporting_status"].measures:
            traced = trace(
                ntm_home.warehouse_db,
                "rpt_reporting_status",
                where,
                column,
                on_time_days=ntm_home.on_time_days,
            )
            assert traced.matches, (where, column, traced.figure, traced.recomputed)

    # `ntm run` says how complete and timely the latest quarter that received anything is
    others = ", ".join(code for code in HA_GIANG if code != "026")
    assert (
        "2019Q4 Tỉnh Hà Giang: 0/11 districts reporting (0.00 % complete), 0 on time (0.00 %); "
        f"status missing; late: none; rejected: 026; missing: {others}; not yet due: none; "
        "received times: file_mtime"
    ) in result.output

    # the schedule's tag is the view's list of districts without an accepted workbook
    q1 = _schedule_tags(ntm_home, datetime(2019, 4, 15, 7, 0))
    assert q1["ntm/missing_count"] == "10"
    assert q1["ntm/missing_districts"] == ", ".join(
        f"02-{code}" for code in HA_GIANG[:1] + HA_GIANG[2:]
    )
    q4 = _schedule_tags(ntm_home, datetime(2020, 1, 15, 7, 0))
    assert q4["ntm/missing_count"] == "11"
    assert q4["ntm/missing_districts"] == ", ".join(f"02-{code}" for code in HA_GIANG)


def test_received_times_are_each_files_first_sighting(ntm_home):
    landing = ntm_home.landing_dir
    long_ago = datetime(2019, 4, 10, 9, 0)
    first = _workbook(landing / "NTM_02-026_2019Q1.xlsx", "2019Q1", date(2019, 4, 5), long_ago)
    # The landing sensor sees the first file: that sighting is its received time.
    context = dg.build_sensor_context(resources={"warehouse": WarehouseHome.of(ntm_home)})
    assert list(landing_sensor(context))
    seen_by_sensor = next(iter(load_arrivals(ntm_home.home).values())).received_at
    time.sleep(1.1)
    # A second file lands later; a manual `ntm run` (no sensor) loads both.
    _workbook(landing / "NTM_02-026_2019Q2.xlsx", "2019Q2", date(2019, 7, 5), long_ago)
    started = datetime.now()
    _ntm_run()
    finished = datetime.now()

    audit = query(
        ntm_home,
        "select file_name, received_at, received_basis, file_modified_at "
        "from reporting.rpt_workbook_audit where province_code = '02' order by file_name",
    )
    assert [(r["file_name"], r["received_basis"], r["file_modified_at"]) for r in audit] == [
        (first.name, "first_seen", long_ago),
        ("NTM_02-026_2019Q2.xlsx", "first_seen", long_ago),
    ]
    assert audit[0]["received_at"] == seen_by_sensor < started  # the sensor saw it first
    assert started <= audit[1]["received_at"] <= finished  # seen by this run's scan
    ledger = {a.received_at for a in load_arrivals(ntm_home.home).values()}
    assert ledger == {r["received_at"] for r in audit}

    # timeliness is judged on those times: both far beyond 2019's deadlines
    statuses = _status(ntm_home, "district_code = '026'")
    assert [(r["quarter"], r["status"], r["received_basis"]) for r in statuses] == [
        ("2019Q1", "accepted_late", "first_seen"),
        ("2019Q2", "accepted_late", "first_seen"),
    ]
