"""Blocking checks on the ingest assets: the loaded rows still satisfy the pandera models.

Each workbook was validated before it was loaded; these checks validate the rows as they now sit
in DuckDB (types after the round trip, nothing lost on the way): the rows this run loaded, and
the rows of any version loaded earlier but never published (a run whose check failed publishes
nothing, and the next run must not publish those rows unjudged). They judge the rows with the
ingest's own judgement (`schemas.models.judge_rows`: the same models, the same rule severities),
so only a rule the ingest treats as an error fails a check: a warning the ingest accepted (e.g.
TC-007, a recognition year without a level) is listed in the metadata, never a failure. A failure
blocks dbt and the publish step, and lists the failure cases in the check's metadata.
"""

from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pandera.pandas as pa

from orchestration.defs.resources import WaitingDuckDBResource, WarehouseHome
from schemas.models import CriteriaModel, FundingModel, HouseholdsModel, errors_of, judge_rows
from sources.markdown import markdown_table
from warehouse.locks import DEFAULT_LOCK_TIMEOUT_SECONDS, connect_with_wait
from warehouse.raw_store import RAW_SCHEMA

PROVENANCE_COLUMNS = ["workbook_sha256", "load_id", "file_name", "sheet_name"]
MODELS: dict[str, type[pa.DataFrameModel]] = {
    "criteria_rows": CriteriaModel,
    "household_rows": HouseholdsModel,
    "funding_rows": FundingModel,
}
MAX_LISTED_FAILURES = 50


def _typed(frame: pd.DataFrame, model: type[pa.DataFrameModel]) -> pd.DataFrame:
    """DuckDB → pandas gives numpy types; give the columns the reader's nullable dtypes."""
    schema = model.to_schema()
    dtypes = {
        name: str(column.dtype)
        for name, column in schema.columns.items()
        if name in frame.columns and column.dtype is not None
    }
    return frame.astype(dtypes)


def judge_loaded_rows(frame: pd.DataFrame, model: type[pa.DataFrameModel]) -> pd.DataFrame:
    """Every failure case (errors and warnings, with rule_id and severity) of rows read back."""
    data = _typed(frame.drop(columns=PROVENANCE_COLUMNS, errors="ignore"), model)
    return judge_rows(model, data)


def published_versions(
    warehouse_db: Path,
    timeout_s: float = DEFAULT_LOCK_TIMEOUT_SECONDS,
    log: Callable[[str], None] = print,
) -> list[str]:
    """Workbook versions in the published warehouse's raw layer (none when nothing is published)."""
    if not warehouse_db.exists():
        return []
    try:
        with connect_with_wait(warehouse_db, read_only=True, timeout_s=timeout_s, log=log) as con:
            return [
                sha
                for (sha,) in con.execute(
                    f"select workbook_sha256 from {RAW_SCHEMA}.workbook_versions"
                ).fetchall()
            ]
    except duckdb.Error:
        return []  # unreadable or without a raw layer: nothing counts as published


def rows_to_judge(
    con: duckdb.DuckDBPyConnection, table: str, run_id: str, published: list[str]
) -> pd.DataFrame:
    """Rows this run loaded, and rows of versions loaded earlier but never published."""
    return con.execute(
        f"select * from {RAW_SCHEMA}.{table} "
        # a hash anti-join: the published list can hold every version of a national warehouse
        "where load_id = ? or workbook_sha256 not in (select unnest(?::varchar[]))",
        [run_id, published],
    ).df()


def _cases_markdown(cases: pd.DataFrame, loaded: pd.DataFrame) -> str:
    rows = []
    for case in cases.head(MAX_LISTED_FAILURES).itertuples():
        index = case.index
        source = loaded.loc[index] if index is not None and index in loaded.index else None
        where = (
            ("", "", "")
            if source is None
            else (source["file_name"], source["sheet_name"], source["excel_row"])
        )
        rows.append(
            (*where, case.column, case.rule_id, case.severity, case.check, case.failure_case)
        )
    header = ("file", "sheet", "row", "column", "rule", "severity", "check", "value")
    return markdown_table(header, rows)


def _rows_with(cases: pd.DataFrame) -> int:
    """Distinct rows with a case (a dataframe-level rule gives one case per column of a row)."""
    return int(cases["index"].dropna().nunique())


def _build_check(table: str) -> dg.AssetChecksDefinition:
    model = MODELS[table]

    @dg.asset_check(
        asset=dg.AssetKey([RAW_SCHEMA, table]),
        name=f"{table}_pandera",
        blocking=True,
        description=f"Rows of {RAW_SCHEMA}.{table} loaded by this run (or loaded earlier and "
        f"never published) pass {model.__name__}: no error, the ingest's warnings listed.",
    )
    def _check(
        context: dg.AssetCheckExecutionContext,
        duckdb: WaitingDuckDBResource,
        warehouse: WarehouseHome,
    ):
        settings = warehouse.settings
        published = published_versions(
            settings.warehouse_db, settings.lock_timeout_seconds, context.log.warning
        )
        with duckdb.get_connection() as con:
            loaded = rows_to_judge(con, table, context.run.run_id, published)
        cases = judge_loaded_rows(loaded, model)
        failures = errors_of(cases)
        warnings = cases[cases["severity"] != "error"]
        metadata: dict[str, dg.RawMetadataValue] = {"rows_checked": len(loaded)}
        if not failures.empty:
            metadata["failure_count"] = len(failures)
            metadata["failures"] = dg.MetadataValue.md(_cases_markdown(failures, loaded))
        if not warnings.empty:
            # accepted by the ingest with these warnings: shown, never a failure
            metadata["rows_with_warnings"] = _rows_with(warnings)
            metadata["warning_rules"] = ", ".join(sorted(warnings["rule_id"].unique()))
            metadata["warnings"] = dg.MetadataValue.md(_cases_markdown(warnings, loaded))
        return dg.AssetCheckResult(
            passed=failures.empty, severity=dg.AssetCheckSeverity.ERROR, metadata=metadata
        )

    return _check


pandera_checks = [_build_check(table) for table in MODELS]

defs = dg.Definitions(asset_checks=pandera_checks)
