"""Dagster's instance on PostgreSQL (DAGSTER_PG_URL): `ntm run` records its run, its events and
its asset checks in PostgreSQL, none in SQLite files, and the URL's password stays out of the
instance's dagster.yaml. The server is a throwaway cluster the test starts (tests/support)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import sqlalchemy

from sources.paths import REPO_ROOT

NTM = str(Path(sys.executable).parent / "ntm")
RUN_TIMEOUT = 600
PASSWORD = "not-in-any-file"  # trust authentication accepts it; the files must not hold it


def test_a_run_and_its_checks_are_recorded_in_postgres(
    postgres, three_districts, tmp_path, monkeypatch
):
    url = postgres.create_database("dagster_instance").replace(
        f"{postgres.user}@", f"{postgres.user}:{PASSWORD}@"
    )
    home = tmp_path / "ntm_home"
    shutil.copytree(three_districts, home / "landing")
    env = {
        **os.environ,
        "NTM_HOME": str(home),
        "DAGSTER_HOME": str(home / "dagster"),
        "DAGSTER_PG_URL": url,
    }
    result = subprocess.run(
        [NTM, "run"], env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=RUN_TIMEOUT
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 accepted, 0 rejected; warehouse published" in result.stdout

    dagster_home = home / "dagster"
    config = (dagster_home / "dagster.yaml").read_text(encoding="utf-8")
    assert "postgres_url:\n      env: DAGSTER_PG_URL" in config
    assert PASSWORD not in config
    # Nothing of the instance in SQLite: no run, event, schedule or index database.
    assert sorted(p.name for p in dagster_home.rglob("*.db")) == []

    # A fresh instance on the same database reads the run back, with its asset checks.
    monkeypatch.setenv("DAGSTER_PG_URL", url)  # dagster.yaml names the variable
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
        (run,) = instance.get_runs()
        assert run.status == dg.DagsterRunStatus.SUCCESS
        evaluations = {
            entry.dagster_event.event_specific_data.check_name: entry.dagster_event
            for entry in instance.all_logs(run.run_id)
            if entry.dagster_event is not None
            and entry.dagster_event.event_type_value == "ASSET_CHECK_EVALUATION"
        }
    assert {"criteria_rows_pandera", "great_expectations"} <= set(evaluations)
    assert all(e.event_specific_data.passed for e in evaluations.values())

    # The tables are PostgreSQL's: the run and its events, seen with plain SQL.
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as connection:
            runs = connection.execute(
                sqlalchemy.text("select count(*) from runs where run_id = :id"), {"id": run.run_id}
            ).scalar()
            events = connection.execute(
                sqlalchemy.text("select count(*) from event_logs where run_id = :id"),
                {"id": run.run_id},
            ).scalar()
    finally:
        engine.dispose()
    assert runs == 1
    assert events > 100
