"""The quarterly schedule: some days after a quarter ends, run that quarter and say who is missing.

The day is `NTM_SCHEDULE_DAYS_AFTER_QUARTER` (default 15) of the month after the quarter, at
07:00 Vietnam time. The missing districts come from the published warehouse (read-only, like any
BI tool: the build file may be in use by a run) against the GSO units of the quarter.
"""

from datetime import date

import dagster as dg
import duckdb

from ntm.settings import Settings, load_settings
from orchestration.defs.jobs import ntm_pipeline_job
from orchestration.defs.partitions import partition_of_quarter
from orchestration.defs.resources import WarehouseHome
from sources.reference import load_admin_units, quarter_end

SCHEDULE_SETTINGS = load_settings()


def previous_quarter(day: date) -> str:
    """The quarter that ended most recently before ``day``: 2019-04-15 → 2019Q1."""
    quarter = (day.month - 1) // 3  # 0 = the first quarter of ``day``'s year has not ended
    return f"{day.year - 1}Q4" if quarter == 0 else f"{day.year}Q{quarter}"


def expected_districts(province_code: str, quarter: str) -> set[str]:
    """Districts of a province on the quarter's last day that have commune-level units."""
    admin = load_admin_units()
    snapshot = admin.snapshot_for(quarter_end(quarter)).isoformat()
    frame = admin.frame
    rows = frame[(frame["snapshot_date"] == snapshot) & (frame["province_code"] == province_code)]
    return set(rows["district_code"])


def missing_districts(settings: Settings, quarter: str) -> list[str]:
    """`PP-DDD` of every district of the reporting provinces without an accepted workbook."""
    if not settings.warehouse_db.exists():
        return []
    with duckdb.connect(str(settings.warehouse_db), read_only=True) as con:
        rows = con.execute(
            "select province_code, district_code, quarter, status from raw.workbook_versions "
            "where province_code is not null"
        ).fetchall()
    provinces = {province for province, *_ in rows}
    accepted = {
        (province, district)
        for province, district, row_quarter, status in rows
        if row_quarter == quarter and status == "accepted"
    }
    return sorted(
        f"{province}-{district}"
        for province in provinces
        for district in expected_districts(province, quarter)
        if (province, district) not in accepted
    )


@dg.schedule(
    job=ntm_pipeline_job,
    cron_schedule=f"0 7 {SCHEDULE_SETTINGS.schedule_days_after_quarter} 1,4,7,10 *",
    execution_timezone="Asia/Ho_Chi_Minh",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Runs the quarter that just ended, some days after its end "
    "(NTM_SCHEDULE_DAYS_AFTER_QUARTER), and reports the districts still missing.",
)
def quarterly_schedule(context: dg.ScheduleEvaluationContext, warehouse: WarehouseHome):
    quarter = previous_quarter(context.scheduled_execution_time.date())
    missing = missing_districts(warehouse.settings, quarter)
    if missing:
        context.log.warning(f"{quarter}: {len(missing)} districts missing: {', '.join(missing)}")
    return dg.RunRequest(
        run_key=f"scheduled:{quarter}",
        partition_key=partition_of_quarter(quarter),
        tags={
            "ntm/trigger": "quarterly_schedule",
            "ntm/missing_districts": ", ".join(missing)[:1000] or "none",
            "ntm/missing_count": str(len(missing)),
        },
    )


defs = dg.Definitions(schedules=[quarterly_schedule])
