"""Great Expectations checks catch broken marts, and a failed blocking check stops the publish."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import duckdb

from warehouse.expectations import validate_reporting_views

GOOD_ROWS = [
    # quarter, province, district, xa_count, ntm_communes, ntm_share_pct
    ("2018Q4", "02", "026", 17, 2, 11.76),
    ("2018Q4", "02", "027", 17, 3, 17.65),
    ("2018Q4", "02", None, 34, 5, 14.71),
]


def _write_view(db: Path, rows: list[tuple]) -> None:
    with duckdb.connect(str(db)) as con:
        con.execute("create schema if not exists marts")
        con.execute("create schema if not exists reporting")
        con.execute(
            "create or replace table marts.attainment (quarter varchar, province_code varchar, "
            "district_code varchar, xa_count bigint, ntm_communes bigint, ntm_share_pct double)"
        )
        con.executemany("insert into marts.attainment values (?, ?, ?, ?, ?, ?)", rows)
        con.execute(
            "create or replace view reporting.rpt_attainment as select * from marts.attainment"
        )


def test_good_view_passes(tmp_path):
    db = tmp_path / "build.duckdb"
    _write_view(db, GOOD_ROWS)
    results = validate_reporting_views(db, tmp_path / "gx")
    assert results["rpt_attainment"].success, results["rpt_attainment"].failures
    assert (tmp_path / "gx" / "gx" / "uncommitted" / "data_docs" / "local_site").exists()


def test_broken_view_fails_with_each_broken_promise(tmp_path):
    db = tmp_path / "build.duckdb"
    broken = [
        ("2018Q4", "02", "026", 17, 20, 117.6),  # more NTM communes than xã, share over 100
        ("2018Q4", "02", "027", 17, 3, 17.65),
        ("2018Q4", "02", None, 34, 5, 14.71),  # no longer the sum of its districts
    ]
    _write_view(db, broken)
    result = validate_reporting_views(db, tmp_path / "gx")["rpt_attainment"]
    assert not result.success
    failed = {(f["expectation"], f["column"]) for f in result.failures}
    assert ("expect_column_values_to_be_between", "ntm_share_pct") in failed
    assert ("expect_column_pair_values_a_to_be_greater_than_b", "xa_count") in failed
    assert ("expect_column_values_to_be_between", "ntm_communes") in failed  # province ≠ sum


def test_a_failed_check_blocks_the_publish(ntm_home):
    from orchestration.defs.publish.assets import published_warehouse
    from orchestration.defs.quality.checks import reporting_expectations
    from orchestration.defs.resources import WarehouseHome, build_resources

    ntm_home.warehouse_db.write_bytes(b"the previous published warehouse")

    @dg.asset(key=["reporting", "rpt_attainment"])
    def broken_rpt_attainment() -> None:
        _write_view(ntm_home.build_db, [("2018Q4", "02", "026", 17, 20, 117.6)])

    result = dg.materialize(
        [broken_rpt_attainment, reporting_expectations, published_warehouse],
        resources=build_resources(WarehouseHome.of(ntm_home)),
        selection=dg.AssetSelection.assets(
            dg.AssetKey(["reporting", "rpt_attainment"]), dg.AssetKey(["published", "warehouse"])
        ),
        raise_on_error=False,
    )
    evaluations = result.get_asset_check_evaluations()
    assert [e.passed for e in evaluations] == [False]
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert dg.AssetKey(["published", "warehouse"]) not in materialized
    assert ntm_home.warehouse_db.read_bytes() == b"the previous published warehouse"


def test_the_worker_answers_as_in_process_and_raises_what_fails_there(tmp_path):
    """The run's worker process gives the checkpoint's results as a call in this process does
    and exits once it has answered (its memory goes with it); it raises the error the checkpoint
    raised; another validation starts another worker; closed, it stops."""
    from warehouse.expectations import ExpectationsWorker
    from warehouse.locks import LockTimeoutError

    db = tmp_path / "build.duckdb"
    broken = [("2018Q4", "02", "026", 17, 20, 117.6), *GOOD_ROWS[1:]]
    _write_view(db, broken)
    here = validate_reporting_views(db, tmp_path / "gx-here")
    worker = ExpectationsWorker()
    try:
        there = worker.validate(db, tmp_path / "gx-there")
        assert there == here
        assert not there["rpt_attainment"].success
        assert worker._process.exitcode == 0  # answered and gone

        with duckdb.connect(str(db)):  # this process writes the build: the worker cannot read it
            try:
                worker.validate(db, tmp_path / "gx-there", lock_timeout_s=0.5)
            except LockTimeoutError as error:
                assert error.holder.pid == os.getpid()
                assert "in the Great Expectations worker" in "".join(error.__notes__)
            else:
                raise AssertionError("the worker read a build another process writes")
        assert worker.validate(db, tmp_path / "gx-there") == here  # a new worker answers
    finally:
        worker.close()
    assert worker._process.exitcode is not None

    idle = ExpectationsWorker()  # a run that fails before its checks: closed while importing GE
    idle.close()
    assert idle._process.exitcode is not None


def test_a_large_load_starts_the_worker_when_the_checks_ask_for_it():
    """Above EARLY_START_MAX_WORKBOOKS new workbooks (16 national quarters: 11,344) the worker
    is not started with the run, where its GE would sit beside dbt's build at the memory peak."""
    from orchestration.defs.resources import ExpectationsResource
    from warehouse.expectations import start_worker_early

    assert start_worker_early(709) and not start_worker_early(11_344)
    context = dg.build_init_resource_context()
    late, early = ExpectationsResource(start_early=False), ExpectationsResource(start_early=True)
    late.setup_for_execution(context)
    early.setup_for_execution(context)
    try:
        assert late._worker is None and early._worker is not None
        assert late.worker._process.is_alive()  # started on demand
    finally:
        late.teardown_after_execution(context)
        early.teardown_after_execution(context)
    assert late._worker is None and early._worker is None
