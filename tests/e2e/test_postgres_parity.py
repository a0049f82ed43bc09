"""The same warehouse on PostgreSQL: the raw layer of both eras' demo (Hà Giang's district
workbooks 2016-2020, Tuyên Quang's commune workbooks 2025Q3-2026Q2) copied from its DuckDB build
(COPY), the same dbt project built with its `pg` target on a throwaway cluster, every data test
passing, and every reporting view equal to the published DuckDB warehouse's, row for row: not one
value differs."""

from __future__ import annotations

import json
import os
import subprocess
from contextlib import closing

import duckdb
import psycopg2
import pytest

from schemas.registry import TABLES
from warehouse.dbt_build import DBT_ENVIRONMENT, dbt_command
from warehouse.postgres import copy_raw_layer, dbt_environment, libpq_url


def _order(row: tuple) -> tuple:
    return tuple((v is None, type(v).__name__, v if v is not None else 0) for v in row)


def _sorted_rows(rows) -> list[tuple]:
    """Rows in one order whatever order the engine returned them in (nulls and types kept
    apart: a value of another Python type is a difference too)."""
    return sorted((tuple(row) for row in rows), key=_order)


@pytest.fixture(scope="module")
def warehouse_on_postgres(both_eras, postgres, tmp_path_factory):
    """Both eras' raw layer in PostgreSQL and `dbt build --target pg` run on it: (settings, url,
    run_results)."""
    settings, _, _ = both_eras
    url = postgres.create_database("ntm_parity")
    copied = copy_raw_layer(settings.build_db, url)
    assert copied["criteria_rows"] > 0 and copied["criterion_rows"] > 0  # both kinds
    target = tmp_path_factory.mktemp("dbt_pg")
    command = dbt_command(
        settings,
        "build",
        "--exclude-resource-type",
        "unit_test",
        target_path=target,
        log_path=target,
        target="pg",
    )
    env = {**os.environ, **DBT_ENVIRONMENT, **dbt_environment(url)}
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    run_results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))
    return settings, url, run_results


def test_the_raw_layer_arrives_whole(warehouse_on_postgres):
    settings, url, _ = warehouse_on_postgres
    with (
        duckdb.connect(str(settings.build_db), read_only=True) as source,
        closing(psycopg2.connect(libpq_url(url))) as target,
        target.cursor() as cursor,
    ):
        for name, table in TABLES.items():
            columns = ", ".join(table.column_names)
            expected = _sorted_rows(source.execute(f"select {columns} from raw.{name}").fetchall())
            cursor.execute(f"select {columns} from raw.{name}")
            assert _sorted_rows(cursor.fetchall()) == expected, name


def test_every_node_and_data_test_passes_on_postgres(warehouse_on_postgres):
    _, _, run_results = warehouse_on_postgres
    statuses = {r["unique_id"]: r["status"] for r in run_results["results"]}
    built = {uid: s for uid, s in statuses.items() if not uid.startswith("exposure.")}
    assert built and set(built.values()) <= {"success", "pass"}
    tests = [uid for uid in statuses if uid.startswith("test.")]
    assert len(tests) >= 70  # the project's data tests: model_checks, singular, province sums


def test_every_reporting_view_equals_duckdbs_row_for_row(warehouse_on_postgres):
    settings, url, _ = warehouse_on_postgres
    with duckdb.connect(str(settings.warehouse_db), read_only=True) as published:
        views = [
            row[0]
            for row in published.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'reporting' order by 1"
            ).fetchall()
        ]
        assert len(views) == 8
        expected = {}
        for view in views:
            cursor = published.execute(f'select * from reporting."{view}"')
            expected[view] = ([c[0] for c in cursor.description], cursor.fetchall())
    with closing(psycopg2.connect(libpq_url(url))) as target, target.cursor() as cursor:
        for view, (columns, rows) in expected.items():
            cursor.execute(f'select * from reporting."{view}"')
            assert [c[0] for c in cursor.description] == columns, view
            assert rows, f"reporting.{view} is empty"
            assert _sorted_rows(cursor.fetchall()) == _sorted_rows(rows), view
