"""The quarterly schedule: some days after a quarter ends, run that quarter and say who is missing.

The day is `NTM_SCHEDULE_DAYS_AFTER_QUARTER` (default 15) of the month after the quarter, at
07:00 Vietnam time. The districts still without an accepted workbook are read from
reporting.rpt_reporting_status of the published warehouse (read-only, like any BI tool: the build
file may be in use by a run), so the tag says exactly what the view says.
"""

import dagster as dg
import duckdb

from orchestration.defs.jobs import ntm_pipeline_job
from orchestration.defs.partitions import partition_of_quarter
from orchestration.defs.resources import WarehouseHome
from sources.quarters import previous_quarter
from warehouse.settings import Settings

# Reporter rows of the quarter without an accepted workbook: missing, rejected, or not yet due
# (the schedule may run before the on-time window closes). Reporters are districts up to 2025Q2
# (`PP-DDD`) and communes from 2025Q3 (`PP-CCCCC`, district_code null): a reporter row is one
# with a reporter_code, the province row has none.
MISSING_SQL = """
select province_code || '-' || reporter_code as district, status
from reporting.rpt_reporting_status
where quarter = ? and reporter_code is not null
  and status not in ('accepted_on_time', 'accepted_late')
order by province_code, reporter_code
"""
CALENDAR_SQL = "select count(*) from reporting.rpt_reporting_status where quarter = ?"
NOT_ON_CALENDAR = "unknown: the quarter is not on the reporting calendar (set NTM_REPORTING_UNTIL)"


def reporting_gaps(settings: Settings, quarter: str) -> list[tuple[str, str]] | None:
    """[(`PP-DDD` or, from 2025Q3, `PP-CCCCC`, status)] of the quarter's reporters (districts,
    from 2025Q3 communes) without an accepted workbook, from the published rpt_reporting_status;
    None when the view does not know the quarter (no published warehouse, or the quarter is
    beyond the reporting calendar)."""
    if not settings.warehouse_db.exists():
        return None
    try:
        with duckdb.connect(str(settings.warehouse_db), read_only=True) as con:
            if not con.execute(CALENDAR_SQL, [quarter]).fetchone()[0]:
                return None
            return [(row[0], row[1]) for row in con.execute(MISSING_SQL, [quarter]).fetchall()]
    except duckdb.CatalogException:  # a warehouse published before the view existed
        return None


def missing_districts(settings: Settings, quarter: str) -> list[str]:
    """`PP-DDD` of every expected district (from 2025Q3 `PP-CCCCC` of every commune) without an
    accepted workbook for ``quarter``."""
    return [district for district, _ in reporting_gaps(settings, quarter) or []]


def quarterly_schedule(days_after_quarter: int) -> dg.ScheduleDefinition:
    """The schedule, on day ``days_after_quarter`` of the month after each quarter (a cron is
    fixed when the definitions are built: from the settings the code location resolves)."""

    @dg.schedule(
        name="quarterly_schedule",
        job=ntm_pipeline_job,
        cron_schedule=f"0 7 {days_after_quarter} 1,4,7,10 *",
        execution_timezone="Asia/Ho_Chi_Minh",
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description="Runs the quarter that just ended, some days after its end "
        "(NTM_SCHEDULE_DAYS_AFTER_QUARTER), and reports the districts still without an accepted "
        "workbook, as reporting.rpt_reporting_status shows them.",
    )
    def _quarterly_schedule(context: dg.ScheduleEvaluationContext, warehouse: WarehouseHome):
        quarter = previous_quarter(context.scheduled_execution_time.date())
        gaps = reporting_gaps(warehouse.settings, quarter)
        if gaps is None:
            missing_tag, count_tag = NOT_ON_CALENDAR, "unknown"
            context.log.warning(f"{quarter}: {NOT_ON_CALENDAR}")
        else:
            missing_tag = ", ".join(district for district, _ in gaps)[:1000] or "none"
            count_tag = str(len(gaps))
            if gaps:
                described = ", ".join(f"{district} ({status})" for district, status in gaps)
                context.log.warning(f"{quarter}: {len(gaps)} districts missing: {described}")
        return dg.RunRequest(
            run_key=f"scheduled:{quarter}",
            partition_key=partition_of_quarter(quarter),
            tags={
                "ntm/trigger": "quarterly_schedule",
                "ntm/missing_districts": missing_tag,
                "ntm/missing_count": count_tag,
            },
        )

    return _quarterly_schedule
