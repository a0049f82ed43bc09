"""The raw tables are written once (`schemas.registry`): the DuckDB tables, the migrations of an
older raw layer, the pandera models, the finding reports and dbt's sources YAML all follow it."""

from __future__ import annotations

import csv
from dataclasses import fields
from datetime import datetime
from pathlib import Path

import duckdb
import yaml

from schemas.models import MODELS
from schemas.registry import FINDING_FIELDS, SHEET_TABLES, TABLES
from sources.arrivals import arrival_key
from sources.findings import Finding
from sources.paths import DBT_PROJECT_DIR
from warehouse.ingest import write_rejection_report
from warehouse.raw_store import RAW_SCHEMA, ensure_raw_tables

SOURCES_YAML = DBT_PROJECT_DIR / "models" / "staging" / "raw" / "_raw__sources.yml"


def _columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str, bool]]]:
    """table → [(column, type, nullable)] in the order DuckDB holds them."""
    rows = con.execute(
        "select table_name, column_name, data_type, is_nullable = 'YES' "
        "from information_schema.columns where table_schema = ? "
        "order by table_name, ordinal_position",
        [RAW_SCHEMA],
    ).fetchall()
    tables: dict[str, list[tuple[str, str, bool]]] = {}
    for table, column, data_type, nullable in rows:
        tables.setdefault(table, []).append((column, data_type.lower(), nullable))
    return tables


def _registered(table: str) -> list[tuple[str, str, bool]]:
    return [(c.name, c.kind.sql, not (c.not_null or c.primary_key)) for c in TABLES[table].columns]


def test_the_raw_tables_are_the_registry() -> None:
    with duckdb.connect() as con:
        ensure_raw_tables(con)
        assert _columns(con) == {table: _registered(table) for table in TABLES}


def test_an_older_raw_layer_gains_the_added_columns_and_its_arrivals() -> None:
    """A build.duckdb from before received_basis and raw.arrivals: the column is added (its rows
    get the default, then it is not null like a new table's) and every version arrived once."""
    versions = TABLES["workbook_versions"]
    received_at = datetime(2024, 1, 2, 3, 4, 5)
    with duckdb.connect() as con:
        con.execute(f"create schema {RAW_SCHEMA}")
        first_release = ", ".join(c.ddl for c in versions.columns if not c.added)
        con.execute(f"create table {RAW_SCHEMA}.workbook_versions ({first_release})")
        con.execute(
            f"insert into {RAW_SCHEMA}.workbook_versions "
            "(workbook_sha256, load_id, file_name, file_size_bytes, received_at, "
            "file_modified_at, status, error_count, warning_count) "
            "values ('abc', 'load-1', 'a.xlsx', 10, ?, ?, 'accepted', 0, 0)",
            [received_at, received_at],
        )

        ensure_raw_tables(con)

        added = {c.name: c for c in versions.added_columns}
        # The first release's columns keep their places; the added ones follow, constrained.
        assert _columns(con)["workbook_versions"] == [
            *(column for column in _registered("workbook_versions") if column[0] not in added),
            *((c.name, c.kind.sql, not c.not_null) for c in added.values()),
        ]
        assert con.execute(
            f"select received_basis from {RAW_SCHEMA}.workbook_versions"
        ).fetchall() == [("first_seen",)]
        assert con.execute(
            f"select arrival_id, workbook_sha256, arrived_at, received_basis "
            f"from {RAW_SCHEMA}.arrivals"
        ).fetchall() == [
            (arrival_key("abc", "a.xlsx", received_at, "load-1"), "abc", received_at, "first_seen")
        ]


def test_the_pandera_models_type_the_registered_sheet_fields() -> None:
    for sheet, table in SHEET_TABLES.items():
        schema = MODELS[sheet].to_schema()
        registered = TABLES[table].sheet_fields
        assert list(schema.columns) == ["excel_row", *(c.name for c in registered)], sheet
        for column in registered:
            assert schema.columns[column.name].nullable == column.nullable_in_frame, column.name


def test_every_field_of_a_finding_is_reported_in_one_order(tmp_path: Path) -> None:
    assert sorted(FINDING_FIELDS) == sorted(field.name for field in fields(Finding))
    report = write_rejection_report([], tmp_path / "report.csv")
    with report.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == [
        "file_name",
        "sheet",
        "row",
        "column",
        "cell_ref",
        "value",
        "rule_id",
        "severity",
        "message_vi",
        "message_en",
    ]
    assert tuple(header) == FINDING_FIELDS


def test_the_dbt_sources_yaml_lists_the_registry() -> None:
    """dbt reads its own YAML; this holds it to the registry: every raw table, every column in the
    table's order, and the data_type of each column that declares one."""
    (source,) = yaml.safe_load(SOURCES_YAML.read_text())["sources"]
    assert (source["name"], source["schema"]) == ("raw", RAW_SCHEMA)
    documented = {table["name"]: table["columns"] for table in source["tables"]}
    assert {
        table: [column["name"] for column in columns] for table, columns in documented.items()
    } == {name: table.column_names for name, table in TABLES.items()}
    for name, columns in documented.items():
        kinds = {column.name: column.kind.sql for column in TABLES[name].columns}
        for column in columns:
            if "data_type" in column:
                assert column["data_type"] == kinds[column["name"]], (name, column["name"])
