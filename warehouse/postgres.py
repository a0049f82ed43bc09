"""The warehouse on PostgreSQL 15+: its raw layer and what dbt's `pg` target needs.

The raw layer is the warehouse's only state (dbt rebuilds everything else from it), so moving a
province from DuckDB to PostgreSQL is copying its raw tables, then `dbt build --target pg` of the
same project (dbt_project/profiles.yml). Rows travel by `COPY`, never row by row: DuckDB writes
each table as CSV, PostgreSQL reads it in one statement, all tables in one transaction.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from schemas.registry import TABLES
from warehouse.locks import DEFAULT_LOCK_TIMEOUT_SECONDS, Log, connect_with_wait
from warehouse.raw_store import RAW_SCHEMA

# How a NULL travels in the CSV between the engines (an empty text stays an empty text: "").
NULL_TEXT = r"\N"


def libpq_url(url: str) -> str:
    """The URL as libpq (psycopg2) reads it: `postgresql+psycopg2://` is SQLAlchemy's spelling."""
    scheme, _, rest = url.partition("://")
    return f"postgresql://{rest}" if scheme.startswith("postgres") else url


def dbt_environment(url: str) -> dict[str, str]:
    """What dbt's `pg` target reads from the environment (dbt_project/profiles.yml): the URL's
    parts, so the password is never on a command line nor in dbt's logged --vars."""
    parts = urlsplit(url)
    return {
        "NTM_PG_HOST": parts.hostname or "localhost",
        "NTM_PG_PORT": str(parts.port or 5432),
        "NTM_PG_USER": unquote(parts.username or ""),
        "NTM_PG_PASSWORD": unquote(parts.password or ""),
        "NTM_PG_DATABASE": unquote(parts.path.lstrip("/")),
    }


def ensure_raw_tables(cursor) -> None:
    """The raw schema and tables of the registry (`schemas.registry.TABLES`), in PostgreSQL's
    types."""
    cursor.execute(f"create schema if not exists {RAW_SCHEMA}")
    for name, table in TABLES.items():
        cursor.execute(f"create table if not exists {RAW_SCHEMA}.{name} ({table.postgres_ddl})")


def copy_raw_layer(
    build_db: Path,
    url: str,
    lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_SECONDS,
    log: Log = print,
) -> dict[str, int]:
    """Every row of a DuckDB build's raw layer into a PostgreSQL database's, in one transaction:
    rows per table. A PostgreSQL raw layer that already holds rows is refused (nothing is
    copied): a version is never loaded twice. A build another process holds is waited for
    (``log`` says so) up to ``lock_timeout_s``."""
    import psycopg2

    counts: dict[str, int] = {}
    target = psycopg2.connect(libpq_url(url))
    try:
        with (
            tempfile.TemporaryDirectory(prefix="ntm-raw-") as folder,
            connect_with_wait(
                build_db, read_only=True, timeout_s=lock_timeout_s, log=log
            ) as source,
            target.cursor() as cursor,
        ):
            ensure_raw_tables(cursor)
            held = {name: _row_count(cursor, name) for name in TABLES}
            if any(held.values()):
                raise RuntimeError(
                    "the PostgreSQL raw layer already holds rows "
                    f"({', '.join(f'raw.{t}: {n}' for t, n in held.items() if n)}): "
                    "nothing copied"
                )
            for name, table in TABLES.items():
                columns = ", ".join(table.column_names)
                csv_path = Path(folder) / f"{name}.csv"
                source.execute(
                    f"copy (select {columns} from {RAW_SCHEMA}.{name}) to '{csv_path}' "
                    f"(format csv, header false, nullstr '{NULL_TEXT}')"
                )
                with csv_path.open(encoding="utf-8") as rows:
                    cursor.copy_expert(
                        f"copy {RAW_SCHEMA}.{name} ({columns}) from stdin "
                        f"with (format csv, null '{NULL_TEXT}')",
                        rows,
                    )
                counts[name] = cursor.rowcount
        target.commit()
    finally:
        target.close()  # uncommitted (an error): rolled back
    return counts


def _row_count(cursor, table: str) -> int:
    cursor.execute(f"select count(*) from {RAW_SCHEMA}.{table}")
    return cursor.fetchone()[0]
