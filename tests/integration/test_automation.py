"""The quarterly schedule on a real DuckDB: it names the districts the published status lists as
not received (the landing sensor alone: unit/test_automation.py)."""

from __future__ import annotations

from datetime import datetime

import dagster as dg
import duckdb

from orchestration.defs.ingest.schedules import missing_districts
from orchestration.defs.resources import WarehouseHome


def test_schedule_runs_the_quarter_that_ended_and_names_missing_districts(ntm_home):
    """The tag reads the published rpt_reporting_status (the whole pipeline's version of this is
    in e2e/test_reporting_calendar.py); a quarter the view does not know is said to be unknown."""
    from orchestration.defs.ingest.schedules import quarterly_schedule

    with duckdb.connect(str(ntm_home.warehouse_db)) as con:
        con.execute("create schema reporting")
        con.execute(
            "create table reporting.rpt_reporting_status as select * from (values "
            "('2019Q1', '02', '026', '026', 'accepted_on_time'), "
            "('2019Q1', '02', '027', '027', 'rejected'), "
            "('2019Q1', '02', '028', '028', 'missing'), "
            "('2019Q1', '02', '029', '029', 'accepted_late'), "
            "('2019Q1', '02', null, null, 'missing'), "
            # from 2025Q3 the reporters are communes: district_code null on every row
            "('2025Q3', '08', null, '00700', 'accepted_on_time'), "
            "('2025Q3', '08', null, '00706', 'missing'), "
            "('2025Q3', '08', null, null, 'missing')"
            ") as t(quarter, province_code, district_code, reporter_code, status)"
        )
    assert missing_districts(ntm_home, "2019Q1") == ["02-027", "02-028"]  # rejected: not received
    assert missing_districts(ntm_home, "2025Q3") == ["08-00706"]  # the province row is no commune

    def tick(when: datetime):
        with dg.build_schedule_context(
            scheduled_execution_time=when,
            resources={"warehouse": WarehouseHome.of(ntm_home)},
        ) as context:
            return quarterly_schedule(ntm_home.schedule_days_after_quarter)(context)

    request = tick(datetime(2019, 4, 15, 7, 0))
    assert request.partition_key == "2019-01-01"
    assert request.tags["ntm/missing_count"] == "2"
    assert request.tags["ntm/missing_districts"] == "02-027, 02-028"

    beyond = tick(datetime(2019, 7, 15, 7, 0))  # 2019Q2: not on the calendar
    assert beyond.partition_key == "2019-04-01"
    assert beyond.tags["ntm/missing_count"] == "unknown"
