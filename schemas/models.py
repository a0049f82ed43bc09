"""pandera models of the three data sheets, on the reader's typed frames.

Their fields and dtypes are the raw tables' (`schemas.registry`); this module adds the rules.

Every value check is named by its rule id (`sources.rules`), so a pandera failure converts to a
Finding without a lookup table; the only unnamed checks are pandera's own dtype and nullability
checks, mapped in `NULL_RULES` / `DTYPE_RULE`. The reader has already converted every cell (and
reported what it could not convert), so ``coerce`` is off: a dtype failure here is a warehouse bug.

Checks that need the admin units or the quarter (commune in district, recognition year not after
the quarter) live in `schemas.validate`.

`judge_rows` is THE judgement of a frame against a model: the ingest (`schemas.validate`) and the
post-load Dagster checks (`orchestration.defs.ingest.checks`) both call it, so a rule is an error
or a warning in one place (its `sources.rules` severity) and a row the ingest accepts can never
fail the post-load check for the same reason (e.g. TC-007, a warning, is not a failure).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.registry import SHEET_TABLES, TABLES
from sources.contract import (
    CRITERION_FIELDS,
    FUNDING_SOURCES,
    NTM_LEVELS,
    PROGRAMMES,
    SHEET_CRITERIA,
    SHEET_FUNDING,
    SHEET_HOUSEHOLDS,
)
from sources.reader import AMOUNT_FIELDS, COUNT_FIELDS
from sources.rules import ERROR, RULES

# pandera's built-in check names → rule ids (per field for nullability).
DTYPE_RULE = "CELL-009"
NULL_RULES: dict[str, str] = {
    "households": "HH-002",
    "poor_households": "HH-002",
    "near_poor_households": "HH-002",
}
DEFAULT_NULL_RULE = "CELL-003"


class _Base(pa.DataFrameModel):
    class Config:
        strict = True  # the frame must carry exactly the raw table's fields (+ excel_row)
        coerce = False

    excel_row: Series[int] = pa.Field(ge=1)


def _fields_of(table: str) -> type[_Base]:
    """A model of the sheet fields of the raw ``table`` as the registry types them, with none of
    their checks: each model below subclasses it and adds its rules."""
    fields = TABLES[table].sheet_fields
    return type(
        f"_{table.title().replace('_', '')}Fields",
        (_Base,),
        {
            "__annotations__": {column.name: Series[column.kind.frame] for column in fields},
            **{column.name: pa.Field(nullable=column.nullable_in_frame) for column in fields},
        },
    )


class CriteriaModel(_fields_of(SHEET_TABLES[SHEET_CRITERIA])):
    """`Tieu chi`: one row per xã."""

    @pa.check("criteria_met_reported", name="TC-003")
    def met_in_range(cls, series: pd.Series) -> pd.Series:
        return series.between(0, len(CRITERION_FIELDS))

    @pa.check("recognition_year", name="TC-004")
    def year_is_a_year(cls, series: pd.Series) -> pd.Series:
        return series.between(1000, 9999)

    @pa.check("ntm_level", name="TC-005")
    def known_level(cls, series: pd.Series) -> pd.Series:
        return series.isin(NTM_LEVELS)

    @pa.dataframe_check(name="TC-002")
    def reported_equals_counted(cls, df: pd.DataFrame) -> pd.Series:
        flags = df[list(CRITERION_FIELDS)]
        counted = flags.sum(axis=1, skipna=True).astype("Int64")
        comparable = flags.notna().all(axis=1) & df["criteria_met_reported"].notna()
        return ~comparable | (counted == df["criteria_met_reported"]).fillna(True)

    @pa.dataframe_check(name="TC-006")
    def level_has_year(cls, df: pd.DataFrame) -> pd.Series:
        return df["ntm_level"].isna() | df["recognition_year"].notna()

    @pa.dataframe_check(name="TC-007")
    def year_has_level(cls, df: pd.DataFrame) -> pd.Series:
        return df["recognition_year"].isna() | df["ntm_level"].notna()


class HouseholdsModel(_fields_of(SHEET_TABLES[SHEET_HOUSEHOLDS])):
    """`Ho ngheo`: one row per commune-level unit."""

    @pa.check(*COUNT_FIELDS, name="HH-001")
    def not_negative(cls, series: pd.Series) -> pd.Series:
        return series >= 0

    @pa.dataframe_check(name="HH-003")
    def poor_within_households(cls, df: pd.DataFrame) -> pd.Series:
        poor = df["poor_households"] + df["near_poor_households"]
        return (poor <= df["households"]).fillna(True).astype(bool)

    @pa.dataframe_check(name="HH-004")
    def ethnic_within_poor(cls, df: pd.DataFrame) -> pd.Series:
        ok = df["poor_ethnic_minority_households"] <= df["poor_households"]
        return ok.fillna(True).astype(bool)


class FundingModel(_fields_of(SHEET_TABLES[SHEET_FUNDING])):
    """`Nguon von`: one row per (commune or district level, programme, source)."""

    @pa.check("programme_code", name="FUND-002")
    def known_programme(cls, series: pd.Series) -> pd.Series:
        return series.isin(list(PROGRAMMES))

    @pa.check("funding_source_code", name="FUND-003")
    def known_source(cls, series: pd.Series) -> pd.Series:
        return series.isin(list(FUNDING_SOURCES))

    @pa.check(*AMOUNT_FIELDS, name="FUND-001")
    def not_negative(cls, series: pd.Series) -> pd.Series:
        return series >= 0


MODELS: dict[str, type[pa.DataFrameModel]] = {
    SHEET_CRITERIA: CriteriaModel,
    SHEET_HOUSEHOLDS: HouseholdsModel,
    SHEET_FUNDING: FundingModel,
}


# --- the judgement both the ingest and the post-load checks use ----------------------------------
CASE_COLUMNS = ["rule_id", "severity"]


def rule_of(check: str, column: str | None) -> str:
    """Rule id of a pandera failure case: a named check is its rule, else nullability or dtype."""
    if check in RULES:
        return check
    if check == "not_nullable":
        return NULL_RULES.get(column or "", DEFAULT_NULL_RULE)
    return DTYPE_RULE


def judge_rows(model: type[pa.DataFrameModel], frame: pd.DataFrame) -> pd.DataFrame:
    """Every failure case of ``frame`` against ``model`` (lazy), with its rule id and severity.

    pandera's own columns (schema_context, column, check, check_number, failure_case, index)
    plus ``rule_id`` and ``severity`` ('error' | 'warning', from `sources.rules`). Empty when the
    frame passes every check. Only the cases whose severity is 'error' make a frame wrong.
    """
    try:
        model.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases.copy()
    else:
        return pd.DataFrame(columns=["schema_context", "column", "check", "index", *CASE_COLUMNS])
    cases["rule_id"] = [
        rule_of(str(check), column if isinstance(column, str) else None)
        for check, column in zip(cases["check"], cases["column"], strict=True)
    ]
    cases["severity"] = [RULES[rule_id].severity for rule_id in cases["rule_id"]]
    return cases


def errors_of(cases: pd.DataFrame) -> pd.DataFrame:
    """The cases of `judge_rows` that make a row wrong (severity 'error')."""
    return cases[cases["severity"] == ERROR]
