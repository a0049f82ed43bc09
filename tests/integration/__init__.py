"""Pieces together: a real DuckDB, a dbt build on fixtures, Dagster's `materialize`, processes,
a real server on loopback (`make test-integration`)."""
