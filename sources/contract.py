"""The district quarterly workbook contract (v1), as data.

Everything that names a sheet, a header, a code or a label of the workbook lives here, so that the
reader, the template writer, the demo generator and the validation rules agree by construction.
Canonical field names (``commune_code``, ``tc01`` ...) are what the rest of the warehouse sees.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from sources.quarters import quarter_label

CONTRACT_VERSION = "v1"

# --- sheets ---------------------------------------------------------------------------------------
SHEET_COVER = "cover"
SHEET_CRITERIA = "criteria"
SHEET_HOUSEHOLDS = "households"
SHEET_FUNDING = "funding"

# Titles written by the template; matched by `fold_text`, so `TIEU CHI` or `tieu_chi` match too.
SHEET_TITLES: dict[str, str] = {
    SHEET_COVER: "Thong tin",
    SHEET_CRITERIA: "Tieu chi",
    SHEET_HOUSEHOLDS: "Ho ngheo",
    SHEET_FUNDING: "Nguon von",
}

# The first quarter the warehouse takes (its first quarterly partition): the 2016-2020 phase of the
# programme. An earlier quarter is a rejection of that file (COV-013), never a failed run.
FIRST_QUARTER = "2016Q1"

# What a file name may say about its contents, as the contract suggests naming files:
# `NTM_<province>-<district>_<YYYY>Q<q>.xlsx`. The cover stays authoritative (COV-014/015).
_NAME_DISTRICT = re.compile(r"(?<!\d)(\d{2})-(\d{3})(?!\d)")
_NAME_QUARTER = re.compile(r"(?<!\d)(\d{4})\s*-?\s*[Qq]\s*([1-4])(?!\d)")


def name_district(file_name: str) -> tuple[str, str] | None:
    """(province, district) codes in a file name such as `NTM_02-026_2019Q1.xlsx`, if any."""
    found = _NAME_DISTRICT.search(file_name)
    return (found.group(1), found.group(2)) if found else None


def name_quarter(file_name: str) -> str | None:
    """The quarter a file name states (`2019Q1`, `2019-Q1`), if any."""
    found = _NAME_QUARTER.search(file_name)
    return quarter_label(int(found.group(1)), int(found.group(2))) if found else None


CRITERIA_COUNT = 19
# Plausibility bounds (HH-006, FUND-005): the largest communes and wards have a few tens of
# thousands of households; no funding line of one commune comes near ten trillion VND. Beyond
# them a value is a typing error (4e18 households made a province's poor rate 0.00 %).
MAX_HOUSEHOLDS_PER_UNIT = 100_000
MAX_AMOUNT_MILLION_VND = 10_000_000
CRITERION_FIELDS: tuple[str, ...] = tuple(f"tc{n:02d}" for n in range(1, CRITERIA_COUNT + 1))


@dataclass(frozen=True)
class Column:
    """One column of a data sheet: canonical field name and the header the template writes."""

    field: str
    header: str
    required: bool = True


CRITERIA_COLUMNS: tuple[Column, ...] = (
    Column("stt", "STT", required=False),
    Column("commune_code", "Mã xã"),
    Column("commune_name", "Tên xã"),
    *(Column(f, f"TC{n}") for n, f in enumerate(CRITERION_FIELDS, start=1)),
    Column("criteria_met_reported", "Tổng số tiêu chí đạt"),
    Column("recognition_year", "Năm công nhận"),
    Column("ntm_level", "Mức độ"),
    Column("note", "Ghi chú", required=False),
)

HOUSEHOLD_COLUMNS: tuple[Column, ...] = (
    Column("stt", "STT", required=False),
    Column("commune_code", "Mã xã"),
    Column("commune_name", "Tên xã"),
    Column("households", "Tổng số hộ"),
    Column("poor_households", "Số hộ nghèo"),
    Column("near_poor_households", "Số hộ cận nghèo"),
    Column("poor_ethnic_minority_households", "Số hộ nghèo DTTS"),
    Column("note", "Ghi chú", required=False),
)

FUNDING_COLUMNS: tuple[Column, ...] = (
    Column("stt", "STT", required=False),
    Column("commune_code", "Mã xã"),
    Column("programme_code", "Chương trình"),
    Column("funding_source_code", "Nguồn vốn"),
    Column("plan_million_vnd", "Kế hoạch năm"),
    Column("actual_ytd_million_vnd", "Thực hiện lũy kế"),
    Column("note", "Ghi chú", required=False),
)

SHEET_COLUMNS: dict[str, tuple[Column, ...]] = {
    SHEET_CRITERIA: CRITERIA_COLUMNS,
    SHEET_HOUSEHOLDS: HOUSEHOLD_COLUMNS,
    SHEET_FUNDING: FUNDING_COLUMNS,
}

# --- cover ----------------------------------------------------------------------------------------
COVER_FIELDS: tuple[Column, ...] = (
    Column("province_code", "Mã tỉnh"),
    Column("province_name", "Tên tỉnh", required=False),
    Column("district_code", "Mã huyện"),
    Column("district_name", "Tên huyện", required=False),
    Column("quarter", "Kỳ báo cáo"),
    Column("prepared_on", "Ngày lập", required=False),
    Column("prepared_by", "Người lập", required=False),
    Column("criteria_set", "Bộ tiêu chí"),
    Column("poverty_standard", "Chuẩn nghèo"),
)

CRITERIA_SETS: dict[str, str] = {
    "QD1980_2016": "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2016-2020 (QĐ 1980/QĐ-TTg)",
    "QD318_2022": "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021-2025 (QĐ 318/QĐ-TTg)",
    "QD51_2025": "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2026-2030 (QĐ 51/2025/QĐ-TTg)",
}
POVERTY_STANDARDS: dict[str, str] = {
    "QD59_2015": "Chuẩn nghèo đa chiều giai đoạn 2016-2020 (QĐ 59/2015/QĐ-TTg)",
    "ND07_2021": "Chuẩn nghèo đa chiều giai đoạn 2022-2025 (NĐ 07/2021/NĐ-CP)",
    "MDP_2027": "Chuẩn nghèo đa chiều áp dụng từ năm 2027",
}


@dataclass(frozen=True)
class Period:
    """The years a criteria set or poverty standard applies to (``last_year`` None: open)."""

    code: str
    first_year: int
    last_year: int | None

    def covers(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)


# Which set applies in which year. Years covered by two sets are transitions in which either is
# accepted: QĐ 318 was issued in March 2022 (2021-2022 districts used either set); QĐ 51/2025 is
# in force from 15 Feb 2026, so a 2026 report may still use QĐ 318. The dbt seed
# `criteria_sets.csv` states the same periods (a unit test holds them equal).
CRITERIA_SET_PERIODS: tuple[Period, ...] = (
    Period("QD1980_2016", 2016, 2022),
    Period("QD318_2022", 2021, 2026),
    Period("QD51_2025", 2026, None),
)
# How many criteria each set has: a commune meeting all of them meets the set.
CRITERIA_SET_COUNTS: dict[str, int] = {"QD1980_2016": 19, "QD318_2022": 19, "QD51_2025": 10}
# The 2022-2025 standard continues through 2026 (Resolution on the 2026-2030 programme); the new
# multidimensional standard applies from 2027 (poor: income up to 2.2 million VND per person per
# month in rural areas, 2.8 million in urban areas, and at least three deprivations).
POVERTY_STANDARD_PERIODS: tuple[Period, ...] = (
    Period("QD59_2015", 2016, 2021),
    Period("ND07_2021", 2022, 2026),
    Period("MDP_2027", 2027, None),
)


def criteria_sets_for(year: int) -> tuple[str, ...]:
    """The criteria sets that apply in ``year`` (two in a transition year), oldest first."""
    return tuple(period.code for period in CRITERIA_SET_PERIODS if period.covers(year))


def criteria_set_for(year: int) -> str:
    """The set a new template for ``year`` carries: the newest that applies."""
    return criteria_sets_for(year)[-1]


def poverty_standard_for(year: int) -> str:
    """The poverty standard that applies in ``year``."""
    return next(p.code for p in POVERTY_STANDARD_PERIODS if p.covers(year))


# --- the 2025 reform: two kinds of workbook -------------------------------------------------------
# From 1 July 2025 Vietnam has two tiers of local government and no districts. A quarter up to
# LAST_DISTRICT_QUARTER is reported by one DISTRICT workbook per district (the contract above);
# from FIRST_COMMUNE_QUARTER by one COMMUNE workbook per commune-level unit (xã, phường, đặc khu),
# sent to the province. A workbook of the other kind for a quarter is rejected (COV-016/COV-017).
REFORM_DATE_ISO = "2025-07-01"
LAST_DISTRICT_QUARTER = "2025Q2"
FIRST_COMMUNE_QUARTER = "2025Q3"
DISTRICT_WORKBOOK = "district"
COMMUNE_WORKBOOK = "commune"
WORKBOOK_KINDS: tuple[str, ...] = (DISTRICT_WORKBOOK, COMMUNE_WORKBOOK)


def workbook_kind_for(quarter: str) -> str:
    """The kind of workbook that reports ``quarter`` (a `2019Q4` label)."""
    return DISTRICT_WORKBOOK if quarter <= LAST_DISTRICT_QUARTER else COMMUNE_WORKBOOK


# The commune workbook's cover: province and commune (no district), the commune group that sets
# the thresholds of QĐ 51/2025, and the commune's own totals and recognition (one commune, so
# they sit on the cover rather than in a row of the criteria sheet). The reader tells the two
# kinds apart by the cover: a `Mã huyện` label makes a district workbook, a `Mã xã` label
# without it a commune workbook.
COMMUNE_COVER_FIELDS: tuple[Column, ...] = (
    Column("province_code", "Mã tỉnh"),
    Column("province_name", "Tên tỉnh", required=False),
    Column("commune_code", "Mã xã"),
    Column("commune_name", "Tên xã", required=False),
    Column("quarter", "Kỳ báo cáo"),
    Column("prepared_on", "Ngày lập", required=False),
    Column("prepared_by", "Người lập", required=False),
    Column("criteria_set", "Bộ tiêu chí"),
    Column("commune_group", "Nhóm xã"),
    Column("poverty_standard", "Chuẩn nghèo"),
    Column("criteria_met_reported", "Tổng số tiêu chí đạt"),
    Column("recognition_year", "Năm công nhận", required=False),
    Column("ntm_level", "Mức độ", required=False),
)
# Every field either cover may hold, in one order (the raw table keeps them all; a district
# workbook leaves the commune fields null and the reverse).
ALL_COVER_FIELDS: tuple[Column, ...] = (
    *COVER_FIELDS,
    *(c for c in COMMUNE_COVER_FIELDS if c.field not in {f.field for f in COVER_FIELDS}),
)

# QĐ 51/2025's commune groups: the thresholds of each criterion depend on the group.
COMMUNE_GROUPS: dict[str, tuple[str, str]] = {
    "1": (
        "Nhóm 1: xã giáp ranh đô thị hoặc định hướng lên đô thị, hoặc nông nghiệp dưới 10 %",
        "Group 1: next to an existing city or planned as urban, or agriculture under 10 %",
    ),
    "2": ("Nhóm 2: các xã còn lại", "Group 2: the other communes"),
    "3": (
        "Nhóm 3: xã khu vực II, III vùng đồng bào DTTS và miền núi",
        "Group 3: region II and III communes of ethnic-minority and mountain areas",
    ),
}

# The commune workbook's criteria sheet is long: one row per criterion of the cover's set
# (`1` .. `10` for QĐ 51/2025, `1` .. `19` for QĐ 318), each optionally followed by its
# indicator rows (`1.1`, `1.2` ...). A criterion row's Kết quả is the commune's status on the
# criterion (the spellings below; blank = not met); an indicator row's status is kept for the
# record and never counted.
COMMUNE_CRITERIA_COLUMNS: tuple[Column, ...] = (
    Column("stt", "STT", required=False),
    Column("criterion_code", "Mã tiêu chí"),
    Column("criterion_name", "Tên tiêu chí, chỉ tiêu", required=False),
    Column("is_met", "Kết quả"),
    Column("note", "Ghi chú", required=False),
)
# `1` → (1, None); `1.2` → (1, 2).
CRITERION_CODE = re.compile(r"^\s*(\d{1,2})(?:\s*\.\s*(\d{1,2}))?\s*$")

# QĐ 51/2025's ten criteria (vi, en).
CRITERIA_QD51_2025: dict[int, tuple[str, str]] = {
    1: ("Quy hoạch", "Planning"),
    2: ("Hạ tầng kinh tế - xã hội", "Socio-economic infrastructure"),
    3: ("Phát triển kinh tế nông thôn", "Rural economic development"),
    4: ("Đào tạo nguồn nhân lực nông thôn", "Rural human resources training"),
    5: ("Văn hóa, giáo dục, y tế", "Culture, education, health"),
    6: ("Giảm nghèo và an sinh xã hội", "Poverty reduction and social security"),
    7: (
        "Khoa học, công nghệ và chuyển đổi số",
        "Science, technology and digital transformation",
    ),
    8: ("Môi trường và cảnh quan nông thôn", "Environment and rural landscape"),
    9: ("Hệ thống chính trị và hành chính công", "Political system and public administration"),
    10: (
        "Tiếp cận pháp luật, quốc phòng và an ninh",
        "Access to law, security and defence",
    ),
}

# --- criteria status ------------------------------------------------------------------------------
# The one list of spellings a criterion cell may hold, as district offices are told them (the
# README's contract section, the template's help on every TC cell, TC-001's message) and as the
# reader accepts them: in any case, with or without accents. A blank cell is also not met.
MET_SPELLINGS: tuple[str, ...] = ("Đạt", "x", "1", "TRUE", "Có")
NOT_MET_SPELLINGS: tuple[str, ...] = ("Chưa đạt", "Không đạt", "-", "0", "FALSE")
MET_LABEL = MET_SPELLINGS[0]
NOT_MET_LABEL = NOT_MET_SPELLINGS[0]


def status_spellings(spellings: tuple[str, ...]) -> str:
    """`'Đạt', 'x', '1', 'TRUE', 'Có'`: a list of spellings as every text shows it."""
    return ", ".join(f"'{spelling}'" for spelling in spellings)


def status_help(lang: str) -> str:
    """The sentence that tells an office what a criterion cell may hold (vi or en)."""
    met, not_met = status_spellings(MET_SPELLINGS), status_spellings(NOT_MET_SPELLINGS)
    if lang == "vi":
        return f"Đạt: {met}. Chưa đạt: {not_met} hoặc để trống."
    return f"Met: {met}. Not met: {not_met} or blank."


NTM_LEVELS: tuple[str, ...] = ("NTM", "NTM nâng cao", "NTM kiểu mẫu")

# --- funding --------------------------------------------------------------------------------------
PROGRAMMES: dict[str, str] = {
    "NTM": "Chương trình MTQG xây dựng nông thôn mới",
    # From 2026 one programme (Resolution 257/2025/QH15) replaces NTM, GNBV_* and DTTS_MN: a line
    # under it is the NTM programme's own money (seed programmes, is_ntm_programme).
    "MTQG_2026": "Chương trình MTQG nông thôn mới, giảm nghèo bền vững và vùng DTTS-MN 2026-2035",
    "GNBV_30A": "Giảm nghèo bền vững - Chương trình 30a",
    "GNBV_135": "Giảm nghèo bền vững - Chương trình 135",
    "GNBV_KHAC": "Giảm nghèo bền vững - dự án khác",
    "DTTS_MN": "Chương trình MTQG phát triển KT-XH vùng đồng bào DTTS và miền núi",
    "CTMT_KHAC": "Chương trình mục tiêu khác",
    "KHAC": "Khác",
}
FUNDING_SOURCES: dict[str, str] = {
    "NSTW_DTPT": "Ngân sách trung ương - đầu tư phát triển",
    "NSTW_SN": "Ngân sách trung ương - sự nghiệp",
    "NSDP_TINH": "Ngân sách tỉnh",
    "NSDP_HUYEN": "Ngân sách huyện",
    "NSDP_XA": "Ngân sách xã",
    "TIN_DUNG": "Vốn tín dụng",
    "DOANH_NGHIEP": "Doanh nghiệp",
    "DAN_TIEN": "Nhân dân đóng góp bằng tiền",
    "DAN_CONG_HIEN_VAT": "Nhân dân đóng góp ngày công, hiện vật",
    "ODA": "Vốn ODA",
    "KHAC": "Nguồn khác",
}

# Rows that are not data: totals and Roman-numeral section rows.
TOTAL_ROW_LABELS = frozenset({"tong cong", "cong", "tong", "tong so", "toan huyen"})
ROMAN_NUMERAL = re.compile(r"^(?=[ivxlc]+$)m*(c[md]|d?c{0,3})(x[cl]|l?x{0,3})(i[xv]|v?i{0,3})$")

CODE_WIDTHS = {"province_code": 2, "district_code": 3, "commune_code": 5}


# --- normalisation helpers ------------------------------------------------------------------------
_SPACES = re.compile(r"[\s_\-]+")


def fold_text(value: object) -> str:
    """Fold a header, label or sheet name for matching: NFC, lower case, no accents, single spaces.

    `đ` is not a combining accent in Unicode, so it is mapped by hand.
    """
    # Keyed by the text, never the value: 1, 1.0 and True are equal keys but print differently.
    return _fold(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=65536)  # the same names and headers recur in every workbook of a batch
def _fold(value: str) -> str:
    text = unicodedata.normalize("NFD", value).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text).strip().lower()


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _status_tokens(spellings: tuple[str, ...]) -> frozenset[str]:
    """What the reader compares a cell's lower-cased and folded text with."""
    tokens = {spelling.lower() for spelling in spellings} | {fold_text(s) for s in spellings}
    return frozenset(token for token in tokens if token)  # fold_text('-') is ''


MET_TOKENS = _status_tokens(MET_SPELLINGS)
NOT_MET_TOKENS = _status_tokens(NOT_MET_SPELLINGS)


def pad_code(value: object, width: int) -> str | None:
    """Zero-pad a GSO code that may have arrived as a number (`772`, `772.0`) or text (`00772`).

    Returns None when the value is not a code at all.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit() or len(text) > width:
        return None
    return text.zfill(width)


_QUARTER_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"^(?P<y>\d{4})\s*-?\s*q\s*(?P<q>[1-4])$"),  # 2019-Q1, 2019Q1
    re.compile(r"^q\s*(?P<q>[1-4])\s*/\s*(?P<y>\d{4})$"),  # Q1/2019
    re.compile(r"^quy\s*(?P<q>[1-4]|iv|iii|ii|i)\s*(?:/|nam)\s*(?P<y>\d{4})$"),  # Quý I/2019
)
_ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def parse_quarter(value: object) -> str | None:
    """`2019-Q1`, `2019Q1`, `Quý I/2019`, `Quý 1 năm 2019`, `Q1/2019` → `2019Q1`; else None."""
    if value is None:
        return None
    text = fold_text(value)
    for pattern in _QUARTER_PATTERNS:
        match = pattern.match(text)
        if match:
            q = match.group("q")
            quarter = _ROMAN_QUARTERS.get(q) or int(q)
            return quarter_label(int(match.group("y")), quarter)
    return None
