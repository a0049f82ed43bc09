"""Publish: copy the audited build to the file BI tools read, atomically.

BI tools keep read-only connections to `warehouse.duckdb` open for hours, and DuckDB allows no
reader beside a writer, so the run never writes that file in place: it writes a complete new file
beside it and renames it over the old one (`os.replace` is atomic on one filesystem). A reader that
opened the old file keeps reading the old inode; the next connection sees the new one.

Crash safety, step by step (a crash anywhere before step 6 leaves `warehouse.duckdb` untouched):

1. Hold a read-write connection on `build.duckdb` for the whole publish: DuckDB's file lock keeps
   any other process from writing the build while it is copied. Checkpoint it (nothing in the WAL).
2. Remove what earlier crashed publishes left: `.warehouse.*.tmp*` and `exports/.*.tmp/`.
3. Copy the build to `.warehouse.<publish id>.tmp` beside the warehouse, hashing the bytes (the
   build checksum), and fsync it.
4. Open the copy: count the rows of every reporting view (no view: refuse to publish) and append
   this publish to `audit.publish_log` (the previous warehouse's log is carried over), so an
   auditor can tell from inside the file which version a BI tool sees. Reopen it read-only, as a
   BI tool would, and check the log names this publish.
5. Stage the exports in `exports/.<publish id>.tmp/`: Parquet and CSV (formula-neutralised) of
   every reporting view, and `manifest.json`.
6. `os.replace` the copy over `warehouse.duckdb`, fsync the folder.
7. Rename the exports folder to `exports/<publish id>/`, write `exports/LATEST`.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from sources.digest import file_sha256, sha256_stream
from sources.guards import open_regular
from sources.paths import REPORTING_SCHEMA
from sources.safe_text import write_safe_csv
from warehouse.crash_points import CrashPoint, no_crash
from warehouse.locks import DEFAULT_LOCK_TIMEOUT_SECONDS, Log, connect_with_wait

AUDIT_SCHEMA = "audit"
PUBLISH_LOG = f"{AUDIT_SCHEMA}.publish_log"
COPY_CHUNK = 4 << 20
LOG = logging.getLogger(__name__)
PUBLISH_LOG_DDL = f"""
    create table if not exists {PUBLISH_LOG} (
        publish_id varchar primary key,
        published_at timestamp not null,
        run_id varchar,
        build_sha256 varchar not null,
        build_size_bytes bigint not null,
        reporting_rows json not null
    )
"""


@dataclass(frozen=True)
class PublishResult:
    publish_id: str
    warehouse_db: Path
    size_bytes: int
    views: dict[str, int]  # reporting view → row count
    exports: dict[str, Path]  # reporting view → Parquet file
    build_sha256: str = ""
    published_at: str = ""
    manifest: Path | None = None
    csv_exports: dict[str, Path] = field(default_factory=dict)
    removed_leftovers: list[Path] = field(default_factory=list)


def reporting_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_schema = ? order by table_name",
        [REPORTING_SCHEMA],
    ).fetchall()
    return [row[0] for row in rows]


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (the directory entry itself is on disk)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def staging_path(warehouse_db: Path, publish_id: str) -> Path:
    return warehouse_db.with_name(f".{warehouse_db.stem}.{publish_id}.tmp")


def clean_leftovers(warehouse_db: Path, exports_dir: Path) -> list[Path]:
    """Remove what crashed publishes left behind: staging copies (and their WAL) and staged
    export folders. Only called while this process holds the build's lock."""
    removed = sorted(warehouse_db.parent.glob(f".{warehouse_db.stem}.*.tmp*"))
    for path in removed:
        path.unlink(missing_ok=True)
    if exports_dir.exists():
        for path in sorted(exports_dir.glob(".*.tmp")):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _copy_and_hash(source: Path, target: Path, crash_point: CrashPoint) -> str:
    """Copy ``source`` to a new file ``target`` in chunks, fsync it; sha256 of the bytes copied."""
    half = source.stat().st_size // 2
    written, paused = 0, False
    with open_regular(source) as src, target.open("xb") as dst:

        def copy(chunk: bytes) -> None:
            nonlocal written, paused
            dst.write(chunk)
            written += len(chunk)
            if not paused and written >= half:
                paused = True
                dst.flush()
                crash_point("publish-mid-copy")

        sha256, _ = sha256_stream(src, copy, COPY_CHUNK)
        dst.flush()
        os.fsync(dst.fileno())
    return sha256


def _record_publish(
    staging: Path,
    warehouse_db: Path,
    publish_id: str,
    published_at: datetime,
    run_id: str | None,
    build_sha256: str,
    build_size: int,
) -> dict[str, int]:
    """Count the reporting views of the copy and append this publish to its audit.publish_log."""
    with duckdb.connect(str(staging)) as con:
        views = {
            view: con.execute(f'select count(*) from {REPORTING_SCHEMA}."{view}"').fetchone()[0]
            for view in reporting_views(con)
        }
        if not views:
            raise RuntimeError(f"the build has no {REPORTING_SCHEMA} views: nothing to publish")
        con.execute(f"create schema if not exists {AUDIT_SCHEMA}")
        con.execute(PUBLISH_LOG_DDL)
        _carry_over_log(con, warehouse_db)
        con.execute(
            f"insert into {PUBLISH_LOG} values (?, ?, ?, ?, ?, ?)",
            [
                publish_id,
                published_at.replace(tzinfo=None),
                run_id,
                build_sha256,
                build_size,
                json.dumps(views),
            ],
        )
        con.execute("checkpoint")
    return views


def _carry_over_log(con: duckdb.DuckDBPyConnection, warehouse_db: Path) -> None:
    """Earlier publishes' rows, from the warehouse being replaced (if it has a readable log)."""
    if not warehouse_db.exists():
        return
    try:
        con.execute(f"attach '{warehouse_db}' as previous (read_only)")
    except duckdb.Error:
        return  # not a DuckDB file (or unreadable): the history starts again here
    try:
        has_log = con.execute(
            "select count(*) from duckdb_tables() where database_name = 'previous' "
            "and schema_name = ? and table_name = 'publish_log'",
            [AUDIT_SCHEMA],
        ).fetchone()[0]
        if has_log:
            con.execute(f"insert into {PUBLISH_LOG} select * from previous.{PUBLISH_LOG}")
    finally:
        con.execute("detach previous")


def _verify_read_only(staging: Path, publish_id: str, views: dict[str, int]) -> None:
    """Open the copy the way a BI tool does and check it is the complete file just written."""
    with duckdb.connect(str(staging), read_only=True) as con:
        seen = {
            view: con.execute(f'select count(*) from {REPORTING_SCHEMA}."{view}"').fetchone()[0]
            for view in reporting_views(con)
        }
        logged = con.execute(
            f"select count(*) from {PUBLISH_LOG} where publish_id = ?", [publish_id]
        ).fetchone()[0]
    if seen != views or logged != 1:
        raise RuntimeError(f"the staged copy {staging} does not read back as written")


def publish_warehouse(
    build_db: Path,
    warehouse_db: Path,
    exports_dir: Path,
    run_id: str | None = None,
    *,
    lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_SECONDS,
    log: Log = LOG.warning,
    crash_point: CrashPoint = no_crash,
) -> PublishResult:
    """Checkpoint the build, copy it next to the warehouse, check the copy, rename it over.

    A build another process holds is waited for up to ``lock_timeout_s`` (logged with the holder)
    and then fails with `warehouse.locks.LockTimeoutError`: nothing is published. ``crash_point``:
    the hook called at the publish's crash points (warehouse/crash_points.py)."""
    published_at = datetime.now(UTC)
    publish_id = published_at.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
    staging = staging_path(warehouse_db, publish_id)
    staged_exports = exports_dir / f".{publish_id}.tmp"
    final_exports = exports_dir / publish_id
    # The build's write lock is held until the rename: no other run can change it meanwhile.
    with connect_with_wait(build_db, read_only=False, timeout_s=lock_timeout_s, log=log) as build:
        build.execute("checkpoint")  # everything in the main file, nothing left in the WAL
        removed = clean_leftovers(warehouse_db, exports_dir)
        crash_point("publish-before-copy")
        try:
            build_size = build_db.stat().st_size
            build_sha256 = _copy_and_hash(build_db, staging, crash_point)
            views = _record_publish(
                staging, warehouse_db, publish_id, published_at, run_id, build_sha256, build_size
            )
            _fsync(staging)
            _verify_read_only(staging, publish_id, views)
            parquet, csv_files = export_views(staging, staged_exports, list(views))
            _write_manifest(
                staged_exports,
                {
                    "publish_id": publish_id,
                    "published_at": published_at.isoformat(timespec="seconds"),
                    "run_id": run_id,
                    "warehouse": warehouse_db.name,
                    "warehouse_sha256": file_sha256(staging),
                    "build_sha256": build_sha256,
                    "build_size_bytes": build_size,
                    "reporting_rows": views,
                },
                [*parquet.values(), *csv_files.values()],
            )
            crash_point("publish-before-rename")
            os.replace(staging, warehouse_db)  # the commit point
            _fsync_dir(warehouse_db.parent)
        except BaseException:
            shutil.rmtree(staged_exports, ignore_errors=True)
            raise
        finally:
            staging.unlink(missing_ok=True)
            Path(f"{staging}.wal").unlink(missing_ok=True)
    crash_point("publish-after-rename")
    try:
        staged_exports.rename(final_exports)
        _write_latest(exports_dir, publish_id)
        _fsync_dir(exports_dir)
    finally:
        shutil.rmtree(staged_exports, ignore_errors=True)
    return PublishResult(
        publish_id=publish_id,
        warehouse_db=warehouse_db,
        size_bytes=warehouse_db.stat().st_size,
        views=views,
        exports={view: final_exports / path.name for view, path in parquet.items()},
        build_sha256=build_sha256,
        published_at=published_at.isoformat(timespec="seconds"),
        manifest=final_exports / "manifest.json",
        csv_exports={view: final_exports / path.name for view, path in csv_files.items()},
        removed_leftovers=removed,
    )


def _write_manifest(folder: Path, facts: dict, files: list[Path]) -> None:
    """`manifest.json` of an export folder (the publish's facts and every file's sha256); every
    file of the folder fsynced."""
    manifest = {**facts, "files": {path.name: file_sha256(path) for path in files}}
    (folder / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    for path in folder.iterdir():
        _fsync(path)


def reconcile_exports(
    build_db: Path,
    warehouse_db: Path,
    exports_dir: Path,
    *,
    lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_SECONDS,
    log: Log = LOG.warning,
) -> str | None:
    """Make the exports match the published warehouse, as every run's first step.

    A run killed right after the rename (the commit point) has published a complete warehouse
    whose exports were still staged: `exports/LATEST` names the previous publish. The exports are
    rebuilt from the published warehouse itself (its last `audit.publish_log` row says which
    publish it is) and LATEST is moved to it. Done holding the build's lock, as a publish is, so
    no publish runs meanwhile. A build another process holds is waited for (logged, with the
    holder) up to ``lock_timeout_s``, then `LockTimeoutError`: the run could not open the build
    either, so it fails here, naming the holder. Returns the publish id repaired, or None when the
    exports already matched (or there is nothing to do).
    """
    if not warehouse_db.exists():
        return None
    wait = {"timeout_s": lock_timeout_s, "log": log}
    build = connect_with_wait(build_db, read_only=False, **wait) if build_db.exists() else None
    try:
        with connect_with_wait(warehouse_db, read_only=True, **wait) as con:
            if not con.execute(
                "select count(*) from duckdb_tables() where schema_name = ? "
                "and table_name = 'publish_log'",
                [AUDIT_SCHEMA],
            ).fetchone()[0]:
                return None
            last = con.execute(
                f"select publish_id, published_at, run_id, build_sha256, build_size_bytes "
                f"from {PUBLISH_LOG} order by published_at desc, publish_id desc limit 1"
            ).fetchone()
            views = reporting_views(con)
        if last is None:
            return None
        publish_id = last[0]
        final = exports_dir / publish_id
        latest = exports_dir / "LATEST"
        current = latest.read_text(encoding="utf-8").strip() if latest.exists() else None
        if current == publish_id and (final / "manifest.json").exists():
            return None
        clean_leftovers(warehouse_db, exports_dir)
        if not (final / "manifest.json").exists():
            staged = exports_dir / f".{publish_id}.tmp"
            parquet, csv_files = export_views(warehouse_db, staged, views)
            counts = {}
            with connect_with_wait(warehouse_db, read_only=True, **wait) as con:
                for view in views:
                    sql = f'select count(*) from {REPORTING_SCHEMA}."{view}"'
                    counts[view] = con.execute(sql).fetchone()[0]
            _write_manifest(
                staged,
                {
                    "publish_id": publish_id,
                    "published_at": last[1].isoformat(timespec="seconds"),
                    "run_id": last[2],
                    "warehouse": warehouse_db.name,
                    "warehouse_sha256": file_sha256(warehouse_db),
                    "build_sha256": last[3],
                    "build_size_bytes": last[4],
                    "reporting_rows": counts,
                    "reconciled": True,  # exported by a later run, from the published file
                },
                [*parquet.values(), *csv_files.values()],
            )
            shutil.rmtree(final, ignore_errors=True)
            staged.rename(final)
        _write_latest(exports_dir, publish_id)
        _fsync_dir(exports_dir)
        return publish_id
    finally:
        if build is not None:
            build.close()


def _write_latest(exports_dir: Path, publish_id: str) -> None:
    """`exports/LATEST` names the newest complete export folder (replaced atomically)."""
    tmp = exports_dir / f".LATEST.{publish_id}.tmp"
    tmp.write_text(publish_id + "\n", encoding="utf-8")
    os.replace(tmp, exports_dir / "LATEST")


def export_views(
    database: Path, out_dir: Path, views: list[str]
) -> tuple[dict[str, Path], dict[str, Path]]:
    """Parquet and CSV of every reporting view, for tools that read files rather than DuckDB.

    The CSV files are for spreadsheets: UTF-8 with BOM, text cells that a spreadsheet would run as
    a formula are neutralised (leading apostrophe)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    parquet, csv_files = {}, {}
    with duckdb.connect(str(database), read_only=True) as con:
        for view in views:
            relation = f'{REPORTING_SCHEMA}."{view}"'
            target = out_dir / f"{view}.parquet"
            con.execute(f"copy (select * from {relation}) to '{target}' (format parquet)")
            parquet[view] = target
            cursor = con.execute(f"select * from {relation}")
            header = [d[0] for d in cursor.description]
            csv_target = out_dir / f"{view}.csv"
            write_safe_csv(csv_target, header, _rows(cursor))
            csv_files[view] = csv_target
    return parquet, csv_files


def _rows(cursor: duckdb.DuckDBPyConnection, batch: int = 10_000):
    while rows := cursor.fetchmany(batch):
        yield from rows


def export_parquet(warehouse_db: Path, out_dir: Path, views: list[str]) -> dict[str, Path]:
    """One Parquet file per reporting view (kept for callers of the earlier API)."""
    return export_views(warehouse_db, out_dir, views)[0]


# Reporters (districts up to 2025Q2, communes from 2025Q3) that did not report on time, every
# quarter of the calendar (late, rejected, missing, not yet due), for the people who chase them:
# shown on the publish in the Dagster UI. A reporter row is one with a reporter_code (a commune
# row has district_code null, like the province row).
REPORTING_EXCEPTIONS_SQL = f"""
select quarter, province_code, reporter_level, reporter_code,
    coalesce(district_name, commune_name) as reporter_name, district_code, district_name,
    commune_code, commune_name, status, days_after_quarter_end, rejected_versions
from {REPORTING_SCHEMA}.rpt_reporting_status
where reporter_code is not null
  and (status <> 'accepted_on_time' or rejected_versions > 0)
order by quarter desc, province_code, reporter_code
"""


def reporting_exceptions(warehouse_db: Path) -> list[dict]:
    """Rows of the published rpt_reporting_status that someone must follow up (or that had a
    version rejected), newest quarter first; empty when the view is not there."""
    try:
        with duckdb.connect(str(warehouse_db), read_only=True) as con:
            cursor = con.execute(REPORTING_EXCEPTIONS_SQL)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    except duckdb.Error:
        return []
