"""The reader: pure helpers, a valid workbook, and every tolerance of the contract."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from schemas.validate import validate_workbook
from sources.contract import fold_text, pad_code, parse_quarter
from sources.reader import (
    criterion_number,
    header_key,
    match_sheets,
    parse_date,
    parse_flag,
    parse_number,
    read_workbook,
)
from tests.support import factories as f
from warehouse.raw_store import TABLE_COLUMNS

TODAY = date(2024, 1, 1)
PROVENANCE = {"workbook_sha256", "load_id", "file_name", "sheet_name", "excel_row"}


# --- pure helpers ---------------------------------------------------------------------------------
def test_fold_text() -> None:
    assert fold_text("Tiêu chí") == "tieu chi"
    assert fold_text("TIEU_CHI") == "tieu chi"
    assert fold_text("  Mã   xã\n") == "ma xa"
    assert fold_text(unicodedata.normalize("NFD", "Đồng Văn")) == "dong van"
    assert fold_text("-") == ""


def test_pad_code() -> None:
    assert pad_code(772, 5) == "00772"
    assert pad_code(772.0, 5) == "00772"
    assert pad_code("00772", 5) == "00772"
    assert pad_code("26", 3) == "026"
    assert pad_code(2.5, 2) is None
    assert pad_code("abc", 5) is None
    assert pad_code("123456", 5) is None
    assert pad_code(True, 5) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-Q1", "2019Q1"),
        ("2019Q1", "2019Q1"),
        ("Quý I/2019", "2019Q1"),
        ("Quý IV/2020", "2020Q4"),
        ("Quý 1 năm 2019", "2019Q1"),
        ("Q3/2021", "2021Q3"),
        ("Quý 5/2019", None),
        ("2019", None),
        (None, None),
    ],
)
def test_parse_quarter(text: str | None, expected: str | None) -> None:
    assert parse_quarter(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("48.824", 48824.0),
        ("10,59", 10.59),
        ("1.234,5", 1234.5),
        ("1.234.567", 1234567.0),
        ("48824", 48824.0),
        ("10.5", 10.5),
        ("0.125", 0.125),
        ("1,234,567.5", 1234567.5),
        (" 1 234 ", 1234.0),
        ("-5", -5.0),
        (48.824, 48.824),  # a float from Excel is taken as is
        (12, 12.0),
        ("", None),
        (None, None),
    ],
)
def test_parse_number(value: object, expected: float | None) -> None:
    assert parse_number(value) == expected


@pytest.mark.parametrize("value", ["abc", "12a", "1..2", True, date(2019, 1, 1)])
def test_parse_number_rejects(value: object) -> None:
    with pytest.raises(ValueError):
        parse_number(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Đạt", True),
        ("đạt", True),
        ("DAT", True),
        ("x", True),
        ("X", True),
        ("1", True),
        (1.0, True),
        (True, True),
        ("TRUE", True),
        ("Chưa đạt", False),
        ("chua dat", False),
        ("-", False),
        ("0", False),
        (0.0, False),
        (False, False),
        ("FALSE", False),
        ("", False),
        (None, False),
        ("  ", False),
    ],
)
def test_parse_flag(value: object, expected: bool) -> None:
    assert parse_flag(value) is expected


@pytest.mark.parametrize("value", ["Có lẽ", "2", 0.5, "đạt một phần"])
def test_parse_flag_rejects(value: object) -> None:
    with pytest.raises(ValueError):
        parse_flag(value)


def test_header_key_and_criterion_number() -> None:
    assert header_key("Tổng số hộ") == header_key("TONG  SO\nHO") == header_key("Tổng số hộ (hộ)")
    assert header_key(unicodedata.normalize("NFD", "Số hộ nghèo")) == header_key("So ho ngheo")
    assert criterion_number("TC1") == 1
    assert criterion_number("TC 01") == 1
    assert criterion_number("Tiêu chí 19") == 19
    assert criterion_number(7.0) == 7
    assert criterion_number("TC20") is None
    assert criterion_number("Tên xã") is None


def test_parse_date() -> None:
    assert parse_date("2019-04-05") == date(2019, 4, 5)
    assert parse_date("05/04/2019") == date(2019, 4, 5)
    assert parse_date("hôm qua") is None


def test_match_sheets() -> None:
    names = ["THONG TIN", "tieu_chi", "Hộ nghèo", "Nguồn  vốn", "Sheet5"]
    assert match_sheets(names) == {
        "cover": "THONG TIN",
        "criteria": "tieu_chi",
        "households": "Hộ nghèo",
        "funding": "Nguồn  vốn",
    }


# `818.100`-like amount text: read as thousands, with a CELL-010 warning on each such cell.
AMBIGUOUS_AMOUNT = re.compile(r"^[+-]?\d{1,3}\.\d{3}$")


def assert_only_dot_warnings(result, sheets: f.Sheets) -> None:
    """The only findings are CELL-010 warnings, one per amount typed like `48.824`."""
    texts = [
        value
        for row in sheets[f.FUNDING]
        for value in row
        if isinstance(value, str) and AMBIGUOUS_AMOUNT.match(value)
    ]
    others = [x.describe() for x in result.findings if x.rule_id != "CELL-010"]
    assert others == []
    dots = [x for x in result.findings if x.rule_id == "CELL-010"]
    assert all(x.severity == "warning" and x.sheet == f.FUNDING for x in dots)
    assert sorted(x.value for x in dots) == sorted(texts)


# --- a valid workbook -----------------------------------------------------------------------------
def read_valid(tmp_path: Path, *knobs: f.Knob):
    path = f.valid_workbook(tmp_path / "NTM_02-026_2019Q1.xlsx", *knobs)
    extract = read_workbook(path)
    result = validate_workbook(extract, today=TODAY)
    return extract, result


def test_valid_workbook_values_and_cell_refs(tmp_path: Path) -> None:
    extract, result = read_valid(tmp_path)
    assert result.findings == []
    assert result.accepted
    assert extract.sheet_names == ["Thong tin", "Tieu chi", "Ho ngheo", "Nguon von"]
    codes = (extract.province_code, extract.district_code, extract.quarter)
    assert codes == ("02", "026", "2019Q1")
    assert extract.cover_value("prepared_on") == date(2019, 4, 5)
    assert extract.cover_value("criteria_set") == "QD1980_2016"
    assert extract.cover_value("poverty_standard") == "QD59_2015"
    assert extract.cover["quarter"].cell_ref == "B5"

    criteria = extract.criteria
    frame = criteria.frame
    xa = f.xa_units()
    assert list(frame["commune_code"]) == [u.code for u in xa]
    assert frame["excel_row"].tolist() == list(range(2, 2 + len(xa)))
    first = frame.iloc[0]
    assert first["commune_name"] == "Xã Lũng Cú"
    assert first["criteria_met_reported"] == 19
    assert first["recognition_year"] == 2018
    assert first["ntm_level"] == "NTM"
    assert frame.iloc[1][[f"tc{n:02d}" for n in range(1, 20)]].tolist() == f.flags_for(1)
    assert criteria.columns["tc01"].column_letter == "D"
    assert criteria.columns["criteria_met_reported"].header_text == "Tổng số tiêu chí đạt"
    assert criteria.cell_ref("tc19", 3) == "V3"
    assert str(frame["tc01"].dtype) == "boolean"
    assert str(frame["criteria_met_reported"].dtype) == "Int64"

    households = extract.households.frame
    assert len(households) == len(f.district_units())
    assert households.iloc[0][["households", "poor_households"]].tolist() == [1200, 400]
    assert str(households["households"].dtype) == "Int64"

    funding = extract.funding.frame
    assert funding["commune_code"].tolist()[:3] == [None, None, "00715"]
    assert funding["plan_million_vnd"].tolist()[:2] == [48824.0, 1234.5]
    assert funding["actual_ytd_million_vnd"].iloc[0] == pytest.approx(10.59)
    assert funding["plan_million_vnd"].dtype == "float64"
    assert extract.funding.cell_ref("actual_ytd_million_vnd", 2) == "F2"


def test_frames_carry_exactly_the_raw_table_fields(tmp_path: Path) -> None:
    extract, _ = read_valid(tmp_path)
    for table, raw in (
        (extract.criteria, "criteria_rows"),
        (extract.households, "household_rows"),
        (extract.funding, "funding_rows"),
    ):
        expected = [c for c in TABLE_COLUMNS[raw] if c not in PROVENANCE] + ["excel_row"]
        assert list(table.frame.columns) == expected


def baseline_frames(tmp_path: Path) -> dict[str, pd.DataFrame]:
    base = tmp_path / "base"
    base.mkdir()
    extract, _ = read_valid(base)
    return {
        "criteria": extract.criteria.frame,
        "households": extract.households.frame,
        "funding": extract.funding.frame,
    }


def data_only(frame: pd.DataFrame) -> pd.DataFrame:
    """Values without positions; sorted by code (section rows may regroup the communes)."""
    ordered = frame.sort_values("commune_code", kind="stable", na_position="first")
    return ordered.drop(columns="excel_row").reset_index(drop=True)


# --- tolerated quirks -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "knob",
    [
        f.with_title_rows,
        f.with_nfd_headers,
        f.with_accentless_headers,
        f.with_numbers_as_text,
        f.with_codes_as_numbers,
        f.with_total_rows,
        f.with_section_rows,
    ],
    ids=lambda knob: knob.__name__,
)
def test_quirk_accepted_with_same_values(tmp_path: Path, knob: f.Knob) -> None:
    base = baseline_frames(tmp_path)
    extract, result = read_valid(tmp_path, knob)
    assert_only_dot_warnings(result, knob(f.valid_sheets()))
    for key, frame in base.items():
        pd.testing.assert_frame_equal(data_only(getattr(extract, key).frame), data_only(frame))


def test_title_rows_shift_excel_rows(tmp_path: Path) -> None:
    extract, _ = read_valid(tmp_path, f.with_title_rows)
    assert extract.criteria.header_excel_row == 4
    assert extract.criteria.frame["excel_row"].iloc[0] == 5
    assert extract.criteria.cell_ref("commune_code", 5) == "B5"


def test_nfd_headers_written_as_is(tmp_path: Path) -> None:
    extract, _ = read_valid(tmp_path, f.with_nfd_headers)
    header = extract.households.columns["poor_households"].header_text
    assert unicodedata.normalize("NFC", header) == "Số hộ nghèo"


def test_total_rows_are_kept_for_checks(tmp_path: Path) -> None:
    extract, _ = read_valid(tmp_path, f.with_total_rows)
    households = extract.households
    assert households.total_excel_row == len(f.district_units()) + 2
    assert households.total_row["households"] == households.frame["households"].sum()
    assert extract.funding.total_row["plan_million_vnd"] == pytest.approx(52678.5)
    assert extract.criteria.total_row["tc01"] == extract.criteria.frame["tc01"].sum()


def test_section_rows_skipped(tmp_path: Path) -> None:
    extract, _ = read_valid(tmp_path, f.with_section_rows)
    frame = extract.households.frame
    assert len(frame) == len(f.district_units())
    assert frame["excel_row"].iloc[0] == 3  # row 2 is the 'I' section row


def test_two_row_merged_criteria_header(tmp_path: Path) -> None:
    sheets, merges = f.two_row_criteria_header(f.valid_sheets())
    extract = read_workbook(f.write_xlsx(tmp_path / "merged.xlsx", sheets, merges))
    result = validate_workbook(extract, today=TODAY)
    assert result.findings == []
    criteria = extract.criteria
    assert criteria.columns["tc01"].column_letter == "D"
    assert criteria.columns["tc19"].column_letter == "V"
    assert criteria.columns["tc05"].header_text == "Tiêu chí 5"
    assert criteria.frame["excel_row"].iloc[0] == 3
    assert criteria.frame.iloc[1]["tc01"] == f.flags_for(1)[0]


def test_numbers_in_ma_xa_row_under_merged_tieu_chi_above(tmp_path: Path) -> None:
    sheets = f.valid_sheets()
    header = sheets[f.CRITERIA][0]
    header[3:22] = list(range(1, 20))
    above = [None, None, None, "Tiêu chí", *[None] * 18, None, None, None, None]
    sheets[f.CRITERIA].insert(0, above)
    merges = [f.Merge(f.CRITERIA, 0, 3, 0, 21, "Tiêu chí")]
    extract = read_workbook(f.write_xlsx(tmp_path / "numbers.xlsx", sheets, merges))
    assert validate_workbook(extract, today=TODAY).findings == []
    assert extract.criteria.columns["tc12"].column_letter == "O"


def test_criterion_header_spellings(tmp_path: Path) -> None:
    sheets = f.valid_sheets()
    header = sheets[f.CRITERIA][0]
    header[3] = "TC 01"
    header[4] = "Tiêu chí 2"
    header[5] = "tc03"
    extract = read_workbook(f.write_xlsx(tmp_path / "spell.xlsx", sheets))
    assert validate_workbook(extract, today=TODAY).findings == []
    assert extract.criteria.columns["tc02"].header_text == "Tiêu chí 2"


@pytest.mark.parametrize("names", [("TIEU CHI", "HO NGHEO"), ("tieu_chi", "Hộ  nghèo")])
def test_sheet_names_matched_loosely(tmp_path: Path, names: tuple[str, str]) -> None:
    sheets = f.rename_sheets(f.valid_sheets(), {f.CRITERIA: names[0], f.HOUSEHOLDS: names[1]})
    extract = read_workbook(f.write_xlsx(tmp_path / "names.xlsx", sheets))
    assert validate_workbook(extract, today=TODAY).findings == []
    assert extract.criteria.sheet_name == names[0]
    assert extract.households.sheet_name == names[1]


def test_flag_spellings(tmp_path: Path) -> None:
    sheets = f.valid_sheets()
    row = sheets[f.CRITERIA][2]  # second xã, its flags are f.flags_for(1)
    spellings = {True: ["x", "X", 1, True, "Đạt"], False: ["-", 0, None, False, "Chưa đạt"]}
    used = {True: 0, False: 0}
    for column in range(3, 22):
        flag = row[column] == "Đạt"
        row[column] = spellings[flag][used[flag] % 5]
        used[flag] += 1
    extract = read_workbook(f.write_xlsx(tmp_path / "flags.xlsx", sheets))
    assert validate_workbook(extract, today=TODAY).findings == []
    flags = extract.criteria.frame.iloc[1][[f"tc{n:02d}" for n in range(1, 20)]].tolist()
    assert flags == f.flags_for(1)


def test_programme_and_source_labels(tmp_path: Path) -> None:
    sheets = f.valid_sheets()
    sheets[f.FUNDING][1][2] = "Chương trình MTQG xây dựng nông thôn mới"
    sheets[f.FUNDING][1][3] = "ngan sach trung uong - dau tu phat trien"
    extract = read_workbook(f.write_xlsx(tmp_path / "labels.xlsx", sheets))
    assert validate_workbook(extract, today=TODAY).findings == []
    assert extract.funding.frame.iloc[0][["programme_code", "funding_source_code"]].tolist() == [
        "NTM",
        "NSTW_DTPT",
    ]


@pytest.mark.parametrize(
    ("written", "expected"),
    [("Quý I/2019", "2019Q1"), ("Q1/2019", "2019Q1"), ("Quý 1 năm 2019", "2019Q1")],
)
def test_cover_quarter_spellings(tmp_path: Path, written: str, expected: str) -> None:
    sheets = f.valid_sheets()
    sheets[f.COVER][4][1] = written
    sheets[f.COVER][5][1] = "2019-04-05"  # ISO text date
    extract = read_workbook(f.write_xlsx(tmp_path / "q.xlsx", sheets))
    assert extract.quarter == expected
    assert extract.cover_value("prepared_on") == date(2019, 4, 5)


def test_blank_trailing_rows_and_columns(tmp_path: Path) -> None:
    sheets = f.valid_sheets()
    sheets[f.HOUSEHOLDS].extend([[None] * 8] * 5 + [[None] * 12 + ["  "]])
    sheets[f.HOUSEHOLDS].append([99])  # an STT with nothing else: a pre-numbered blank line
    extract = read_workbook(f.write_xlsx(tmp_path / "trailing.xlsx", sheets))
    assert validate_workbook(extract, today=TODAY).findings == []
    assert len(extract.households.frame) == len(f.district_units())


def test_reader_never_raises_on_garbage(tmp_path: Path) -> None:
    path = tmp_path / "garbage.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 20)
    extract = read_workbook(path)
    assert extract.findings and extract.findings[0].rule_id.startswith("FILE-")
    missing = read_workbook(tmp_path / "missing.xlsx")
    assert [x.rule_id for x in missing.findings] == ["FILE-010"]


# --- the same tolerances in .xls (xlwt) and .ods (odfpy) -----------------------------------------
FORMAT_KNOBS = [
    f.with_title_rows,
    f.with_nfd_headers,
    f.with_accentless_headers,
    f.with_numbers_as_text,
    f.with_codes_as_numbers,
    f.with_total_rows,
    f.with_section_rows,
]


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_other_formats_accepted_with_same_values(tmp_path: Path, fmt: str) -> None:
    base = baseline_frames(tmp_path)
    for knob in [None, *FORMAT_KNOBS]:
        sheets = f.valid_sheets()
        if knob:
            sheets = knob(sheets)
        name = knob.__name__ if knob else "plain"
        extract = read_workbook(f.write_as(fmt, tmp_path / name, sheets))
        result = validate_workbook(extract, today=TODAY)
        assert_only_dot_warnings(result, sheets)
        assert extract.cover_value("prepared_on") == date(2019, 4, 5)
        for key, frame in base.items():
            pd.testing.assert_frame_equal(data_only(getattr(extract, key).frame), data_only(frame))


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_two_row_merged_header_in_every_format(tmp_path: Path, fmt: str) -> None:
    sheets, merges = f.two_row_criteria_header(f.valid_sheets())
    extract = read_workbook(f.write_as(fmt, tmp_path / "merged", sheets, merges))
    assert validate_workbook(extract, today=TODAY).findings == []
    assert extract.criteria.columns["tc19"].column_letter == "V"
    assert extract.criteria.columns["tc05"].header_text == "Tiêu chí 5"
    assert extract.criteria.frame.iloc[1]["tc01"] == f.flags_for(1)[0]


def test_formula_cells_use_their_cached_values(tmp_path: Path) -> None:
    sheets = f.with_total_rows(f.valid_sheets())
    households = sheets[f.HOUSEHOLDS]
    last = len(households)
    households[-1][3] = f.Formula(f"=SUM(D2:D{last - 1})", households[-1][3])
    households[3][3] = f.Formula("=1000+359", 1359)  # Má Lé: 1200 + 53 * 2 + 53
    households[3][4] = f.Formula("=400+14", 414)
    expected_total = households[-1][3].value - (1200 + 53 * 2) + 1359
    households[-1][3] = f.Formula(f"=SUM(D2:D{last - 1})", expected_total)
    extract = read_workbook(f.write_xlsx(tmp_path / "formulas.xlsx", sheets))
    result = validate_workbook(extract, today=TODAY)
    assert result.findings == [], [x.describe() for x in result.findings]
    row = extract.households.frame.iloc[2]
    assert (row["households"], row["poor_households"]) == (1359, 414)
    assert extract.households.total_row["households"] == expected_total
