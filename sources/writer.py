"""Write workbooks in the contract's shape: blank templates for district officers and demo data.

The writer is xlsxwriter (fast, streaming). A `WriteStyle` reproduces what real district offices do
and the contract tolerates (title lines, codes typed as numbers, numbers as Vietnamese text, a total
row, other flag spellings, accent-less headers), so demo data exercises the tolerant reader.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from sources.contract import (
    COMMUNE_CRITERIA_COLUMNS,
    COMMUNE_GROUPS,
    COMMUNE_WORKBOOK,
    COVER_FIELDS_OF,
    CRITERIA_SETS,
    DISTRICT_WORKBOOK,
    FUNDING_SOURCES,
    MET_LABEL,
    NOT_MET_LABEL,
    NTM_LEVELS,
    POVERTY_STANDARDS,
    PROGRAMMES,
    SHEET_COLUMNS,
    SHEET_COVER,
    SHEET_CRITERIA,
    SHEET_FUNDING,
    SHEET_HOUSEHOLDS,
    SHEET_TITLES,
    Column,
    fold_text,
    status_help,
)

# Excel shows it when a TC cell is selected (at most 255 characters).
CRITERION_HELP = status_help("vi") + "\n" + status_help("en")

SHEET_HEADINGS = {
    SHEET_CRITERIA: "BIỂU 01: KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ QUỐC GIA VỀ XÃ NÔNG THÔN MỚI",
    SHEET_HOUSEHOLDS: "BIỂU 02: TỔNG HỢP HỘ NGHÈO, HỘ CẬN NGHÈO",
    SHEET_FUNDING: "BIỂU 03: KẾT QUẢ HUY ĐỘNG VÀ LỒNG GHÉP CÁC NGUỒN VỐN (triệu đồng)",
}
# Columns a total row sums, per sheet.
TOTAL_FIELDS = {
    SHEET_HOUSEHOLDS: (
        "households",
        "poor_households",
        "near_poor_households",
        "poor_ethnic_minority_households",
    ),
    SHEET_FUNDING: ("plan_million_vnd", "actual_ytd_million_vnd"),
}
TEMPLATE_BLANK_ROWS = 40  # extra formatted rows for district-level funding lines
# Who the data sheets are attached to, under their heading (title rows).
SHEET_SUBTITLES = {
    DISTRICT_WORKBOOK: "(Kèm theo báo cáo quý của UBND huyện)",
    COMMUNE_WORKBOOK: "(Kèm theo báo cáo quý của UBND xã)",
}
# The cover and the columns of each kind of workbook: the district workbook's criteria sheet is
# wide (one row per xã, a TC column per criterion), the commune workbook's long (one row per
# criterion or indicator); households and funding are the same for both.
KIND_COLUMNS: dict[str, dict[str, tuple[Column, ...]]] = {
    DISTRICT_WORKBOOK: SHEET_COLUMNS,
    COMMUNE_WORKBOOK: {**SHEET_COLUMNS, SHEET_CRITERIA: COMMUNE_CRITERIA_COLUMNS},
}
# Cover cells that take one of a few values get a drop-down list (when the style asks for them).
COVER_CHOICES: dict[str, list[str]] = {
    "criteria_set": list(CRITERIA_SETS),
    "poverty_standard": list(POVERTY_STANDARDS),
    "commune_group": list(COMMUNE_GROUPS),
    "ntm_level": list(NTM_LEVELS),
}


@dataclass
class WorkbookContent:
    """What one workbook says, in canonical field names (see `sources.contract`).

    ``kind`` is the contract's workbook kind: a district workbook (quarters up to 2025Q2, one row
    per commune) or a commune workbook (from 2025Q3: one commune, a long criteria sheet with
    `criterion_code`, `criterion_name` and `is_met` per row, one households row).
    """

    cover: dict[str, Any]
    criteria: list[dict[str, Any]] = field(default_factory=list)
    households: list[dict[str, Any]] = field(default_factory=list)
    funding: list[dict[str, Any]] = field(default_factory=list)
    kind: str = DISTRICT_WORKBOOK


@dataclass(frozen=True)
class WriteStyle:
    """How a district office happens to type its workbook; the defaults are the clean template."""

    title_rows: bool = False
    codes_as_numbers: bool = False
    numbers_as_text: bool = False
    total_row: bool = False
    ascii_headers: bool = False
    flag_met: str = MET_LABEL
    flag_not_met: str = NOT_MET_LABEL
    sheet_titles: Mapping[str, str] = field(default_factory=dict)
    dropdowns: bool = False
    # Blank template: empty cells of the data rows get their borders, and this many formatted
    # empty rows follow the data (district-level funding lines are added there).
    blank_rows: int = 0
    # The file's comments property (e.g. that it is generated demo data); none by default.
    comments: str | None = None


def vietnamese_number(value: float | int) -> str:
    """48824 → '48.824', 10.59 → '10,59', 1234.5 → '1.234,5' (thousands dot, decimal comma)."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    whole, _, fraction = f"{value:,.3f}".rstrip("0").partition(".")
    return f"{whole.replace(',', '.')},{fraction}"


def _header(column: Column, style: WriteStyle) -> str:
    return fold_text(column.header).title() if style.ascii_headers else column.header


def _is_status(column: Column) -> bool:
    """A criterion status column: TC1..TC19 (district workbook) or Kết quả (commune workbook)."""
    field_name = column.field
    return field_name == "is_met" or (field_name.startswith("tc") and field_name[2:].isdigit())


def _cell_value(column: Column, value: Any, style: WriteStyle) -> Any:
    if value is None:
        return None
    if _is_status(column):
        return style.flag_met if value else style.flag_not_met
    if column.field == "commune_code" and style.codes_as_numbers:
        return int(value)
    if style.numbers_as_text and isinstance(value, int | float) and not isinstance(value, bool):
        if column.field in ("recognition_year", "stt"):
            return value
        return vietnamese_number(value)
    return value


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.title = book.add_format({"bold": True, "font_size": 12})
        self.header = book.add_format(
            {
                "bold": True,
                "text_wrap": True,
                "valign": "vcenter",
                "align": "center",
                "border": 1,
                "bg_color": "#DDEBF7",
            }
        )
        self.text = book.add_format({"num_format": "@", "border": 1})
        self.cell = book.add_format({"border": 1})
        self.amount = book.add_format({"num_format": "#,##0.0", "border": 1})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.label = book.add_format({"bold": True})


def _write_cover(
    book: xlsxwriter.Workbook,
    cover: Mapping[str, Any],
    fields: Sequence[Column],
    style: WriteStyle,
    formats: _Formats,
) -> None:
    """Labels in column A, values in column B, one row per field of the kind's cover."""
    sheet = book.add_worksheet(style.sheet_titles.get(SHEET_COVER, SHEET_TITLES[SHEET_COVER]))
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 48)
    for row, column in enumerate(fields):
        sheet.write_string(row, 0, column.header, formats.label)
        value = cover.get(column.field)
        if isinstance(value, date):
            sheet.write_datetime(row, 1, value, formats.date)
        elif value is None:
            sheet.write_blank(row, 1, None, formats.text)
        elif column.field.endswith("_code") and style.codes_as_numbers:
            sheet.write_number(row, 1, int(value))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            sheet.write_number(row, 1, value)  # a commune's criteria met, its recognition year
        else:
            sheet.write_string(row, 1, str(value), formats.text)
    if style.dropdowns:
        for row, column in enumerate(fields):
            if column.field in COVER_CHOICES:
                sheet.data_validation(
                    row, 1, row, 1, {"validate": "list", "source": COVER_CHOICES[column.field]}
                )


def _write_table(
    book: xlsxwriter.Workbook,
    key: str,
    rows: Sequence[Mapping[str, Any]],
    style: WriteStyle,
    formats: _Formats,
    kind: str = DISTRICT_WORKBOOK,
) -> None:
    sheet = book.add_worksheet(style.sheet_titles.get(key, SHEET_TITLES[key]))
    columns = KIND_COLUMNS[kind][key]
    header_row = 0
    if style.title_rows:
        sheet.write_string(0, 0, SHEET_HEADINGS[key], formats.title)
        sheet.write_string(1, 0, SHEET_SUBTITLES[kind])
        header_row = 3
    for col, column in enumerate(columns):
        sheet.write_string(header_row, col, _header(column, style), formats.header)
    sheet.set_row(header_row, 32)
    sheet.set_column(0, 0, 5)
    sheet.set_column(1, 1, 9)
    if columns is COMMUNE_CRITERIA_COLUMNS:  # the criterion's name is long
        sheet.set_column(2, 2, 48)
        sheet.set_column(3, 4, 14)
        sheet.freeze_panes(header_row + 1, 3)
    else:
        sheet.set_column(2, 3, 22 if key != SHEET_CRITERIA else 20)
        sheet.freeze_panes(header_row + 1, 3 if key != SHEET_FUNDING else 2)

    for offset, record in enumerate(rows, start=1):
        row = header_row + offset
        for col, column in enumerate(columns):
            value = record.get(column.field, offset if column.field == "stt" else None)
            value = _cell_value(column, value, style)
            if value is None:
                if style.blank_rows:
                    sheet.write_blank(row, col, None, _blank_format(column, formats))
                continue
            if isinstance(value, str):
                sheet.write_string(row, col, value, formats.text)
            else:
                fmt = formats.amount if column.field.endswith("_vnd") else formats.cell
                sheet.write_number(row, col, value, fmt)

    last_data_row = header_row + len(rows)
    for row in range(last_data_row + 1, last_data_row + 1 + style.blank_rows):
        for col, column in enumerate(columns):
            sheet.write_blank(row, col, None, _blank_format(column, formats))
    if style.total_row and key in TOTAL_FIELDS and rows:
        _write_total_row(sheet, key, columns, rows, last_data_row + 1, style, formats)
    if style.dropdowns:
        _add_dropdowns(sheet, columns, header_row + 1, last_data_row + TEMPLATE_BLANK_ROWS)


# Typed into a text cell so that codes keep their leading zeros and `1.1` stays an indicator code.
TEXT_FIELDS = frozenset(
    {"commune_code", "commune_name", "note", "criterion_code", "criterion_name", "is_met"}
)


def _blank_format(column: Column, formats: _Formats) -> Any:
    if column.field.endswith("_vnd"):
        return formats.amount
    if column.field in TEXT_FIELDS or column.field.startswith("tc"):
        return formats.text
    return formats.cell


def _write_total_row(
    sheet: Any,
    key: str,
    columns: Sequence[Column],
    rows: Sequence[Mapping[str, Any]],
    row: int,
    style: WriteStyle,
    formats: _Formats,
) -> None:
    label_col = next(
        i for i, c in enumerate(columns) if c.field in ("commune_name", "commune_code")
    )
    sheet.write_string(row, label_col, "Tổng cộng", formats.header)
    for col, column in enumerate(columns):
        if column.field in TOTAL_FIELDS[key]:
            total = sum(r.get(column.field) or 0 for r in rows)
            sheet.write(row, col, _cell_value(column, total, style), formats.header)


def _add_dropdowns(sheet: Any, columns: Sequence[Column], first_row: int, last_row: int) -> None:
    """Drop-down lists where a cell takes one of a few values (flags, levels, codes)."""
    choices: dict[str, list[str]] = {
        "ntm_level": list(NTM_LEVELS),
        "programme_code": list(PROGRAMMES),
        "funding_source_code": list(FUNDING_SOURCES),
    }
    for col, column in enumerate(columns):
        if _is_status(column):
            # The drop-down offers the two labels; the help lists every accepted spelling, and
            # typing one of them ('x', 1 ...) only warns, since the contract accepts it.
            options = [MET_LABEL, NOT_MET_LABEL]
            extra = {
                "input_title": "Tiêu chí / Criterion",
                "input_message": CRITERION_HELP,
                "error_type": "warning",
            }
        elif column.field in choices:
            options = choices[column.field]
            extra = {}
        else:
            continue
        sheet.data_validation(
            first_row,
            col,
            last_row,
            col,
            {
                "validate": "list",
                "source": options,
                "error_title": "Giá trị không hợp lệ",  # Excel allows 32 characters
                "error_message": "Chọn một giá trị trong danh sách / Pick a value from the list: "
                + ", ".join(options)[:200],
                **extra,
            },
        )


def write_workbook(content: WorkbookContent, path: Path, style: WriteStyle | None = None) -> Path:
    """Write one workbook (.xlsx) of the content's kind with the four sheets of the contract."""
    style = style or WriteStyle()
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    # The file's creation time is the day it was prepared, not the moment it was written: the
    # same content gives the same bytes (deterministic demo data, reproducible hashes).
    properties: dict[str, Any] = {"created": _created_at(content.cover.get("prepared_on"))}
    if style.comments:
        properties["comments"] = style.comments
    book.set_properties(properties)
    try:
        formats = _Formats(book)
        _write_cover(book, content.cover, COVER_FIELDS_OF[content.kind], style, formats)
        for key, rows in (
            (SHEET_CRITERIA, content.criteria),
            (SHEET_HOUSEHOLDS, content.households),
            (SHEET_FUNDING, content.funding),
        ):
            _write_table(book, key, rows, style, formats, content.kind)
    finally:
        book.close()
    return path


def _created_at(prepared_on: object) -> datetime:
    if isinstance(prepared_on, datetime):
        return prepared_on
    if isinstance(prepared_on, date):
        return datetime(prepared_on.year, prepared_on.month, prepared_on.day)
    return datetime(2000, 1, 1)


def column_letter(index: int) -> str:
    return xl_col_to_name(index)
