"""The commune workbook (quarters from 2025Q3): the reader tells the kind from the cover, reads the
commune cover and the long criteria sheet, and validation judges them with bilingual rules."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from schemas.validate import ValidationResult, validate_workbook
from sources.contract import name_commune, name_district
from sources.findings import Finding
from sources.reader import parse_commune_group, parse_criterion_code, read_workbook
from tests.support import commune as c
from tests.support import factories as f

TODAY = date(2026, 6, 1)


def judge(folder: Path, sheets: c.Sheets, name: str = c.FILE_NAME) -> ValidationResult:
    return validate_workbook(read_workbook(c.commune_workbook(folder, sheets, name)), today=TODAY)


def only(result: ValidationResult, rule_id: str) -> Finding:
    found = [item for item in result.findings if item.rule_id == rule_id]
    assert len(found) == 1, [item.describe() for item in result.findings]
    return found[0]


def errors(result: ValidationResult) -> set[str]:
    return {item.rule_id for item in result.errors}


# --- pure helpers ---------------------------------------------------------------------------------
def test_criterion_codes() -> None:
    assert parse_criterion_code("1") == ("1", 1, None)
    assert parse_criterion_code(3.0) == ("3", 3, None)
    assert parse_criterion_code(" 01 . 2 ") == ("1.2", 1, 2)
    assert parse_criterion_code(1.2) == ("1.2", 1, 2)
    assert parse_criterion_code("TC 7") == ("7", 7, None)
    for bad in ("a", "1.2.3", "", None, True, "123"):
        assert parse_criterion_code(bad) is None


def test_commune_groups() -> None:
    for raw, group in (("1", "1"), (2, "2"), (3.0, "3"), ("Nhóm 1", "1"), ("NHOM 2", "2")):
        assert parse_commune_group(raw) == group
    for bad in ("4", "0", "nhóm", True):
        assert parse_commune_group(bad) is None


def test_file_names_of_both_kinds() -> None:
    assert name_commune("NTM_08-00691_2026Q1.xlsx") == ("08", "00691")
    assert name_district("NTM_08-00691_2026Q1.xlsx") is None
    assert name_district("NTM_02-026_2019Q1.xlsx") == ("02", "026")
    assert name_commune("NTM_02-026_2019Q1.xlsx") is None


# --- a valid commune workbook ---------------------------------------------------------------------
def test_valid_commune_workbook_is_read_and_accepted(tmp_path: Path) -> None:
    extract = read_workbook(c.commune_workbook(tmp_path))
    assert extract.workbook_kind == "commune"
    assert (extract.province_code, extract.commune_code, extract.quarter) == (
        "08",
        "00691",
        "2026Q1",
    )
    assert extract.reporter_code == "00691" and extract.district_code is None
    assert extract.cover_value("commune_group") == "1"
    assert extract.cover_value("criteria_met_reported") == 7
    assert extract.cover["commune_group"].cell_ref == "B9"
    assert extract.criteria is None
    frame = extract.criterion_rows.frame
    assert list(frame["criterion_code"][:4]) == ["1", "1.1", "1.2", "2"]
    assert frame["indicator_no"].isna().sum() == 10
    met = frame[frame["indicator_no"].isna() & frame["is_met"]]["criterion_no"]
    assert set(met) == c.MET
    assert extract.criterion_rows.cell_ref("is_met", 3) == "D3"
    assert len(extract.households.frame) == 1
    assert list(extract.funding.frame["commune_code"].isna()) == [True, False, True]
    result = validate_workbook(extract, today=TODAY)
    assert result.accepted and not result.findings, [x.describe() for x in result.findings]


def test_district_cover_stays_a_district_workbook(tmp_path: Path) -> None:
    path = f.write_xlsx(tmp_path / "NTM_02-026_2019Q1.xlsx", f.valid_sheets())
    extract = read_workbook(path)
    assert extract.workbook_kind == "district" and extract.reporter_code == "026"
    # A cover with both labels is a district workbook (the `Mã xã` label alone makes a commune).
    sheets = f.valid_sheets()
    sheets[f.COVER].append(["Mã xã", "00715"])
    both = read_workbook(f.write_xlsx(tmp_path / "both.xlsx", sheets))
    assert both.workbook_kind == "district"


def test_nineteen_criteria_of_qd318_in_2025q3(tmp_path: Path) -> None:
    sheets = c.commune_sheets("2025Q3", "QD318_2022")
    result = judge(tmp_path, sheets, "NTM_08-00691_2025Q3.xlsx")
    assert result.accepted and not result.findings, [x.describe() for x in result.findings]


# --- the era: which kind reports which quarter ----------------------------------------------------
def test_commune_workbook_before_the_reform_is_rejected(tmp_path: Path) -> None:
    sheets = c.set_cover(c.commune_sheets(), "quarter", "2025-Q1")
    item = only(judge(tmp_path, sheets, "NTM_08-00691_2025Q1.xlsx"), "COV-017")
    assert item.is_error and item.cell_ref == "B5" and item.sheet == c.COVER
    assert "2025Q3" in item.message_en and "2025Q3" in item.message_vi


def test_district_workbook_after_the_reform_is_rejected(tmp_path: Path) -> None:
    path = f.write_xlsx(tmp_path / "NTM_02-026_2025Q4.xlsx", f.sheets_for("2025Q4"))
    result = validate_workbook(read_workbook(path), today=TODAY)
    item = only(result, "COV-016")
    assert item.is_error and item.column == "Kỳ báo cáo"
    assert "1 July 2025" in item.message_en and "1/7/2025" in item.message_vi
    assert "commune workbook per commune" in item.message_en


def test_district_workbook_declaring_qd51_is_rejected(tmp_path: Path) -> None:
    sheets = f.valid_sheets()
    sheets[f.COVER][7][1] = "QD51_2025"
    result = validate_workbook(
        read_workbook(f.write_xlsx(tmp_path / "a.xlsx", sheets)), today=TODAY
    )
    item = only(result, "COV-020")
    assert item.is_error and item.cell_ref == "B8" and "QD1980_2016" in item.message_en


def test_period_rules_follow_the_contract(tmp_path: Path) -> None:
    # QĐ 51 is not in force in 2025; the 2027 standard does not apply in 2026: warnings.
    early = c.set_cover(c.commune_sheets("2025Q4"), "criteria_set", "QD51_2025")
    result = judge(tmp_path, early, "NTM_08-00691_2025Q4.xlsx")
    assert only(result, "COV-011").severity == "warning" and result.accepted
    standard = c.set_cover(c.commune_sheets(), "poverty_standard", "MDP_2027")
    assert "ND07_2021" in only(judge(tmp_path, standard), "COV-012").message_en
    # A district file of 2019 on QĐ 318 is warned whatever its name (the check ran only when the
    # file name named another district).
    district = f.valid_sheets()
    district[f.COVER][7][1] = "QD318_2022"
    path = f.write_xlsx(tmp_path / "NTM_02-026_2019Q1.xlsx", district)
    assert "COV-011" in validate_workbook(read_workbook(path), today=TODAY).rule_ids()


# --- the cover ------------------------------------------------------------------------------------
def test_commune_group_missing_or_invalid(tmp_path: Path) -> None:
    bad = judge(tmp_path, c.set_cover(c.commune_sheets(), "commune_group", "Nhóm 4"))
    assert only(bad, "COV-019").cell_ref == "B9"
    blank = judge(tmp_path, c.set_cover(c.commune_sheets(), "commune_group", None))
    assert only(blank, "COV-001").column == "Nhóm xã"


def test_commune_code_must_be_a_current_unit_of_the_province(tmp_path: Path) -> None:
    unknown = judge(tmp_path, c.set_cover(c.commune_sheets(), "commune_code", "99999"), "a.xlsx")
    assert only(unknown, "COV-021").cell_ref == "B3"
    # 00004 is Phường Ba Đình of Hà Nội (01) since 2025-07-01.
    elsewhere = judge(tmp_path, c.set_cover(c.commune_sheets(), "commune_code", "00004"), "b.xlsx")
    item = only(elsewhere, "COV-022")
    assert "Ba Đình" in item.message_en and "01" in item.message_en
    invalid = judge(tmp_path, c.set_cover(c.commune_sheets(), "commune_code", "6912a"), "c.xlsx")
    assert only(invalid, "COV-018").is_error


def test_reused_code_is_the_unit_of_its_date(tmp_path: Path) -> None:
    # 00691 was Phường Trần Phú until 2025-06-30: the old name on a 2026 cover is a warning.
    sheets = c.set_cover(c.commune_sheets(), "commune_name", "Phường Trần Phú")
    item = only(judge(tmp_path, sheets), "COV-010")
    assert item.severity == "warning" and "Hà Giang 2" in item.message_en


def test_file_name_naming_another_commune(tmp_path: Path) -> None:
    result = judge(tmp_path, c.commune_sheets(), "NTM_08-00694_2026Q1.xlsx")
    item = only(result, "COV-023")
    assert item.is_error and "08-00694" in item.message_en and "08-00691" in item.message_vi


def test_reported_total_beyond_the_set(tmp_path: Path) -> None:
    sheets = c.set_cover(c.commune_sheets(), "criteria_met_reported", 12)
    item = only(judge(tmp_path, sheets), "TC-011")
    assert (
        item.cell_ref == "B11" and "0 to 10" in item.message_en and "QD51_2025" in item.message_en
    )


def test_reported_total_differs_from_rows_met(tmp_path: Path) -> None:
    sheets = c.set_cover(c.commune_sheets(), "criteria_met_reported", 8)
    item = only(judge(tmp_path, sheets), "TC-002")
    assert item.is_error and item.sheet == c.COVER and item.cell_ref == "B11"
    assert "8" in item.message_en and "7" in item.message_en


def test_recognition_on_the_cover(tmp_path: Path) -> None:
    level_only = c.set_cover(c.commune_sheets(), "ntm_level", "NTM")
    assert "TC-006" in errors(judge(tmp_path, level_only))
    year_only = c.set_cover(c.commune_sheets(), "recognition_year", 2024)
    result = judge(tmp_path, year_only)
    assert only(result, "TC-007").severity == "warning" and result.accepted
    late = c.set_cover(
        c.set_cover(c.commune_sheets(), "recognition_year", 2027), "ntm_level", "NTM"
    )
    result = judge(tmp_path, late)
    assert only(result, "TC-008").cell_ref == "B12"
    assert only(result, "TC-017").severity == "warning"  # recognised, 7/10 met


# --- the long criteria sheet ----------------------------------------------------------------------
def test_unreadable_code_and_status(tmp_path: Path) -> None:
    sheets = c.commune_sheets()
    c.criterion_row(sheets, "4")[1] = "bốn"
    c.criterion_row(sheets, "6")[3] = "có lẽ"
    result = judge(tmp_path, sheets)
    assert only(result, "TC-012").cell_ref == f"B{c.excel_row_of(sheets, 'bốn')}"
    assert only(result, "TC-001").cell_ref == f"D{c.excel_row_of(sheets, '6')}"
    assert "TC-014" in errors(result)  # criterion 4 now has no readable row


def test_criterion_beyond_the_set_missing_and_twice(tmp_path: Path) -> None:
    sheets = c.commune_sheets()
    c.criterion_row(sheets, "10")[1] = "11"
    c.criterion_row(sheets, "3")[1] = "2"
    result = judge(tmp_path, sheets)
    beyond = only(result, "TC-013")
    assert "no criterion 11" in beyond.message_en and "10 criteria" in beyond.message_en
    twice = only(result, "TC-015")
    # criterion 2 is on Excel row 6 (title, header, 1, 1.1, 1.2 above it); the copy on row 7
    assert twice.row == 7 and "row 6" in twice.message_en
    missing = {item.value for item in result.findings if item.rule_id == "TC-014"}
    assert missing == {"3", "10"}
    names = [x.message_en for x in result.findings if x.rule_id == "TC-014"]
    assert any("Access to law, security and defence" in text for text in names)


def test_indicator_before_its_criterion(tmp_path: Path) -> None:
    sheets = c.commune_sheets()
    rows = sheets[c.CRITERIA]
    position = rows.index(c.criterion_row(sheets, "2"))
    rows.insert(position, [None, "3.1", "Chỉ tiêu 3.1", "x", None])
    item = only(judge(tmp_path, sheets), "TC-016")
    assert item.value == "3.1" and "criterion 3" in item.message_en


def test_missing_header_row(tmp_path: Path) -> None:
    sheets = c.commune_sheets()
    sheets[c.CRITERIA][1][1] = "Mã"
    item = only(judge(tmp_path, sheets), "SHEET-003")
    assert "Mã tiêu chí" in item.message_vi and item.sheet == c.CRITERIA


# --- households and funding of the cover's commune ------------------------------------------------
def test_households_of_another_commune(tmp_path: Path) -> None:
    sheets = c.commune_sheets()
    sheets[c.HOUSEHOLDS][1][1] = c.OTHER_COMMUNE
    result = judge(tmp_path, sheets)
    assert only(result, "HH-007").cell_ref == "B2"
    assert only(result, "HH-008").value == c.COMMUNE


def test_households_row_twice(tmp_path: Path) -> None:
    sheets = c.commune_sheets()
    sheets[c.HOUSEHOLDS].append(list(sheets[c.HOUSEHOLDS][1]))
    assert only(judge(tmp_path, sheets), "XREF-003").row == 3


def test_funding_of_another_commune_and_twice(tmp_path: Path) -> None:
    sheets = c.commune_sheets()
    sheets[c.FUNDING].append([4, c.OTHER_COMMUNE, "NTM", "ODA", 1.0, 1.0, None])
    # blank = the commune itself: the same (programme, source) as row 2 under the commune's code
    sheets[c.FUNDING].append([5, c.COMMUNE, "NTM", "NSTW_DTPT", 1.0, 1.0, None])
    result = judge(tmp_path, sheets)
    assert only(result, "FUND-006").row == 5
    assert "row 2" in only(result, "FUND-004").message_en


@pytest.mark.parametrize("kind", ["district", "commune"])
def test_cover_cells_are_known_for_both_kinds(tmp_path: Path, kind: str) -> None:
    if kind == "commune":
        extract = read_workbook(c.commune_workbook(tmp_path))
        assert extract.cover["criteria_met_reported"].cell_ref == "B11"
    else:
        extract = read_workbook(f.write_xlsx(tmp_path / "d.xlsx", f.valid_sheets()))
        assert extract.cover["district_code"].cell_ref == "B3"
    assert all(item.cell_ref.startswith("B") for item in extract.cover.values())


# --- ntm check ------------------------------------------------------------------------------------
def test_ntm_check_says_which_kind_it_read(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from ntm.cli import main

    good = c.commune_workbook(tmp_path)
    late = f.write_xlsx(tmp_path / "NTM_02-026_2025Q4.xlsx", f.sheets_for("2025Q4"))
    result = CliRunner().invoke(main, ["check", str(good), str(late)])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    first = next(line for line in lines if line.startswith(str(good)))
    assert "ACCEPTED / HỢP LỆ" in first and "commune workbook / bảng tính cấp xã" in first
    second = next(line for line in lines if line.startswith(str(late)))
    assert "REJECTED" in second and "district workbook / bảng tính cấp huyện" in second
    assert any("[COV-016 error]" in line for line in lines)
