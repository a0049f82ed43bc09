"""Jobs: the whole pipeline for a set of quarters, in one run."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.partitions import quarterly_partitions

ntm_pipeline_job = dg.define_asset_job(
    name="ntm_pipeline",
    selection=dg.AssetSelection.all(),
    partitions_def=quarterly_partitions,
    description="Ingest the landing folder for the run's quarters, build and test the warehouse "
    "with dbt, then publish it for BI tools.",
)

defs = dg.Definitions(jobs=[ntm_pipeline_job])
