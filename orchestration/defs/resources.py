"""Resources, defined once. Paths come from the environment (NTM_HOME) through `dg.EnvVar`.

`ntm.settings.export_environment` gives NTM_HOME and NTM_BUILD_DB safe defaults (`./var`) before
the definitions are built, so `dg.EnvVar` always resolves.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from importlib.metadata import version as installed_version

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource
from packaging.version import Version

from ntm.settings import DEFAULT_LOCK_TIMEOUT_SECONDS, Settings, load_settings
from orchestration.defs.dbt.project import ntm_dbt_project
from sources.paths import dbt_executable
from warehouse.locks import connect_with_wait

# Every step that writes build.duckdb runs alone: DuckDB allows one writing process. A step that
# waits for this pool's slot (another run holds it) waits without a time limit: `ntm run` says
# which run holds it (ntm.runner.say_who_holds_the_writer_pool); the waiting run's event log shows
# "Step blocked by limit for pool duckdb_writer" (debug level), the UI's Deployment → Concurrency
# the run holding the slot.
DUCKDB_WRITER_POOL = "duckdb_writer"


class WarehouseHome(dg.ConfigurableResource):
    """The working area: landing, archive, rejected, build and published warehouse, exports."""

    ntm_home: str
    # NTM_LOCK_TIMEOUT_SECONDS, read once by ntm.settings and exported for the code location.
    lock_timeout_seconds: int = DEFAULT_LOCK_TIMEOUT_SECONDS

    @property
    def settings(self) -> Settings:
        return load_settings(
            {"NTM_HOME": self.ntm_home, "NTM_LOCK_TIMEOUT_SECONDS": str(self.lock_timeout_seconds)}
        )


class WaitingDuckDBResource(DuckDBResource):
    """dagster-duckdb's resource, opening the file through `warehouse.locks`: a lock held by
    another process is waited for in the open (holder and wait logged in the run) and, after
    NTM_LOCK_TIMEOUT_SECONDS, fails naming the holder, instead of dagster-duckdb's silent
    back-off (~100 s, then a bare IO error)."""

    lock_timeout_seconds: int = DEFAULT_LOCK_TIMEOUT_SECONDS

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = connect_with_wait(
            self.database,
            read_only=False,
            timeout_s=self.lock_timeout_seconds,
            # inside a step this logger writes to the run's event log (and `ntm run`'s console)
            log=dg.get_dagster_logger().warning,
            config={"custom_user_agent": "dagster", **self.connection_config},
        )
        try:
            yield con
        finally:
            con.close()


class NtmDbtCliResource(DbtCliResource):
    """dagster-dbt's resource without two start-up costs this project does not use (~5 s a run,
    measured): `dbt --version` in a second dbt process to learn the version, and an in-process
    dbt adapter that only `fetch_row_counts()` / `fetch_column_metadata()` need (not called
    here). Both are private hooks of dagster-dbt, pinned in uv.lock; tests run the real build."""

    @cached_property
    def _cli_version(self) -> Version:
        # The executable is this environment's dbt (see dbt_executable): dbt-core's version.
        return Version(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):  # dagster-dbt hook, see the class docstring
        return None


def build_resources() -> dict[str, object]:
    return {
        "warehouse": WarehouseHome(
            ntm_home=dg.EnvVar("NTM_HOME"),
            lock_timeout_seconds=dg.EnvVar.int("NTM_LOCK_TIMEOUT_SECONDS"),
        ),
        "duckdb": WaitingDuckDBResource(
            database=dg.EnvVar("NTM_BUILD_DB"),
            lock_timeout_seconds=dg.EnvVar.int("NTM_LOCK_TIMEOUT_SECONDS"),
        ),
        "dbt": NtmDbtCliResource(
            project_dir=ntm_dbt_project,
            profiles_dir=str(ntm_dbt_project.profiles_dir),
            dbt_executable=dbt_executable(),
        ),
    }
