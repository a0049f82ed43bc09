"""Publish: the audited build becomes `warehouse.duckdb`, the file BI tools read."""

import dagster as dg

from orchestration.defs.dbt.assets import REPORTING_VIEW_KEYS
from orchestration.defs.resources import DUCKDB_WRITER_POOL, WarehouseHome
from orchestration.publish import publish_warehouse


@dg.asset(
    key=["published", "warehouse"],
    deps=REPORTING_VIEW_KEYS,
    group_name="publish",
    kinds={"duckdb", "parquet"},
    owners=["team:data-engineering"],
    pool=DUCKDB_WRITER_POOL,
)
def published_warehouse(
    context: dg.AssetExecutionContext, warehouse: WarehouseHome
) -> dg.MaterializeResult:
    """`$NTM_HOME/warehouse.duckdb`: a complete copy of the build, renamed over the old one only
    after dbt's build and tests have passed; Parquet of every reporting view under `exports/`."""
    settings = warehouse.settings
    result = publish_warehouse(settings.build_db, settings.warehouse_db, settings.exports_dir)
    table = "\n".join(
        ["| view | rows |", "|---|---|"]
        + [f"| reporting.{view} | {rows} |" for view, rows in result.views.items()]
    )
    context.log.info(f"published {settings.warehouse_db} ({result.publish_id})")
    return dg.MaterializeResult(
        metadata={
            "publish_id": result.publish_id,
            "path": dg.MetadataValue.path(str(result.warehouse_db)),
            "size_bytes": result.size_bytes,
            "views": dg.MetadataValue.md(table),
            "exports": dg.MetadataValue.path(str(settings.exports_dir / result.publish_id)),
        }
    )


defs = dg.Definitions(assets=[published_warehouse])
