"""The raw layer in DuckDB: append-only tables keyed by workbook version (sha256).

Everything after the raw layer is rebuilt by dbt from these tables, so they are the only state that
matters: rows are only ever inserted, in one transaction per batch of workbooks, and a workbook
version already present is never loaded twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from schemas.registry import TABLES, RawColumn
from warehouse.crash_points import CrashPoint, no_crash

RAW_SCHEMA = "raw"

# The DDL and the column order of each table (frames insert by name), from the one registry.
RAW_TABLES: dict[str, str] = {name: table.ddl for name, table in TABLES.items()}
TABLE_COLUMNS: dict[str, list[str]] = {name: table.column_names for name, table in TABLES.items()}


# A raw layer from before raw.arrivals: each version it holds arrived once, when it was received
# (the id as sources.arrivals.arrival_key computes it).
BACKFILL_ARRIVALS = f"""
insert into {RAW_SCHEMA}.arrivals
select
    sha256(workbook_sha256 || '|' || file_name || '|'
        || strftime(received_at, '%Y-%m-%dT%H:%M:%S') || '|' || load_id),
    workbook_sha256, file_name, file_size_bytes, file_modified_at, received_at, received_basis,
    load_id
from {RAW_SCHEMA}.workbook_versions
"""


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = ?", [RAW_SCHEMA]
    ).fetchall()
    return {row[0] for row in rows}


def _add_missing_columns(
    con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[RawColumn]
) -> None:
    """Columns added after ``table`` was first created, on a raw layer from before them: its rows
    get the column's default, and the column its constraint, as a new table has it."""
    present = {
        row[0]
        for row in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            [RAW_SCHEMA, table],
        ).fetchall()
    }
    qualified = f"{RAW_SCHEMA}.{table}"
    for column in columns:
        if column.name in present:
            continue
        con.execute(
            f"alter table {qualified} add column {column.name} {column.kind.sql} "
            f"default {column.default}"
        )
        if column.not_null:
            con.execute(f"alter table {qualified} alter column {column.name} set not null")


def ensure_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    existing = _tables(con)
    for name, ddl in RAW_TABLES.items():
        con.execute(f"create table if not exists {RAW_SCHEMA}.{name} ({ddl})")
    for name, table in TABLES.items():
        if table.added_columns:
            _add_missing_columns(con, name, table.added_columns)
    if "workbook_versions" in existing and "arrivals" not in existing:
        con.execute(BACKFILL_ARRIVALS)


def known_versions(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(f"select workbook_sha256 from {RAW_SCHEMA}.workbook_versions").fetchall()
    return {row[0] for row in rows}


LAST_ARRIVALS_BY_NAME = f"""
select file_name, workbook_sha256
from {RAW_SCHEMA}.arrivals
qualify row_number() over (partition by file_name order by arrived_at desc, rowid desc) = 1
"""


def last_arrivals_by_name(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Landing name -> the sha256 of the last arrival recorded under it: a landing file whose
    bytes differ from these (or whose name is not here) is a new arrival."""
    return dict(con.execute(LAST_ARRIVALS_BY_NAME).fetchall())


@dataclass
class RawBatch:
    """Frames for one batch of workbooks, one per raw table (missing tables = nothing to add)."""

    frames: dict[str, pd.DataFrame]


def append_batch(
    con: duckdb.DuckDBPyConnection, batch: RawBatch, crash_point: CrashPoint = no_crash
) -> dict[str, int]:
    """Insert a batch in one transaction, in bulk (DuckDB scans the pandas frames directly).

    Either every table gets its rows or none does, so a failure never leaves half a workbook.
    """
    counts: dict[str, int] = {}
    crash_point("ingest-before-append")
    con.execute("begin transaction")
    try:
        for table, frame in batch.frames.items():
            if frame is None or frame.empty:
                counts[table] = 0
                continue
            columns = TABLE_COLUMNS[table]
            ordered = frame.reindex(columns=columns)  # noqa: F841 - scanned by DuckDB by name
            column_list = ", ".join(columns)
            con.execute(
                f"insert into {RAW_SCHEMA}.{table} ({column_list}) "
                f"select {column_list} from ordered"
            )
            counts[table] = len(frame)
        crash_point("ingest-before-commit")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return counts
