"""Commune workbooks (quarters from 2025Q3) for the reader, validation and ingest tests.

Written with openpyxl from plain data (sheet title → rows), so a test can break any cell first;
independent of the warehouse's own writer (`sources.writer`, the template and the demo), which a
test of the reader must not trust. The valid baseline is Phường Hà Giang 2 (00691, Tuyên Quang
08 from 2025-07-01: the code that was Phường Trần Phú of Hà Giang before the reform), 2026Q1,
QĐ 51/2025's ten criteria with a few indicator rows, seven criteria met.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

# the households and funding sheets have the same columns as in a district workbook
from tests.support.factories import FUNDING_HEADER, HOUSEHOLD_HEADER

Rows = list[list[Any]]
Sheets = dict[str, Rows]

PROVINCE = "08"
COMMUNE = "00691"
COMMUNE_NAME = "Phường Hà Giang 2"
OTHER_COMMUNE = "00694"  # another current unit of Tuyên Quang
QUARTER = "2026Q1"
FILE_NAME = f"NTM_{PROVINCE}-{COMMUNE}_{QUARTER}.xlsx"

COVER = "Thong tin"
CRITERIA = "Tieu chi"
HOUSEHOLDS = "Ho ngheo"
FUNDING = "Nguon von"

# Excel rows of the cover's labels (1-based), in the baseline.
COVER_ROW = {
    "province_code": 1,
    "province_name": 2,
    "commune_code": 3,
    "commune_name": 4,
    "quarter": 5,
    "prepared_on": 6,
    "prepared_by": 7,
    "criteria_set": 8,
    "commune_group": 9,
    "poverty_standard": 10,
    "criteria_met_reported": 11,
    "recognition_year": 12,
    "ntm_level": 13,
}
MET = {1, 2, 3, 5, 6, 8, 9}  # seven of the ten criteria
CRITERIA_HEADER = ["STT", "Mã tiêu chí", "Tên tiêu chí, chỉ tiêu", "Kết quả", "Ghi chú"]


def commune_sheets(quarter: str = QUARTER, criteria_set: str = "QD51_2025") -> Sheets:
    """The valid baseline as data; ``criteria_set`` QD318_2022 gives 19 criterion rows."""
    year = int(quarter[:4])
    count = 10 if criteria_set == "QD51_2025" else 19
    cover: Rows = [
        ["Mã tỉnh", PROVINCE],
        ["Tên tỉnh", "Tuyên Quang"],
        ["Mã xã", COMMUNE],
        ["Tên xã", COMMUNE_NAME],
        ["Kỳ báo cáo", f"{year}-Q{quarter[-1]}"],
        ["Ngày lập", date(year, 3 * int(quarter[-1]), 28)],
        ["Người lập", "Nguyễn Thị B"],
        ["Bộ tiêu chí", criteria_set],
        ["Nhóm xã", "Nhóm 1"],
        ["Chuẩn nghèo", "ND07_2021"],
        ["Tổng số tiêu chí đạt", len([n for n in MET if n <= count])],
        ["Năm công nhận", None],
        ["Mức độ", None],
    ]
    criteria: Rows = [["Báo cáo kết quả thực hiện Bộ tiêu chí"], list(CRITERIA_HEADER)]
    for number in range(1, count + 1):
        criteria.append(
            [number, str(number), f"Tiêu chí {number}", "Đạt" if number in MET else "", None]
        )
        if number == 1:  # indicator rows under criterion 1 (kept, never counted)
            criteria.append([None, "1.1", "Chỉ tiêu 1.1", "x", None])
            criteria.append([None, "1.2", "Chỉ tiêu 1.2", "Chưa đạt", None])
    households: Rows = [
        list(HOUSEHOLD_HEADER),
        [1, COMMUNE, COMMUNE_NAME, 4210, 120, 95, 60, None],
    ]
    funding: Rows = [
        list(FUNDING_HEADER),
        [1, None, "NTM", "NSTW_DTPT", 5200.0, 1300.5, None],
        [2, COMMUNE, "NTM", "NSDP_TINH", 800.0, 200.0, None],
        [3, None, "GNBV_KHAC", "NSDP_XA", 150.0, 0.0, None],
    ]
    return {COVER: cover, CRITERIA: criteria, HOUSEHOLDS: households, FUNDING: funding}


def set_cover(sheets: Sheets, field: str, value: Any) -> Sheets:
    sheets[COVER][COVER_ROW[field] - 1][1] = value
    return sheets


def criterion_row(sheets: Sheets, code: str) -> list[Any]:
    """The criteria sheet's row whose code is ``code`` (to change or remove it)."""
    return next(row for row in sheets[CRITERIA][2:] if len(row) > 1 and row[1] == code)


def excel_row_of(sheets: Sheets, code: str) -> int:
    return sheets[CRITERIA].index(criterion_row(sheets, code)) + 1


def write_openpyxl(path: Path, sheets: Sheets) -> Path:
    """Write the sheets as they are (None: an empty cell)."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def commune_workbook(folder: Path, sheets: Sheets | None = None, name: str = FILE_NAME) -> Path:
    return write_openpyxl(folder / name, sheets or commune_sheets())
