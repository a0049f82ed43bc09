"""Issue 12 item 10: a DuckDB file another process holds is waited for in the open, then given up.

A real second process (python holding a DuckDB connection on the file) is the holder: the helper
logs its pid and command line while it waits, succeeds once the holder lets go, and with a short
timeout raises an error naming the file and the pid; the ingest and dbt steps wait in the run's
log, then fail with that error (through the real `ntm run`: e2e/test_lock_waits.py).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from tests.support.lock_holder import MARKER, hold, stop
from warehouse.locks import (
    LockTimeoutError,
    connect_with_wait,
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "build.duckdb"
    duckdb.connect(str(path)).close()
    return path


def test_the_wait_names_the_holder_and_ends_when_it_lets_go(db: Path) -> None:
    holder = hold(db, seconds=3)
    messages: list[str] = []
    try:
        started = time.monotonic()
        con = connect_with_wait(db, read_only=False, timeout_s=60, log=messages.append)
        waited = time.monotonic() - started
        con.execute("create table t as select 1 as x")
        con.close()
    finally:
        stop(holder)
    assert waited > 1  # it did wait for the holder, and did not give up
    first = messages[0]
    assert first.startswith(f"waiting for build.duckdb: held by pid {holder.pid} (")
    assert MARKER in first  # the holder's command line, from /proc
    assert "NTM_LOCK_TIMEOUT_SECONDS" in first
    assert messages[-1].startswith("build.duckdb is free: opened after waiting")
    # bounded logging: one line when the wait starts, then at most one every 10 s
    assert len(messages) <= 2 + int(waited // 10)


def test_a_short_timeout_gives_up_naming_the_file_and_the_holder(db: Path) -> None:
    holder = hold(db, seconds=60, mode="ro")  # a reader (an analyst's SQL tool) blocks a writer
    messages: list[str] = []
    try:
        started = time.monotonic()
        with pytest.raises(LockTimeoutError) as caught:
            connect_with_wait(db, read_only=False, timeout_s=1.5, log=messages.append)
        waited = time.monotonic() - started
        # a reader beside a reader is never blocked
        connect_with_wait(db, read_only=True, timeout_s=1.5, log=messages.append).close()
    finally:
        stop(holder)
    assert 1.5 <= waited < 30
    error = caught.value
    assert error.holder.pid == holder.pid and error.path == db
    text = str(error)
    assert text.startswith(f"build.duckdb is locked by pid {holder.pid} (")
    assert MARKER in text and "NTM_LOCK_TIMEOUT_SECONDS=1.5" in text and str(db) in text
    assert "waited 2 s" in text or "waited 1 s" in text


def test_a_long_wait_logs_at_a_bounded_rate_and_gives_up_on_time(db: Path) -> None:
    """A 100 s wait on a clock the test drives: a line every 10 s at most, then the error."""
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    holder = hold(db, seconds=600)
    messages: list[str] = []
    try:
        with pytest.raises(LockTimeoutError) as caught:
            connect_with_wait(
                db,
                read_only=True,
                timeout_s=100,
                log=messages.append,
                clock=lambda: now[0],
                sleep=sleep,
            )
    finally:
        stop(holder)
    assert 100 <= now[0] < 101 and caught.value.waited_s >= 100
    waiting = [m for m in messages if m.startswith("waiting for")]
    seconds = [int(m.split(" for ")[2].split(" s ")[0]) for m in waiting]
    assert seconds[0] == 0 and 8 <= len(seconds) <= 11
    # never more often than every 10 s, and never silent for long (back-off capped at 2 s)
    assert all(10 <= b - a <= 12 for a, b in itertools.pairwise(seconds))
    assert messages[-1].startswith(f"giving up on build.duckdb: held by pid {holder.pid} (")


def test_the_build_scope_and_its_record_tell_their_wait_to_the_caller(db: Path) -> None:
    """Deciding a build's scope reads build.duckdb, recording a full build writes it: a holder is
    waited for in the caller's log (the run's, or `ntm run`'s console), not in silence."""
    from warehouse.dbt_build import build_scope, record_full_build

    logs: dict[str, list[str]] = {"read": [], "write": []}
    holders = []
    try:
        holders.append(hold(db, seconds=2))
        scope = build_scope(db, "fingerprint", lock_timeout_s=60, log=logs["read"].append)
        holders.append(hold(db, seconds=2, mode="ro"))
        record_full_build(db, "fingerprint", "r1", lock_timeout_s=60, log=logs["write"].append)
    finally:
        for holder in holders:
            stop(holder)
    assert scope.scope == "full"  # nothing recorded yet
    for (kind, messages), holder in zip(logs.items(), holders, strict=True):
        assert messages[0].startswith(f"waiting for build.duckdb: held by pid {holder.pid} ("), kind
    assert build_scope(db, "fingerprint").scope == "raw_changed"


def test_errors_other_than_a_lock_are_raised_at_once(tmp_path: Path) -> None:
    not_duckdb = tmp_path / "warehouse.duckdb"
    not_duckdb.write_bytes(b"not a database" * 100)
    started = time.monotonic()
    with pytest.raises(duckdb.Error):
        connect_with_wait(not_duckdb, read_only=True, timeout_s=30, log=print)
    assert time.monotonic() - started < 10


# --- through the real `ntm run` ---------------------------------------------------------------


def test_a_run_holding_the_writer_pool_is_named_before_this_run_waits_for_it(tmp_path) -> None:
    import dagster as dg

    from ntm.runner import say_who_holds_the_writer_pool

    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        storage = instance.event_log_storage
        storage.set_concurrency_slots("duckdb_writer", 1)
        assert say_who_holds_the_writer_pool(instance, print) == []
        storage.claim_concurrency_slot("duckdb_writer", "a" * 32, "ingest_district_workbooks")
        said: list[str] = []
        assert say_who_holds_the_writer_pool(instance, said.append) == ["a" * 32]
    assert said == [
        "the duckdb_writer pool's slot is held by run aaaaaaaa (step ingest_district_workbooks): "
        "this run's writing steps wait until it ends (see `ntm ui`)"
    ]


def _step_failure(result) -> str:
    """The user error (type and message) under Dagster's wrapper of the failed step."""
    event = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    error = event.event_specific_data.error
    while error.cause is not None and error.cls_name == "DagsterExecutionStepExecutionError":
        error = error.cause
    return error.message  # 'warehouse.locks.LockTimeoutError: …'


def _run_messages(instance, result) -> list[str]:
    return [entry.user_message for entry in instance.all_logs(result.run_id)]


def test_the_ingest_and_dbt_steps_wait_for_a_held_build_then_fail_naming_its_holder(ntm_home):
    """The ingest's DuckDB resource and the dbt step (dbt-duckdb itself tries once and fails at
    once) wait in the run's log, then fail with the same error."""
    import dagster as dg

    from orchestration.defs.dbt.assets import ntm_dbt_models
    from orchestration.defs.ingest.assets import ingest_district_workbooks
    from orchestration.defs.resources import WarehouseHome, build_resources

    build = ntm_home.build_db
    duckdb.connect(str(build)).close()
    warehouse = WarehouseHome.of(replace(ntm_home, lock_timeout_seconds=2))
    instance = dg.DagsterInstance.ephemeral()
    holder = hold(build, seconds=600, mode="rw")
    try:
        ingest = dg.materialize(
            [ingest_district_workbooks],
            partition_key="2019-01-01",
            resources=build_resources(warehouse),
            instance=instance,
            raise_on_error=False,
        )
        dbt = dg.materialize(
            [ntm_dbt_models],
            resources=build_resources(warehouse),
            instance=instance,
            raise_on_error=False,
        )
    finally:
        stop(holder)
    for result in (ingest, dbt):
        assert not result.success
        failure = _step_failure(result)
        assert failure.startswith(
            f"warehouse.locks.LockTimeoutError: build.duckdb is locked by pid {holder.pid} ("
        )
        assert MARKER in failure and "NTM_LOCK_TIMEOUT_SECONDS=2" in failure
        waiting = [m for m in _run_messages(instance, result) if "waiting for build.duckdb" in m]
        assert waiting and f"held by pid {holder.pid} (" in waiting[0]
