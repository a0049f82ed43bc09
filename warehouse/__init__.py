"""What happens to accepted data: the raw store, ingest batches, write-audit-publish, exports,
expectations and the auditor's trace. Plain Python over DuckDB; no Dagster (that is
`orchestration/`), no file formats (that is `sources/`)."""
