"""Publish: the audited build becomes `warehouse.duckdb`, the file BI tools read."""

import dagster as dg

from orchestration.defs.dbt.assets import REPORTING_VIEW_KEYS
from orchestration.defs.resources import DUCKDB_WRITER_POOL, WarehouseHome
from sources.markdown import markdown_table
from sources.paths import REPORTING_SCHEMA
from warehouse.crash_points import CrashPoint
from warehouse.publish import publish_warehouse, reporting_exceptions

MAX_STATUS_ROWS = 50


@dg.asset(
    key=["published", "warehouse"],
    deps=REPORTING_VIEW_KEYS,
    group_name="publish",
    kinds={"duckdb", "parquet", "csv"},
    owners=["team:data-engineering"],
    pool=DUCKDB_WRITER_POOL,
)
def published_warehouse(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseHome,
    crash_point: dg.ResourceParam[CrashPoint],
) -> dg.MaterializeResult:
    """`$NTM_HOME/warehouse.duckdb`: a complete copy of the build, renamed over the old one only
    after dbt's build and tests and every blocking check have passed (a failure upstream skips
    this step, so the published file stays as it was). Parquet and formula-safe CSV of every
    reporting view and a manifest under `exports/<publish id>/`; the publish is also recorded in
    `audit.publish_log` inside the published file."""
    settings = warehouse.settings
    result = publish_warehouse(
        settings.build_db,
        settings.warehouse_db,
        settings.exports_dir,
        run_id=context.run_id,
        lock_timeout_s=settings.lock_timeout_seconds,
        log=context.log.warning,
        crash_point=crash_point,
    )
    if result.removed_leftovers:
        context.log.warning(
            "removed leftovers of an interrupted publish: "
            + ", ".join(p.name for p in result.removed_leftovers)
        )
    table = markdown_table(
        ("view", "rows"),
        [(f"{REPORTING_SCHEMA}.{view}", rows) for view, rows in result.views.items()],
    )
    context.log.info(f"published {settings.warehouse_db} ({result.publish_id})")
    exceptions = reporting_exceptions(result.warehouse_db)
    return dg.MaterializeResult(
        metadata={
            "districts_to_follow_up": dg.MetadataValue.md(_status_table(exceptions)),
            "late_or_missing_count": sum(
                1 for r in exceptions if r["status"] in ("accepted_late", "missing")
            ),
            "publish_id": result.publish_id,
            "path": dg.MetadataValue.path(str(result.warehouse_db)),
            "size_bytes": result.size_bytes,
            "build_sha256": result.build_sha256,
            "published_at": result.published_at,
            "manifest": dg.MetadataValue.path(str(result.manifest)),
            "views": dg.MetadataValue.md(table),
            "exports": dg.MetadataValue.path(str(settings.exports_dir / result.publish_id)),
        }
    )


def _status_table(rows: list[dict]) -> str:
    """Late, missing, rejected and not-yet-due districts as the UI shows them (newest first)."""
    if not rows:
        return "Every expected district reported on time."
    shown = [
        (
            r["quarter"],
            f"{r['reporter_code']} {r['reporter_name'] or ''}",
            r["status"],
            r["days_after_quarter_end"],
            r["rejected_versions"],
        )
        for r in rows[:MAX_STATUS_ROWS]
    ]
    if len(rows) > MAX_STATUS_ROWS:
        shown.append(("…", f"{len(rows) - MAX_STATUS_ROWS} more", "", "", ""))
    header = ("quarter", "district", "status", "days after quarter end", "rejected versions")
    return markdown_table(header, shown)


defs = dg.Definitions(assets=[published_warehouse])
