"""Blocking checks on the ingest assets: what this run loaded still satisfies the pandera models.

Each workbook was validated before it was loaded; these checks validate the rows as they now sit
in DuckDB (types after the round trip, nothing lost on the way). A failure blocks dbt and the
publish step, and lists the failure cases in the check's metadata.
"""

import dagster as dg
import pandas as pd
import pandera.pandas as pa
from dagster_duckdb import DuckDBResource

from orchestration.raw_store import RAW_SCHEMA
from schemas.models import CriteriaModel, FundingModel, HouseholdsModel

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


def validate_loaded_rows(
    frame: pd.DataFrame, model: type[pa.DataFrameModel]
) -> tuple[pd.DataFrame | None, int]:
    """(failure cases or None, rows checked) for rows read back from a raw table."""
    data = _typed(frame.drop(columns=PROVENANCE_COLUMNS, errors="ignore"), model)
    try:
        model.validate(data, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return errors.failure_cases, len(data)
    return None, len(data)


def _failures_markdown(failures: pd.DataFrame, loaded: pd.DataFrame) -> str:
    lines = ["| file | sheet | row | column | check | value |", "|---|---|---|---|---|---|"]
    for case in failures.head(MAX_LISTED_FAILURES).itertuples():
        index = case.index
        source = loaded.loc[index] if index is not None and index in loaded.index else None
        lines.append(
            f"| {source['file_name'] if source is not None else ''} "
            f"| {source['sheet_name'] if source is not None else ''} "
            f"| {source['excel_row'] if source is not None else ''} "
            f"| {case.column} | {case.check} | {case.failure_case} |"
        )
    return "\n".join(lines)


def _build_check(table: str) -> dg.AssetChecksDefinition:
    model = MODELS[table]

    @dg.asset_check(
        asset=dg.AssetKey([RAW_SCHEMA, table]),
        name=f"{table}_pandera",
        blocking=True,
        description=f"Rows of {RAW_SCHEMA}.{table} loaded by this run pass {model.__name__}.",
    )
    def _check(context: dg.AssetCheckExecutionContext, duckdb: DuckDBResource):
        with duckdb.get_connection() as con:
            loaded = con.execute(
                f"select * from {RAW_SCHEMA}.{table} where load_id = ?", [context.run.run_id]
            ).df()
        failures, checked = validate_loaded_rows(loaded, model)
        metadata: dict[str, dg.RawMetadataValue] = {"rows_checked": checked}
        if failures is not None:
            metadata["failure_count"] = len(failures)
            metadata["failures"] = dg.MetadataValue.md(_failures_markdown(failures, loaded))
        return dg.AssetCheckResult(
            passed=failures is None, severity=dg.AssetCheckSeverity.ERROR, metadata=metadata
        )

    return _check


pandera_checks = [_build_check(table) for table in MODELS]

defs = dg.Definitions(asset_checks=pandera_checks)
