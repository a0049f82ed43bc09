"""The raw layer in DuckDB: append-only tables keyed by workbook version (sha256).

Everything after the raw layer is rebuilt by dbt from these tables, so they are the only state that
matters: rows are only ever inserted, in one transaction per batch of workbooks, and a workbook
version already present is never loaded twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from warehouse.crash_points import CrashPoint, no_crash

RAW_SCHEMA = "raw"

PROVENANCE_DDL = """
    workbook_sha256 varchar not null,
    load_id varchar not null,
    file_name varchar not null,
    sheet_name varchar not null,
    excel_row integer not null
"""

RAW_TABLES: dict[str, str] = {
    "workbook_versions": """
        workbook_sha256 varchar primary key,
        load_id varchar not null,
        file_name varchar not null,
        file_size_bytes bigint not null,
        received_at timestamp not null,
        file_modified_at timestamp not null,
        received_basis varchar not null default 'first_seen',
        status varchar not null,
        error_count integer not null,
        warning_count integer not null,
        province_code varchar,
        province_name varchar,
        district_code varchar,
        district_name varchar,
        quarter varchar,
        prepared_on date,
        prepared_by varchar,
        criteria_set varchar,
        poverty_standard varchar,
        archive_path varchar
    """,
    # Every arrival of a workbook version in the landing folder: (sha256, file name, modification
    # time) seen for the first time. A version's rows are loaded once (workbook_versions); an office
    # re-sending known bytes adds an arrival only, which makes that version the one in force again.
    "arrivals": """
        arrival_id varchar primary key,
        workbook_sha256 varchar not null,
        file_name varchar not null,
        file_size_bytes bigint not null,
        file_modified_at timestamp not null,
        arrived_at timestamp not null,
        received_basis varchar not null,
        load_id varchar not null
    """,
    "criteria_rows": PROVENANCE_DDL
    + """,
        commune_code varchar not null,
        commune_name varchar,
        """
    + ",\n".join(f"tc{n:02d} boolean" for n in range(1, 20))
    + """,
        criteria_met_reported integer,
        recognition_year integer,
        ntm_level varchar
    """,
    "household_rows": PROVENANCE_DDL
    + """,
        commune_code varchar not null,
        commune_name varchar,
        households bigint,
        poor_households bigint,
        near_poor_households bigint,
        poor_ethnic_minority_households bigint
    """,
    "funding_rows": PROVENANCE_DDL
    + """,
        commune_code varchar,
        programme_code varchar not null,
        funding_source_code varchar not null,
        plan_million_vnd double,
        actual_ytd_million_vnd double
    """,
    "sheet_columns": """
        workbook_sha256 varchar not null,
        sheet_name varchar not null,
        field varchar not null,
        column_letter varchar not null,
        header_text varchar
    """,
    "rejections": """
        workbook_sha256 varchar not null,
        load_id varchar not null,
        file_name varchar not null,
        sheet_name varchar,
        excel_row integer,
        column_name varchar,
        cell_ref varchar,
        value varchar,
        rule_id varchar not null,
        severity varchar not null,
        message_vi varchar not null,
        message_en varchar not null
    """,
}

# Column order of each data table, for building frames that insert by name.
TABLE_COLUMNS: dict[str, list[str]] = {
    name: [
        line.strip().split()[0]
        for line in ddl.replace(",\n", "\n").splitlines()
        if line.strip() and not line.strip().startswith(")")
    ]
    for name, ddl in RAW_TABLES.items()
}


# Columns added after a raw table was first created, with the value its existing rows get.
# received_basis: a version loaded before the column existed was stamped when the warehouse first
# saw it (there was no other way to receive a file then).
ADDED_COLUMNS: dict[str, dict[str, tuple[str, str]]] = {
    "workbook_versions": {"received_basis": ("varchar", "'first_seen'")},
}


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


def ensure_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    existing = _tables(con)
    for name, ddl in RAW_TABLES.items():
        con.execute(f"create table if not exists {RAW_SCHEMA}.{name} ({ddl})")
    for name, columns in ADDED_COLUMNS.items():
        present = {
            row[0]
            for row in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = ? and table_name = ?",
                [RAW_SCHEMA, name],
            ).fetchall()
        }
        for column, (data_type, default) in columns.items():
            if column in present:
                continue
            table = f"{RAW_SCHEMA}.{name}"
            con.execute(f"alter table {table} add column {column} {data_type} default {default}")
            con.execute(f"alter table {table} alter column {column} set not null")
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

    def row_count(self, table: str) -> int:
        frame = self.frames.get(table)
        return 0 if frame is None else len(frame)


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


def concat_frames(frames: Iterable[pd.DataFrame | None], table: str) -> pd.DataFrame:
    present = [f for f in frames if f is not None and not f.empty]
    if not present:
        return pd.DataFrame(columns=TABLE_COLUMNS[table])
    return pd.concat(present, ignore_index=True)


def utc_now() -> datetime:
    return datetime.now().replace(microsecond=0)


def columns_for(table: str) -> Sequence[str]:
    return TABLE_COLUMNS[table]
