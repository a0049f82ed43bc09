"""Real workbooks for the reader and validation tests, written with xlsxwriter.

A workbook is first built as plain data — sheet title → list of rows (lists of cell values, None for
an empty cell) — so a test can break or reshape any cell before `write_xlsx` writes it. The valid
baseline is district 02-026 (Đồng Văn, Hà Giang), quarter 2019Q1, with the district's real units
from the reference seed as of that quarter.
"""

from __future__ import annotations

import csv
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import xlsxwriter

from sources.paths import ADMIN_UNITS_SEED

Rows = list[list[Any]]
Sheets = dict[str, Rows]

PROVINCE = "02"
DISTRICT = "026"
QUARTER = "2019Q1"
SNAPSHOT = "2019-09-11"  # the earliest snapshot: the one in force for 2019Q1

COVER = "Thong tin"
CRITERIA = "Tieu chi"
HOUSEHOLDS = "Ho ngheo"
FUNDING = "Nguon von"

CRITERIA_HEADER = [
    "STT",
    "Mã xã",
    "Tên xã",
    *[f"TC{n}" for n in range(1, 20)],
    "Tổng số tiêu chí đạt",
    "Năm công nhận",
    "Mức độ",
    "Ghi chú",
]
HOUSEHOLD_HEADER = [
    "STT",
    "Mã xã",
    "Tên xã",
    "Tổng số hộ",
    "Số hộ nghèo",
    "Số hộ cận nghèo",
    "Số hộ nghèo DTTS",
    "Ghi chú",
]
FUNDING_HEADER = [
    "STT",
    "Mã xã",
    "Chương trình",
    "Nguồn vốn",
    "Kế hoạch năm",
    "Thực hiện lũy kế",
    "Ghi chú",
]


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    unit_type: str


@lru_cache(maxsize=1)
def district_units() -> tuple[Unit, ...]:
    """Đồng Văn's commune-level units in the 2019-09-11 snapshot, from the seed."""
    with ADMIN_UNITS_SEED.open(encoding="utf-8") as handle:
        return tuple(
            Unit(row["commune_code"], row["commune_name"], row["commune_type"])
            for row in csv.DictReader(handle)
            if row["snapshot_date"] == SNAPSHOT
            and row["province_code"] == PROVINCE
            and row["district_code"] == DISTRICT
        )


def xa_units() -> tuple[Unit, ...]:
    return tuple(unit for unit in district_units() if unit.unit_type == "Xã")


def flags_for(position: int) -> list[bool]:
    """Deterministic criteria status: the first xã meets all 19 (it is recognised)."""
    if position == 0:
        return [True] * 19
    return [(position + n) % 3 != 0 for n in range(1, 20)]


@dataclass
class Baseline:
    """The numbers written in the valid workbook, for asserting what the reader read."""

    households: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    funding: list[tuple[str | None, str, str, float, float]] = field(default_factory=list)


def household_numbers(position: int) -> tuple[int, int, int, int]:
    households = 1200 + 53 * position
    poor = 400 + 7 * position
    near_poor = 100 + position
    return households, poor, near_poor, poor - 20


FUNDING_ROWS: list[tuple[str | None, str, str, float, float]] = [
    (None, "NTM", "NSTW_DTPT", 48824.0, 10.59),
    (None, "NTM", "NSDP_HUYEN", 1234.5, 300.0),
    ("00715", "GNBV_30A", "NSTW_DTPT", 2500.0, 1200.25),
    ("00718", "GNBV_135", "DAN_CONG_HIEN_VAT", 120.0, 0.0),
]


def valid_sheets() -> Sheets:
    """The valid 02-026 2019Q1 workbook as data (header rows on row 1 of each data sheet)."""
    cover: Rows = [
        ["Mã tỉnh", PROVINCE],
        ["Tên tỉnh", "Hà Giang"],
        ["Mã huyện", DISTRICT],
        ["Tên huyện", "Đồng Văn"],
        ["Kỳ báo cáo", "2019-Q1"],
        ["Ngày lập", date(2019, 4, 5)],
        ["Người lập", "Nguyễn Văn A"],
        ["Bộ tiêu chí", "QD1980_2016"],
        ["Chuẩn nghèo", "QD59_2015"],
    ]
    criteria: Rows = [list(CRITERIA_HEADER)]
    for position, unit in enumerate(xa_units()):
        flags = flags_for(position)
        recognised = position == 0
        criteria.append(
            [
                position + 1,
                unit.code,
                unit.name,
                *["Đạt" if flag else "Chưa đạt" for flag in flags],
                sum(flags),
                2018 if recognised else None,
                "NTM" if recognised else None,
                None,
            ]
        )
    households: Rows = [list(HOUSEHOLD_HEADER)]
    for position, unit in enumerate(district_units()):
        households.append([position + 1, unit.code, unit.name, *household_numbers(position), None])
    funding: Rows = [list(FUNDING_HEADER)]
    for position, (code, programme, source, plan, actual) in enumerate(FUNDING_ROWS):
        funding.append([position + 1, code, programme, source, plan, actual, None])
    return {COVER: cover, CRITERIA: criteria, HOUSEHOLDS: households, FUNDING: funding}


@dataclass
class Merge:
    sheet: str
    first_row: int  # 0-based
    first_col: int
    last_row: int
    last_col: int
    value: Any


@dataclass(frozen=True)
class Formula:
    """A formula cell with the value Excel calculated for it (xlsxwriter stores it cached)."""

    formula: str
    value: Any


def write_xlsx(
    path: Path,
    sheets: Sheets,
    merges: list[Merge] | None = None,
    constant_memory: bool = False,
    hidden: frozenset[str] = frozenset(),
) -> Path:
    """Write sheets with xlsxwriter; dates get a date format so they read back as dates."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for title, rows in sheets.items():
        sheet = book.add_worksheet(title)
        if title in hidden:
            sheet.hide()
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, date):
                    sheet.write_datetime(r, c, value, date_format)
                elif isinstance(value, Formula):
                    sheet.write_formula(r, c, value.formula, None, value.value)
                elif isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, int | float):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(value))
        for merge in merges or []:
            if merge.sheet == title:
                sheet.merge_range(
                    merge.first_row, merge.first_col, merge.last_row, merge.last_col, merge.value
                )
    book.close()
    return path


# --- knobs: each takes the sheets and changes them the way a real office would ------------------
Knob = Callable[[Sheets], Sheets]


def with_title_rows(sheets: Sheets, count: int = 3) -> Sheets:
    for title in (CRITERIA, HOUSEHOLDS, FUNDING):
        titles: Rows = [["BIỂU 01: KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ QUỐC GIA"]] + [[]] * (count - 1)
        sheets[title] = titles + sheets[title]
    return sheets


def _map_headers(sheets: Sheets, transform: Callable[[str], str]) -> Sheets:
    for title in (CRITERIA, HOUSEHOLDS, FUNDING):
        header = sheets[title][0]
        sheets[title][0] = [transform(h) if isinstance(h, str) else h for h in header]
    for row in sheets[COVER]:
        row[0] = transform(row[0])
    return sheets


def with_nfd_headers(sheets: Sheets) -> Sheets:
    return _map_headers(sheets, lambda h: unicodedata.normalize("NFD", h))


def strip_accents(text: str) -> str:
    text = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def with_accentless_headers(sheets: Sheets) -> Sheets:
    """`Ma xa`, `TONG SO HO`, `Tieu  chi\\n1`: no accents, odd case, extra spaces/line breaks."""

    def messy(header: str) -> str:
        plain = strip_accents(header)
        return plain.upper().replace(" ", "  ") if len(plain) > 8 else plain

    return _map_headers(sheets, messy)


def with_numbers_as_text(sheets: Sheets) -> Sheets:
    """Counts and amounts typed as Vietnamese text: `1.253`, `10,59`, `1.234,5`."""
    for row in sheets[HOUSEHOLDS][1:]:
        row[3:7] = [vietnamese(v) for v in row[3:7]]
    for row in sheets[FUNDING][1:]:
        row[4:6] = [vietnamese(v) for v in row[4:6]]
    return sheets


def vietnamese(value: float) -> str:
    """1253 → '1.253', 10.59 → '10,59', 1234.5 → '1.234,5'."""
    whole, _, decimals = f"{value:.2f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    decimals = decimals.rstrip("0")
    return f"{grouped},{decimals}" if decimals else grouped


def with_codes_as_numbers(sheets: Sheets) -> Sheets:
    for title in (CRITERIA, HOUSEHOLDS, FUNDING):
        for row in sheets[title][1:]:
            if isinstance(row[1], str) and row[1].isdigit():
                row[1] = int(row[1])
    cover = sheets[COVER]
    cover[0][1] = int(cover[0][1])
    cover[2][1] = int(cover[2][1])
    return sheets


def with_total_rows(sheets: Sheets) -> Sheets:
    """`Tổng cộng` rows with correct sums at the end of Ho ngheo, Nguon von and Tieu chi."""
    household_rows = sheets[HOUSEHOLDS][1:]
    sheets[HOUSEHOLDS].append(
        [None, None, "Tổng cộng", *[sum(r[c] for r in household_rows) for c in range(3, 7)], None]
    )
    funding_rows = sheets[FUNDING][1:]
    sheets[FUNDING].append(
        ["Cộng", None, None, None, *[sum(r[c] for r in funding_rows) for c in (4, 5)], None]
    )
    criteria_rows = sheets[CRITERIA][1:]
    counts = [sum(r[c] == "Đạt" for r in criteria_rows) for c in range(3, 22)]
    sheets[CRITERIA].append(
        [None, None, "Tổng cộng", *counts, sum(r[22] for r in criteria_rows), None, None, None]
    )
    return sheets


def with_section_rows(sheets: Sheets) -> Sheets:
    """Roman-numeral section rows: `I  Thị trấn` before the towns, `II  Xã` before the xã."""
    rows = sheets[HOUSEHOLDS]
    header, data = rows[0], rows[1:]
    towns = [r for r in data if r[2].startswith("Thị trấn")]
    communes = [r for r in data if not r[2].startswith("Thị trấn")]
    sheets[HOUSEHOLDS] = [header, ["I", None, "Thị trấn"], *towns, ["II", None, "Xã"], *communes]
    return sheets


def two_row_criteria_header(sheets: Sheets) -> tuple[Sheets, list[Merge]]:
    """Row 1: STT, Mã xã, Tên xã, `Tiêu chí` merged over 19 columns, Tổng số …; row 2: 1 … 19."""
    rows = sheets[CRITERIA]
    top = [
        "STT",
        "Mã xã",
        "Tên xã",
        "Tiêu chí",
        *[None] * 18,
        "Tổng số tiêu chí đạt",
        "Năm công nhận",
        "Mức độ",
        "Ghi chú",
    ]
    numbers = [None, None, None, *range(1, 20), None, None, None, None]
    sheets[CRITERIA] = [top, numbers, *rows[1:]]
    merges = [Merge(CRITERIA, 0, 3, 0, 21, "Tiêu chí")]
    merges += [Merge(CRITERIA, 0, c, 1, c, top[c]) for c in (0, 1, 2, 22, 23, 24, 25)]
    return sheets, merges


def rename_sheets(sheets: Sheets, names: dict[str, str]) -> Sheets:
    return {names.get(title, title): rows for title, rows in sheets.items()}


def valid_workbook(path: Path, *knobs: Knob) -> Path:
    sheets = valid_sheets()
    for knob in knobs:
        sheets = knob(sheets)
    return write_xlsx(path, sheets)


# --- hand-made zips for the guards ----------------------------------------------------------------
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
WORKBOOK_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheets><sheet name="Thong tin" sheetId="1"/></sheets></workbook>'
)


def sheet_xml(dimension: str | None, body: str = "", prolog: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{body}</sheetData></worksheet>"
    )


def hand_made_xlsx(path: Path, parts: dict[str, str | bytes]) -> Path:
    """A minimal xlsx-shaped zip (enough for the guards, which never parse it)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", WORKBOOK_XML)
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


# --- the same sheets in the other formats districts send -----------------------------------------
def write_xls(path: Path, sheets: Sheets, merges: list[Merge] | None = None) -> Path:
    """Old Excel (.xls, BIFF8) with xlwt, merges included."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for title, rows in sheets.items():
        sheet = book.add_sheet(title, cell_overwrite_ok=True)
        own_merges = [m for m in merges or [] if m.sheet == title]
        covered = {
            (r, c)
            for m in own_merges
            for r in range(m.first_row, m.last_row + 1)
            for c in range(m.first_col, m.last_col + 1)
        }
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or (r, c) in covered:
                    continue
                if isinstance(value, date):
                    sheet.write(r, c, value, date_style)
                else:
                    sheet.write(r, c, value)
        for m in own_merges:
            sheet.write_merge(m.first_row, m.last_row, m.first_col, m.last_col, m.value)
    book.save(str(path))
    return path


def write_ods(path: Path, sheets: Sheets, merges: list[Merge] | None = None) -> Path:
    """LibreOffice (.ods) with odfpy, merges as spanned + covered cells like LibreOffice writes."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    for title, rows in sheets.items():
        table = Table(name=title)
        spans = {(m.first_row, m.first_col): m for m in merges or [] if m.sheet == title}
        covered = {
            (r, c)
            for m in spans.values()
            for r in range(m.first_row, m.last_row + 1)
            for c in range(m.first_col, m.last_col + 1)
            if (r, c) != (m.first_row, m.first_col)
        }
        width = max((len(row) for row in rows), default=0)
        for r in range(len(rows)):
            row = rows[r]
            element = TableRow()
            for c in range(width):
                if (r, c) in covered:
                    element.addElement(CoveredTableCell())
                    continue
                merge = spans.get((r, c))
                value = merge.value if merge else (row[c] if c < len(row) else None)
                attrs: dict[str, Any] = {}
                if merge:
                    attrs["numbercolumnsspanned"] = merge.last_col - merge.first_col + 1
                    attrs["numberrowsspanned"] = merge.last_row - merge.first_row + 1
                element.addElement(_ods_cell(TableCell, P, value, attrs))
            table.addElement(element)
        document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


def _ods_cell(cell_type: Any, paragraph: Any, value: Any, attrs: dict[str, Any]) -> Any:
    if value is None:
        return cell_type(**attrs)
    if isinstance(value, bool):
        cell = cell_type(valuetype="boolean", booleanvalue=str(value).lower(), **attrs)
    elif isinstance(value, date):
        cell = cell_type(valuetype="date", datevalue=value.isoformat(), **attrs)
    elif isinstance(value, int | float):
        cell = cell_type(valuetype="float", value=value, **attrs)
    else:
        cell = cell_type(valuetype="string", **attrs)
    cell.addElement(paragraph(text=str(value)))
    return cell


WRITERS: dict[str, Callable[..., Path]] = {"xlsx": write_xlsx, "xls": write_xls, "ods": write_ods}


def write_as(fmt: str, path: Path, sheets: Sheets, merges: list[Merge] | None = None) -> Path:
    return WRITERS[fmt](path.with_suffix(f".{fmt}"), sheets, merges)


# --- hostile files made from a real workbook -----------------------------------------------------
def replace_parts(source: Path, target: Path, parts: dict[str, str | bytes]) -> Path:
    """Copy a zip workbook, replacing (or adding) some of its parts."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in zin.infolist():
            if info.filename not in parts:
                out.writestr(info.filename, zin.read(info.filename))
        for name, data in parts.items():
            out.writestr(name, data)
    return target


def sheet_part(path: Path, index: int = 1) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(f"xl/worksheets/sheet{index}.xml").decode("utf-8")


# --- workbooks of the tests that span levels (a check, an ingest, a whole run) -------------------
def sheets_for(quarter: str, broken: bool = False) -> Sheets:
    """The valid 02-026 workbook for ``quarter``; ``broken``: one criteria cell says 'maybe'."""
    sheets = valid_sheets()
    year, number = int(quarter[:4]), int(quarter[-1])
    sheets[COVER][4][1] = f"{year}-Q{number}"
    sheets[COVER][5][1] = date(year + (number == 4), (3 * number) % 12 + 1, 5)
    if broken:
        sheets[CRITERIA][1][3] = "có lẽ"  # not a spelling of met / not met: TC-001
    return sheets


def land(settings, quarter: str, broken: bool = False, name: str | None = None) -> Path:
    path = settings.landing_dir / (name or f"NTM_02-026_{quarter}.xlsx")
    return write_xlsx(path, sheets_for(quarter, broken))


QUARTER_ROW = 4  # 'Kỳ báo cáo' on the cover


def sheets_with_quarter_text(quarter_text: str) -> Sheets:
    """The valid workbook whose cover says ``quarter_text`` as its reporting quarter."""
    sheets = valid_sheets()
    sheets[COVER][QUARTER_ROW][1] = quarter_text
    return sheets


HOUSEHOLDS_COLUMN, POOR_COLUMN = 3, 4  # columns D and E of `Ho ngheo`

# Rows of the criteria sheet (header on Excel row 1): position 0 is recognised in the baseline
# (2018, 'NTM', all 19 met); position 1 gets a year and all 19 criteria but no level.
WRITTEN, INFERRED = xa_units()[0], xa_units()[1]
INFERRED_EXCEL_ROW = 3


def blank_level_sheets() -> Sheets:
    sheets = valid_sheets()
    row = sheets[CRITERIA][2]
    assert row[1] == INFERRED.code
    row[3:22] = ["Đạt"] * 19
    row[22] = 19
    row[23] = 2018  # Năm công nhận
    row[24] = None  # Mức độ left blank
    return sheets


def blank_level_workbook(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_xlsx(folder / "02-026_2019Q1.xlsx", blank_level_sheets())
