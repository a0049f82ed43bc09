"""Resources, defined once. Paths come from the environment (NTM_HOME) through `dg.EnvVar`.

`ntm.settings.export_environment` gives NTM_HOME and NTM_BUILD_DB safe defaults (`./var`) before
the definitions are built, so `dg.EnvVar` always resolves.
"""

from __future__ import annotations

import sys
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource
from packaging.version import Version

from ntm.settings import Settings, load_settings
from orchestration.defs.dbt.project import ntm_dbt_project

# Every step that writes build.duckdb runs alone: DuckDB allows one writing process.
DUCKDB_WRITER_POOL = "duckdb_writer"


class WarehouseHome(dg.ConfigurableResource):
    """The working area: landing, archive, rejected, build and published warehouse, exports."""

    ntm_home: str

    @property
    def settings(self) -> Settings:
        return load_settings({"NTM_HOME": self.ntm_home})


def dbt_executable() -> str:
    # The dbt next to this interpreter: works without an activated virtualenv.
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


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
        "warehouse": WarehouseHome(ntm_home=dg.EnvVar("NTM_HOME")),
        "duckdb": DuckDBResource(database=dg.EnvVar("NTM_BUILD_DB")),
        "dbt": NtmDbtCliResource(
            project_dir=ntm_dbt_project,
            profiles_dir=str(ntm_dbt_project.profiles_dir),
            dbt_executable=dbt_executable(),
        ),
    }
