"""Pure functions and real files written by the real writer: no DuckDB, dbt, Dagster run or
subprocess (`make test-unit`)."""
