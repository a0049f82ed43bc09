"""The rule catalogue: every way a district or commune workbook can break its contract, with a
stable id.

Ids are grouped by where the rule applies and never reused once published (reports, tests and the
``raw.rejections`` table rely on them):

- ``FILE-*``  the file itself, checked before any parser runs (`sources.guards`) or while parsing.
- ``SHEET-*`` workbook structure: a missing sheet, header row or required column.
- ``CELL-*``  a single cell that cannot be converted (number, code) or a required value left blank.
- ``COV-*``   the cover sheet (`Thong tin`).
- ``TC-*``    the criteria sheet (`Tieu chi`).
- ``HH-*``    the households sheet (`Ho ngheo`).
- ``FUND-*``  the funding sheet (`Nguon von`).
- ``XREF-*``  checks against the GSO admin units and across sheets, and total rows against rows.

Judgement calls beyond the letter of the contract (documented here so that district offices can be
told why):

- ``TC-006`` an NTM level without a recognition year is an error: a level is only granted by a
  recognition decision, which has a year. ``TC-007`` a year without a level is only a warning: the
  level is then assumed to be plain ``NTM`` downstream.
- ``TC-008`` a recognition year after the report's quarter, or before the programme began (2010), is
  an error.
- ``TC-010`` a commune recognised as NTM that now meets fewer than 19 criteria is a warning: it
  happens (criteria sets get stricter) and the province wants to see it, but it is not wrong data.
- ``HH-002`` blank household counts: total, poor and near-poor households are required; the ethnic
  minority poor count may be blank (wards often have no such households and leave it empty).
- ``COV-006`` a quarter is "in the future" when it has not started yet on the day of validation;
  an ongoing quarter is accepted because year-end reports are routinely filed in December.
- ``COV-011``/``COV-012`` a criteria set or poverty standard that does not apply in the report's
  quarter is a warning (old templates are reused), an unknown one an error.
- ``FUND-004`` the same (commune or district level, programme, source) twice is an error: the
  marts would double count it.
- ``CELL-010`` an amount typed as text with one dot and exactly three digits after it (`818.100`)
  is read the Vietnamese way (818,100), as the contract says, with a warning quoting both readings:
  a district that meant 818.1 can tell.
- ``COV-014``/``COV-015`` the cover is authoritative: a file name stating another quarter is only a
  warning (taken as the cover's quarter); a file name stating another district is an error, since
  the office may have sent the wrong district's workbook under the right name, or the reverse.
- ``SHEET-005``/``SHEET-006`` two sheets that match one contract sheet (Excel names a copy
  `Tieu chi (2)`) make the workbook ambiguous: rejected, naming both, unless exactly one of them has
  the contract's own name (then it is read, with a warning naming the other). A hidden sheet never
  wins over a visible one.
- ``FILE-012`` any exception while processing one file (a guard, the reader, validation, archiving,
  quarantining, writing its reports, building its raw rows) judges that file, not the run: it is
  rejected naming the step and the exception, and quarantined; the other files go on.
- ``FILE-013`` a symlink, FIFO, socket, device or directory with a workbook's name in the landing
  folder is skipped without being opened or followed (a link could point anywhere on the server).
  It has no bytes of its own, hence no sha256: it is reported by every run that sees it (ingest
  summary, Dagster metadata, log), not in ``raw.rejections``.
- ``FILE-014`` a file above the size limit is not copied into ``rejected/``; the warning says so in
  its report.
- ``XREF-005`` where several total rows are present (section subtotals), only the last one — the
  grand total — is checked against all data rows.
- ``XREF-006`` two accepted versions of one (quarter, reporting unit) in one load: the later in
  the documented order (received time, then file modification time, then file name) is in force;
  the other is kept with a warning naming both files, so that nobody believes it was published.
  The reporting unit is the district of a district workbook, the commune of a commune workbook.

The commune workbook (quarters from 2025Q3; README, "The commune workbook (from 2025Q3)"):

- ``COV-016``/``COV-017`` the kind of workbook follows the quarter, never the office's choice:
  since 1 July 2025 there are no districts, so a district workbook for a quarter after 2025Q2 is
  rejected (send one commune workbook per commune), and a commune workbook for a quarter before
  2025Q3 is rejected (those quarters are reported by the district). The cover tells the kind: a
  `Mã huyện` label makes a district workbook, `Mã xã` without it a commune workbook.
- ``COV-018``/``COV-019`` a commune code that is not a code, and a commune group other than 1, 2
  or 3 (QĐ 51/2025's thresholds depend on it), are errors; a blank one is ``COV-001``.
- ``COV-020`` a district workbook declaring QD51_2025 is an error: its ten criteria do not fit
  the TC1..TC19 columns, so no figure could be read from them.
- ``COV-021``/``COV-022`` the cover's commune must be a commune-level unit valid on the quarter's
  last day (codes are reused across the reform: the code is looked up among the units of that
  date, the current units from 2025-07-01) and lie in the cover's province.
- ``COV-023`` a file name stating another commune than the cover is an error, as ``COV-015``.
- ``TC-011`` the cover's number of criteria met is a whole number from 0 to the number of
  criteria of the cover's set (10 for QD51_2025, 19 before); ``TC-002`` (an error, as on a
  district row) when it differs from the criterion rows marked met. Indicator rows (`1.1`) are
  kept for the record and never counted.
- ``TC-012``..``TC-016`` the long criteria sheet: a code that is not `n` or `n.m`, a criterion
  beyond the set's count, a criterion of the set without a row, a code twice, an indicator row
  before its criterion's row: all errors (a figure from such a sheet would be wrong).
- ``TC-006``/``TC-007``/``TC-008`` judge the cover's recognition as they judge a district row;
  ``TC-017`` (warning) is ``TC-010`` for the commune: recognised but not meeting every criterion.
- ``HH-007``/``HH-008`` the households sheet holds exactly one data row: the cover's commune.
  ``FUND-006`` a funding row names the cover's commune or leaves the code blank (blank = the
  commune itself); another code is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sources.contract import status_help
from sources.findings import Finding, Severity, display_value

ERROR: Severity = "error"
WARNING: Severity = "warning"


@dataclass(frozen=True)
class Rule:
    """One rule: stable id, severity and message templates (``str.format`` with named params)."""

    rule_id: str
    severity: Severity
    message_vi: str
    message_en: str


def _rules(*rules: Rule) -> dict[str, Rule]:
    return {rule.rule_id: rule for rule in rules}


RULES: dict[str, Rule] = _rules(
    # --- file -------------------------------------------------------------------------------------
    Rule("FILE-001", ERROR, "Tệp rỗng (0 byte).", "The file is empty (0 bytes)."),
    Rule(
        "FILE-002",
        ERROR,
        "Tệp không phải là bảng tính Excel/ODS đọc được ({detail}).",
        "The file is not a readable Excel/ODS workbook ({detail}).",
    ),
    Rule(
        "FILE-003",
        ERROR,
        "Tệp được mã hóa hoặc đặt mật khẩu; hãy gửi bản không có mật khẩu.",
        "The file is encrypted or password protected; send it without a password.",
    ),
    Rule(
        "FILE-004",
        ERROR,
        "Tệp quá lớn ({size} byte, tối đa {limit}).",
        "The file is too large ({size} bytes, limit {limit}).",
    ),
    Rule(
        "FILE-005",
        ERROR,
        "Tệp chứa quá nhiều thành phần nén ({count}, tối đa {limit}).",
        "The file holds too many zip entries ({count}, limit {limit}).",
    ),
    Rule(
        "FILE-006",
        ERROR,
        "Dung lượng giải nén quá lớn ({detail}).",
        "The decompressed size is too large ({detail}).",
    ),
    Rule(
        "FILE-007",
        ERROR,
        "Tỷ lệ nén bất thường ở '{entry}' ({ratio:.0f} lần, tối đa {limit}).",
        "Suspicious compression ratio in '{entry}' ({ratio:.0f}x, limit {limit}).",
    ),
    Rule(
        "FILE-008",
        ERROR,
        "Trang tính '{entry}' có vùng dữ liệu quá lớn ({ref}: {rows} dòng × {cols} cột).",
        "Worksheet '{entry}' spans too large an area ({ref}: {rows} rows × {cols} columns).",
    ),
    Rule(
        "FILE-009",
        ERROR,
        "Tệp chứa khai báo DTD/ENTITY trong '{entry}' (không được phép).",
        "The file holds a DTD/ENTITY declaration in '{entry}' (not allowed).",
    ),
    Rule(
        "FILE-010",
        ERROR,
        "Không đọc được tệp: {detail}.",
        "The file could not be read: {detail}.",
    ),
    Rule(
        "FILE-011",
        ERROR,
        "Thành phần nén '{entry}' khai báo kích thước {declared} byte nhưng dữ liệu nén đã là "
        "{compressed} byte (tệp hỏng hoặc được tạo để tấn công).",
        "Zip entry '{entry}' declares {declared} bytes but its compressed data alone is "
        "{compressed} bytes (a damaged or crafted file).",
    ),
    Rule(
        "FILE-012",
        ERROR,
        "Kho dữ liệu không xử lý được tệp này ở bước '{step}' ({error}); tệp bị cách ly, các tệp "
        "khác vẫn được xử lý. Hãy báo cho bộ phận kỹ thuật.",
        "The warehouse could not process this file at step '{step}' ({error}); the file is "
        "quarantined and the other files go on. Please tell the data team.",
    ),
    Rule(
        "FILE-013",
        ERROR,
        "Bỏ qua '{entry}' trong thư mục landing: đây là {kind_vi}, không phải tệp thông thường; "
        "kho dữ liệu không mở và không đi theo nó. Hãy đặt bản sao thật của bảng tính vào đó.",
        "Skipped '{entry}' in the landing folder: it is a {kind_en}, not a regular file; the "
        "warehouse neither opens nor follows it. Put a real copy of the workbook there instead.",
    ),
    Rule(
        "FILE-014",
        WARNING,
        "Tệp không được sao chép vào thư mục cách ly (rejected/) vì quá lớn ({size} byte); bản "
        "gốc vẫn nằm trong thư mục landing.",
        "The file was not copied into the quarantine (rejected/) because it is too large "
        "({size} bytes); the original stays in the landing folder.",
    ),
    # --- structure --------------------------------------------------------------------------------
    Rule(
        "SHEET-001",
        ERROR,
        "Thiếu trang tính '{title}'.",
        "Sheet '{title}' is missing.",
    ),
    Rule(
        "SHEET-002",
        ERROR,
        "Thiếu cột bắt buộc '{header}'.",
        "Required column '{header}' is missing.",
    ),
    Rule(
        "SHEET-003",
        ERROR,
        "Không tìm thấy dòng tiêu đề (dòng có ô '{header}').",
        "No header row found (a row with a '{header}' cell).",
    ),
    Rule(
        "SHEET-004",
        ERROR,
        "Cột '{header}' xuất hiện hai lần (cột {first} và {second}).",
        "Column '{header}' appears twice (columns {first} and {second}).",
    ),
    Rule(
        "SHEET-005",
        ERROR,
        "Có {count} trang tính cùng ứng với trang '{title}': {sheets}. Hãy xóa bản sao "
        "hoặc đặt tên đúng '{title}' cho trang dùng để báo cáo.",
        "{count} sheets match the sheet '{title}': {sheets}. Delete the copy or give the sheet "
        "to report exactly the name '{title}'.",
    ),
    Rule(
        "SHEET-006",
        WARNING,
        "Dùng trang '{chosen}' cho '{title}'; bỏ qua trang {ignored}.",
        "Sheet '{chosen}' is read as '{title}'; {ignored} ignored.",
    ),
    # --- cells ------------------------------------------------------------------------------------
    Rule(
        "CELL-001",
        ERROR,
        "Giá trị không phải là số.",
        "The value is not a number.",
    ),
    Rule(
        "CELL-002",
        ERROR,
        "Mã đơn vị hành chính không hợp lệ (phải là tối đa {width} chữ số).",
        "Invalid admin unit code (must be at most {width} digits).",
    ),
    Rule(
        "CELL-003",
        ERROR,
        "Thiếu giá trị bắt buộc.",
        "A required value is blank.",
    ),
    Rule(
        "CELL-004",
        ERROR,
        "Ô chứa công thức nhưng không có giá trị đã tính (tệp được tạo bởi phần mềm không tính "
        "công thức); hãy mở tệp bằng Excel/LibreOffice, lưu lại rồi gửi lại.",
        "The cell holds a formula without a calculated value (the file was written by a program "
        "that does not calculate); open it in Excel/LibreOffice, save it and send it again.",
    ),
    Rule(
        "CELL-009",
        ERROR,
        "Kiểu dữ liệu không đúng sau khi đọc ({detail}); đây là lỗi của hệ thống.",
        "Wrong data type after reading ({detail}); this is a warehouse bug.",
    ),
    Rule(
        "CELL-010",
        WARNING,
        "Số tiền '{text}' được hiểu là {thousands} (dấu chấm ngăn cách hàng nghìn). Nếu ý là "
        "{decimal}, hãy ghi '{decimal_vi}'.",
        "Amount '{text}' is taken as {thousands} (the dot separates thousands). If {decimal} "
        "was meant, write '{decimal_vi}'.",
    ),
    # --- cover ------------------------------------------------------------------------------------
    Rule(
        "COV-001",
        ERROR,
        "Trang bìa thiếu mục '{label}'.",
        "The cover sheet lacks '{label}'.",
    ),
    Rule(
        "COV-002",
        ERROR,
        "Mã tỉnh không hợp lệ.",
        "Invalid province code.",
    ),
    Rule(
        "COV-003",
        ERROR,
        "Mã huyện không hợp lệ.",
        "Invalid district code.",
    ),
    Rule(
        "COV-004",
        ERROR,
        "Không có huyện mã {district_code} thuộc tỉnh mã {province_code} "
        "trong danh mục hành chính.",
        "No district {district_code} in province {province_code} in the admin unit list.",
    ),
    Rule(
        "COV-005",
        ERROR,
        "Kỳ báo cáo không hợp lệ (ví dụ đúng: 2019-Q1, Quý I/2019).",
        "Invalid reporting quarter (valid examples: 2019-Q1, Quý I/2019).",
    ),
    Rule(
        "COV-006",
        ERROR,
        "Kỳ báo cáo {quarter} chưa bắt đầu (hôm nay là {today}).",
        "Reporting quarter {quarter} has not started yet (today is {today}).",
    ),
    Rule(
        "COV-007",
        ERROR,
        "Bộ tiêu chí không xác định (dùng {known}).",
        "Unknown criteria set (use {known}).",
    ),
    Rule(
        "COV-008",
        ERROR,
        "Chuẩn nghèo không xác định (dùng {known}).",
        "Unknown poverty standard (use {known}).",
    ),
    Rule(
        "COV-009",
        WARNING,
        "Ngày lập không phải là ngày hợp lệ.",
        "The preparation date is not a valid date.",
    ),
    Rule(
        "COV-010",
        WARNING,
        "Tên '{written}' không khớp với tên theo mã: '{expected}'.",
        "Name '{written}' does not match the name of the code: '{expected}'.",
    ),
    Rule(
        "COV-011",
        WARNING,
        "Bộ tiêu chí {code} không áp dụng cho kỳ {quarter} (thường dùng {expected}).",
        "Criteria set {code} does not apply to {quarter} (expected {expected}).",
    ),
    Rule(
        "COV-012",
        WARNING,
        "Chuẩn nghèo {code} không áp dụng cho kỳ {quarter} (thường dùng {expected}).",
        "Poverty standard {code} does not apply to {quarter} (expected {expected}).",
    ),
    Rule(
        "COV-013",
        ERROR,
        "Kỳ báo cáo {quarter} trước kỳ đầu tiên mà kho dữ liệu nhận ({first}).",
        "Reporting quarter {quarter} is before the first quarter the warehouse takes ({first}).",
    ),
    Rule(
        "COV-014",
        WARNING,
        "Tên tệp ghi kỳ {named} nhưng trang Thông tin ghi kỳ {quarter}: dùng kỳ {quarter}.",
        "The file name says {named} but the cover says {quarter}: taken as {quarter}.",
    ),
    Rule(
        "COV-015",
        ERROR,
        "Tên tệp ghi huyện {named} nhưng trang Thông tin ghi huyện {cover}.",
        "The file name says district {named} but the cover says {cover}.",
    ),
    Rule(
        "COV-016",
        ERROR,
        "Từ ngày 1/7/2025 các xã báo cáo trực tiếp cho tỉnh: kỳ {quarter} phải gửi một bảng tính "
        "cấp xã cho mỗi xã (bảng tính cấp huyện chỉ nhận đến kỳ {last}).",
        "Since 1 July 2025 communes report to the province: for {quarter} send one commune "
        "workbook per commune (district workbooks are taken up to {last}).",
    ),
    Rule(
        "COV-017",
        ERROR,
        "Bảng tính cấp xã chỉ nhận từ kỳ {first} (sau ngày 1/7/2025); kỳ {quarter} được báo cáo "
        "bằng bảng tính cấp huyện.",
        "Commune workbooks are taken from {first} (after 1 July 2025); {quarter} is reported in "
        "a district workbook.",
    ),
    Rule(
        "COV-018",
        ERROR,
        "Mã xã không hợp lệ (phải là tối đa 5 chữ số).",
        "Invalid commune code (must be at most 5 digits).",
    ),
    Rule(
        "COV-019",
        ERROR,
        "Nhóm xã phải là 1, 2 hoặc 3 (QĐ 51/2025/QĐ-TTg).",
        "The commune group must be 1, 2 or 3 (Decision 51/2025/QĐ-TTg).",
    ),
    Rule(
        "COV-020",
        ERROR,
        "Bộ tiêu chí QD51_2025 (10 tiêu chí) chỉ dùng cho bảng tính cấp xã; các cột TC1..TC19 "
        "của bảng tính cấp huyện theo bộ {expected}.",
        "Criteria set QD51_2025 (10 criteria) is for commune workbooks only; a district "
        "workbook's TC1..TC19 columns follow {expected}.",
    ),
    Rule(
        "COV-021",
        ERROR,
        "Không có đơn vị cấp xã mã {commune_code} trong danh mục hành chính tại ngày {on}.",
        "No commune-level unit {commune_code} in the admin unit list on {on}.",
    ),
    Rule(
        "COV-022",
        ERROR,
        "Đơn vị cấp xã {commune_code} ({name}) thuộc tỉnh mã {actual} tại ngày {on}, không phải "
        "tỉnh mã {province_code}.",
        "Commune-level unit {commune_code} ({name}) lies in province {actual} on {on}, not in "
        "province {province_code}.",
    ),
    Rule(
        "COV-023",
        ERROR,
        "Tên tệp ghi xã {named} nhưng trang Thông tin ghi xã {cover}.",
        "The file name says commune {named} but the cover says {cover}.",
    ),
    # --- criteria ---------------------------------------------------------------------------------
    Rule(
        "TC-001",
        ERROR,
        "Tiêu chí phải ghi một trong các giá trị sau. " + status_help("vi"),
        "A criterion must be one of these. " + status_help("en"),
    ),
    Rule(
        "TC-002",
        ERROR,
        "Tổng số tiêu chí đạt ghi {reported} nhưng đếm được {counted} tiêu chí đạt.",
        "Reported criteria met is {reported} but {counted} criteria are marked met.",
    ),
    Rule(
        "TC-003",
        ERROR,
        "Tổng số tiêu chí đạt phải là số nguyên từ 0 đến 19.",
        "The number of criteria met must be a whole number from 0 to 19.",
    ),
    Rule(
        "TC-004",
        ERROR,
        "Năm công nhận phải là năm (số nguyên có 4 chữ số).",
        "The recognition year must be a year (a 4-digit whole number).",
    ),
    Rule(
        "TC-005",
        ERROR,
        "Mức độ phải để trống hoặc là 'NTM', 'NTM nâng cao', 'NTM kiểu mẫu'.",
        "The level must be blank or 'NTM', 'NTM nâng cao', 'NTM kiểu mẫu'.",
    ),
    Rule(
        "TC-006",
        ERROR,
        "Có mức độ NTM nhưng thiếu năm công nhận.",
        "An NTM level is given without a recognition year.",
    ),
    Rule(
        "TC-007",
        WARNING,
        "Có năm công nhận nhưng thiếu mức độ (coi là 'NTM').",
        "A recognition year is given without a level (taken as 'NTM').",
    ),
    Rule(
        "TC-008",
        ERROR,
        "Năm công nhận {year} nằm ngoài khoảng 2010–{max_year}.",
        "Recognition year {year} is outside 2010–{max_year}.",
    ),
    Rule(
        "TC-009",
        ERROR,
        "Trang Tiêu chí chỉ gồm các xã; '{name}' là {unit_type}.",
        "The criteria sheet lists only xã (rural communes); '{name}' is a {unit_type}.",
    ),
    Rule(
        "TC-010",
        WARNING,
        "Xã đã được công nhận NTM nhưng chỉ đạt {met}/19 tiêu chí.",
        "The commune is recognised as NTM but meets only {met}/19 criteria.",
    ),
    Rule(
        "TC-011",
        ERROR,
        "Tổng số tiêu chí đạt phải là số nguyên từ 0 đến {count} (số tiêu chí của bộ "
        "{criteria_set}).",
        "The number of criteria met must be a whole number from 0 to {count} (the criteria of "
        "{criteria_set}).",
    ),
    Rule(
        "TC-012",
        ERROR,
        "Mã tiêu chí '{code}' không đọc được (ghi 1, 2 … cho tiêu chí; 1.1, 1.2 … cho chỉ tiêu).",
        "Criterion code '{code}' cannot be read (write 1, 2 … for a criterion; 1.1, 1.2 … for "
        "an indicator).",
    ),
    Rule(
        "TC-013",
        ERROR,
        "Không có tiêu chí {number} trong bộ {criteria_set} (gồm {count} tiêu chí).",
        "There is no criterion {number} in {criteria_set} ({count} criteria).",
    ),
    Rule(
        "TC-014",
        ERROR,
        "Thiếu dòng của tiêu chí {number} ({name_vi}) thuộc bộ {criteria_set}.",
        "Criterion {number} ({name_en}) of {criteria_set} has no row.",
    ),
    Rule(
        "TC-015",
        ERROR,
        "Mã tiêu chí {code} xuất hiện hai lần (đã có ở dòng {first_row}).",
        "Criterion code {code} appears twice (already on row {first_row}).",
    ),
    Rule(
        "TC-016",
        ERROR,
        "Dòng chỉ tiêu {code} phải nằm dưới dòng của tiêu chí {number}.",
        "Indicator row {code} must come under the row of criterion {number}.",
    ),
    Rule(
        "TC-017",
        WARNING,
        "Xã đã được công nhận {level} nhưng chỉ đạt {met}/{count} tiêu chí của bộ {criteria_set}.",
        "The commune is recognised as {level} but meets only {met}/{count} criteria of "
        "{criteria_set}.",
    ),
    # --- households -------------------------------------------------------------------------------
    Rule(
        "HH-001",
        ERROR,
        "Số hộ phải là số nguyên không âm.",
        "A household count must be a whole number, not negative.",
    ),
    Rule(
        "HH-002",
        ERROR,
        "Thiếu số hộ (bắt buộc).",
        "A household count is blank (required).",
    ),
    Rule(
        "HH-003",
        ERROR,
        "Số hộ nghèo ({poor}) + cận nghèo ({near_poor}) lớn hơn tổng số hộ ({households}).",
        "Poor ({poor}) + near-poor ({near_poor}) households exceed all households ({households}).",
    ),
    Rule(
        "HH-004",
        ERROR,
        "Số hộ nghèo DTTS ({ethnic}) lớn hơn số hộ nghèo ({poor}).",
        "Ethnic minority poor households ({ethnic}) exceed poor households ({poor}).",
    ),
    Rule(
        "HH-005",
        ERROR,
        "Thiếu đơn vị {code} {name} của huyện trong trang Hộ nghèo.",
        "Commune-level unit {code} {name} of the district is missing from the households sheet.",
    ),
    Rule(
        "HH-006",
        ERROR,
        "Số hộ vượt quá {limit_vi} hộ của một đơn vị cấp xã: không thể có.",
        "A household count above {limit} for one commune-level unit is not plausible.",
    ),
    Rule(
        "HH-007",
        ERROR,
        "Bảng tính cấp xã chỉ báo cáo xã ghi trên trang bìa ({cover}); dòng này ghi đơn vị {code}.",
        "A commune workbook reports the cover's commune ({cover}) only; this row names {code}.",
    ),
    Rule(
        "HH-008",
        ERROR,
        "Trang Hộ nghèo không có dòng của xã {code} {name} ghi trên trang bìa.",
        "The households sheet has no row for the cover's commune {code} {name}.",
    ),
    # --- funding ----------------------------------------------------------------------------------
    Rule(
        "FUND-001",
        ERROR,
        "Số vốn không được âm.",
        "An amount must not be negative.",
    ),
    Rule(
        "FUND-002",
        ERROR,
        "Chương trình không xác định (dùng mã hoặc tên: {known}).",
        "Unknown programme (use a code or its name: {known}).",
    ),
    Rule(
        "FUND-003",
        ERROR,
        "Nguồn vốn không xác định (dùng mã hoặc tên: {known}).",
        "Unknown funding source (use a code or its name: {known}).",
    ),
    Rule(
        "FUND-004",
        ERROR,
        "Trùng dòng (đơn vị, chương trình, nguồn vốn) với dòng {first_row}.",
        "Duplicate (unit, programme, source) of row {first_row}.",
    ),
    Rule(
        "FUND-005",
        ERROR,
        "Số vốn vượt quá {limit_vi} triệu đồng cho một dòng: không thể có.",
        "An amount above {limit} million VND on one funding line is not plausible.",
    ),
    Rule(
        "FUND-006",
        ERROR,
        "Bảng tính cấp xã chỉ báo cáo vốn của xã {cover}: dòng này ghi đơn vị {code} (để trống "
        "nghĩa là xã {cover}).",
        "A commune workbook reports the funding of its commune {cover} only: this row names "
        "{code} (blank means {cover}).",
    ),
    # --- cross-checks -----------------------------------------------------------------------------
    Rule(
        "XREF-001",
        ERROR,
        "Mã xã {code} không thuộc huyện {district_code} tại kỳ {quarter}.",
        "Commune code {code} does not belong to district {district_code} in {quarter}.",
    ),
    Rule(
        "XREF-002",
        ERROR,
        "Thiếu xã {code} {name} của huyện trong trang Tiêu chí.",
        "Xã {code} {name} of the district is missing from the criteria sheet.",
    ),
    Rule(
        "XREF-003",
        ERROR,
        "Mã xã {code} xuất hiện hai lần (đã có ở dòng {first_row}).",
        "Commune code {code} appears twice (already on row {first_row}).",
    ),
    Rule(
        "XREF-004",
        WARNING,
        "Tên xã '{written}' không khớp với tên theo mã: '{expected}'.",
        "Commune name '{written}' does not match the name of the code: '{expected}'.",
    ),
    Rule(
        "XREF-005",
        ERROR,
        "Dòng tổng ghi {reported} nhưng tổng các dòng là {computed}.",
        "The total row says {reported} but the rows add up to {computed}.",
    ),
    Rule(
        "XREF-006",
        WARNING,
        "Tệp '{superseded}' và tệp '{successor}' cùng báo cáo {unit_vi} {reporter} kỳ {quarter} "
        "trong một lần nạp: dùng tệp '{successor}' (nhận sau; cùng thời điểm thì tệp sửa sau, rồi "
        "theo tên tệp); tệp '{superseded}' không được công bố.",
        "Files '{superseded}' and '{successor}' report {unit_en} {reporter} for {quarter} in one "
        "load: '{successor}' is used (received later; at the same time, modified later, then by "
        "file name); '{superseded}' is not published.",
    ),
)


class _Blank(dict[str, Any]):
    """Missing template params render as '?' instead of raising: a report must never crash."""

    def __missing__(self, key: str) -> str:
        return "?"


def _render(template: str, params: dict[str, Any]) -> str:
    try:
        return template.format_map(_Blank(params))
    except (ValueError, TypeError):  # a param that does not fit its format spec: show the template
        return template


def rule(rule_id: str) -> Rule:
    return RULES[rule_id]


def finding(
    rule_id: str,
    *,
    file_name: str,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
    value: Any = None,
    cell_ref: str | None = None,
    **params: Any,
) -> Finding:
    """Build a Finding for a rule, filling its message templates with ``params``."""
    spec = RULES[rule_id]
    return Finding(
        file_name=file_name,
        sheet=sheet,
        row=row,
        column=column,
        value=display_value(value),
        rule_id=rule_id,
        severity=spec.severity,
        message_vi=_render(spec.message_vi, params),
        message_en=_render(spec.message_en, params),
        cell_ref=cell_ref,
    )


def processing_failure(file_name: str, step: str, error: BaseException) -> Finding:
    """FILE-012: an exception while processing one file, as a finding on that file.

    The message names the step and the exception's type and first line (no traceback: the
    report goes to a district office; the log has the rest).
    """
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    detail = f"{type(error).__name__}: {text}" if text else type(error).__name__
    return finding("FILE-012", file_name=file_name, step=step, error=detail[:300])
