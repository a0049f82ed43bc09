"""The Dagster code location: every definition, assembled from the `defs/` package by concern.

Nothing is read at import: `build_definitions` takes the settings resource, which `ntm run` builds
from the command line's Settings and the code location (`defs`, loaded lazily by Dagster) from
`dg.EnvVar` of each variable.
"""

from __future__ import annotations

import dagster as dg

from orchestration.defs import jobs
from orchestration.defs.dbt import assets as dbt_assets
from orchestration.defs.ingest import assets as ingest_assets
from orchestration.defs.ingest import checks as ingest_checks
from orchestration.defs.ingest import sensors as ingest_sensors
from orchestration.defs.ingest.schedules import quarterly_schedule
from orchestration.defs.publish import assets as publish_assets
from orchestration.defs.quality import checks as quality_checks
from orchestration.defs.resources import WarehouseHome, build_resources
from warehouse.crash_points import CrashPoint, no_crash


def build_definitions(
    warehouse: WarehouseHome, crash_point: CrashPoint = no_crash, expectations_early: bool = True
) -> dg.Definitions:
    """Every definition, for these settings (the schedule's day is part of its cron);
    ``crash_point`` and ``expectations_early``: see `build_resources`."""
    schedule_days_after_quarter = warehouse.settings_now().schedule_days_after_quarter
    return dg.Definitions.merge(
        ingest_assets.defs,
        ingest_checks.defs,
        ingest_sensors.defs,
        dbt_assets.defs,
        quality_checks.defs,
        publish_assets.defs,
        jobs.defs,
        dg.Definitions(
            schedules=[quarterly_schedule(schedule_days_after_quarter)],
            resources=build_resources(warehouse, crash_point, expectations_early),
            # Local runs stay in one process: the multiprocess executor reloads the code location
            # for every step (about 15 s each on these machines).
            executor=dg.in_process_executor,
        ),
    )


@dg.definitions
def defs() -> dg.Definitions:
    """The code location (`dagster dev`, `ntm ui`): the settings from the environment."""
    return build_definitions(WarehouseHome.from_environment())
