"""Issue 12 item 10, through the real `ntm run`: a holder on build.duckdb fails the run with an
error naming it (exit code 1), nothing is published, and the next run (holder gone) publishes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.support.lock_holder import hold, stop

NTM = str(Path(sys.executable).parent / "ntm")


def env_for(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NTM_")}
    env.update(
        NTM_HOME=str(home),
        DAGSTER_HOME=str(home / "dagster"),
        **extra,
    )
    return env


def ntm_run(home: Path, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [NTM, "run"], env=env_for(home, **extra), capture_output=True, text=True, timeout=900
    )


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    """Two demo workbooks of 2016Q1 (districts 026 and 027)."""
    from sources.demo.generate import build_workbooks
    from sources.writer import write_workbook

    folder = tmp_path_factory.mktemp("lock-landing")
    for workbook in build_workbooks():
        if (workbook.year, workbook.quarter) == (2016, 1) and workbook.district_code in (
            "026",
            "027",
        ):
            write_workbook(workbook.content, folder / workbook.file_name, workbook.style)
    assert len(list(folder.iterdir())) == 2
    return folder


def test_ntm_run_fails_naming_the_holder_publishes_nothing_and_the_next_run_publishes(
    tmp_path: Path, landing: Path
) -> None:
    home = tmp_path / "ntm_home"
    shutil.copytree(landing, home / "landing")
    build = home / "build.duckdb"
    duckdb.connect(str(build)).close()

    # An analyst's read-only session on the build: the run's pre-run reads go on beside it, the
    # ingest (a writer) waits, names it, and gives up after NTM_LOCK_TIMEOUT_SECONDS.
    holder = hold(build, seconds=600, mode="ro")
    try:
        result = ntm_run(home, NTM_LOCK_TIMEOUT_SECONDS="3")
    finally:
        stop(holder)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "FAILED" in result.stdout and "NOT published" in result.stdout
    assert f"waiting for build.duckdb: held by pid {holder.pid} (" in output
    assert f"build.duckdb is locked by pid {holder.pid} (" in result.stdout  # the summary's failure
    assert "ingest_district_workbooks" in result.stdout
    assert not (home / "warehouse.duckdb").exists()
    assert not (home / "exports" / "LATEST").exists()

    # A writer (a second run, a read-write session) holding the build before the run starts: the
    # run fails before its Dagster run, with the same error.
    holder = hold(build, seconds=600, mode="rw")
    try:
        result = ntm_run(home, NTM_LOCK_TIMEOUT_SECONDS="2")
    finally:
        stop(holder)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert f"build.duckdb is locked by pid {holder.pid} (" in result.stdout
    assert "NTM_LOCK_TIMEOUT_SECONDS=2" in result.stdout
    assert not (home / "warehouse.duckdb").exists()

    # The holder gone, the next run publishes both workbooks.
    result = ntm_run(home, NTM_LOCK_TIMEOUT_SECONDS="3")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "warehouse published" in result.stdout
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        accepted = con.execute(
            "select count(*) from raw.workbook_versions where status = 'accepted'"
        ).fetchone()[0]
    assert accepted == 2
