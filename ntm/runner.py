"""Running the pipeline from the command line, in process, recorded in the Dagster instance."""

from __future__ import annotations

import gc
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sources.guards import GuardLimits
from sources.paths import REPO_ROOT, venv_command
from warehouse.crash_points import CrashPoint, no_crash
from warehouse.dbt_build import RAW_CHANGED, scope_of_next_build
from warehouse.locks import DEFAULT_LOCK_TIMEOUT_SECONDS
from warehouse.settings import Settings, variables_of

Log = Callable[[str], None]


def _warn(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# The Dagster tags that make a run cover a range of partitions (Dagster's documented tag names).
PARTITION_RANGE_START_TAG = "dagster/asset_partition_range_start"
PARTITION_RANGE_END_TAG = "dagster/asset_partition_range_end"


def child_environment(settings: Settings) -> dict[str, str]:
    """The environment of a child process that reads the settings again (the Dagster UI's code
    location) or looks dbt up on PATH (dagster-dbt's project preparation): these settings, made
    absolute, and this environment's commands first on PATH."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return {**os.environ, **variables_of(settings), "PATH": path}


def prepare_dbt_project(settings: Settings, force: bool = False) -> Path:
    """dagster-dbt's preparation of the dbt project (`dbt parse` into its manifest, which
    `@dbt_assets` reads at import), unless the manifest is there already (``force``: anyway)."""
    manifest = REPO_ROOT / "dbt_project" / "target" / "manifest.json"
    if manifest.exists() and not force:
        return manifest
    project_file = REPO_ROOT / "orchestration" / "defs" / "dbt" / "project.py"
    subprocess.run(
        [
            venv_command("dagster-dbt"),
            "project",
            "prepare-and-package",
            "--file",
            str(project_file),
        ],
        env=child_environment(settings),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return manifest


def prepare_area_dbt(settings: Settings) -> Path:
    """`dbt parse` into the working area's dbt target folder, with the vars and target its
    builds use: the area's first build then parses partially (~1.5 s from dbt's start to its
    first node) instead of from scratch (~7 s: the project's own preparation parses under another
    target, without the area's vars)."""
    from sources.paths import DBT_PROJECT_DIR
    from warehouse.dbt_build import BUILD_TARGET, DBT_ENVIRONMENT, dbt_command

    target = settings.dbt_target_dir
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        dbt_command(settings, "parse", target_path=target, target=BUILD_TARGET),
        cwd=DBT_PROJECT_DIR,
        env={**child_environment(settings), **DBT_ENVIRONMENT},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return target


# With DAGSTER_PG_URL set, the instance keeps its runs, events and schedules in PostgreSQL
# (dagster-postgres). The URL stays in the environment, never in the file: it may hold a password.
POSTGRES_STORAGE_BLOCK = """
# DAGSTER_PG_URL is set: runs, events and schedules live in PostgreSQL (added by `ntm`).
storage:
  postgres:
    postgres_url:
      env: DAGSTER_PG_URL
"""


def dagster_yaml(settings: Settings) -> str:
    """The instance configuration `ntm` writes: the repository's dagster.yaml, with PostgreSQL
    storage when the settings name a PostgreSQL database for Dagster."""
    ours = (REPO_ROOT / "dagster.yaml").read_text(encoding="utf-8")
    return ours + POSTGRES_STORAGE_BLOCK if settings.dagster_pg_url else ours


def ensure_dagster_home(settings: Settings) -> Path:
    """Dagster's instance folder, configured by `dagster_yaml`.

    A dagster.yaml the warehouse wrote earlier is refreshed (the repository's is the source of
    truth); one a user wrote by hand, without our first line, is left alone.
    """
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    config = settings.dagster_home / "dagster.yaml"
    ours = dagster_yaml(settings)
    if not config.exists() or config.read_text(encoding="utf-8").startswith(ours.splitlines()[0]):
        config.write_text(ours, encoding="utf-8")
    return settings.dagster_home


@dataclass
class RunReport:
    success: bool
    quarters: list[str] = field(default_factory=list)
    new_files: int = 0
    accepted: int = 0
    rejected: int = 0
    published: bool = False
    run_id: str | None = None
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)
    failure: str | None = None
    # completeness and timeliness of the latest quarter, from the published rpt_reporting_status
    reporting: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.run_id is None and self.failure:  # failed before the Dagster run started
            return (
                f"Run FAILED before it started; warehouse NOT published.\n  failure: {self.failure}"
            )
        if self.run_id is None:
            return "Nothing new in the landing folder; the published warehouse is unchanged."
        span = f"{self.quarters[0]}..{self.quarters[-1]}" if self.quarters else "no quarter"
        lines = [
            f"Run {self.run_id[:8]} {'succeeded' if self.success else 'FAILED'} in "
            f"{self.seconds:.1f} s: {self.new_files} new workbooks ({span}), "
            f"{self.accepted} accepted, {self.rejected} rejected; "
            f"warehouse {'published' if self.published else 'NOT published'}.",
        ]
        if self.steps:
            lines.append("  steps: " + ", ".join(f"{k} {v:.1f} s" for k, v in self.steps.items()))
        if self.failure:
            lines.append(f"  failure: {self.failure}")
        lines.extend(f"  {line}" for line in self.reporting)
        return "\n".join(lines)


# The latest quarter in which each province received anything, with its reporter rows (districts
# up to 2025Q2, communes from 2025Q3). The province row is the one without a reporter_code: from
# 2025Q3 every row has district_code null, so district_code cannot tell them apart.
LATEST_STATUS_SQL = """
with latest as (
    select province_code, max(quarter) as quarter
    from reporting.rpt_reporting_status
    where reporter_code is null and received > 0
    group by province_code
)
select status.*
from reporting.rpt_reporting_status as status
inner join latest
    on status.province_code = latest.province_code and status.quarter = latest.quarter
order by status.province_code, status.reporter_code nulls first
"""
MAX_PROVINCE_LINES = 10


def reporting_summary(
    db: Path, lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_SECONDS, log: Log = _warn
) -> list[str]:
    """Completeness and timeliness of the latest quarter, as a BI tool reads them: one line per
    province from reporting.rpt_reporting_status (nothing when the view is not there)."""
    import duckdb

    from warehouse.locks import LockTimeoutError, connect_with_wait

    if not db.exists():
        return []
    try:
        with connect_with_wait(db, read_only=True, timeout_s=lock_timeout_s, log=log) as con:
            cursor = con.execute(LATEST_STATUS_SQL)
            names = [d[0] for d in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    except (duckdb.Error, LockTimeoutError):
        return []
    rows.sort(key=lambda r: (r["province_code"], _reporter(r) or ""))  # province row first
    provinces = [r for r in rows if _reporter(r) is None]
    lines = [_status_line(p, rows) for p in provinces[:MAX_PROVINCE_LINES]]
    if len(provinces) > MAX_PROVINCE_LINES:
        lines.append(f"... and {len(provinces) - MAX_PROVINCE_LINES} more provinces")
    return lines


def _reporter(row: dict) -> str | None:
    """The reporting unit of a status row: its district, or from 2025Q3 its commune (the view's
    `reporter_code`); None on the province's row."""
    return row.get("reporter_code") or row["district_code"]


def _status_line(province: dict, rows: list[dict]) -> str:
    reporters = [
        r for r in rows if r["province_code"] == province["province_code"] and _reporter(r)
    ]

    def named(status: str) -> str:
        codes = [_reporter(r) for r in reporters if r["status"] == status]
        return ", ".join(codes) if codes else "none"

    on_time = sum(1 for r in reporters if r["status"] == "accepted_on_time")
    basis = province["received_basis"] or "mixed"
    kind = "communes" if province.get("reporter_level") == "commune" else "districts"
    reporting = province.get("reporters_reporting", province["districts_reporting"])
    expected = province.get("reporters_expected", province["districts_expected"])
    return (
        f"{province['quarter']} {province['province_name'] or province['province_code']}: "
        f"{reporting}/{expected} {kind} reporting "
        f"({province['completeness_pct']:.2f} % complete), {on_time} on time "
        f"({province['timeliness_pct']:.2f} %); status {province['status']}; "
        f"late: {named('accepted_late')}; rejected: {named('rejected')}; "
        f"missing: {named('missing')}; not yet due: {named('not_yet_due')}; "
        f"received times: {basis}"
    )


# The new era's province rows (commune workbooks, from 2025Q3): what each view says, by column
# name, so a view that gains or lacks a column still prints (criteria_set, criteria_count: a
# quarter with two criteria sets has two rows).
NEW_ERA_COLUMNS: dict[str, tuple[str, ...]] = {
    "rpt_attainment": (
        "criteria_set",
        "criteria_count",
        "xa_count",
        "ntm_communes",
        "ntm_share_pct",
        "avg_criteria_met",
    ),
    "rpt_poverty": (
        "poverty_standard",
        "households",
        "poor_households",
        "poor_rate_pct",
        "poor_rate_change_pp",
    ),
}
NO_ROW = "no row yet"


def new_era_summary(
    db: Path,
    run_quarters: list[str],
    lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_SECONDS,
    log: Log = _warn,
) -> list[str]:
    """The latest new-era quarter's province rows of reporting.rpt_attainment and rpt_poverty in
    the published warehouse, one line per view and row; "no row yet" where the view, the column
    or the row is not there. Nothing when neither the run nor the warehouse has a new-era quarter
    (a district-era warehouse prints as before)."""
    import duckdb

    from sources.contract import FIRST_COMMUNE_QUARTER
    from warehouse.locks import LockTimeoutError, connect_with_wait

    quarters = {q for q in run_quarters if q >= FIRST_COMMUNE_QUARTER}
    rows: dict[str, list[dict]] = {}
    if db.exists():
        try:
            with connect_with_wait(db, read_only=True, timeout_s=lock_timeout_s, log=log) as con:
                quarters |= _new_era_quarters(con, FIRST_COMMUNE_QUARTER)
                if quarters:
                    rows = {v: _province_rows(con, v, max(quarters)) for v in NEW_ERA_COLUMNS}
        except (duckdb.Error, LockTimeoutError):
            pass
    if not quarters:
        return []
    latest = max(quarters)
    lines = [f"New era (commune workbooks): province rows of {latest}"]
    for view, columns in NEW_ERA_COLUMNS.items():
        found = rows.get(view) or []
        if not found:
            lines.append(f"  {view}: {NO_ROW}")
        for row in found:
            present = [c for c in columns if c in row]
            if all(row[c] is None for c in present):  # the row is there, its figures are not
                lines.append(f"  {view} {row.get('province_code')}: {NO_ROW} (no figures)")
                continue
            shown = " ".join(f"{c}={_shown(row[c])}" for c in present)
            lines.append(f"  {view} {row.get('province_code')}: {shown}")
    return lines


def _new_era_quarters(con, first_quarter: str) -> set[str]:
    """New-era quarters with a province row in either view (none when the views are missing)."""
    import duckdb

    found: set[str] = set()
    for view in NEW_ERA_COLUMNS:
        try:
            found |= {
                row[0]
                for row in con.execute(
                    f"select distinct quarter from reporting.{view} "
                    "where quarter >= ? and district_code is null",
                    [first_quarter],
                ).fetchall()
            }
        except duckdb.Error:
            continue
    return found


def _province_rows(con, view: str, quarter: str) -> list[dict]:
    """A view's province rows of a quarter as dicts (empty when the view cannot say)."""
    import duckdb

    try:
        cursor = con.execute(
            f"select * from reporting.{view} where quarter = ? and district_code is null "
            "order by all",
            [quarter],
        )
    except duckdb.Error:
        return []
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _shown(value: object) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _loaded_versions(
    db: Path, lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_SECONDS, log: Log = _warn
) -> set[str]:
    """The workbook versions in a database's raw layer (empty when it has none). A file another
    process holds is waited for, with its holder logged, then `LockTimeoutError`."""
    from warehouse.locks import connect_with_wait

    if not db.exists():
        return set()
    with connect_with_wait(db, read_only=True, timeout_s=lock_timeout_s, log=log) as con:
        present = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'raw' and table_name = 'workbook_versions'"
        ).fetchone()[0]
        if not present:
            return set()
        rows = con.execute("select workbook_sha256 from raw.workbook_versions").fetchall()
        return {r[0] for r in rows}


def _raw_arrivals(
    db: Path, lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_SECONDS, log: Log = _warn
) -> tuple[set[str], dict[str, str]]:
    """(arrival ids, landing name -> sha256 of its last arrival) in a database's raw layer. A raw
    layer from before raw.arrivals: each version arrived once, when received (as the ingest
    backfills it, see warehouse/raw_store.py)."""
    from sources.arrivals import arrival_key
    from warehouse.locks import connect_with_wait
    from warehouse.raw_store import LAST_ARRIVALS_BY_NAME

    if not db.exists():
        return set(), {}
    with connect_with_wait(db, read_only=True, timeout_s=lock_timeout_s, log=log) as con:
        tables = {
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = 'raw'"
            ).fetchall()
        }
        if "arrivals" in tables:
            ids = {r[0] for r in con.execute("select arrival_id from raw.arrivals").fetchall()}
            return ids, dict(con.execute(LAST_ARRIVALS_BY_NAME).fetchall())
        if "workbook_versions" not in tables:
            return set(), {}
        rows = con.execute(
            "select workbook_sha256, file_name, received_at, load_id from raw.workbook_versions"
        ).fetchall()
        return {arrival_key(*row) for row in rows}, {name: sha for sha, name, _, _ in rows}


def unpublished_versions(settings: Settings) -> int:
    """Workbook versions (else arrivals of known versions) loaded into the build but not in the
    published warehouse: a run that crashed (or failed a check) after its ingest committed. The
    next run must publish them even when the landing folder has nothing new."""
    wait = settings.lock_timeout_seconds
    versions = _loaded_versions(settings.build_db, wait) - _loaded_versions(
        settings.warehouse_db, wait
    )
    if versions:
        return len(versions)
    built, _ = _raw_arrivals(settings.build_db, wait)
    published, _ = _raw_arrivals(settings.warehouse_db, wait)
    return len(built - published)


def _landing_news(settings: Settings) -> tuple[list, list]:
    """(files a run must process, the new arrivals among the landing files).

    The files: one per version whose bytes the build has not loaded, and every new arrival of a
    version it has (an earlier version sent again under a new name, or put back in place): that
    arrival alone makes it the version in force, so it is news even though no row is loaded. A
    file merely touched is no arrival (sources/arrivals.py).
    """
    from sources.landing import new_arrivals, scan_landing, unique_new_files

    wait = settings.lock_timeout_seconds
    files = scan_landing(settings.landing_dir)
    loaded = _loaded_versions(settings.build_db, wait)
    _, last_by_name = _raw_arrivals(settings.build_db, wait)
    entries = new_arrivals(files, last_by_name)
    rearrived = [entry for entry in entries if entry.sha256 in loaded]
    return unique_new_files(files, loaded) + rearrived, entries


def _new_files(settings: Settings) -> list:
    """Landing files whose bytes the build has not loaded yet, and new arrivals of known bytes."""
    return _landing_news(settings)[0]


# Below this many files a pool costs more than it saves.
PARALLEL_COVERS = 32


def _cover_quarters(paths: list[Path], limits: GuardLimits) -> list[str | None]:
    """The quarter each file's cover declares (None when it has none or the file is unsafe)."""
    from sources.reader import read_workbook

    return [read_workbook(path, limits=limits, cover_only=True).quarter for path in paths]


class _QuarterScan:
    """Reads the new files' covers in worker processes while the caller does other work
    (importing the Dagster definitions takes as long as reading 700 covers)."""

    def __init__(self, files: list, limits: GuardLimits) -> None:
        self._paths = [f.path for f in files]
        self._limits = limits
        self._pool = None
        self._pending = None
        if len(self._paths) >= PARALLEL_COVERS:
            from concurrent.futures import ProcessPoolExecutor

            workers = os.cpu_count() or 1
            size = -(-len(self._paths) // (4 * workers))
            chunks = [self._paths[i : i + size] for i in range(0, len(self._paths), size)]
            self._pool = ProcessPoolExecutor(max_workers=workers)
            self._pending = self._pool.map(_cover_quarters, chunks, [limits] * len(chunks))

    def quarters(self) -> list[str]:
        if self._pool is None:
            found = _cover_quarters(self._paths, self._limits)
        else:
            with self._pool:
                found = [q for chunk in self._pending for q in chunk]
        return sorted({q for q in found if q})


PID_TAG, HOST_TAG = "ntm/pid", "ntm/host"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _reconcile(settings: Settings, echo: Callable[[str], None]) -> None:
    """Every run first makes the exports match the published warehouse (a run killed right after
    publishing left them behind)."""
    from warehouse.publish import reconcile_exports

    repaired = reconcile_exports(
        settings.build_db,
        settings.warehouse_db,
        settings.exports_dir,
        lock_timeout_s=settings.lock_timeout_seconds,
        log=echo,
    )
    if repaired:
        echo(
            f"Exports re-made from the published warehouse ({repaired}): an earlier run was "
            "interrupted after publishing"
        )


def recover_interrupted_runs(instance, echo: Callable[[str], None] = print) -> list[str]:
    """Runs of this command whose process died (SIGKILL, OOM, power loss) stay STARTED forever and
    keep their `duckdb_writer` pool slot, so every later run would wait for it. Mark them failed
    and free their slots. Only runs this command started on this host, whose pid is gone."""
    import socket

    import dagster as dg

    recovered = []
    runs = instance.get_runs(
        filters=dg.RunsFilter(
            job_name="ntm_pipeline",
            statuses=[
                dg.DagsterRunStatus.NOT_STARTED,
                dg.DagsterRunStatus.STARTING,
                dg.DagsterRunStatus.STARTED,
            ],
        )
    )
    for run in runs:
        pid, host = run.tags.get(PID_TAG), run.tags.get(HOST_TAG)
        if not pid or host != socket.gethostname() or _alive(int(pid)):
            continue
        instance.report_run_failed(
            run, message=f"process {pid} ended without finishing the run (killed?)"
        )
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        recovered.append(run.run_id)
        echo(f"Run {run.run_id[:8]} was interrupted (process {pid} is gone): marked failed")
    return recovered


def say_who_holds_the_writer_pool(instance, echo: Callable[[str], None]) -> list[str]:
    """A live run (launched from the UI, the schedule or the sensor) holding the `duckdb_writer`
    pool's slot makes this run's steps wait for it without a time limit: say so, with that run's
    id and step. (Inside the run, Dagster logs "Step blocked by limit for pool duckdb_writer" as
    a debug engine event, every 5 minutes.) Returns the holders' run ids."""
    from orchestration.defs.resources import DUCKDB_WRITER_POOL

    info = instance.event_log_storage.get_concurrency_info(DUCKDB_WRITER_POOL)
    for slot in info.claimed_slots:
        echo(
            f"the {DUCKDB_WRITER_POOL} pool's slot is held by run {slot.run_id[:8]} (step "
            f"{slot.step_key}): this run's writing steps wait until it ends (see `ntm ui`)"
        )
    return [slot.run_id for slot in info.claimed_slots]


def run_pipeline(
    settings: Settings,
    rebuild: bool = False,
    echo: Callable[[str], None] = print,
    received_from_mtime: bool = False,
    crash_point: CrashPoint = no_crash,
) -> RunReport:
    """`_run_pipeline`; a DuckDB file another process held past NTM_LOCK_TIMEOUT_SECONDS before
    the Dagster run started (the pre-run reads, the reconcile) is a failed run naming the holder.
    (Inside the Dagster run, the step that waited fails with the same error.)"""
    from warehouse.locks import LockTimeoutError

    try:
        return _run_pipeline(settings, rebuild, echo, received_from_mtime, crash_point)
    except LockTimeoutError as error:
        return RunReport(success=False, failure=str(error))


def _run_pipeline(
    settings: Settings,
    rebuild: bool = False,
    echo: Callable[[str], None] = print,
    received_from_mtime: bool = False,
    crash_point: CrashPoint = no_crash,
) -> RunReport:
    """Ingest the new landing files' quarters, build and test with dbt, publish: one Dagster run.

    ``received_from_mtime`` (historical loads): a file the warehouse has not seen before is
    received at its modification time, recorded with basis ``file_mtime``; otherwise a file is
    received when first seen (basis ``first_seen``). See sources/arrivals.py.
    ``crash_point``: the hook the ingest and the publish call at their crash points, for crash
    tests (warehouse/crash_points.py; tests/support/faults.py).
    """
    ensure_dagster_home(settings)
    prepare_dbt_project(settings)
    started = time.perf_counter()
    _reconcile(settings, echo)
    fresh, entries = _landing_news(settings)
    new_files = len(fresh)
    if received_from_mtime and fresh:
        from sources.arrivals import FILE_MTIME, record_arrivals, record_landing_arrivals
        from sources.landing import from_mtime, landing_sightings

        # Before the run's ingest stamps them as seen now; a file the ledger already knows (the
        # sensor saw it) keeps its first sighting. Likewise each new arrival (landing entry).
        record_arrivals(settings.home, from_mtime(fresh))
        record_landing_arrivals(settings.home, landing_sightings(entries, FILE_MTIME))
    if not new_files and not rebuild and settings.warehouse_db.exists():
        pending = unpublished_versions(settings)
        if not pending:
            with _instance(settings) as instance:
                recover_interrupted_runs(instance, echo)
            return RunReport(success=True)
        echo(f"{pending} loaded workbook versions were never published: rebuilding to publish them")

    from warehouse.ingest import PARALLEL_THRESHOLD
    from warehouse.ingest_workers import start_worker_server

    if new_files >= PARALLEL_THRESHOLD:
        start_worker_server()  # where the ingest's workers fork from; it loads meanwhile
    scan = _QuarterScan(fresh, settings.guard_limits)
    from orchestration.definitions import build_definitions
    from orchestration.defs.dbt.assets import REBUILD_TAG
    from orchestration.defs.jobs import raw_changed_assets
    from orchestration.defs.partitions import partition_of_quarter, quarterly_partitions
    from orchestration.defs.resources import WarehouseHome
    from warehouse.expectations import start_worker_early

    keys = quarterly_partitions.get_partition_keys()
    # A quarter outside the partitions (before the first, after the current) is not a run's:
    # its file is rejected (COV-006 / COV-013) by whichever run sees it.
    partition_keys = set(keys)
    quarters = [q for q in scan.quarters() if partition_of_quarter(q) in partition_keys]

    # The run's resources carry these settings: nothing goes through the environment.
    definitions = build_definitions(
        WarehouseHome.of(settings), crash_point, expectations_early=start_worker_early(new_files)
    )
    job = definitions.resolve_job_def("ntm_pipeline")
    scope = scope_of_next_build(settings, rebuild, log=echo)
    selection = raw_changed_assets(definitions) if scope.scope == RAW_CHANGED else None
    with _instance(settings) as instance:
        recover_interrupted_runs(instance, echo)
        say_who_holds_the_writer_pool(instance, echo)
        if quarters:
            start, end = partition_of_quarter(quarters[0]), partition_of_quarter(quarters[-1])
        else:  # rejected files without a quarter, or a rebuild: the latest quarter carries the run
            start = end = keys[-1]
        echo(
            f"Running ntm_pipeline: {new_files} new workbooks, quarters "
            f"{quarters[0] if quarters else '-'}..{quarters[-1] if quarters else '-'} "
            f"(DAGSTER_HOME={instance.root_directory}); dbt build {scope.scope}: {scope.reason}"
        )
        # What exists now (the definitions, dbt's manifest, the imported modules) lives for
        # the whole run: frozen, the collector's full passes during the run skip it.
        gc.freeze()
        try:
            result = job.execute_in_process(
                instance=instance,
                asset_selection=selection,
                tags={
                    PARTITION_RANGE_START_TAG: start,
                    PARTITION_RANGE_END_TAG: end,
                    "ntm/trigger": "cli",
                    "ntm/received_from_mtime": str(received_from_mtime).lower(),
                    # --rebuild: dbt builds every node, not only what the raw layer feeds
                    REBUILD_TAG: str(rebuild).lower(),
                    PID_TAG: str(os.getpid()),
                    HOST_TAG: socket.gethostname(),
                },
                run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
                raise_on_error=False,
            )
        finally:
            gc.unfreeze()  # a caller running several pipelines in one process frees them
        report = RunReport(
            success=result.success,
            quarters=quarters,
            new_files=new_files,
            run_id=result.run_id,
            seconds=time.perf_counter() - started,
        )
        _fill_from_events(report, instance, result.run_id)
        if report.published:
            report.reporting = reporting_summary(
                settings.warehouse_db, settings.lock_timeout_seconds
            )
        return report


def _instance(settings: Settings):
    """The Dagster instance of the settings' DAGSTER_HOME (ensure_dagster_home configured it)."""
    import dagster as dg

    _sqlite_wal_commits_without_fsync()
    return dg.DagsterInstance.from_config(str(settings.dagster_home))


def _sqlite_wal_commits_without_fsync() -> None:
    """Dagster's SQLite storage (the default instance) commits each event in its own transaction:
    ~1,000 commits for a resubmission's run, each waiting for an fsync (~1.8 ms here, 1.7 s a
    run). In WAL mode, which Dagster sets on its event databases, SQLite's `synchronous =
    NORMAL` keeps them consistent and skips that wait: a power cut may lose the last events
    logged, never corrupt the database (sqlite.org/pragma.html#pragma_synchronous). The
    warehouse's own files are written and synced by the warehouse, not through this. Set on
    every SQLite connection SQLAlchemy opens in this process whose database is in WAL mode;
    registered once."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if event.contains(Engine, "connect", _wal_synchronous_normal):
        return
    event.listen(Engine, "connect", _wal_synchronous_normal)


def _wal_synchronous_normal(dbapi_connection, _record) -> None:
    import sqlite3

    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    (mode,) = dbapi_connection.execute("pragma journal_mode").fetchone()
    if mode == "wal":
        dbapi_connection.execute("pragma synchronous = normal")


def _fill_from_events(report: RunReport, instance, run_id: str) -> None:
    """Counts, publish status, step durations and the first failure, from the run's event log."""
    starts: dict[str, float] = {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None:
            continue
        step, kind = event.step_key, event.event_type_value
        if kind == "STEP_START" and step:
            starts[step] = entry.timestamp
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE") and step in starts:
            report.steps[step] = entry.timestamp - starts[step]
        if kind == "ASSET_MATERIALIZATION":
            materialization = event.event_specific_data.materialization
            path = materialization.asset_key.path
            metadata = materialization.metadata
            if path == ["raw", "workbook_versions"]:
                report.accepted = max(report.accepted, metadata["accepted"].value)
                report.rejected = max(report.rejected, metadata["rejected"].value)
            elif path == ["published", "warehouse"]:
                report.published = True
        if kind == "STEP_FAILURE" and report.failure is None:
            error = event.event_specific_data.error
            # Dagster wraps an error raised in a step: the user's error (e.g. a lock held past
            # NTM_LOCK_TIMEOUT_SECONDS, naming its holder) is what the summary should say.
            while error and error.cause and error.cls_name == "DagsterExecutionStepExecutionError":
                error = error.cause
            message = error.message.strip().splitlines()[0] if error else "failed"
            report.failure = f"{step}: {message}"
