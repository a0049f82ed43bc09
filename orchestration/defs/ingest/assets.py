"""Ingest: the district workbooks in the landing folder become rows of the raw DuckDB tables."""

from collections.abc import Iterator

import dagster as dg

from orchestration.defs.partitions import quarter_of_partition, quarterly_partitions
from orchestration.defs.resources import DUCKDB_WRITER_POOL, WaitingDuckDBResource, WarehouseHome
from sources.markdown import markdown_table
from warehouse.crash_points import CrashPoint
from warehouse.ingest import IngestSummary, ingest_landing
from warehouse.raw_store import RAW_SCHEMA, RAW_TABLES, ensure_raw_tables

RAW_TABLE_DESCRIPTIONS = {
    "arrivals": "Every arrival of a workbook version in the landing folder (sha256, file name, "
    "modification time, when it arrived): an earlier version sent again arrives again and is in "
    "force again, without its rows being loaded twice.",
    "workbook_versions": "One row per workbook version received (sha256 of its bytes): file, "
    "cover, received time, accepted or rejected.",
    "criteria_rows": "Sheet 'Tieu chi' of accepted district workbooks: one row per xã, the 19 "
    "criteria flags, recognition; with file, sheet and Excel row.",
    "criterion_rows": "Sheet 'Tieu chi' of accepted commune workbooks (from 2025Q3): one row per "
    "criterion (`1` …) or indicator (`1.1` …) of the cover's set, met or not; with file, sheet "
    "and Excel row.",
    "cover_cells": "Where each cover value of every workbook version was read (sheet, field, "
    "cell, label), both kinds.",
    "household_rows": "Sheet 'Ho ngheo' of accepted workbooks: households, poor, near-poor and "
    "ethnic-minority poor households per commune-level unit.",
    "funding_rows": "Sheet 'Nguon von' of accepted workbooks: year plan and cumulative actual "
    "(million VND) per commune or district level, programme and source.",
    "sheet_columns": "Where each field was found in each accepted workbook (column letter and "
    "header as written): with the Excel row it gives every value's cell reference.",
    "rejections": "Every finding of every workbook: file, sheet, row, column, value, rule id, "
    "message in Vietnamese and English.",
}
OWNERS = ["team:data-engineering"]
# Characters of a finding's text in a metadata table (the full text is in raw.rejections).
CELL_WIDTH = 160


def _outcomes_markdown(summary: IngestSummary, limit: int = 60) -> str:
    """One line per workbook of the run; a rejected one links its report for the officer."""
    rows = []
    for outcome in summary.outcomes[:limit]:
        first_error = outcome.errors[0].describe() if outcome.errors else ""
        path = summary.reports.get(outcome.file.sha256)
        rows.append(
            (
                outcome.reporter_key,
                outcome.quarter or "?",
                outcome.file.file_name,
                "accepted" if outcome.accepted else "**rejected**",
                f"{len(outcome.errors)} {first_error[:120]}",
                f"`{path}`" if path is not None and not outcome.accepted else "",
            )
        )
    if len(summary.outcomes) > limit:
        rows.append(("…", "", f"{len(summary.outcomes) - limit} more", "", "", ""))
    header = ("reporter", "quarter", "file", "status", "errors", "report")
    return markdown_table(header, rows)


def _skipped_markdown(summary: IngestSummary) -> str:
    """Landing entries skipped unopened (symlinks, FIFOs, directories, unreadable files)."""
    if not summary.skipped:
        return "No landing entry skipped. / Không bỏ qua mục nào trong thư mục landing."
    return markdown_table(
        ("entry", "kind", "rule", "message (vi)", "message (en)"),
        [
            (e.name, e.kind, e.finding.rule_id, e.finding.message_vi, e.finding.message_en)
            for e in summary.skipped
        ],
        CELL_WIDTH,
    )


def _rejections_markdown(summary: IngestSummary, limit: int = 50) -> str:
    """Errors of the rejected workbooks of this run, as a table (the first ``limit``)."""
    errors = [finding for outcome in summary.rejected for finding in outcome.errors]
    if not errors:
        return "No workbook rejected in this run. / Không có tệp nào bị từ chối."
    rows = []
    for f in errors[:limit]:
        cell = f.cell_ref or (f"row {f.row}" if f.row is not None else "")
        if f.column and not f.cell_ref:
            cell = f"{cell} {f.column}".strip()
        rows.append((f.file_name, f.sheet, cell, f.value, f.rule_id, f.message_vi, f.message_en))
    if len(errors) > limit:
        rows.append((f"… {len(errors) - limit} more errors in raw.rejections", *[""] * 6))
    header = ("file", "sheet", "cell", "value", "rule", "message (vi)", "message (en)")
    return markdown_table(header, rows, CELL_WIDTH)


# The files themselves, as districts send them: not materialized by the warehouse (districts put
# them in the landing folder), shown so the lineage starts where the data does.
landing_workbooks = dg.AssetSpec(
    ["landing", "district_workbooks"],
    description="District workbooks (.xlsx, .xls, .ods) as they arrive in $NTM_HOME/landing/; "
    "never modified. Watched by landing_sensor.",
    group_name="ingest",
    kinds={"excel"},
    owners=OWNERS,
)


@dg.multi_asset(
    name="ingest_district_workbooks",
    specs=[
        dg.AssetSpec(
            [RAW_SCHEMA, table],
            deps=[landing_workbooks.key],
            description=RAW_TABLE_DESCRIPTIONS[table],
            group_name="ingest",
            kinds={"duckdb", "excel"},
            owners=OWNERS,
        )
        for table in RAW_TABLES
    ],
    partitions_def=quarterly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=DUCKDB_WRITER_POOL,
)
def ingest_district_workbooks(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseHome,
    duckdb: WaitingDuckDBResource,
    crash_point: dg.ResourceParam[CrashPoint],
) -> Iterator[dg.MaterializeResult]:
    """Read, validate and load every new workbook in `$NTM_HOME/landing/` for the run's quarters.

    A workbook with any error is rejected whole (quarantined with its report); accepted ones are
    archived by sha256. The raw tables only grow: a version already loaded is skipped.
    """
    settings = warehouse.settings
    settings.ensure_dirs()
    quarters = {quarter_of_partition(key) for key in context.partition_keys}
    # The resource waits for a build.duckdb another process holds, naming it in the run's log,
    # and fails after NTM_LOCK_TIMEOUT_SECONDS (warehouse/locks.py).
    with duckdb.get_connection() as con:
        ensure_raw_tables(con)
        summary = ingest_landing(
            con,
            settings,
            load_id=context.run_id,
            quarters=quarters,
            crash_point=crash_point,
            limits=settings.guard_limits,
        )
        totals = {
            table: con.execute(f"select count(*) from {RAW_SCHEMA}.{table}").fetchone()[0]
            for table in RAW_TABLES
        }
    context.log.info(
        f"{len(summary.accepted)} accepted, {len(summary.rejected)} rejected, "
        f"{summary.already_loaded} already loaded, {summary.deferred} for other quarters, "
        f"{len(summary.skipped)} landing entries skipped"
    )
    for entry in summary.skipped:
        context.log.warning(entry.finding.describe())
    for outcome in summary.rejected:
        for finding in outcome.errors[:20]:
            context.log.warning(finding.describe())
    for table in RAW_TABLES:
        metadata: dict[str, dg.RawMetadataValue] = {
            "dagster/row_count": dg.MetadataValue.int(totals[table]),
            "rows_added": dg.MetadataValue.int(summary.rows.get(table, 0)),
        }
        if table == "workbook_versions":
            metadata.update(
                {
                    "quarters": dg.MetadataValue.text(", ".join(sorted(quarters))),
                    "accepted": dg.MetadataValue.int(len(summary.accepted)),
                    "rejected": dg.MetadataValue.int(len(summary.rejected)),
                    "already_loaded": dg.MetadataValue.int(summary.already_loaded),
                    "skipped_entries": dg.MetadataValue.int(len(summary.skipped)),
                    "skipped": dg.MetadataValue.md(_skipped_markdown(summary)),
                    "workbooks": dg.MetadataValue.md(_outcomes_markdown(summary)),
                }
            )
        if table == "rejections":
            metadata["rejected_workbooks"] = dg.MetadataValue.int(len(summary.rejected))
            metadata["preview"] = dg.MetadataValue.md(_rejections_markdown(summary))
            metadata["reports_folder"] = dg.MetadataValue.path(str(settings.rejected_dir))
        yield dg.MaterializeResult(asset_key=[RAW_SCHEMA, table], metadata=metadata)


defs = dg.Definitions(assets=[landing_workbooks, ingest_district_workbooks])
