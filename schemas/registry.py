"""THE registry of the raw tables: every column, its type and its constraints, written once.

From it come the DuckDB DDL and the migrations (`warehouse.raw_store`), the pandera models of the
sheet frames (`schemas.models`), the columns of the rejection reports (`FINDING_FIELDS`), and the
check that dbt's sources YAML (`_raw__sources.yml`) lists the same tables, columns and types
(tests/test_raw_registry.py: dbt keeps reading its YAML, the test holds it equal to this).

What the workbook contract already states is taken from it, never restated: the order and names
of each sheet's fields (`sources.contract.SHEET_COLUMNS`, `CRITERION_FIELDS`) and of the cover
(`COVER_FIELDS`). This module only adds what the contract does not say: how each field is stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from sources.contract import (
    COMMUNE_COVER_FIELDS,
    COVER_FIELDS,
    CRITERION_FIELDS,
    SHEET_COLUMNS,
    SHEET_CRITERIA,
    SHEET_FUNDING,
    SHEET_HOUSEHOLDS,
)


@dataclass(frozen=True)
class Kind:
    """How a value is stored (``sql``, the DuckDB type; ``postgres``, PostgreSQL's name where it
    differs) and, for a sheet field, the dtype of its column in the reader's frame as the pandera
    model states it (``frame``; None when the value never sits in a sheet frame)."""

    sql: str
    frame: object = None
    postgres: str | None = None

    @property
    def postgres_sql(self) -> str:
        return self.postgres or self.sql


# Codes the reader zero-pads or looks up: always text (a non-text value is a dtype failure).
CODE = Kind("varchar", str)
# Text as written and labels. object, not str: the post-load check retypes the rows it reads back
# with the model's dtypes, and `astype(str)` would turn a blank into the text 'None'.
TEXT = Kind("varchar", object)
FLAG = Kind("boolean", pd.BooleanDtype)  # nullable: a flag neither met nor not met is <NA>
INTEGER = Kind("integer", pd.Int64Dtype)
BIGINT = Kind("bigint", pd.Int64Dtype)
DOUBLE = Kind("double", float, postgres="double precision")
DATE = Kind("date")
TIMESTAMP = Kind("timestamp")


@dataclass(frozen=True)
class RawColumn:
    """One column of a raw table.

    ``not_null``: the table refuses a null. ``filled``: the workbook must fill the cell (the
    pandera model refuses a blank) although the table, as first created, accepts a null.
    ``added``: the column came after its table's first release, so `ensure_raw_tables` adds it to
    an existing table, giving the rows already there ``default``. ``finding_field``: the field of
    a `sources.findings.Finding` the column holds (raw.rejections).
    """

    name: str
    kind: Kind
    not_null: bool = False
    filled: bool = False
    primary_key: bool = False
    default: str | None = None  # a SQL literal
    added: bool = False
    finding_field: str | None = None

    def __post_init__(self) -> None:
        if self.added and self.default is None:
            raise ValueError(f"{self.name}: an added column needs a default for existing rows")

    @property
    def ddl(self) -> str:
        return self._ddl(self.kind.sql)

    @property
    def postgres_ddl(self) -> str:
        return self._ddl(self.kind.postgres_sql)

    def _ddl(self, type_sql: str) -> str:
        constraint = " primary key" if self.primary_key else " not null" if self.not_null else ""
        default = f" default {self.default}" if self.default is not None else ""
        return f"{self.name} {type_sql}{constraint}{default}"

    @property
    def nullable_in_frame(self) -> bool:
        """Whether a sheet frame may hold a blank here (the pandera model's ``nullable``)."""
        return not (self.not_null or self.primary_key or self.filled)


@dataclass(frozen=True)
class RawTable:
    name: str
    columns: tuple[RawColumn, ...]

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def ddl(self) -> str:
        return ",\n".join(column.ddl for column in self.columns)

    @property
    def postgres_ddl(self) -> str:
        return ",\n".join(column.postgres_ddl for column in self.columns)

    @property
    def added_columns(self) -> list[RawColumn]:
        return [column for column in self.columns if column.added]

    @property
    def sheet_fields(self) -> list[RawColumn]:
        """The columns a sheet frame carries (all but the provenance the ingest adds)."""
        return [column for column in self.columns if column.name not in PROVENANCE_NAMES]


# Where every data row comes from: the workbook version, the run, and the place in the file.
PROVENANCE: tuple[RawColumn, ...] = (
    RawColumn("workbook_sha256", TEXT, not_null=True),
    RawColumn("load_id", TEXT, not_null=True),
    RawColumn("file_name", TEXT, not_null=True),
    RawColumn("sheet_name", TEXT, not_null=True),
    RawColumn("excel_row", INTEGER, not_null=True),
)
PROVENANCE_NAMES = frozenset(column.name for column in PROVENANCE)

# Fields of the data sheets the raw tables do not keep: a row's running number and its free note.
UNSTORED_FIELDS = frozenset({"stt", "note"})


def _sheet_table(name: str, sheet: str, typed: Iterable[RawColumn]) -> RawTable:
    """A sheet's raw table: provenance, then the sheet's stored fields in the contract's order,
    each typed by ``typed``. A field the contract adds without a type here fails at import."""
    types = {column.name: column for column in typed}
    fields = [c.field for c in SHEET_COLUMNS[sheet] if c.field not in UNSTORED_FIELDS]
    if set(fields) != set(types):
        raise ValueError(f"{name}: contract fields {fields} but typed {sorted(types)}")
    return RawTable(name, (*PROVENANCE, *(types[field] for field in fields)))


# The cover's fields are stored as read (text) but for these.
_COVER_KINDS: dict[str, Kind] = {
    "prepared_on": DATE,
    "criteria_met_reported": INTEGER,
    "recognition_year": INTEGER,
}
# The commune workbook's cover fields (quarters from 2025Q3) that a district cover lacks: added
# to raw.workbook_versions after its first release, null on district workbooks.
_COMMUNE_ONLY_COVER = tuple(
    c for c in COMMUNE_COVER_FIELDS if c.field not in {f.field for f in COVER_FIELDS}
)

TABLES: dict[str, RawTable] = {
    table.name: table
    for table in (
        RawTable(
            "workbook_versions",
            (
                RawColumn("workbook_sha256", TEXT, primary_key=True),
                RawColumn("load_id", TEXT, not_null=True),
                RawColumn("file_name", TEXT, not_null=True),
                RawColumn("file_size_bytes", BIGINT, not_null=True),
                RawColumn("received_at", TIMESTAMP, not_null=True),
                RawColumn("file_modified_at", TIMESTAMP, not_null=True),
                # A version loaded before the column existed was stamped when the warehouse
                # first saw it (there was no other way to receive a file then).
                RawColumn(
                    "received_basis", TEXT, not_null=True, default="'first_seen'", added=True
                ),
                RawColumn("status", TEXT, not_null=True),
                RawColumn("error_count", INTEGER, not_null=True),
                RawColumn("warning_count", INTEGER, not_null=True),
                *(RawColumn(c.field, _COVER_KINDS.get(c.field, TEXT)) for c in COVER_FIELDS),
                RawColumn("archive_path", TEXT),
                # Which contract the version was read under (sources.contract.WORKBOOK_KINDS):
                # every version loaded before the 2025 reform was a district workbook.
                RawColumn("workbook_kind", TEXT, not_null=True, default="'district'", added=True),
                *(
                    RawColumn(c.field, _COVER_KINDS.get(c.field, TEXT), default="null", added=True)
                    for c in _COMMUNE_ONLY_COVER
                ),
            ),
        ),
        # Where each cover value was read (both kinds): what an auditor's trace of a cover fact
        # (the quarter, a commune's recognition) points to.
        RawTable(
            "cover_cells",
            (
                RawColumn("workbook_sha256", TEXT, not_null=True),
                RawColumn("sheet_name", TEXT, not_null=True),
                RawColumn("field", TEXT, not_null=True),
                RawColumn("cell_ref", TEXT, not_null=True),
                RawColumn("label", TEXT),
            ),
        ),
        # Every arrival of a workbook version in the landing folder: (sha256, file name,
        # modification time) seen for the first time. A version's rows are loaded once
        # (workbook_versions); an office re-sending known bytes adds an arrival only, which makes
        # that version the one in force again.
        RawTable(
            "arrivals",
            (
                RawColumn("arrival_id", TEXT, primary_key=True),
                RawColumn("workbook_sha256", TEXT, not_null=True),
                RawColumn("file_name", TEXT, not_null=True),
                RawColumn("file_size_bytes", BIGINT, not_null=True),
                RawColumn("file_modified_at", TIMESTAMP, not_null=True),
                RawColumn("arrived_at", TIMESTAMP, not_null=True),
                RawColumn("received_basis", TEXT, not_null=True),
                RawColumn("load_id", TEXT, not_null=True),
            ),
        ),
        _sheet_table(
            "criteria_rows",
            SHEET_CRITERIA,
            (
                RawColumn("commune_code", CODE, not_null=True),
                RawColumn("commune_name", TEXT),
                *(RawColumn(field, FLAG) for field in CRITERION_FIELDS),
                RawColumn("criteria_met_reported", INTEGER, filled=True),
                RawColumn("recognition_year", INTEGER),
                RawColumn("ntm_level", TEXT),
            ),
        ),
        # The commune workbook's criteria sheet (quarters from 2025Q3), one row per criterion or
        # indicator line: criterion_no/indicator_no parsed from criterion_code (`1.2` → 1, 2).
        RawTable(
            "criterion_rows",
            (
                *PROVENANCE,
                RawColumn("criterion_code", TEXT, not_null=True),
                RawColumn("criterion_no", INTEGER, not_null=True),
                RawColumn("indicator_no", INTEGER),
                RawColumn("criterion_name", TEXT),
                RawColumn("is_met", FLAG),
            ),
        ),
        _sheet_table(
            "household_rows",
            SHEET_HOUSEHOLDS,
            (
                RawColumn("commune_code", CODE, not_null=True),
                RawColumn("commune_name", TEXT),
                RawColumn("households", BIGINT, filled=True),
                RawColumn("poor_households", BIGINT, filled=True),
                RawColumn("near_poor_households", BIGINT, filled=True),
                RawColumn("poor_ethnic_minority_households", BIGINT),
            ),
        ),
        _sheet_table(
            "funding_rows",
            SHEET_FUNDING,
            (
                RawColumn("commune_code", CODE),  # blank = district level
                RawColumn("programme_code", CODE, not_null=True),
                RawColumn("funding_source_code", CODE, not_null=True),
                RawColumn("plan_million_vnd", DOUBLE),
                RawColumn("actual_ytd_million_vnd", DOUBLE),
            ),
        ),
        RawTable(
            "sheet_columns",
            (
                RawColumn("workbook_sha256", TEXT, not_null=True),
                RawColumn("sheet_name", TEXT, not_null=True),
                RawColumn("field", TEXT, not_null=True),
                RawColumn("column_letter", TEXT, not_null=True),
                RawColumn("header_text", TEXT),
            ),
        ),
        # Every finding on a workbook version. Its file name is the version's landing name, as in
        # every raw table; the finding's other fields follow in the order the reports show them.
        RawTable(
            "rejections",
            (
                RawColumn("workbook_sha256", TEXT, not_null=True),
                RawColumn("load_id", TEXT, not_null=True),
                RawColumn("file_name", TEXT, not_null=True, finding_field="file_name"),
                RawColumn("sheet_name", TEXT, finding_field="sheet"),
                RawColumn("excel_row", INTEGER, finding_field="row"),
                RawColumn("column_name", TEXT, finding_field="column"),
                RawColumn("cell_ref", TEXT, finding_field="cell_ref"),
                RawColumn("value", TEXT, finding_field="value"),
                RawColumn("rule_id", TEXT, not_null=True, finding_field="rule_id"),
                RawColumn("severity", TEXT, not_null=True, finding_field="severity"),
                RawColumn("message_vi", TEXT, not_null=True, finding_field="message_vi"),
                RawColumn("message_en", TEXT, not_null=True, finding_field="message_en"),
            ),
        ),
    )
}

# The raw table of each data sheet.
SHEET_TABLES: dict[str, str] = {
    SHEET_CRITERIA: "criteria_rows",
    SHEET_HOUSEHOLDS: "household_rows",
    SHEET_FUNDING: "funding_rows",
}

# raw.rejections' columns that hold a finding, as (column, finding field).
FINDING_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (column.name, column.finding_field)
    for column in TABLES["rejections"].columns
    if column.finding_field is not None
)
# The ten fields of a finding in the order every report of findings shows them: the rejection
# reports (CSV and workbook) and raw.rejections.
FINDING_FIELDS: tuple[str, ...] = tuple(field for _, field in FINDING_COLUMNS)
