"""Resources, defined once. The settings are one resource (`WarehouseHome`): `ntm run` gives it
the CLI's Settings, the code location `dg.EnvVar` of each variable; the others read it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from importlib.metadata import version as installed_version

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource
from packaging.version import Version
from pydantic import PrivateAttr

from orchestration.defs.dbt.project import ntm_dbt_project
from sources.guards import GUARD_VARIABLES
from sources.paths import dbt_executable
from warehouse.crash_points import CrashPoint, no_crash
from warehouse.dbt_build import BUILD_TARGET
from warehouse.expectations import ExpectationsWorker
from warehouse.locks import connect_with_wait
from warehouse.settings import VARIABLES, Settings, settings_from, variables_of

# Every step that writes build.duckdb runs alone: DuckDB allows one writing process. A step that
# waits for this pool's slot (another run holds it) waits without a time limit: `ntm run` says
# which run holds it (ntm.runner.say_who_holds_the_writer_pool); the waiting run's event log shows
# "Step blocked by limit for pool duckdb_writer" (debug level), the UI's Deployment → Concurrency
# the run holding the slot.
DUCKDB_WRITER_POOL = "duckdb_writer"

# The variable behind each field of `WarehouseHome`: the settings', then the guards' limits.
RESOURCE_VARIABLES = {
    **VARIABLES,
    **{f"guard_{limit}": name for limit, name in GUARD_VARIABLES.items()},
}


class WarehouseHome(dg.ConfigurableResource):
    """The one Settings object inside Dagster: the working area (landing, archive, rejected, build
    and published warehouse, exports) and the run's policies. Each field is the text of its
    variable (`RESOURCE_VARIABLES`), unset: the Settings default."""

    home: str | None = None
    dagster_home: str | None = None
    schedule_days_after_quarter: str | None = None
    on_time_days: str | None = None
    reporting_until: str | None = None
    lock_timeout_seconds: str | None = None
    duckdb_memory_limit: str | None = None
    dagster_pg_url: str | None = None
    guard_max_file_bytes: str | None = None
    guard_max_zip_entries: str | None = None
    guard_max_entry_bytes: str | None = None
    guard_max_total_bytes: str | None = None
    guard_max_compression_ratio: str | None = None
    guard_max_rows: str | None = None
    guard_max_cols: str | None = None
    guard_max_cells: str | None = None
    guard_ratio_min_entry_bytes: str | None = None

    @property
    def settings(self) -> Settings:
        return settings_from(
            {RESOURCE_VARIABLES[field]: getattr(self, field) for field in RESOURCE_VARIABLES}
        )

    def settings_now(self) -> Settings:
        """The settings as they stand now, before Dagster resolves its `dg.EnvVar` fields for a
        run: for what the definitions themselves need (the schedule's cron); validates them all."""

        def now(value: str | None) -> str | None:
            return value.get_value() if isinstance(value, dg.EnvVar) else value

        return settings_from(
            {RESOURCE_VARIABLES[field]: now(getattr(self, field)) for field in RESOURCE_VARIABLES}
        )

    @classmethod
    def of(cls, settings: Settings) -> WarehouseHome:
        """These Settings (`ntm run` passes the command line's; tests theirs)."""
        variables = variables_of(settings)
        return cls(
            **{
                field: variables[name]
                for field, name in RESOURCE_VARIABLES.items()
                if name in variables
            }
        )

    @classmethod
    def from_environment(cls) -> WarehouseHome:
        """The code location's: each set variable as `dg.EnvVar` (resolved when a run, sensor or
        schedule starts, and shown as the variable in the UI). An unset one is left out, so its
        Settings default applies: `dg.EnvVar` has no default of its own (dagster#16232) and
        fails a run when its variable is unset."""
        return cls(
            **{
                field: dg.EnvVar(name)
                for field, name in RESOURCE_VARIABLES.items()
                if dg.EnvVar(name).get_value()
            }
        )


class WaitingDuckDBResource(dg.ConfigurableResource):
    """The working area's build.duckdb, opened through `warehouse.locks`: a lock held by another
    process is waited for in the open (holder and wait logged in the run) and, after
    NTM_LOCK_TIMEOUT_SECONDS, fails naming the holder, instead of dagster-duckdb's silent
    back-off (~100 s, then a bare IO error)."""

    warehouse: WarehouseHome

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        settings = self.warehouse.settings
        con = connect_with_wait(
            settings.build_db,
            read_only=False,
            timeout_s=settings.lock_timeout_seconds,
            # inside a step this logger writes to the run's event log (and `ntm run`'s console)
            log=dg.get_dagster_logger().warning,
            config={"custom_user_agent": "dagster"},
        )
        try:
            yield con
        finally:
            con.close()


class NtmDbtCliResource(DbtCliResource):
    """dagster-dbt's resource without two start-up costs this project does not use (~5 s a run,
    measured): `dbt --version` in a second dbt process to learn the version, and an in-process
    dbt adapter that only `fetch_row_counts()` / `fetch_column_metadata()` need (not called
    here). Both are private hooks of dagster-dbt, pinned in uv.lock; tests run the real build.
    dagster-dbt 0.29 has no public setting for either: `DbtCliResource.cli` runs both on every
    call (its `fetch_*` options only add work after the build)."""

    @cached_property
    def _cli_version(self) -> Version:
        # The executable is this environment's dbt (see dbt_executable): dbt-core's version.
        return Version(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):  # dagster-dbt hook, see the class docstring
        return None


class ExpectationsResource(dg.ConfigurableResource):
    """Great Expectations' worker process for a run (`warehouse.expectations.ExpectationsWorker`).
    A run in one process (`ntm run`, the in-process executor) sets up every resource of its plan
    when it starts: with ``start_early`` the worker imports GE while the ingest and dbt run, and
    the checks find it ready; without, it starts when the checks ask for it (a large load: see
    `warehouse.expectations.start_worker_early`). It stops when the run ends."""

    start_early: bool = True
    _worker: ExpectationsWorker | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if self.start_early:
            self._worker = ExpectationsWorker()

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._worker is not None:
            self._worker.close()
            self._worker = None

    @property
    def worker(self) -> ExpectationsWorker:
        if self._worker is None:
            self._worker = ExpectationsWorker()
        return self._worker


def build_resources(
    warehouse: WarehouseHome,
    crash_point: CrashPoint = no_crash,
    expectations_early: bool = True,
) -> dict[str, object]:
    """The resources of these settings. ``crash_point``: the ingest's and the publish's crash
    point hook (warehouse/crash_points.py), a no-op but in crash tests; ``expectations_early``:
    whether the GE worker starts with the run (`ExpectationsResource`)."""
    return {
        "warehouse": warehouse,
        "crash_point": dg.ResourceDefinition.hardcoded_resource(crash_point),
        "duckdb": WaitingDuckDBResource(warehouse=warehouse),
        "expectations": ExpectationsResource(start_early=expectations_early),
        "dbt": NtmDbtCliResource(
            project_dir=ntm_dbt_project,
            profiles_dir=str(ntm_dbt_project.profiles_dir),
            target=BUILD_TARGET,
            dbt_executable=dbt_executable(),
        ),
    }
