"""A real `dbt build` of the project on a small hand-written raw layer, for the dbt tests.

dbt runs in a subprocess (as the pipeline runs it) on a temporary DuckDB; the unit tests run too.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import duckdb

from warehouse.dbt_build import DBT_ENVIRONMENT, dbt_command
from warehouse.raw_store import TABLE_COLUMNS
from warehouse.settings import settings_from


def insert(con: duckdb.DuckDBPyConnection, table: str, row: dict[str, object]) -> None:
    """Insert one raw row by column name; columns not given are null."""
    columns = [c for c in TABLE_COLUMNS[table] if c in row]
    con.execute(
        f"insert into raw.{table} ({', '.join(columns)}) values ({', '.join('?' * len(columns))})",
        [row[c] for c in columns],
    )


def dbt_build(root: Path, write_raw: Callable[[Path], None]) -> Path:
    """Write the raw layer with ``write_raw`` into ``root``/build.duckdb and `dbt build` it
    (seeds, models, data and unit tests); fails with dbt's output when the build fails."""
    db_path = root / "build.duckdb"
    write_raw(db_path)
    result = dbt(root, "build")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    return db_path


def dbt(root: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """A dbt command on the working area at ``root`` (its build.duckdb), with the vars `ntm run`
    passes for the settings' defaults; dbt's own output is returned, not checked."""
    settings = settings_from({"NTM_HOME": str(root)})
    return subprocess.run(
        dbt_command(settings, *arguments, target_path=root / "target", log_path=root / "logs"),
        env={**os.environ, **DBT_ENVIRONMENT},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def query(db_path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql).fetchall()
