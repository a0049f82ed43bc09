"""BI tools read the published warehouse the way Superset does: SQLAlchemy + duckdb-engine,
read-only, with column reflection (`inspect(engine).get_columns`).

Reflection failed with SQLAlchemy 2.1 and works with 2.0.x, hence the pin `sqlalchemy<2.1`.
"""

from __future__ import annotations

import pytest


def test_every_reporting_view_reads_and_reflects_through_duckdb_engine(demo_run):
    import duckdb
    from sqlalchemy import create_engine, inspect, text

    settings, _ = demo_run
    before = settings.warehouse_db.stat().st_mtime_ns
    with duckdb.connect(str(settings.warehouse_db), read_only=True) as con:
        expected = {
            view: [c[0] for c in con.execute(f"describe reporting.{view}").fetchall()]
            for (view,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'reporting' order by 1"
            ).fetchall()
        }
    assert "rpt_attainment" in expected and "rpt_reporting_status" in expected

    engine = create_engine(f"duckdb:///{settings.warehouse_db}", connect_args={"read_only": True})
    try:
        inspector = inspect(engine)
        # duckdb-engine names schemas by database: "warehouse.reporting"
        assert "warehouse.reporting" in inspector.get_schema_names()
        views = inspector.get_view_names(schema="reporting")
        assert sorted(views) == sorted(expected)
        with engine.connect() as connection:
            for view in views:
                columns = inspector.get_columns(view, schema="reporting")
                assert [c["name"] for c in columns] == expected[view], view
                assert all(c["type"] is not None for c in columns), view
                result = connection.execute(text(f'select * from reporting."{view}" limit 5'))
                rows = result.fetchall()
                assert list(result.keys()) == expected[view]
                assert rows, f"reporting.{view} is empty"
            # The connection is read-only: a BI tool cannot change the published file.
            with pytest.raises(Exception, match=r"read.only"):
                connection.execute(text("create table reporting.x as select 1"))
    finally:
        engine.dispose()
    assert settings.warehouse_db.stat().st_mtime_ns == before
