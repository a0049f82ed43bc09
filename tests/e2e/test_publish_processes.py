"""Publishing under real processes: readers beside a run, runs killed with SIGKILL, dbt failures.

A small landing (three districts, 2016Q1, then 2016Q2 arriving) keeps each run at ~30-80 s.
Every run here is `ntm run` in a subprocess with its own NTM_HOME, the way an operator runs it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from sources.paths import REPO_ROOT
from tests.support import faults

DISTRICTS = ("026", "027", "028")
FIRST, SECOND = (2016, 1), (2016, 2)
NTM = str(Path(sys.executable).parent / "ntm")
RUN_TIMEOUT = 600


# --- helpers ------------------------------------------------------------------------------------
def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def env_for(home: Path) -> dict[str, str]:
    return {**os.environ, "NTM_HOME": str(home), "DAGSTER_HOME": str(home / "dagster")}


def ntm_run(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [NTM, "run", *args],
        env=env_for(home),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
    )


def start_run(home: Path, faults_spec: str | None = None) -> subprocess.Popen:
    """`ntm run` in its own session, so SIGKILL reaches it and its dbt child at once; with
    ``faults_spec`` (`pause:<point>`), the same run with a crash point hook that pauses there
    (tests/support/faults.py)."""
    log = (home.parent / f"run-{time.time_ns()}.log").open("w")
    command = [NTM, "run"]
    if faults_spec is not None:
        command = [sys.executable, "-m", "tests.support.faults", faults_spec]
    return subprocess.Popen(
        command,
        cwd=REPO_ROOT,  # where `tests` is a package
        env=env_for(home),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def kill_run(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)


def wait_for(predicate, timeout: float, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if process.poll() is not None:
            raise AssertionError(f"the run ended ({process.returncode}) before {what}")
        if time.monotonic() > deadline:
            kill_run(process)
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def dbt_build_running(session_id: int) -> bool:
    """A `dbt build` process in the run's session (the run's child)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            if os.getsid(int(entry.name)) != session_id:
                continue
        except (OSError, ProcessLookupError):
            continue
        if any(part.endswith(b"dbt") for part in cmdline) and b"build" in cmdline:
            return True
    return False


def leftovers(home: Path) -> list[str]:
    staged = [p.name for p in home.glob(".warehouse.*")]
    staged += [f"exports/{p.name}" for p in (home / "exports").glob(".*.tmp")]
    return sorted(staged)


def publish_ids(db: Path) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("select publish_id from audit.publish_log order by published_at")
        return [r[0] for r in rows.fetchall()]


def quarters_published(db: Path) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("select distinct quarter from reporting.rpt_attainment order by 1")
        return [r[0] for r in rows.fetchall()]


# --- the small landing and a published first version -------------------------------------------
@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> dict[tuple[int, int], Path]:
    """The demo workbooks of three districts for 2016Q1 and 2016Q2, one folder per quarter, and
    the rows each file carries (criteria and household sheets)."""
    from sources.demo.generate import build_workbooks
    from sources.writer import write_workbook

    root = tmp_path_factory.mktemp("small-landing")
    expected: dict[str, tuple[int, int]] = {}
    for workbook in build_workbooks():
        key = (workbook.year, workbook.quarter)
        if key in (FIRST, SECOND) and workbook.district_code in DISTRICTS:
            folder = root / f"{key[0]}Q{key[1]}"
            folder.mkdir(exist_ok=True)
            write_workbook(workbook.content, folder / workbook.file_name, workbook.style)
            expected[workbook.file_name] = (
                len(workbook.content.criteria),
                len(workbook.content.households),
            )
    (root / "expected.json").write_text(json.dumps(expected))
    return {FIRST: root / "2016Q1", SECOND: root / "2016Q2", "expected": root / "expected.json"}


@pytest.fixture(scope="module")
def published_home(tmp_path_factory, workbooks) -> Path:
    """A working area whose warehouse was published by a first run (2016Q1)."""
    home = tmp_path_factory.mktemp("published") / "ntm_home"
    shutil.copytree(workbooks[FIRST], home / "landing")
    result = ntm_run(home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "warehouse published" in result.stdout
    return home


@pytest.fixture
def home(tmp_path, published_home, workbooks) -> Path:
    """A copy of the published working area, with 2016Q2's workbooks just arrived in landing."""
    home = tmp_path / "ntm_home"
    shutil.copytree(published_home, home)
    for path in workbooks[SECOND].iterdir():
        shutil.copy2(path, home / "landing" / path.name)
    return home


def assert_raw_layer_consistent(home: Path, expected_file: Path) -> None:
    """Each accepted workbook's rows are present exactly once (no half batch, no double load)."""
    expected = json.loads(expected_file.read_text())
    with duckdb.connect(str(home / "build.duckdb"), read_only=True) as con:
        versions = con.execute(
            "select file_name, status from raw.workbook_versions order by file_name"
        ).fetchall()
        per_file = {
            name: (criteria, households)
            for name, criteria, households in con.execute(
                "select v.file_name, "
                "(select count(*) from raw.criteria_rows c "
                " where c.workbook_sha256 = v.workbook_sha256), "
                "(select count(*) from raw.household_rows h "
                " where h.workbook_sha256 = v.workbook_sha256) "
                "from raw.workbook_versions v"
            ).fetchall()
        }
        for table in ("criteria_rows", "household_rows", "funding_rows"):
            duplicates = con.execute(
                f"select count(*) from (select workbook_sha256, sheet_name, excel_row "
                f"from raw.{table} group by all having count(*) > 1)"
            ).fetchone()[0]
            assert duplicates == 0, table
    assert versions == [(name, "accepted") for name in sorted(expected)]
    assert per_file == {name: tuple(rows) for name, rows in expected.items()}


# --- (a) readers beside a run -------------------------------------------------------------------
READER = textwrap.dedent(
    """
    import hashlib, json, os, sys, time
    import duckdb

    path, out, stop, mode = sys.argv[1:5]

    def state(con):
        rows = con.execute(
            "select quarter, coalesce(district_code, '-'), xa_count, ntm_communes, "
            "ntm_share_pct from reporting.rpt_attainment order by all"
        ).fetchall()
        views = [r[0] for r in con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'reporting' order by 1").fetchall()]
        counts = {v: con.execute(f'select count(*) from reporting."{v}"').fetchone()[0]
                  for v in views}
        publish = con.execute(
            "select publish_id from audit.publish_log order by published_at desc limit 1"
        ).fetchone()[0]
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()
        return {"digest": digest, "counts": counts, "publish_id": publish}

    con = duckdb.connect(path, read_only=True) if mode == "persistent" else None
    with open(out, "w") as log:
        while not os.path.exists(stop):
            record = {"t": time.time()}
            try:
                if con is None:
                    with duckdb.connect(path, read_only=True) as fresh:
                        record.update(state(fresh))
                else:
                    record.update(state(con))
            except Exception as error:
                record["error"] = repr(error)
            log.write(json.dumps(record) + "\\n")
            log.flush()
            time.sleep(0.05)
    """
)


def observed_state(db: Path) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "select quarter, coalesce(district_code, '-'), xa_count, ntm_communes, "
            "ntm_share_pct from reporting.rpt_attainment order by all"
        ).fetchall()
        return {
            "digest": hashlib.sha256(repr(rows).encode()).hexdigest(),
            "publish_id": publish_ids(db)[-1],
        }


def test_readers_are_never_blocked_and_never_see_a_partial_warehouse(home, tmp_path):
    warehouse = home / "warehouse.duckdb"
    old = observed_state(warehouse)
    script = tmp_path / "reader.py"
    script.write_text(READER)
    stop = tmp_path / "stop"
    readers = {
        mode: subprocess.Popen(
            [
                sys.executable,
                str(script),
                str(warehouse),
                str(tmp_path / f"{mode}.jsonl"),
                str(stop),
                mode,
            ]
        )
        for mode in ("persistent", "reconnect")
    }
    time.sleep(1.0)
    started = time.time()
    result = ntm_run(home)
    finished = time.time()
    time.sleep(1.0)  # the reconnecting reader gets to see the new version
    stop.touch()
    for reader in readers.values():
        assert reader.wait(timeout=30) == 0
    assert result.returncode == 0, result.stdout + result.stderr
    assert "warehouse published" in result.stdout
    new = observed_state(warehouse)
    assert new["digest"] != old["digest"]

    logs = {
        mode: [json.loads(line) for line in (tmp_path / f"{mode}.jsonl").read_text().splitlines()]
        for mode in readers
    }
    for mode, records in logs.items():
        errors = [r for r in records if "error" in r]
        assert errors == [], mode
        during = [r for r in records if started <= r["t"] <= finished]
        gaps = [b["t"] - a["t"] for a, b in itertools.pairwise(records)]
        print(
            f"{mode}: {len(records)} reads, {len(during)} during the {finished - started:.0f} s "
            f"run, longest gap {max(gaps):.2f} s"
        )
        assert len(during) > 20, mode  # kept reading while the run wrote, published
        assert max(gaps) < 5.0, mode  # never blocked (a read takes ~10 ms; a busy box, slower)
        seen = {(r["digest"], r["publish_id"]) for r in records}
        assert seen <= {(old["digest"], old["publish_id"]), (new["digest"], new["publish_id"])}
        # every state seen is complete: the view counts of that state, all of them
        counts = {r["digest"]: json.dumps(r["counts"], sort_keys=True) for r in records}
        for digest in counts:
            assert (
                len(
                    {
                        json.dumps(r["counts"], sort_keys=True)
                        for r in records
                        if r["digest"] == digest
                    }
                )
                == 1
            )
    # A connection opened on the old file keeps reading the old file (its inode) ...
    assert {r["publish_id"] for r in logs["persistent"]} == {old["publish_id"]}
    # ... a BI tool that reconnects (a dashboard refresh) moves from the old to the new version.
    reconnecting = [r["publish_id"] for r in logs["reconnect"]]
    assert reconnecting[0] == old["publish_id"] and reconnecting[-1] == new["publish_id"]
    switch = reconnecting.index(new["publish_id"])
    assert set(reconnecting[switch:]) == {new["publish_id"]}


# --- (b) SIGKILL at several points --------------------------------------------------------------
KILL_POINTS = [
    "ingest-before-commit",
    "dbt",
    "publish-mid-copy",
    "publish-before-rename",
]


@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_run_killed_with_sigkill_leaves_the_published_warehouse_as_it_was(home, workbooks, point):
    warehouse = home / "warehouse.duckdb"
    before = sha256(warehouse)
    before_ids = publish_ids(warehouse)
    if point == "dbt":
        run = start_run(home)
        wait_for(lambda: dbt_build_running(run.pid), 300, run, "dbt build to start")
        time.sleep(5)  # dbt is creating models in build.duckdb
    else:
        run = start_run(home, f"pause:{point}")
        marker = faults.marker_path(home, point)
        wait_for(marker.exists, 300, run, f"the run to pause at {point}")
    kill_run(run)
    assert run.returncode == -signal.SIGKILL

    # The published warehouse is exactly the previous version, and still opens.
    assert sha256(warehouse) == before
    assert publish_ids(warehouse) == before_ids
    # The build still opens; a batch killed before its commit left nothing of itself.
    with duckdb.connect(str(home / "build.duckdb"), read_only=True) as con:
        versions = con.execute("select count(*) from raw.workbook_versions").fetchone()[0]
    assert versions == (len(DISTRICTS) if point.startswith("ingest") else 2 * len(DISTRICTS))
    if point.startswith("publish"):
        assert leftovers(home), "the killed publish left its staging copy"

    # The next run completes and publishes 2016Q2, and cleans what the killed run left.
    rerun = ntm_run(home)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "warehouse published" in rerun.stdout, rerun.stdout
    assert leftovers(home) == []
    assert quarters_published(warehouse) == ["2016Q1", "2016Q2"]
    ids = publish_ids(warehouse)
    assert ids[: len(before_ids)] == before_ids and len(ids) == len(before_ids) + 1
    assert_raw_layer_consistent(home, workbooks["expected"])
    assert_no_run_left_hanging(home)


def assert_no_run_left_hanging(home: Path) -> None:
    """The killed run is marked failed and its `duckdb_writer` slot is free again (a killed
    in-process run would otherwise hold the pool's only slot and every later run would wait)."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home / "dagster")) as instance:
        statuses = [run.status for run in instance.get_runs()]
        slots = instance.event_log_storage.get_concurrency_info("duckdb_writer").claimed_slots
    assert dg.DagsterRunStatus.STARTED not in statuses
    assert dg.DagsterRunStatus.FAILURE in statuses
    assert slots == []


def test_a_run_killed_right_after_the_rename_has_published_a_complete_warehouse(home, workbooks):
    warehouse = home / "warehouse.duckdb"
    before_ids = publish_ids(warehouse)
    run = start_run(home, "pause:publish-after-rename")
    wait_for(faults.marker_path(home, "publish-after-rename").exists, 300, run, "the rename")
    kill_run(run)
    # The rename is the commit point: the new version is complete and readable ...
    assert quarters_published(warehouse) == ["2016Q1", "2016Q2"]
    assert len(publish_ids(warehouse)) == len(before_ids) + 1
    # ... its exports were still staged and LATEST names the previous publish; the next run, with
    # nothing new, reconciles: exports of the published warehouse, the killed run marked failed.
    assert leftovers(home) != []
    assert (home / "exports" / "LATEST").read_text().strip() != publish_ids(warehouse)[-1]
    published = sha256(warehouse)
    rerun = ntm_run(home)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    said = rerun.stdout + rerun.stderr  # progress lines go to stderr
    assert "Exports re-made" in said and "marked failed" in said
    assert sha256(warehouse) == published  # nothing was rebuilt or republished
    assert leftovers(home) == []
    latest = (home / "exports" / "LATEST").read_text().strip()
    assert latest == publish_ids(warehouse)[-1]
    manifest = json.loads((home / "exports" / latest / "manifest.json").read_text())
    assert manifest["publish_id"] == latest and manifest["warehouse_sha256"] == published
    for name, digest in manifest["files"].items():
        assert sha256(home / "exports" / latest / name) == digest
    assert_no_run_left_hanging(home)


# --- (c) a failed dbt test blocks the publish ---------------------------------------------------
def test_a_failed_dbt_test_blocks_the_publish_and_says_why(home):
    import dagster as dg

    warehouse = home / "warehouse.duckdb"
    before = sha256(warehouse)
    for path in (home / "landing").iterdir():  # only the published workbooks stay
        if "2016Q2" in path.name:
            path.unlink()
    # A data bug dbt's tests catch: one xã row loaded twice (unique workbook, sheet, row).
    with duckdb.connect(str(home / "build.duckdb")) as con:
        con.execute("insert into raw.criteria_rows select * from raw.criteria_rows limit 1")
    result = ntm_run(home, "--rebuild")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAILED" in result.stdout and "NOT published" in result.stdout
    assert "ntm_dbt_models" in result.stdout  # the failing step, named in the summary
    assert sha256(warehouse) == before

    # The UI shows why: the dbt test is a failed asset check of the run, publish never ran.
    with dg.DagsterInstance.from_config(str(home / "dagster")) as instance:
        run = instance.get_runs(limit=1)[0]
        assert run.status == dg.DagsterRunStatus.FAILURE
        failed_checks, published = [], False
        for entry in instance.all_logs(run.run_id):
            event = entry.dagster_event
            if event is None:
                continue
            if event.event_type_value == "ASSET_CHECK_EVALUATION":
                evaluation = event.event_specific_data
                if not evaluation.passed:
                    failed_checks.append(evaluation.check_name)
            if event.event_type_value == "ASSET_MATERIALIZATION":
                key = event.event_specific_data.materialization.asset_key
                published |= key == dg.AssetKey(["published", "warehouse"])
    assert any("criteria_rows" in name for name in failed_checks), failed_checks
    assert not published
