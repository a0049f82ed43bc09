"""Publish: copy the audited build to the file BI tools read, atomically.

BI tools keep read-only connections to `warehouse.duckdb` open for hours, and DuckDB allows no
reader beside a writer, so the run never writes that file in place: it writes a complete new file
beside it and renames it over the old one (`os.replace` is atomic on one filesystem). A reader that
opened the old file keeps reading the old inode; the next connection sees the new one.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

REPORTING_SCHEMA = "reporting"


@dataclass(frozen=True)
class PublishResult:
    publish_id: str
    warehouse_db: Path
    size_bytes: int
    views: dict[str, int]  # reporting view → row count
    exports: dict[str, Path]


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


def publish_warehouse(build_db: Path, warehouse_db: Path, exports_dir: Path) -> PublishResult:
    """Checkpoint the build, copy it next to the warehouse, check the copy, rename it over."""
    publish_id = datetime.now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    with duckdb.connect(str(build_db)) as con:
        con.execute("checkpoint")  # everything in the main file, nothing left in the WAL
    staging = warehouse_db.with_name(f".{warehouse_db.stem}.{publish_id}.tmp")
    try:
        shutil.copyfile(build_db, staging)
        _fsync(staging)
        with duckdb.connect(str(staging), read_only=True) as con:
            views = {
                view: con.execute(f'select count(*) from {REPORTING_SCHEMA}."{view}"').fetchone()[0]
                for view in reporting_views(con)
            }
        if not views:
            raise RuntimeError(f"{build_db} has no {REPORTING_SCHEMA} views: nothing to publish")
        os.replace(staging, warehouse_db)
    finally:
        staging.unlink(missing_ok=True)
    exports = export_parquet(warehouse_db, exports_dir / publish_id, list(views))
    return PublishResult(publish_id, warehouse_db, warehouse_db.stat().st_size, views, exports)


def export_parquet(warehouse_db: Path, out_dir: Path, views: list[str]) -> dict[str, Path]:
    """One Parquet file per reporting view, for tools that read files rather than DuckDB."""
    out_dir.mkdir(parents=True, exist_ok=True)
    exports = {}
    with duckdb.connect(str(warehouse_db), read_only=True) as con:
        for view in views:
            target = out_dir / f"{view}.parquet"
            con.execute(
                f"copy (select * from {REPORTING_SCHEMA}.\"{view}\") to '{target}' (format parquet)"
            )
            exports[view] = target
    return exports
