"""The guards reject dangerous or unreadable files before any parser sees them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import python_calamine

from sources.guards import (
    OLE2_MAGIC,
    GuardLimits,
    check_file,
    column_letters,
    column_number,
    parse_dimension,
)
from sources.reader import read_workbook
from tests.support.factories import hand_made_xlsx, sheet_xml, valid_workbook


def rule_ids(findings: list) -> list[str]:
    return [f.rule_id for f in findings]


@pytest.fixture
def no_calamine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything tries to open the file with calamine."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("calamine must not be called on a rejected file")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", refuse)


def test_column_helpers() -> None:
    assert column_number("A") == 1
    assert column_number("AA") == 27
    assert column_number("XFD") == 16384
    assert column_letters(1) == "A"
    assert column_letters(27) == "AA"
    assert column_letters(16384) == "XFD"
    assert parse_dimension("A1:XFD1048576") == (1048576, 16384)
    assert parse_dimension("A1") == (1, 1)
    assert parse_dimension("$A$1:$Z$10") == (10, 26)
    assert parse_dimension("nonsense") is None


def test_valid_workbook_passes(tmp_path: Path) -> None:
    assert check_file(valid_workbook(tmp_path / "ok.xlsx")) == []


def test_zero_bytes(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert rule_ids(check_file(path)) == ["FILE-001"]


def test_csv_renamed_xlsx(tmp_path: Path, no_calamine: None) -> None:
    path = tmp_path / "report.xlsx"
    path.write_text("Mã xã,Tên xã\n00715,Lũng Cú\n", encoding="utf-8")
    assert rule_ids(check_file(path)) == ["FILE-002"]
    extract = read_workbook(path)
    assert rule_ids(extract.findings) == ["FILE-002"]
    assert extract.criteria is None
    assert extract.size_bytes == path.stat().st_size
    assert len(extract.sha256) == 64


def test_broken_zip(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    assert rule_ids(check_file(path)) == ["FILE-002"]


def test_zip_without_workbook(tmp_path: Path) -> None:
    path = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert rule_ids(check_file(path)) == ["FILE-002"]


def test_huge_declared_dimension_rejected_without_calamine(
    tmp_path: Path, no_calamine: None
) -> None:
    path = hand_made_xlsx(
        tmp_path / "tiny.xlsx",
        {"xl/worksheets/sheet1.xml": sheet_xml("A1:XFD1048576")},
    )
    assert path.stat().st_size < 2000
    findings = check_file(path)
    assert rule_ids(findings) == ["FILE-008"]
    assert "XFD1048576" in findings[0].message_en
    # The reader stops at the guard: calamine (patched to fail) is never called.
    extract = read_workbook(path, file_name="NTM_02-026_2019Q1.xlsx")
    assert rule_ids(extract.findings) == ["FILE-008"]
    assert extract.findings[0].file_name == "NTM_02-026_2019Q1.xlsx"
    assert extract.sheet_names == []


def test_huge_sheet_without_dimension_rejected(tmp_path: Path) -> None:
    body = '<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>'
    parts = {"xl/worksheets/sheet1.xml": sheet_xml(None, body)}
    path = hand_made_xlsx(tmp_path / "far.xlsx", parts)
    assert rule_ids(check_file(path)) == ["FILE-008"]


def test_too_many_cells_over_sheets(tmp_path: Path) -> None:
    parts = {f"xl/worksheets/sheet{i}.xml": sheet_xml("A1:GR99000") for i in range(1, 4)}
    path = hand_made_xlsx(tmp_path / "many.xlsx", parts)
    assert rule_ids(check_file(path, GuardLimits(max_cells=1_000_000))) == ["FILE-006"]


def test_compression_ratio(tmp_path: Path) -> None:
    zeros = "<worksheet>" + " " * (4 * 1024 * 1024) + "</worksheet>"
    path = hand_made_xlsx(tmp_path / "bomb.xlsx", {"xl/worksheets/sheet1.xml": zeros})
    assert "FILE-007" in rule_ids(check_file(path))


def test_decompressed_size_limits(tmp_path: Path) -> None:
    path = valid_workbook(tmp_path / "ok.xlsx")
    assert "FILE-006" in rule_ids(check_file(path, GuardLimits(max_entry_bytes=500)))
    assert "FILE-006" in rule_ids(check_file(path, GuardLimits(max_total_bytes=1000)))


def test_too_many_entries(tmp_path: Path) -> None:
    path = valid_workbook(tmp_path / "ok.xlsx")
    assert rule_ids(check_file(path, GuardLimits(max_zip_entries=3))) == ["FILE-005"]


def test_file_too_large(tmp_path: Path, no_calamine: None) -> None:
    path = valid_workbook(tmp_path / "ok.xlsx")
    limits = GuardLimits(max_file_bytes=1000)
    assert rule_ids(check_file(path, limits)) == ["FILE-004"]
    assert rule_ids(read_workbook(path, limits=limits).findings) == ["FILE-004"]


def test_entity_declaration(tmp_path: Path) -> None:
    prolog = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
    strings = (
        f'<?xml version="1.0"?>{prolog}<sst xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>'
    )
    path = hand_made_xlsx(
        tmp_path / "entities.xlsx",
        {"xl/worksheets/sheet1.xml": sheet_xml("A1:B2"), "xl/sharedStrings.xml": strings},
    )
    findings = check_file(path)
    assert rule_ids(findings) == ["FILE-009"]
    assert "xl/sharedStrings.xml" in findings[0].message_en


def test_encrypted_ooxml_in_ole2(tmp_path: Path) -> None:
    path = tmp_path / "secret.xlsx"
    directory = "EncryptionInfo".encode("utf-16-le") + b"\x00" * 50
    path.write_bytes(OLE2_MAGIC + b"\x00" * 504 + directory + b"\x00" * 512)
    assert rule_ids(check_file(path)) == ["FILE-003"]


def test_damaged_ole2_rejected_by_guard(tmp_path: Path, no_calamine: None) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(OLE2_MAGIC + b"\x00" * 2048)
    assert rule_ids(check_file(path)) == ["FILE-002"]
    assert rule_ids(read_workbook(path).findings) == ["FILE-002"]


def test_real_xls_and_ods_pass(tmp_path: Path) -> None:
    from tests.support import factories as f

    for fmt in ("xls", "ods"):
        path = f.write_as(fmt, tmp_path / "ok", f.valid_sheets())
        assert check_file(path) == [], fmt


def test_ods_trailing_empty_repeats_like_libreoffice_pass(tmp_path: Path) -> None:
    """LibreOffice ends sheets with an empty row repeated ~1M times: not an area."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="Thong tin")
    row = TableRow()
    cell = TableCell(valuetype="string")
    cell.addElement(P(text="Mã tỉnh"))
    row.addElement(cell)
    row.addElement(TableCell(numbercolumnsrepeated=16383))
    table.addElement(row)
    empty = TableRow(numberrowsrepeated=1048575)
    empty.addElement(TableCell(numbercolumnsrepeated=16384))
    table.addElement(empty)
    document.spreadsheet.addElement(table)
    path = tmp_path / "lo.ods"
    document.save(str(path))
    assert check_file(path) == []


def test_xls_limits_and_password(tmp_path: Path) -> None:
    from tests.support import factories as f

    path = f.write_as("xls", tmp_path / "ok", f.valid_sheets())
    assert set(rule_ids(check_file(path, GuardLimits(max_rows=10)))) == {"FILE-008"}
    assert rule_ids(check_file(path, GuardLimits(max_cells=100))) == ["FILE-006"]
    # A FILEPASS record (BIFF8 RC4 password) in the workbook globals.
    data = bytearray(path.read_bytes())
    bof = data.find(b"\x09\x08\x10\x00\x00\x06\x05\x00")  # BOF of the globals
    assert bof > 0
    after = bof + 4 + 16
    record, length = (
        int.from_bytes(data[after : after + 2], "little"),
        int.from_bytes(data[after + 2 : after + 4], "little"),
    )
    assert length >= 2 and record != 0x002F
    data[after : after + 2] = (0x002F).to_bytes(2, "little")  # turn the next record into FILEPASS
    locked = tmp_path / "locked.xls"
    locked.write_bytes(bytes(data))
    assert rule_ids(check_file(locked)) == ["FILE-003"]


def test_limits_from_their_variables() -> None:
    limits = GuardLimits.from_variables(
        {"NTM_GUARD_MAX_ROWS": "200_000", "NTM_GUARD_MAX_COMPRESSION_RATIO": "50"}
    )
    assert limits.max_rows == 200_000 and limits.max_compression_ratio == 50.0
    assert limits.max_cols == GuardLimits().max_cols
    assert GuardLimits.from_variables(limits.variables()) == limits
    assert limits.variables() == {
        "NTM_GUARD_MAX_ROWS": "200000",
        "NTM_GUARD_MAX_COMPRESSION_RATIO": "50.0",
    }


def test_encrypted_zip_entry(tmp_path: Path) -> None:
    path = valid_workbook(tmp_path / "ok.xlsx")
    data = bytearray(path.read_bytes())
    # Set the "encrypted" general purpose flag bit of the first local and central headers.
    data[6] |= 0x1
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 0x1
    path.write_bytes(bytes(data))
    assert rule_ids(check_file(path)) == ["FILE-003"]


def test_fast_and_positional_extents_agree_on_referenced_cells() -> None:
    from sources.guards import _positional_extent, _referenced_extent

    data = (
        b'<sheetData><row r="2" spans="1:3"><c r="A2" t="s"><v>0</v></c><c r="C2"/></row>'
        b'<row r="7"><c s="1" r="AB7"><v>1</v></c></row><x:row r="9"><x:c r="B9"/></x:row>'
        b"</sheetData>"
    )
    rows, cols, last = _referenced_extent(data)
    assert (rows, cols, last) == (9, 28, 2)
    positional = _positional_extent(data, 0, 0)
    assert positional[:2] == (rows, cols)


def test_cells_without_references_take_the_positional_path() -> None:
    from sources.guards import _positional_extent, _referenced_extent

    data = b'<row r="1"><c r="A1"/><c/><c/></row><row><c/></row>'
    assert _referenced_extent(data) is None
    assert _positional_extent(data, 0, 0)[:2] == (2, 3)


def test_binary_workbook_is_rejected_before_any_parser(tmp_path: Path) -> None:
    """An .xlsb (binary sheets the guards cannot measure), even named .xlsx, is refused."""
    path = tmp_path / "NTM_02-026_2019Q1.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
        archive.writestr("xl/worksheets/sheet1.bin", b"\x81\x01\x00" * 10)
    findings = check_file(path)
    assert [f.rule_id for f in findings] == ["FILE-002"]
    assert ".xlsb" in findings[0].message_en and "xlsx" in findings[0].message_vi
    extract = read_workbook(path)
    assert [f.rule_id for f in extract.findings] == ["FILE-002"]
