"""The dbt project as assets: seeds, staging, intermediate, marts and the reporting views.

dbt tests become asset checks. The raw sources map onto the ingest assets' keys, so the lineage
runs from the landing folder to the reporting views.
"""

import time
from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from orchestration.defs.dbt.project import ntm_dbt_project
from orchestration.defs.resources import DUCKDB_WRITER_POOL, WarehouseHome
from sources.paths import REPORTING_SCHEMA
from warehouse.dbt_build import (
    FULL,
    BuildScope,
    dbt_vars_argument,
    record_full_build,
    scope_of_next_build,
)
from warehouse.locks import LockTimeoutError, lock_error_in, wait_until_free
from warehouse.settings import Settings

# Unit tests check the SQL logic on fixed inputs, not the data: they run in the test suite (CI)
# on every change, as dbt recommends, and would add ~25 % to every production build.
BUILD_ARGS = ["build", "--exclude-resource-type", "unit_test"]
# A run tagged so builds everything (`ntm run --rebuild`); otherwise warehouse.dbt_build decides.
REBUILD_TAG = "ntm/rebuild"


def build_args(settings: Settings, scope: BuildScope | None = None) -> list[str]:
    """`dbt build` of the scope's nodes (all without one) with what the models and the profile
    read from the settings, as vars: dbt runs in its own process, which gets them as arguments,
    not through the environment. (dbt takes a `--selector` over dagster-dbt's `--select`.)"""
    selection = scope.selection if scope else []
    return [*BUILD_ARGS, *selection, *dbt_vars_argument(settings)]


class NtmDbtTranslator(DagsterDbtTranslator):
    """Asset keys are `[schema, name]` (`raw/criteria_rows`, `reporting/rpt_attainment`)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        schema = dbt_resource_props.get("config", {}).get("schema") or "main"
        return dg.AssetKey([schema, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        # A model may name its group in YAML (`config: meta: dagster: group: quality`).
        meta = dbt_resource_props.get("config", {}).get("meta", {}) or {}
        return meta.get("dagster", {}).get("group") or "warehouse"

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return ["team:data-engineering"]


@dbt_assets(
    manifest=ntm_dbt_project.manifest_path,
    project=ntm_dbt_project,
    dagster_dbt_translator=NtmDbtTranslator(),
    pool=DUCKDB_WRITER_POOL,
)
def ntm_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseHome
) -> Iterator[Any]:
    """`dbt build`: seeds, models and their data tests in dependency order; a failing test stops
    what depends on it."""
    # One target folder per working area keeps dbt's partial-parse state valid between runs (the
    # profile, and so the parse cache, depends on the working area's build.duckdb): a full parse
    # costs ~10 s, a partial one ~1 s.
    settings = warehouse.settings
    target = settings.dbt_target_dir
    # dbt-duckdb tries to open the build once and fails at once when another process holds it:
    # wait here as every other step does (holder logged, NTM_LOCK_TIMEOUT_SECONDS), and turn a
    # lock taken in the moment between into the same clear error.
    started = time.monotonic()
    wait_until_free(
        settings.build_db,
        read_only=False,
        timeout_s=settings.lock_timeout_seconds,
        log=context.log.warning,
    )
    scope = scope_of_next_build(
        settings, rebuild=context.run.tags.get(REBUILD_TAG) == "true", log=context.log.warning
    )
    context.log.info(f"dbt build scope: {scope.scope} ({scope.reason})")
    if scope.scope == FULL and context.selected_asset_keys != context.assets_def.keys:
        # `ntm run` planned only what the raw layer feeds, and the build changed since.
        raise dg.Failure(
            f"this run selects only part of the dbt project, but the build needs a full one "
            f"({scope.reason}): run again (`ntm run --rebuild` forces it)"
        )
    try:
        yield from dbt.cli(
            build_args(settings, scope), context=context, target_path=target
        ).stream()
    except DagsterDbtCliRuntimeError as error:
        holder = lock_error_in(str(error))
        if holder is None:
            raise
        waited = time.monotonic() - started
        raise LockTimeoutError(
            settings.build_db, holder, waited, settings.lock_timeout_seconds
        ) from error
    # Only a full build that passed every test may stand for the nodes later builds leave alone.
    if scope.scope == FULL:
        record_full_build(
            settings.build_db,
            scope.fingerprint,
            context.run_id,
            settings.lock_timeout_seconds,
            log=context.log.warning,
        )


REPORTING_VIEW_KEYS = [key for key in ntm_dbt_models.keys if key.path[0] == REPORTING_SCHEMA]

defs = dg.Definitions(assets=[ntm_dbt_models])
