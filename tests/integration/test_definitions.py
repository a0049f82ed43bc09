"""The code location loads and has the shape the UI and the CLI rely on."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.partitions import quarter_of_partition


def test_definitions_load_with_the_expected_assets():
    from orchestration.definitions import defs as load_definitions

    defs = load_definitions()

    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {
        "raw/workbook_versions",
        "raw/criteria_rows",
        "raw/rejections",
        "marts/fct_commune_recognition",
        "reporting/rpt_attainment",
        "published/warehouse",
    } <= keys
    job = defs.resolve_job_def("ntm_pipeline")
    assert job.partitions_def is not None


def test_lineage_runs_from_ingest_to_publish():
    from orchestration.definitions import defs as load_definitions

    defs = load_definitions()

    graph = defs.resolve_asset_graph()
    upstream = graph.get(dg.AssetKey(["published", "warehouse"])).parent_keys
    assert dg.AssetKey(["reporting", "rpt_attainment"]) in upstream
    staging = graph.get(dg.AssetKey(["staging", "stg_raw__criteria_rows"])).parent_keys
    assert dg.AssetKey(["raw", "criteria_rows"]) in staging
    raw = graph.get(dg.AssetKey(["raw", "criteria_rows"])).parent_keys
    assert dg.AssetKey(["landing", "district_workbooks"]) in raw


def test_ingest_is_partitioned_by_quarter():
    from orchestration.definitions import defs as load_definitions

    defs = load_definitions()

    ingest = defs.resolve_assets_def(dg.AssetKey(["raw", "criteria_rows"]))
    keys = ingest.partitions_def.get_partition_keys()
    assert keys[0] == "2016-01-01"
    assert quarter_of_partition(keys[0]) == "2016Q1"
