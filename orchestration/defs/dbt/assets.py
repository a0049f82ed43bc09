"""The dbt project as assets: seeds, staging, intermediate, marts and the reporting views.

dbt tests become asset checks. The raw sources map onto the ingest assets' keys, so the lineage
runs from the landing folder to the reporting views.
"""

from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.defs.dbt.project import ntm_dbt_project
from orchestration.defs.resources import DUCKDB_WRITER_POOL

REPORTING_SCHEMA = "reporting"


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
def ntm_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    """`dbt build`: seeds, models and their tests in dependency order; a failing test stops what
    depends on it."""
    yield from dbt.cli(["build"], context=context).stream()


REPORTING_VIEW_KEYS = [key for key in ntm_dbt_models.keys if key.path[0] == REPORTING_SCHEMA]

defs = dg.Definitions(assets=[ntm_dbt_models])
