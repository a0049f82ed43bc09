"""Validation: broken workbooks are rejected with the exact rule, sheet, row, column and cell."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from schemas.models import CriteriaModel, FundingModel, HouseholdsModel
from schemas.validate import ValidationResult, validate_workbook
from sources.findings import Finding
from sources.quarters import quarter_end, quarter_start
from sources.reader import read_workbook
from sources.reference import load_admin_units
from sources.rules import RULES, finding
from tests.support import factories as f

TODAY = date(2024, 1, 1)


def validate(tmp_path: Path, sheets: f.Sheets, today: date = TODAY) -> ValidationResult:
    path = f.write_xlsx(tmp_path / "NTM_02-026_2019Q1.xlsx", sheets)
    return validate_workbook(read_workbook(path), today=today)


def only(result: ValidationResult, rule_id: str) -> Finding:
    """The single finding of a rule (and the test fails if there are more or none)."""
    matches = [item for item in result.findings if item.rule_id == rule_id]
    assert len(matches) == 1, [item.describe() for item in result.findings]
    return matches[0]


def where(item: Finding) -> tuple:
    return item.sheet, item.row, item.column, item.cell_ref


# --- catalogue ------------------------------------------------------------------------------------
def test_catalogue_is_bilingual_and_well_formed() -> None:
    for rule_id, rule in RULES.items():
        assert rule.rule_id == rule_id
        assert rule_id.split("-")[0] in {"FILE", "SHEET", "CELL", "COV", "TC", "HH", "FUND", "XREF"}
        assert rule.severity in {"error", "warning"}
        assert rule.message_vi and rule.message_en
    item = finding(
        "XREF-003",
        file_name="a.xlsx",
        sheet="Tieu chi",
        row=7,
        column="Mã xã",
        value=715.0,
        cell_ref="B7",
        code="00715",
        first_row=3,
    )
    assert item.value == "715"
    assert "dòng 3" in item.message_vi and "row 3" in item.message_en
    # A missing template parameter never crashes a report.
    assert "?" in finding("TC-002", file_name="a.xlsx").message_en


def test_quarter_dates() -> None:
    assert quarter_start("2019Q1") == date(2019, 1, 1)
    assert quarter_end("2019Q1") == date(2019, 3, 31)
    assert quarter_end("2019Q2") == date(2019, 6, 30)
    assert quarter_end("2019Q4") == date(2019, 12, 31)
    with pytest.raises(ValueError):
        quarter_end("2019Q5")


def test_admin_units_as_of() -> None:
    units = load_admin_units()
    assert load_admin_units() is units  # loaded once
    assert units.snapshot_for(date(2019, 3, 31)) == date(2019, 9, 11)  # before all: earliest
    assert units.snapshot_for(date(2021, 6, 30)) == date(2020, 1, 1)
    assert units.snapshot_for(date(2025, 3, 1)) == date(2025, 3, 1)
    at = units.units_at("02", "026", date(2019, 3, 31))
    assert len(at) == 19 and set(at["commune_type"]) == {"Xã", "Thị trấn"}
    assert units.district_exists("02", "026", date(2019, 3, 31))
    assert not units.district_exists("02", "999", date(2019, 3, 31))
    assert units.district_name("02", "026", date(2019, 3, 31)) == "Huyện Đồng Văn"
    assert units.province_name("02", date(2019, 3, 31)) == "Tỉnh Hà Giang"


# --- models on frames -----------------------------------------------------------------------------
def test_models_accept_the_valid_frames(tmp_path: Path) -> None:
    extract = read_workbook(f.valid_workbook(tmp_path / "ok.xlsx"))
    CriteriaModel.validate(extract.criteria.frame)
    HouseholdsModel.validate(extract.households.frame)
    FundingModel.validate(extract.funding.frame)


def test_valid_workbook_accepted(tmp_path: Path) -> None:
    result = validate(tmp_path, f.valid_sheets())
    assert result.accepted and result.findings == []


# --- broken variants: one rule each, at the exact place -------------------------------------------
Breaker = Callable[[f.Sheets], None]
XA_ROW = 3  # Excel row of the second xã (Xã Má Lé) in Tieu chi
HH_ROW = 4  # Excel row of the third unit (Xã Má Lé) in Ho ngheo


def set_cell(sheet: str, excel_row: int, column: int, value: object) -> Breaker:
    def breaker(sheets: f.Sheets) -> None:
        sheets[sheet][excel_row - 1][column] = value

    return breaker


BROKEN: list[tuple[str, Breaker, str, tuple]] = [
    # (case, how to break, rule id, (sheet, row, column, cell ref))
    (
        "flag neither met nor not met",
        set_cell(f.CRITERIA, XA_ROW, 5, "Có lẽ"),
        "TC-001",
        (f.CRITERIA, XA_ROW, "TC3", "F3"),
    ),
    (
        "reported total wrong",
        set_cell(f.CRITERIA, XA_ROW, 22, 14),
        "TC-002",
        (f.CRITERIA, XA_ROW, "Tổng số tiêu chí đạt", "W3"),
    ),
    (
        "total not whole",
        set_cell(f.CRITERIA, XA_ROW, 22, 12.5),
        "TC-003",
        (f.CRITERIA, XA_ROW, "Tổng số tiêu chí đạt", "W3"),
    ),
    (
        "recognition year not a year",
        set_cell(f.CRITERIA, 2, 23, "năm ngoái"),
        "TC-004",
        (f.CRITERIA, 2, "Năm công nhận", "X2"),
    ),
    (
        "unknown level",
        set_cell(f.CRITERIA, 2, 24, "NTM siêu cấp"),
        "TC-005",
        (f.CRITERIA, 2, "Mức độ", "Y2"),
    ),
    (
        "level without year",
        set_cell(f.CRITERIA, 2, 23, None),
        "TC-006",
        (f.CRITERIA, 2, "Năm công nhận", "X2"),
    ),
    (
        "recognition after the quarter",
        set_cell(f.CRITERIA, 2, 23, 2020),
        "TC-008",
        (f.CRITERIA, 2, "Năm công nhận", "X2"),
    ),
    (
        "negative count",
        set_cell(f.HOUSEHOLDS, HH_ROW, 5, -3),
        "HH-001",
        (f.HOUSEHOLDS, HH_ROW, "Số hộ cận nghèo", "F4"),
    ),
    (
        "non-whole count",
        set_cell(f.HOUSEHOLDS, HH_ROW, 3, 1306.5),
        "HH-001",
        (f.HOUSEHOLDS, HH_ROW, "Tổng số hộ", "D4"),
    ),
    (
        "blank household count",
        set_cell(f.HOUSEHOLDS, HH_ROW, 3, None),
        "HH-002",
        (f.HOUSEHOLDS, HH_ROW, "Tổng số hộ", "D4"),
    ),
    (
        "poor + near-poor > households",
        set_cell(f.HOUSEHOLDS, HH_ROW, 3, 500),
        "HH-003",
        (f.HOUSEHOLDS, HH_ROW, "Số hộ nghèo", "E4"),
    ),
    (
        "ethnic poor > poor",
        set_cell(f.HOUSEHOLDS, HH_ROW, 6, 999),
        "HH-004",
        (f.HOUSEHOLDS, HH_ROW, "Số hộ nghèo DTTS", "G4"),
    ),
    (
        "number not parseable",
        set_cell(f.HOUSEHOLDS, HH_ROW, 4, "bốn trăm"),
        "CELL-001",
        (f.HOUSEHOLDS, HH_ROW, "Số hộ nghèo", "E4"),
    ),
    (
        "commune code not a code",
        set_cell(f.HOUSEHOLDS, HH_ROW, 1, "XA-718"),
        "CELL-002",
        (f.HOUSEHOLDS, HH_ROW, "Mã xã", "B4"),
    ),
    (
        "negative amount",
        set_cell(f.FUNDING, 3, 5, -10.5),
        "FUND-001",
        (f.FUNDING, 3, "Thực hiện lũy kế", "F3"),
    ),
    (
        "unknown programme",
        set_cell(f.FUNDING, 4, 2, "CT_BI_MAT"),
        "FUND-002",
        (f.FUNDING, 4, "Chương trình", "C4"),
    ),
    (
        "unknown source",
        set_cell(f.FUNDING, 5, 3, "Vốn vay nước ngoài"),
        "FUND-003",
        (f.FUNDING, 5, "Nguồn vốn", "D5"),
    ),
    (
        "blank programme",
        set_cell(f.FUNDING, 5, 2, None),
        "CELL-003",
        (f.FUNDING, 5, "Chương trình", "C5"),
    ),
    (
        "duplicate funding line",
        set_cell(f.FUNDING, 3, 3, "NSTW_DTPT"),
        "FUND-004",
        (f.FUNDING, 3, "Mã xã", "B3"),
    ),
    (
        "commune of another district",
        set_cell(f.HOUSEHOLDS, HH_ROW + 1, 1, "00001"),
        "XREF-001",
        (f.HOUSEHOLDS, HH_ROW + 1, "Mã xã", "B5"),
    ),
    (
        "invalid quarter",
        set_cell(f.COVER, 5, 1, "Quý 5/2019"),
        "COV-005",
        (f.COVER, 5, "Kỳ báo cáo", "B5"),
    ),
    (
        "future quarter",
        set_cell(f.COVER, 5, 1, "2030-Q1"),
        "COV-006",
        (f.COVER, 5, "Kỳ báo cáo", "B5"),
    ),
    ("unknown district", set_cell(f.COVER, 3, 1, "999"), "COV-004", (f.COVER, 3, "Mã huyện", "B3")),
    (
        "invalid province code",
        set_cell(f.COVER, 1, 1, "HG"),
        "COV-002",
        (f.COVER, 1, "Mã tỉnh", "B1"),
    ),
    (
        "unknown criteria set",
        set_cell(f.COVER, 8, 1, "QD_2030"),
        "COV-007",
        (f.COVER, 8, "Bộ tiêu chí", "B8"),
    ),
    (
        "unknown poverty standard",
        set_cell(f.COVER, 9, 1, "chuẩn mới"),
        "COV-008",
        (f.COVER, 9, "Chuẩn nghèo", "B9"),
    ),
]


@pytest.mark.parametrize(
    ("breaker", "rule_id", "location"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_broken_workbook_rejected(
    tmp_path: Path, breaker: Breaker, rule_id: str, location: tuple
) -> None:
    sheets = f.valid_sheets()
    breaker(sheets)
    result = validate(tmp_path, sheets)
    assert not result.accepted
    item = only(result, rule_id)
    assert item.severity == "error"
    assert where(item) == location
    assert item.message_vi and item.message_en and item.file_name == "NTM_02-026_2019Q1.xlsx"


def test_total_out_of_range_also_mismatches(tmp_path: Path) -> None:
    sheets = f.valid_sheets()
    set_cell(f.CRITERIA, XA_ROW, 22, 25)(sheets)
    result = validate(tmp_path, sheets)
    assert where(only(result, "TC-003")) == (f.CRITERIA, XA_ROW, "Tổng số tiêu chí đạt", "W3")
    assert only(result, "TC-002").value == "25"


def test_missing_sheet(tmp_path: Path) -> None:
    sheets = f.valid_sheets()
    del sheets[f.FUNDING]
    item = only(validate(tmp_path, sheets), "SHEET-001")
    assert item.sheet == "Nguon von" and item.row is None


def test_missing_required_column(tmp_path: Path) -> None:
    sheets = f.valid_sheets()
    for row in sheets[f.HOUSEHOLDS]:
        del row[4]  # Số hộ nghèo
    result = validate(tmp_path, sheets)
    item = only(result, "SHEET-002")
    assert (item.sheet, item.row, item.column) == (f.HOUSEHOLDS, 1, "Số hộ nghèo")
    # The empty column is not reported again cell by cell.
    assert not [x for x in result.findings if x.rule_id in {"HH-002", "CELL-003"}]


def test_no_header_row(tmp_path: Path) -> None:
    sheets = f.valid_sheets()
    sheets[f.FUNDING][0][1] = "Đơn vị"
    assert only(validate(tmp_path, sheets), "SHEET-003").sheet == f.FUNDING


def test_cover_missing_quarter(tmp_path: Path) -> None:
    sheets = f.valid_sheets()
    sheets[f.COVER].pop(4)
    item = only(validate(tmp_path, sheets), "COV-001")
    assert (item.sheet, item.column) == (f.COVER, "Kỳ báo cáo")


def test_xa_missing_from_criteria(tmp_path: Path) -> None:
    sheets = f.valid_sheets()
    removed = sheets[f.CRITERIA].pop(XA_ROW - 1)
    item = only(validate(tmp_path, sheets), "XREF-002")
    assert (item.sheet, item.column, item.value) == (f.CRITERIA, "Mã xã", removed[1])
    assert "Má Lé" in item.message_vi


def test_unit_missing_from_households(tmp_path: Path) -> None:
    sheets = f.valid_sheets()
    sheets[f.HOUSEHOLDS].pop(1)  # Thị trấn Phó Bảng
    item = only(validate(tmp_path, sheets), "HH-005")
    assert (item.sheet, item.value) == (f.HOUSEHOLDS, "00712")


def test_duplicate_commune(tmp_path: Path) -> None:
    sheets = f.valid_sheets()
    sheets[f.CRITERIA].append(list(sheets[f.CRITERIA][XA_ROW - 1]))
    last = len(sheets[f.CRITERIA])
    item = only(validate(tmp_path, sheets), "XREF-003")
    assert where(item) == (f.CRITERIA, last, "Mã xã", f"B{last}")
    assert f"row {XA_ROW}" in item.message_en


def test_town_listed_in_criteria(tmp_path: Path) -> None:
    sheets = f.valid_sheets()
    flags = ["Chưa đạt"] * 19
    sheets[f.CRITERIA].append([18, "00712", "Thị trấn Phó Bảng", *flags, 0, None, None, None])
    item = only(validate(tmp_path, sheets), "TC-009")
    assert where(item) == (f.CRITERIA, 19, "Mã xã", "B19")


def test_total_row_sums_checked(tmp_path: Path) -> None:
    sheets = f.with_total_rows(f.valid_sheets())
    total_row = sheets[f.HOUSEHOLDS][-1]
    total_row[4] += 10  # Số hộ nghèo total off by 10
    result = validate(tmp_path, sheets)
    item = only(result, "XREF-005")
    row = len(sheets[f.HOUSEHOLDS])
    assert where(item) == (f.HOUSEHOLDS, row, "Số hộ nghèo", f"E{row}")
    assert not result.accepted


def test_name_mismatch_is_only_a_warning(tmp_path: Path) -> None:
    sheets = f.valid_sheets()
    sheets[f.HOUSEHOLDS][HH_ROW - 1][2] = "Lũng Cú"  # the row of Xã Má Lé
    sheets[f.HOUSEHOLDS][2][2] = "Lũng Cú"  # and Xã Lũng Cú without its type: fine
    result = validate(tmp_path, sheets)
    item = only(result, "XREF-004")
    assert item.severity == "warning"
    assert where(item) == (f.HOUSEHOLDS, HH_ROW, "Tên xã", "C4")
    assert result.accepted


def test_every_error_is_listed(tmp_path: Path) -> None:
    sheets = f.valid_sheets()
    cases = {case[0]: case for case in BROKEN}
    picked = [
        "flag neither met nor not met",
        "recognition year not a year",
        "negative count",
        "number not parseable",
        "unknown programme",
        "unknown source",
        "commune of another district",
        "unknown criteria set",
    ]
    for name in picked:
        cases[name][1](sheets)
    result = validate(tmp_path, sheets)
    assert {cases[name][2] for name in picked} <= set(result.rule_ids())
    for name in picked:
        _, _, rule_id, location = cases[name]
        assert location in {where(x) for x in result.findings if x.rule_id == rule_id}


def test_nfd_headers_and_values_match(tmp_path: Path) -> None:
    import unicodedata

    sheets = f.with_nfd_headers(f.valid_sheets())
    sheets[f.CRITERIA][XA_ROW - 1][24] = unicodedata.normalize("NFD", "NTM nâng cao")
    sheets[f.CRITERIA][XA_ROW - 1][23] = 2018
    result = validate(tmp_path, sheets)
    assert "TC-005" not in result.rule_ids()
    assert only(result, "TC-010").severity == "warning"  # recognised but 13/19


def test_validation_is_repeatable(tmp_path: Path) -> None:
    """Validating the same workbook again (warm caches, memoised converters) judges it the same.
    Its speed is measured by `make bench`, never by a wall-clock bound in a test."""
    path = f.valid_workbook(tmp_path / "ok.xlsx")
    first = validate_workbook(read_workbook(path), today=TODAY)
    again = [validate_workbook(read_workbook(path), today=TODAY) for _ in range(3)]
    assert first.accepted
    for result in again:
        assert result.accepted
        assert [x.describe() for x in result.findings] == [x.describe() for x in first.findings]


def test_frame_dtypes_hold_for_pandera(tmp_path: Path) -> None:
    extract = read_workbook(f.valid_workbook(tmp_path / "ok.xlsx"))
    frame = extract.criteria.frame.copy()
    frame["criteria_met_reported"] = frame["criteria_met_reported"].astype("float64")
    extract.criteria.frame = frame
    result = validate_workbook(extract, today=TODAY)
    assert "CELL-009" in result.rule_ids()  # a dtype drift is reported, not crashed on
    assert isinstance(extract.criteria.frame, pd.DataFrame)


def test_names_match_with_or_without_unit_type() -> None:
    from sources.reference import names_match

    assert names_match("Xà Phìn", "Xã Xà Phìn")  # 'Xà' is not the type 'Xã'
    assert names_match("Xa Phin", "Xã Xà Phìn")
    assert names_match("xa lung cu", "Xã Lũng Cú")
    assert names_match("Phó Bảng", "Thị trấn Phó Bảng")
    assert not names_match("Phìn", "Xã Xà Phìn")
    assert not names_match("Lũng Cú", "Xã Má Lé")
    district_types = ("Huyện ", "Quận ")
    assert names_match("Quản Bạ", "Huyện Quản Bạ", district_types)  # not 'Quận' + 'Bạ'
    assert not names_match("Bạ", "Huyện Quản Bạ", district_types)


def test_commune_row_without_code_is_data_not_a_total(tmp_path: Path) -> None:
    sheets = f.valid_sheets()
    sheets[f.CRITERIA][XA_ROW - 1][1] = None
    for column in range(3, 22):  # flags typed as 1/0 numbers
        sheets[f.CRITERIA][XA_ROW - 1][column] = 1 if column % 2 else 0
    sheets[f.CRITERIA][XA_ROW - 1][22] = sum(1 for c in range(3, 22) if c % 2)
    result = validate(tmp_path, sheets)
    assert where(only(result, "CELL-003")) == (f.CRITERIA, XA_ROW, "Mã xã", "B3")
    assert only(result, "XREF-002").value == "00718"
    assert "XREF-005" not in result.rule_ids()
