"""What reading a workbook gives: tidy tables that remember where every value came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sources.contract import DISTRICT_WORKBOOK
from sources.findings import Finding


@dataclass(frozen=True)
class SourceColumn:
    """Where a canonical field was found on a sheet: its column letter and header as written."""

    field: str
    column_letter: str
    header_text: str


@dataclass
class SheetTable:
    """One data sheet as a tidy frame.

    ``frame`` has one row per data row of the sheet (title, header, total and section rows are
    dropped) with the canonical fields of `sources.contract` as columns, already converted
    (codes zero-padded strings, flags bool, counts Int64, amounts float) and an ``excel_row``
    column with the row number as Excel shows it (1-based). Values that could not be converted are
    <NA> and reported as findings.
    """

    sheet_name: str
    frame: pd.DataFrame
    columns: dict[str, SourceColumn] = field(default_factory=dict)
    # Excel row of the header row ('Mã xã'), for reports.
    header_excel_row: int | None = None
    # The last total row (`Tổng cộng`, `Cộng` or a row of numbers without a commune code), kept so
    # validation can check it against the data rows: field → number as written (fields whose
    # cell is blank or not a number are left out).
    total_row: dict[str, float] | None = None
    total_excel_row: int | None = None

    def cell_ref(self, field_name: str, excel_row: int) -> str | None:
        column = self.columns.get(field_name)
        return f"{column.column_letter}{excel_row}" if column else None


@dataclass
class CoverValue:
    value: Any
    raw_value: Any
    cell_ref: str


@dataclass
class WorkbookExtract:
    """Everything read from one workbook file, before validation."""

    path: Path
    file_name: str
    sha256: str
    size_bytes: int
    sheet_names: list[str] = field(default_factory=list)
    cover: dict[str, CoverValue] = field(default_factory=dict)
    cover_sheet_name: str | None = None
    # Which contract the cover says the file follows (sources.contract.WORKBOOK_KINDS): a cover
    # with a `Mã huyện` label is a district workbook, one with `Mã xã` and no `Mã huyện` a commune
    # workbook.
    workbook_kind: str = DISTRICT_WORKBOOK
    # District workbooks: one row per xã (wide, TC1..TC19).
    criteria: SheetTable | None = None
    # Commune workbooks: the long criteria sheet, one row per criterion or indicator line.
    criterion_rows: SheetTable | None = None
    households: SheetTable | None = None
    funding: SheetTable | None = None
    # Problems met while reading (missing sheet or column, a value that is not a number ...).
    findings: list[Finding] = field(default_factory=list)

    def cover_value(self, name: str) -> Any:
        item = self.cover.get(name)
        return item.value if item else None

    @property
    def province_code(self) -> str | None:
        return self.cover_value("province_code")

    @property
    def district_code(self) -> str | None:
        return self.cover_value("district_code")

    @property
    def commune_code(self) -> str | None:
        return self.cover_value("commune_code")

    @property
    def reporter_code(self) -> str | None:
        """The unit that reports: the district of a district workbook, the commune of a commune
        workbook (quarters from 2025Q3)."""
        if self.workbook_kind == DISTRICT_WORKBOOK:
            return self.district_code
        return self.commune_code

    @property
    def quarter(self) -> str | None:
        return self.cover_value("quarter")
