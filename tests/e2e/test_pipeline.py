"""The whole run: demo workbooks → Dagster run (ingest, dbt build, publish) → published figures.

One demo warehouse is built per test session (fixture `demo_run`, tests/support/fixtures.py)
and shared.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ntm.runner import run_pipeline
from warehouse.settings import Settings


def province_row(settings: Settings, quarter: str) -> dict[str, object]:
    with duckdb.connect(str(settings.warehouse_db), read_only=True) as con:
        cursor = con.execute(
            "select * from reporting.rpt_attainment "
            "where district_code is null and province_code = '02' and quarter = ?",
            [quarter],
        )
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    assert len(rows) == 1, f"expected one province row for {quarter}, got {rows}"
    return dict(zip(columns, rows[0], strict=True))


def test_run_succeeds_and_publishes(demo_run):
    settings, report = demo_run
    assert report.success, report.summary()
    assert report.published
    # 220 files: 219 workbooks (Vị Xuyên's 2019Q3 never arrives) and Hoàng Su Phì's 2019Q4
    # first version, rejected and corrected by a resubmission (sources.demo.story)
    assert (report.accepted, report.rejected) == (219, 1)
    assert settings.warehouse_db.exists()
    assert len(list(settings.archive_dir.iterdir())) == 219
    assert len(list(settings.rejected_dir.iterdir())) == 1


def test_2018q4_reproduces_the_published_figures(demo_run):
    settings, _ = demo_run
    row = province_row(settings, "2018Q4")
    assert row["xa_count"] == 177
    assert row["ntm_communes"] == 33
    assert round(float(row["ntm_share_pct"]), 1) == 18.6
    assert round(float(row["avg_criteria_met"]), 2) == 10.59
    assert row["border_ntm_communes"] == 2
    assert row["border_xa_count"] == 34
    assert row["difficult_xa_count"] == 134


def test_end_2016_and_end_2020(demo_run):
    settings, _ = demo_run
    end_2016 = province_row(settings, "2016Q4")
    assert end_2016["ntm_communes"] == 16
    assert end_2016["xa_count"] == 177
    # 1,518 criteria met over 177 xã: 8.576 → 8.58 at two decimals.
    assert float(end_2016["avg_criteria_met"]) == pytest.approx(1518 / 177, abs=0.005)
    assert (
        end_2016["communes_15_18"],
        end_2016["communes_10_14"],
        end_2016["communes_5_9"],
        end_2016["communes_below_5"],
    ) == (2, 22, 134, 3)
    assert province_row(settings, "2017Q4")["ntm_communes"] == 23
    end_2020 = province_row(settings, "2020Q4")
    assert end_2020["ntm_communes"] == 45
    assert end_2020["xa_count"] == 175


def test_raw_rows_carry_provenance(demo_run):
    settings, _ = demo_run
    with duckdb.connect(str(settings.warehouse_db), read_only=True) as con:
        missing = con.execute(
            "select count(*) from raw.criteria_rows where workbook_sha256 is null "
            "or file_name is null or sheet_name is null or excel_row is null or load_id is null"
        ).fetchone()[0]
        rows = con.execute("select count(*) from raw.criteria_rows").fetchone()[0]
        quirky = con.execute(
            "select sheet_name, min(excel_row) from raw.criteria_rows "
            "where file_name = 'NTM_02-026_2018Q4.xlsx' group by sheet_name"
        ).fetchall()
    assert missing == 0
    # every quarter's xã, but the 22 of Vị Xuyên (030), whose 2019Q3 never arrived
    assert rows == 16 * 177 + 4 * 175 - 22
    # Đồng Văn's workbooks have title lines: data start below the header on row 4.
    assert quirky == [("Tieu chi", 5)]


def test_run_is_recorded_in_the_dagster_instance(demo_run):
    import dagster as dg

    settings, report = demo_run
    assert Path(settings.dagster_home, "dagster.yaml").exists()
    with dg.DagsterInstance.from_config(str(settings.dagster_home)) as instance:
        run = instance.get_run_by_id(report.run_id)
        assert run is not None and run.job_name == "ntm_pipeline"
        event = instance.get_latest_materialization_event(
            dg.AssetKey(["reporting", "rpt_attainment"])
        )
        assert event is not None and event.run_id == report.run_id


def test_rerun_is_idempotent(demo_run):
    settings, _ = demo_run
    before = province_row(settings, "2018Q4")
    report = run_pipeline(settings, echo=lambda _: None)
    assert report.run_id is None  # nothing new: nothing to do
    report = run_pipeline(settings, rebuild=True, echo=lambda _: None)
    assert report.success and report.new_files == 0
    assert province_row(settings, "2018Q4") == before
    with duckdb.connect(str(settings.warehouse_db), read_only=True) as con:
        versions = con.execute("select count(*) from raw.workbook_versions").fetchone()[0]
    assert versions == 220  # 219 accepted and 1 rejected version


def test_dbt_builds_in_the_working_area_with_data_tests_only(demo_run):
    """The pipeline's `dbt build` writes its artifacts under $NTM_HOME/dbt/target, runs every data
    test and no unit test (those run in the test suite), and a later run re-parses nothing."""
    import json

    settings, _ = demo_run
    report = run_pipeline(settings, rebuild=True, echo=lambda _: None)
    assert report.success, report.summary()
    target = settings.dbt_target_dir
    results = json.loads((target / "run_results.json").read_text())["results"]
    kinds = {result["unique_id"].split(".")[0] for result in results}
    assert "test" in kinds and "model" in kinds and "seed" in kinds
    assert "unit_test" not in kinds
    # Exposures report "no-op"; nothing may warn, fail or be skipped.
    assert {result["status"] for result in results} == {"success", "pass", "no-op"}
    log = (target / "dbt.log").read_text(encoding="utf-8", errors="replace")
    last_invocation = log[log.rfind("Running with dbt=") :]
    assert "Unable to do partial parsing" not in last_invocation
    assert (target / "partial_parse.msgpack").exists()


def test_the_publish_shows_the_districts_to_follow_up_in_the_ui(demo_run):
    """The demo's story, where the data engineer looks: the publish's metadata in the Dagster UI
    lists the late, missing and rejected-then-corrected districts, newest quarter first."""
    import dagster as dg

    settings, _ = demo_run
    with dg.DagsterInstance.from_config(str(settings.dagster_home)) as instance:
        event = instance.get_latest_materialization_event(dg.AssetKey(["published", "warehouse"]))
    metadata = event.asset_materialization.metadata
    table = metadata["districts_to_follow_up"].value
    rows = [line for line in table.splitlines() if line.startswith("| 20")]
    assert rows == [
        "| 2020Q4 | 027 Huyện Mèo Vạc | accepted_late | 18 | 0 |",
        "| 2019Q4 | 030 Huyện Vị Xuyên | accepted_late | 19 | 0 |",
        "| 2019Q4 | 032 Huyện Hoàng Su Phì | accepted_on_time | 13 | 1 |",
        "| 2019Q3 | 030 Huyện Vị Xuyên | missing |  | 0 |",
        "| 2019Q2 | 026 Huyện Đồng Văn | accepted_late | 27 | 0 |",
        "| 2019Q1 | 033 Huyện Xín Mần | accepted_late | 22 | 0 |",
    ]
    assert metadata["late_or_missing_count"].value == 5
