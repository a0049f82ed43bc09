"""The Dagster code location: every definition, assembled from the `defs/` package by concern."""

from __future__ import annotations

import dagster as dg

from ntm.settings import export_environment, load_settings

# Safe defaults for the environment the resources read (NTM_HOME=./var), before they are built.
export_environment(load_settings())

from orchestration.defs import jobs  # noqa: E402
from orchestration.defs.dbt import assets as dbt_assets  # noqa: E402
from orchestration.defs.ingest import assets as ingest_assets  # noqa: E402
from orchestration.defs.ingest import checks as ingest_checks  # noqa: E402
from orchestration.defs.ingest import schedules as ingest_schedules  # noqa: E402
from orchestration.defs.ingest import sensors as ingest_sensors  # noqa: E402
from orchestration.defs.publish import assets as publish_assets  # noqa: E402
from orchestration.defs.quality import checks as quality_checks  # noqa: E402
from orchestration.defs.resources import build_resources  # noqa: E402

defs = dg.Definitions.merge(
    ingest_assets.defs,
    ingest_checks.defs,
    ingest_sensors.defs,
    ingest_schedules.defs,
    dbt_assets.defs,
    quality_checks.defs,
    publish_assets.defs,
    jobs.defs,
    dg.Definitions(
        resources=build_resources(),
        # Local runs stay in one process: the multiprocess executor reloads the code location
        # for every step (about 15 s each on these machines).
        executor=dg.in_process_executor,
    ),
)
