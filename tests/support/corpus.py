"""A corpus of broken and hostile workbooks, each with the rule that must reject it and where.

Every file is made with a real writer (xlsxwriter, openpyxl, xlwt, odfpy, msoffcrypto-tool) or
by editing a real workbook's parts the way an attacker would. The unit tests read and validate
each alone; the integration test sends them all through the real ingest as resubmissions.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl

from tests.support import factories as f

TODAY = date(2024, 1, 1)
XA_ROW = 3  # Excel row of the second xã (Xã Má Lé) in Tieu chi
HH_ROW = 4  # Excel row of Xã Má Lé in Ho ngheo
Location = tuple[str | None, int | None, str | None]  # sheet, Excel row, column header
FILE_LEVEL: Location = (None, None, None)


# --- broken content ---------------------------------------------------------------------------
def broken(mutate: Callable[[f.Sheets], object], fmt: str = "xlsx") -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        sheets = f.valid_sheets()
        mutate(sheets)
        return f.write_as(fmt, path, sheets)

    return build


def cell(sheet: str, excel_row: int, column: int, value: object) -> Callable[[f.Sheets], None]:
    def mutate(sheets: f.Sheets) -> None:
        sheets[sheet][excel_row - 1][column] = value

    return mutate


def _drop_column(sheets: f.Sheets) -> None:
    for row in sheets[f.HOUSEHOLDS]:
        del row[4]  # Số hộ nghèo


def _duplicate(sheets: f.Sheets) -> None:
    sheets[f.CRITERIA].append(list(sheets[f.CRITERIA][XA_ROW - 1]))


def _town_in_criteria(sheets: f.Sheets) -> None:
    row = [18, "00712", "Thị trấn Phó Bảng", *["Chưa đạt"] * 19, 0, None, None, None]
    sheets[f.CRITERIA].append(row)


def _total_off(sheets: f.Sheets) -> None:
    f.with_total_rows(sheets)
    sheets[f.HOUSEHOLDS][-1][4] += 10


def merged_ods_bad_flag(path: Path) -> Path:
    sheets, merges = f.two_row_criteria_header(f.valid_sheets())
    sheets[f.CRITERIA][XA_ROW][5] = "đạt một phần"  # two header rows: Má Lé is on row 4
    return f.write_as("ods", path, sheets, merges)


def formula_without_cached_value(path: Path) -> Path:
    """openpyxl writes formulas but never calculates them: the file carries no value."""
    source = f.write_xlsx(path.with_suffix(".src.xlsx"), f.valid_sheets())
    book = openpyxl.load_workbook(source)
    book[f.HOUSEHOLDS][f"D{HH_ROW}"] = "=1200+106"
    book.save(path)
    source.unlink()
    return path


# --- not a workbook, or hostile ---------------------------------------------------------------
def valid_xlsx(path: Path) -> Path:
    return f.write_xlsx(path, f.valid_sheets())


def csv_renamed(path: Path) -> Path:
    path.write_text("Mã xã,Tên xã\n00715,Lũng Cú\n", encoding="utf-8")
    return path


def zero_bytes(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def truncated(path: Path) -> Path:
    data = valid_xlsx(path).read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def word_document(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", f.CONTENT_TYPES)
        archive.writestr("word/document.xml", "<w:document/>")
    return path


def encrypted(path: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    source = valid_xlsx(path.with_suffix(".plain.xlsx"))
    with source.open("rb") as plain, path.open("wb") as out:
        OOXMLFile(plain).encrypt("matkhau", out)
    source.unlink()
    return path


def _edit_parts(path: Path, edit: Callable[[Path], dict[str, str | bytes]]) -> Path:
    source = valid_xlsx(path.with_suffix(".src.xlsx"))
    f.replace_parts(source, path, edit(source))
    source.unlink()
    return path


def zip_bomb(path: Path) -> Path:
    def edit(source: Path) -> dict[str, str | bytes]:
        xml = f.sheet_part(source, 1)
        return {
            "xl/worksheets/sheet1.xml": xml.replace(
                "</worksheet>", " " * 20_000_000 + "</worksheet>"
            )
        }

    return _edit_parts(path, edit)


def entity_expansion(path: Path) -> Path:
    laughs = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )
    strings = (
        f'<?xml version="1.0"?><!DOCTYPE lolz [{laughs}]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><t>&lol9;</t></si></sst>"
    )
    return _edit_parts(path, lambda _: {"xl/sharedStrings.xml": strings})


def huge_dimension(path: Path) -> Path:
    def edit(source: Path) -> dict[str, str | bytes]:
        xml = f.sheet_part(source, 3)
        start = xml.index('<dimension ref="') + len('<dimension ref="')
        end = xml.index('"', start)
        return {"xl/worksheets/sheet3.xml": xml[:start] + "A1:XFD1048576" + xml[end:]}

    return _edit_parts(path, edit)


def lying_dimension(path: Path) -> Path:
    """The dimension says nothing unusual; one cell sits in the last row and column."""

    def edit(source: Path) -> dict[str, str | bytes]:
        xml = f.sheet_part(source, 2)
        far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
        return {"xl/worksheets/sheet2.xml": xml.replace("</sheetData>", far)}

    return _edit_parts(path, edit)


def rows_200k(path: Path) -> Path:
    sheets = f.valid_sheets()
    sheets[f.HOUSEHOLDS].extend([n, None, None, 1] for n in range(200_000))
    return f.write_xlsx(path, sheets, constant_memory=True)


def lying_zip_size(path: Path) -> Path:
    """A part whose zip headers declare 100 bytes (the size checks read the headers)."""
    data = bytearray(valid_xlsx(path).read_bytes())
    target = b"xl/worksheets/sheet2.xml"
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo(target.decode()).header_offset
    struct.pack_into("<I", data, local + 22, 100)
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46 : central + 46 + name_length]) == target:
            struct.pack_into("<I", data, central + 24, 100)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))
    return path


def too_many_entries(path: Path) -> Path:
    extra = {f"customXml/item{n}.xml": "<a/>" for n in range(250)}
    return _edit_parts(path, lambda _: extra)


def ods_repeat_bomb(path: Path) -> Path:
    """A few hundred bytes of .ods repeating one number over 9000 × 9000 cells."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    for title in (f.COVER, f.CRITERIA):
        table = Table(name=title)
        row = TableRow(numberrowsrepeated=9000)
        value = TableCell(numbercolumnsrepeated=9000, valuetype="float", value=1)
        value.addElement(P(text="1"))
        row.addElement(value)
        table.addElement(row)
        document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


def xls_far_cell(path: Path) -> Path:
    """A 10 KB .xls with one cell in IV65536: the parser would build a 16.7-million-cell grid."""
    sheets = f.valid_sheets()
    sheets[f.FUNDING].extend([[]] * (65535 - len(sheets[f.FUNDING])))
    sheets[f.FUNDING].append([None] * 255 + ["x"])
    return f.write_xls(path, sheets)


# (case, suffix, builder, rule id, location)
CORPUS: list[tuple[str, str, Callable[[Path], Path], str, Location]] = [
    (
        "missing_sheet",
        "xlsx",
        broken(lambda s: s.pop(f.FUNDING)),
        "SHEET-001",
        (f.FUNDING, None, None),
    ),
    ("missing_column", "xlsx", broken(_drop_column), "SHEET-002", (f.HOUSEHOLDS, 1, "Số hộ nghèo")),
    (
        "no_header_row",
        "xlsx",
        broken(cell(f.FUNDING, 1, 1, "Đơn vị")),
        "SHEET-003",
        (f.FUNDING, None, None),
    ),
    (
        "unknown_commune",
        "xlsx",
        broken(cell(f.HOUSEHOLDS, 5, 1, "99999")),
        "XREF-001",
        (f.HOUSEHOLDS, 5, "Mã xã"),
    ),
    (
        "foreign_commune",
        "xlsx",
        broken(cell(f.CRITERIA, XA_ROW, 1, "00001")),
        "XREF-001",
        (f.CRITERIA, XA_ROW, "Mã xã"),
    ),
    (
        "missing_xa",
        "xlsx",
        broken(lambda s: s[f.CRITERIA].pop(XA_ROW - 1)),
        "XREF-002",
        (f.CRITERIA, None, "Mã xã"),
    ),
    ("duplicate_commune", "xlsx", broken(_duplicate), "XREF-003", (f.CRITERIA, 19, "Mã xã")),
    ("town_in_criteria", "xlsx", broken(_town_in_criteria), "TC-009", (f.CRITERIA, 19, "Mã xã")),
    (
        "flag_neither",
        "xlsx",
        broken(cell(f.CRITERIA, XA_ROW, 5, "Có lẽ")),
        "TC-001",
        (f.CRITERIA, XA_ROW, "TC3"),
    ),
    (
        "reported_total_wrong",
        "xlsx",
        broken(cell(f.CRITERIA, XA_ROW, 22, 14)),
        "TC-002",
        (f.CRITERIA, XA_ROW, "Tổng số tiêu chí đạt"),
    ),
    (
        "negative_count",
        "xlsx",
        broken(cell(f.HOUSEHOLDS, HH_ROW, 5, -3)),
        "HH-001",
        (f.HOUSEHOLDS, HH_ROW, "Số hộ cận nghèo"),
    ),
    (
        "poor_over_households",
        "xlsx",
        broken(cell(f.HOUSEHOLDS, HH_ROW, 3, 500)),
        "HH-003",
        (f.HOUSEHOLDS, HH_ROW, "Số hộ nghèo"),
    ),
    (
        "ethnic_over_poor",
        "xlsx",
        broken(cell(f.HOUSEHOLDS, HH_ROW, 6, 999)),
        "HH-004",
        (f.HOUSEHOLDS, HH_ROW, "Số hộ nghèo DTTS"),
    ),
    ("total_row_off", "xlsx", broken(_total_off), "XREF-005", (f.HOUSEHOLDS, 21, "Số hộ nghèo")),
    (
        "negative_amount",
        "xlsx",
        broken(cell(f.FUNDING, 3, 5, -10.5)),
        "FUND-001",
        (f.FUNDING, 3, "Thực hiện lũy kế"),
    ),
    (
        "unknown_programme",
        "xlsx",
        broken(cell(f.FUNDING, 4, 2, "CT_BI_MAT")),
        "FUND-002",
        (f.FUNDING, 4, "Chương trình"),
    ),
    (
        "future_quarter",
        "xlsx",
        broken(cell(f.COVER, 5, 1, "2030-Q1")),
        "COV-006",
        (f.COVER, 5, "Kỳ báo cáo"),
    ),
    (
        "invalid_quarter",
        "xlsx",
        broken(cell(f.COVER, 5, 1, "Quý 5/2019")),
        "COV-005",
        (f.COVER, 5, "Kỳ báo cáo"),
    ),
    (
        "cover_without_district",
        "xlsx",
        broken(lambda s: s[f.COVER].pop(2)),
        "COV-001",
        (f.COVER, None, "Mã huyện"),
    ),
    (
        "unknown_district",
        "xlsx",
        broken(cell(f.COVER, 3, 1, "999")),
        "COV-004",
        (f.COVER, 3, "Mã huyện"),
    ),
    (
        "formula_without_cached_value",
        "xlsx",
        formula_without_cached_value,
        "CELL-004",
        (f.HOUSEHOLDS, HH_ROW, "Tổng số hộ"),
    ),
    (
        "xls_flag_neither",
        "xls",
        broken(cell(f.CRITERIA, XA_ROW, 5, "Có lẽ"), "xls"),
        "TC-001",
        (f.CRITERIA, XA_ROW, "TC3"),
    ),
    (
        "ods_negative_count",
        "ods",
        broken(cell(f.HOUSEHOLDS, HH_ROW, 5, -3), "ods"),
        "HH-001",
        (f.HOUSEHOLDS, HH_ROW, "Số hộ cận nghèo"),
    ),
    (
        "ods_merged_header_bad_flag",
        "ods",
        merged_ods_bad_flag,
        "TC-001",
        (f.CRITERIA, XA_ROW + 1, "Tiêu chí 3"),
    ),
    ("csv_renamed_xlsx", "xlsx", csv_renamed, "FILE-002", FILE_LEVEL),
    ("zero_bytes", "xlsx", zero_bytes, "FILE-001", FILE_LEVEL),
    ("truncated_zip", "xlsx", truncated, "FILE-002", FILE_LEVEL),
    ("word_document_renamed", "xlsx", word_document, "FILE-002", FILE_LEVEL),
    ("encrypted", "xlsx", encrypted, "FILE-003", FILE_LEVEL),
    ("zip_bomb", "xlsx", zip_bomb, "FILE-007", FILE_LEVEL),
    ("lying_zip_size", "xlsx", lying_zip_size, "FILE-011", FILE_LEVEL),
    ("too_many_zip_entries", "xlsx", too_many_entries, "FILE-005", FILE_LEVEL),
    ("entity_expansion", "xlsx", entity_expansion, "FILE-009", FILE_LEVEL),
    ("huge_declared_dimension", "xlsx", huge_dimension, "FILE-008", FILE_LEVEL),
    ("lying_dimension", "xlsx", lying_dimension, "FILE-008", FILE_LEVEL),
    ("rows_200k", "xlsx", rows_200k, "FILE-008", FILE_LEVEL),
    ("ods_repeat_bomb", "ods", ods_repeat_bomb, "FILE-008", FILE_LEVEL),
    ("xls_far_cell", "xls", xls_far_cell, "FILE-008", FILE_LEVEL),
]
CASES = {case[0]: case for case in CORPUS}
