"""A corpus of broken and hostile workbooks, each rejected with its exact rule and place.

Every file is made by the test with a real writer (xlsxwriter, openpyxl, xlwt, odfpy,
msoffcrypto-tool) or by editing a real workbook's parts the way an attacker would. Each is
checked twice: alone through the reader and validation (rule id, sheet, row, column), and all
together as resubmissions of an accepted 02-026 2019Q1 through the real ingest, which must leave
the accepted rows untouched, record every bad version as rejected with its findings, quarantine it
with its reports — and survive.
"""

from __future__ import annotations

import csv
import struct
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from schemas.validate import validate_workbook
from sources.digest import file_sha256
from sources.reader import read_workbook
from tests import factories as f
from warehouse.ingest import ingest_landing
from warehouse.raw_store import ensure_raw_tables

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


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("corpus")
    return {
        name: build(folder / f"NTM_02-026_2019Q1_{name}.{suffix}")
        for name, suffix, build, _, _ in CORPUS
    }


def test_corpus_is_large_and_varied() -> None:
    assert len(CORPUS) >= 30
    assert len({rule for *_, rule, _ in CORPUS}) >= 25
    assert {suffix for _, suffix, *_ in CORPUS} == {"xlsx", "xls", "ods"}


@pytest.mark.parametrize("name", list(CASES))
def test_each_file_rejected_with_its_rule_and_place(corpus: dict[str, Path], name: str) -> None:
    _, _, _, rule_id, location = CASES[name]
    path = corpus[name]
    result = validate_workbook(read_workbook(path), today=TODAY)
    assert not result.accepted
    found = [(x.sheet, x.row, x.column) for x in result.findings if x.rule_id == rule_id]
    assert location in found, [x.describe() for x in result.findings]
    item = next(x for x in result.findings if x.rule_id == rule_id)
    assert item.severity == "error" and item.message_vi and item.message_en
    assert item.file_name == path.name
    if location == FILE_LEVEL:
        # Rejected before any parser: the guard's finding is the only one.
        assert [x.rule_id for x in result.findings] == [rule_id]


def test_hostile_files_are_small_and_rejected_by_the_guards(corpus: dict[str, Path]) -> None:
    """Tiny files that declare or hold huge sheets are refused by the guards, before any parser
    could abort the process (their speed is a `make bench` matter, not a test's)."""
    for name in ("huge_declared_dimension", "lying_dimension", "ods_repeat_bomb", "xls_far_cell"):
        assert corpus[name].stat().st_size < 64 * 1024, name
        extract = read_workbook(corpus[name])
        assert extract.findings, name
        assert all(x.severity == "error" for x in extract.findings), name


# --- the whole corpus through the real ingest, as resubmissions ------------------------------
DATA_TABLES = ("criteria_rows", "household_rows", "funding_rows", "sheet_columns")


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    frame = con.execute(f"select * from raw.{table}").df()
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def test_ingest_rejects_the_corpus_and_keeps_the_accepted_version(
    ntm_home, corpus: dict[str, Path]
) -> None:
    good = valid_xlsx(ntm_home.landing_dir / "NTM_02-026_2019Q1.xlsx")
    con = duckdb.connect(str(ntm_home.build_db))
    ensure_raw_tables(con)
    first = ingest_landing(con, ntm_home, load_id="load-1", today=TODAY)
    assert [o.accepted for o in first.outcomes] == [True]
    before = {table: _rows(con, table) for table in DATA_TABLES}

    originals = {}
    for name, path in corpus.items():
        landed = ntm_home.landing_dir / path.name
        landed.write_bytes(path.read_bytes())
        originals[name] = (landed, file_sha256(landed))
    second = ingest_landing(con, ntm_home, load_id="load-2", today=TODAY)

    # The run survived every file, accepted none, and processed each once.
    assert len(second.outcomes) == len(CORPUS) and not second.accepted
    for table in DATA_TABLES:
        pd.testing.assert_frame_equal(_rows(con, table), before[table])
    versions = dict(
        con.execute("select workbook_sha256, status from raw.workbook_versions").fetchall()
    )
    assert versions[file_sha256(good)] == "accepted"
    for name, (landed, sha) in originals.items():
        rule_id = CASES[name][3]
        assert versions[sha] == "rejected", name
        rules = {
            r[0]
            for r in con.execute(
                "select rule_id from raw.rejections where workbook_sha256 = ?", [sha]
            ).fetchall()
        }
        assert rule_id in rules, name
        # Original untouched; quarantined with a CSV and an .xlsx report.
        assert file_sha256(landed) == sha
        folder = ntm_home.rejected_dir / sha
        assert (folder / landed.name).read_bytes() == landed.read_bytes()
        report = folder / f"{landed.stem}.errors.csv"
        with report.open(encoding="utf-8-sig") as handle:
            assert rule_id in {row["rule_id"] for row in csv.DictReader(handle)}, name
        assert (folder / f"{landed.stem}.errors.xlsx").exists()
    # The same bytes again are not processed again.
    third = ingest_landing(con, ntm_home, load_id="load-3", today=TODAY)
    assert third.outcomes == [] and third.already_loaded == len(CORPUS) + 1
    con.close()


def test_rejection_workbook_report_is_readable_and_safe(tmp_path: Path) -> None:
    from sources.rules import finding
    from warehouse.ingest import write_rejection_workbook

    findings = [
        finding(
            "TC-001",
            file_name="NTM_02-026_2019Q1.xlsx",
            sheet="Tiêu chí",
            row=4,
            column="TC3",
            value='=HYPERLINK("http://x")',
            cell_ref="F4",
        )
    ]
    path = write_rejection_workbook(findings, tmp_path / "r.errors.xlsx")
    sheet = openpyxl.load_workbook(path).active
    row = [c.value for c in sheet[2]]
    assert row[:7] == [
        "NTM_02-026_2019Q1.xlsx",
        "Tiêu chí",
        4,
        "TC3",
        "F4",
        '=HYPERLINK("http://x")',
        "TC-001",
    ]
    assert sheet.cell(2, 6).data_type == "s"  # text, never a formula
    assert sheet.cell(2, 6).quotePrefix
    assert "Tiêu chí" in row[8] and "criterion" in row[9]
