"""Jobs: the whole pipeline for a set of quarters, in one run."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.partitions import quarterly_partitions
from warehouse.raw_store import RAW_SCHEMA

ntm_pipeline_job = dg.define_asset_job(
    name="ntm_pipeline",
    selection=dg.AssetSelection.all(),
    partitions_def=quarterly_partitions,
    description="Ingest the landing folder for the run's quarters, build and test the warehouse "
    "with dbt, then publish it for BI tools.",
)

defs = dg.Definitions(jobs=[ntm_pipeline_job])


def raw_changed_assets(definitions: dg.Definitions) -> list[dg.AssetKey]:
    """The assets of a run whose dbt build is `raw_changed` (warehouse/dbt_build.py): the raw
    layer and everything downstream of it, with their checks. The seeds, their staging views and
    the dimensions made from them alone are not planned, so the run neither announces nor shows
    checks it does not run (each planned event is ~10 ms of SQLite writes before the first step)."""
    graph = definitions.resolve_asset_graph()
    raw = [key for key in graph.get_all_asset_keys() if key.path[0] == RAW_SCHEMA]
    return sorted(dg.AssetSelection.assets(*raw).downstream().resolve(graph))
