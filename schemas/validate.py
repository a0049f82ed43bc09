"""Validate a read workbook: reader findings + pandera checks + contract cross-checks.

Every error is collected (pandera runs lazily, the cross-checks run on every row), so a district
or commune officer gets the whole list in one report. A workbook is accepted only when no finding
is an error. District and commune workbooks share the quarter, period and sheet checks; the
cross-checks against the admin units follow the kind (`cross_check`, `commune_cross_check`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from schemas.models import MODELS, judge_rows
from sources.contract import (
    COMMUNE_CRITERIA_COLUMNS,
    COMMUNE_WORKBOOK,
    COVER_FIELDS_OF,
    CRITERIA_COUNT,
    CRITERIA_QD51_2025,
    CRITERIA_SET_COUNTS,
    CRITERION_FIELDS,
    DISTRICT_WORKBOOK,
    FIRST_COMMUNE_QUARTER,
    FIRST_QUARTER,
    FUNDING_SOURCES,
    LAST_DISTRICT_QUARTER,
    POVERTY_STANDARD_PERIODS,
    PROGRAMMES,
    SHEET_COLUMNS,
    SHEET_CRITERIA,
    SHEET_FUNDING,
    SHEET_HOUSEHOLDS,
    criteria_sets_for,
    name_commune,
    name_district,
    name_quarter,
    poverty_standard_for,
    workbook_kind_for,
)
from sources.extract import SheetTable, WorkbookExtract
from sources.findings import Finding, display_value
from sources.quarters import quarter_end, quarter_start
from sources.reference import (
    COMMUNE_TYPE_PREFIXES,
    AdminUnits,
    CommuneUnit,
    load_admin_units,
    names_match,
)
from sources.rules import finding

FIRST_RECOGNITION_YEAR = 2010  # the programme started with QĐ 800/QĐ-TTg in 2010
# The first year a poverty standard of the contract covers (earlier quarters are COV-013).
FIRST_STANDARD_YEAR = POVERTY_STANDARD_PERIODS[0].first_year
# Which field a dataframe-level rule points at, for the report's column and cell reference.
DATAFRAME_RULE_FIELD: dict[str, str] = {
    "TC-002": "criteria_met_reported",
    "TC-006": "recognition_year",
    "TC-007": "ntm_level",
    "HH-003": "poor_households",
    "HH-004": "poor_ethnic_minority_households",
}
_HEADERS = {
    key: {column.field: column.header for column in columns}
    for key, columns in SHEET_COLUMNS.items()
}
# Province and district unit types, stripped before comparing names.
_UNIT_PREFIXES = ("Thành phố ", "Tỉnh ", "Huyện ", "Quận ", "Thị xã ")
_CRITERION_CODE_HEADER = next(
    c.header for c in COMMUNE_CRITERIA_COLUMNS if c.field == "criterion_code"
)


@dataclass
class ValidationResult:
    findings: list[Finding] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not any(item.is_error for item in self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [item for item in self.findings if item.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [item for item in self.findings if not item.is_error]

    def rule_ids(self) -> list[str]:
        return [item.rule_id for item in self.findings]


def validate_workbook(
    extract: WorkbookExtract,
    *,
    admin_units: AdminUnits | None = None,
    today: date | None = None,
) -> ValidationResult:
    """All findings about one workbook; ``accepted`` when none of them is an error."""
    return validate_workbooks([extract], admin_units=admin_units, today=today)[0]


def validate_workbooks(
    extracts: Sequence[WorkbookExtract],
    *,
    admin_units: AdminUnits | None = None,
    today: date | None = None,
) -> list[ValidationResult]:
    """`validate_workbook` for many workbooks at once, with the same findings for each.

    pandera's cost is per call, not per row (~15 ms a model), so the frames of all workbooks are
    stacked and each sheet's model runs once per batch; failure cases map back to their workbook
    and row (`batch_pandera_findings`).
    """
    admin_units = admin_units or load_admin_units()
    today = today or date.today()
    all_tables = [_tables(extract) for extract in extracts]
    by_sheet = {
        key: [(i, tables[key]) for i, tables in enumerate(all_tables) if key in tables]
        for key in (SHEET_CRITERIA, SHEET_HOUSEHOLDS, SHEET_FUNDING)
    }
    pandera = [dict.fromkeys(tables, ()) for tables in all_tables]
    for key, owned in by_sheet.items():
        for i, items in batch_pandera_findings(
            [(extracts[i].file_name, table) for i, table in owned], key
        ).items():
            pandera[owned[i][0]][key] = items
    results = []
    for extract, tables, found in zip(extracts, all_tables, pandera, strict=True):
        findings = list(extract.findings)
        reported_cells = {(f.sheet, f.cell_ref) for f in findings if f.cell_ref}
        for key in tables:
            for item in found[key]:
                if (item.sheet, item.cell_ref) not in reported_cells or item.cell_ref is None:
                    findings.append(item)
        for key, table in tables.items():
            findings.extend(total_row_findings(extract.file_name, key, table))
        findings.extend(cross_check(extract, tables, admin_units, today))
        results.append(ValidationResult(findings=_ordered(findings, extract)))
    return results


def _tables(extract: WorkbookExtract) -> dict[str, SheetTable]:
    tables = {
        SHEET_CRITERIA: extract.criteria,
        SHEET_HOUSEHOLDS: extract.households,
        SHEET_FUNDING: extract.funding,
    }
    return {key: table for key, table in tables.items() if table is not None}


def _ordered(findings: list[Finding], extract: WorkbookExtract) -> list[Finding]:
    """File-level findings first, then sheet by sheet in workbook order, row by row (stable)."""
    order = {name: i for i, name in enumerate(extract.sheet_names)}
    return sorted(
        findings,
        key=lambda f: (
            f.sheet is not None,
            order.get(f.sheet or "", len(order)),
            f.row or 0,
        ),
    )


# --- pandera --------------------------------------------------------------------------------------
def _header(table: SheetTable, key: str, field_name: str) -> str:
    column = table.columns.get(field_name)
    return column.header_text if column else _HEADERS[key].get(field_name, field_name)


def pandera_findings(file_name: str, key: str, table: SheetTable) -> list[Finding]:
    """Run the sheet's pandera model lazily and turn every failure case into a Finding."""
    return batch_pandera_findings([(file_name, table)], key).get(0, [])


def _signature(frame: pd.DataFrame) -> tuple[tuple[str, str], ...]:
    return tuple((str(name), str(dtype)) for name, dtype in frame.dtypes.items())


def batch_pandera_findings(
    tables: Sequence[tuple[str, SheetTable]], key: str
) -> dict[int, list[Finding]]:
    """pandera findings of many tables of one sheet type: position in ``tables`` → findings.

    Frames with the same columns and dtypes (the reader's frames always have them) are stacked and
    validated in one lazy call; every check is row-wise, so a row fails stacked exactly when it
    fails alone. A case with a row index belongs to that row's table; a case without one (a dtype
    or column failure) belongs to every table of the stack, as each would have reported it.
    """
    groups: dict[tuple[tuple[str, str], ...], list[int]] = {}
    for position, (_, table) in enumerate(tables):
        if not table.frame.empty:
            groups.setdefault(_signature(table.frame), []).append(position)
    found: dict[int, list[Finding]] = {}
    for positions in groups.values():
        frames = [tables[p][1].frame for p in positions]
        sizes = np.array([len(frame) for frame in frames])
        single = len(frames) == 1 and _is_range(frames[0])
        stacked = frames[0] if single else pd.concat(frames, ignore_index=True)
        cases = judge_rows(MODELS[key], stacked)
        if cases.empty:
            continue
        owner = np.repeat(np.arange(len(frames)), sizes)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        per_table: dict[int, list[tuple[Any, Any]]] = {i: [] for i in range(len(frames))}
        for case in cases.itertuples(index=False):
            index = case.index
            if index is None or pd.isna(index):
                for i in per_table:
                    per_table[i].append((case, None))
            else:
                i = int(owner[int(index)])
                label = frames[i].index[int(index) - int(starts[i])]  # the row's own label
                per_table[i].append((case, label))
        for i, items in per_table.items():
            if items:
                file_name, table = tables[positions[i]]
                found[positions[i]] = _case_findings(file_name, key, table, items)
    return found


def _is_range(frame: pd.DataFrame) -> bool:
    index = frame.index
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1


def _case_findings(
    file_name: str, key: str, table: SheetTable, cases: list[tuple[Any, Any]]
) -> list[Finding]:
    """Failure cases of one table (with their row position in its frame) → Findings."""
    findings: list[Finding] = []
    seen_dataframe_rows: set[tuple[str, int]] = set()
    for case, index in cases:
        check = str(case.check)
        column = case.column if isinstance(case.column, str) else None
        if case.schema_context == "DataFrameSchema" and check in DATAFRAME_RULE_FIELD:
            if index is None or (check, int(index)) in seen_dataframe_rows:
                continue  # pandera gives one case per column of the failing row
            seen_dataframe_rows.add((check, int(index)))
            findings.append(_dataframe_finding(file_name, key, table, check, int(index)))
            continue
        if column is not None and column not in table.columns and column != "excel_row":
            continue  # the whole column is missing: already SHEET-002
        rule_id = str(case.rule_id)  # judged by `judge_rows`, as the post-load checks judge it
        findings.append(_cell_finding(file_name, key, table, rule_id, column, index, case))
    return findings


def _row_of(table: SheetTable, index: Any) -> int | None:
    if index is None or pd.isna(index):
        return None
    return int(table.frame.at[int(index), "excel_row"])


def _cell_finding(
    file_name: str,
    key: str,
    table: SheetTable,
    rule_id: str,
    column: str | None,
    index: Any,
    case: Any,
) -> Finding:
    row = _row_of(table, index)
    value = case.failure_case
    params: dict[str, Any] = {"detail": f"{column}: {case.check}"}
    if rule_id == "FUND-002":
        params["known"] = ", ".join(PROGRAMMES)
    if rule_id == "FUND-003":
        params["known"] = ", ".join(FUNDING_SOURCES)
    return finding(
        rule_id,
        file_name=file_name,
        sheet=table.sheet_name,
        row=row,
        column=_header(table, key, column) if column else None,
        value=None if value is None or (not isinstance(value, str) and pd.isna(value)) else value,
        cell_ref=table.cell_ref(column, row) if column and row else None,
        **params,
    )


def _dataframe_finding(
    file_name: str, key: str, table: SheetTable, rule_id: str, index: int
) -> Finding:
    record = table.frame.loc[index]
    field_name = DATAFRAME_RULE_FIELD[rule_id]
    row = int(record["excel_row"])
    params: dict[str, Any] = {}
    if rule_id == "TC-002":
        params = {
            "reported": display_value(record["criteria_met_reported"]),
            "counted": int(sum(bool(record[f]) for f in CRITERION_FIELDS)),
        }
    elif rule_id == "HH-003":
        params = {
            "poor": record["poor_households"],
            "near_poor": record["near_poor_households"],
            "households": record["households"],
        }
    elif rule_id == "HH-004":
        params = {
            "ethnic": record["poor_ethnic_minority_households"],
            "poor": record["poor_households"],
        }
    value = record[field_name]
    return finding(
        rule_id,
        file_name=file_name,
        sheet=table.sheet_name,
        row=row,
        column=_header(table, key, field_name),
        value=None if pd.isna(value) else value,
        cell_ref=table.cell_ref(field_name, row),
        **params,
    )


# --- total rows -----------------------------------------------------------------------------------
def total_row_findings(file_name: str, key: str, table: SheetTable) -> list[Finding]:
    """The sheet's total row (if any) against the sums of its data rows."""
    if not table.total_row or table.total_excel_row is None:
        return []
    findings: list[Finding] = []
    row = table.total_excel_row
    for field_name, reported in table.total_row.items():
        series = table.frame[field_name]
        computed = (
            float(series.fillna(False).sum())
            if field_name in CRITERION_FIELDS
            else float(series.sum(skipna=True))
        )
        # Half a unit absorbs amounts typed rounded; counts are whole so any real gap is ≥ 1.
        if abs(computed - reported) > 0.5:
            findings.append(
                finding(
                    "XREF-005",
                    file_name=file_name,
                    sheet=table.sheet_name,
                    row=row,
                    column=_header(table, key, field_name),
                    value=reported,
                    cell_ref=table.cell_ref(field_name, row),
                    reported=display_value(reported),
                    computed=display_value(round(computed, 4)),
                )
            )
    return findings


# --- contract cross-checks ------------------------------------------------------------------------
def cross_check(
    extract: WorkbookExtract,
    tables: dict[str, SheetTable],
    admin_units: AdminUnits,
    today: date,
) -> list[Finding]:
    if extract.workbook_kind == COMMUNE_WORKBOOK:
        return commune_cross_check(extract, tables, admin_units, today)
    findings = cover_checks(extract, admin_units, today)
    province, district, quarter = extract.province_code, extract.district_code, extract.quarter
    if not (province and district and quarter):
        return findings
    if quarter > LAST_DISTRICT_QUARTER:
        # COV-016 said it: the district no longer exists, so its communes of the old map would
        # only add noise (ten "missing" findings on a form the office must not use at all).
        return findings
    on = quarter_end(quarter)
    units = admin_units.units_at(province, district, on)
    if units.empty:
        return findings  # COV-004 said it; commune checks would only add noise
    names = dict(zip(units["commune_code"], units["commune_name"], strict=True))
    types = dict(zip(units["commune_code"], units["commune_type"], strict=True))
    context = {"district_code": district, "quarter": quarter}
    for key, table in tables.items():
        findings.extend(commune_checks(extract.file_name, key, table, names, types, context))
    criteria = tables.get(SHEET_CRITERIA)
    if criteria is not None:
        listed = set(criteria.frame["commune_code"].dropna())
        for code, name in names.items():
            if types[code] == "Xã" and code not in listed:
                findings.append(
                    finding(
                        "XREF-002",
                        file_name=extract.file_name,
                        sheet=criteria.sheet_name,
                        column=_header(criteria, SHEET_CRITERIA, "commune_code"),
                        value=code,
                        code=code,
                        name=name,
                    )
                )
        findings.extend(recognition_checks(extract.file_name, criteria, int(quarter[:4])))
    households = tables.get(SHEET_HOUSEHOLDS)
    if households is not None:
        listed = set(households.frame["commune_code"].dropna())
        for code, name in names.items():
            if code not in listed:
                findings.append(
                    finding(
                        "HH-005",
                        file_name=extract.file_name,
                        sheet=households.sheet_name,
                        column=_header(households, SHEET_HOUSEHOLDS, "commune_code"),
                        value=code,
                        code=code,
                        name=name,
                    )
                )
    return findings


CoverAt = Callable[..., Finding]


def cover_at(extract: WorkbookExtract) -> CoverAt:
    """A finding at a cover field's cell (its label as the column), for the workbook's kind."""
    headers = {column.field: column.header for column in COVER_FIELDS_OF[extract.workbook_kind]}

    def at(field_name: str, rule_id: str, **params: Any) -> Finding:
        item = extract.cover.get(field_name)
        return finding(
            rule_id,
            file_name=extract.file_name,
            sheet=extract.cover_sheet_name,
            row=int(item.cell_ref[1:]) if item else None,
            column=headers.get(field_name, field_name),
            value=item.raw_value if item else None,
            cell_ref=item.cell_ref if item else None,
            **params,
        )

    return at


def cover_checks(extract: WorkbookExtract, admin_units: AdminUnits, today: date) -> list[Finding]:
    """The cover of either kind: quarter, kind, periods; then the kind's own unit checks."""
    at = cover_at(extract)
    findings = quarter_checks(extract, at, today)
    if extract.workbook_kind == COMMUNE_WORKBOOK:
        return findings + commune_cover_checks(extract, admin_units, today, at)
    return findings + district_cover_checks(extract, admin_units, today, at)


def quarter_checks(extract: WorkbookExtract, at: CoverAt, today: date) -> list[Finding]:
    """The quarter (not begun, too early, the file name's), the kind of workbook it takes, and
    the criteria set and poverty standard that apply to it."""
    findings: list[Finding] = []
    quarter, kind = extract.quarter, extract.workbook_kind
    criteria_set = extract.cover_value("criteria_set")
    if (
        kind == DISTRICT_WORKBOOK
        and criteria_set
        and CRITERIA_SET_COUNTS[criteria_set] != CRITERIA_COUNT
    ):
        year = int(quarter[:4]) if quarter else today.year
        sets = [s for s in criteria_sets_for(year) if CRITERIA_SET_COUNTS[s] == CRITERIA_COUNT]
        findings.append(at("criteria_set", "COV-020", expected=" / ".join(sets) or "QD318_2022"))
    if not quarter:
        return findings
    if quarter_start(quarter) > today:
        findings.append(at("quarter", "COV-006", quarter=quarter, today=today.isoformat()))
    if quarter_start(quarter) < quarter_start(FIRST_QUARTER):
        findings.append(at("quarter", "COV-013", quarter=quarter, first=FIRST_QUARTER))
    named_quarter = name_quarter(extract.file_name)
    if named_quarter and named_quarter != quarter:
        findings.append(at("quarter", "COV-014", named=named_quarter, quarter=quarter))
    expected_kind = workbook_kind_for(quarter)
    if kind == DISTRICT_WORKBOOK and expected_kind == COMMUNE_WORKBOOK:
        findings.append(at("quarter", "COV-016", quarter=quarter, last=LAST_DISTRICT_QUARTER))
    if kind == COMMUNE_WORKBOOK and expected_kind == DISTRICT_WORKBOOK:
        findings.append(at("quarter", "COV-017", quarter=quarter, first=FIRST_COMMUNE_QUARTER))
    findings.extend(_period_checks(extract, quarter, at))
    return findings


def district_cover_checks(
    extract: WorkbookExtract, admin_units: AdminUnits, today: date, at: CoverAt
) -> list[Finding]:
    findings: list[Finding] = []
    province, district, quarter = extract.province_code, extract.district_code, extract.quarter
    named_district = name_district(extract.file_name)
    if province and district and named_district and named_district != (province, district):
        findings.append(
            at(
                "district_code",
                "COV-015",
                named="-".join(named_district),
                cover=f"{province}-{district}",
            )
        )
    on = quarter_end(quarter) if quarter else today
    if province and district:
        if not admin_units.district_exists(province, district, on):
            findings.append(
                at("district_code", "COV-004", province_code=province, district_code=district)
            )
        else:
            expected = {
                "province_name": admin_units.province_name(province, on),
                "district_name": admin_units.district_name(province, district, on),
            }
            for field_name, name in expected.items():
                written = extract.cover_value(field_name)
                if written and name and not names_match(written, name, _UNIT_PREFIXES):
                    findings.append(at(field_name, "COV-010", written=written, expected=name))
    return findings


def commune_cover_checks(
    extract: WorkbookExtract, admin_units: AdminUnits, today: date, at: CoverAt
) -> list[Finding]:
    """The cover's commune: named as in the file name, a unit valid on the quarter's last day
    (codes are reused across the reform: looked up among the units of that date), in the
    cover's province, names as the reference writes them."""
    findings: list[Finding] = []
    province, commune, quarter = extract.province_code, extract.commune_code, extract.quarter
    named = name_commune(extract.file_name)
    if province and commune and named and named != (province, commune):
        findings.append(
            at("commune_code", "COV-023", named="-".join(named), cover=f"{province}-{commune}")
        )
    unit = cover_commune(extract, admin_units, today)
    if not (province and commune):
        return findings
    on = (quarter_end(quarter) if quarter else today).isoformat()
    if unit is None:
        findings.append(at("commune_code", "COV-021", commune_code=commune, on=on))
        return findings
    if unit.province_code != province:
        findings.append(
            at(
                "commune_code",
                "COV-022",
                commune_code=commune,
                name=unit.commune_name,
                actual=unit.province_code,
                province_code=province,
                on=on,
            )
        )
        return findings
    expected = {
        "province_name": (unit.province_name, _UNIT_PREFIXES),
        "commune_name": (unit.commune_name, COMMUNE_TYPE_PREFIXES),
    }
    for field_name, (name, prefixes) in expected.items():
        written = extract.cover_value(field_name)
        if written and name and not names_match(written, name, prefixes):
            findings.append(at(field_name, "COV-010", written=written, expected=name))
    return findings


def cover_commune(
    extract: WorkbookExtract, admin_units: AdminUnits, today: date
) -> CommuneUnit | None:
    """The unit the cover's commune code names on the quarter's last day (today without one)."""
    commune = extract.commune_code
    if not commune:
        return None
    on = quarter_end(extract.quarter) if extract.quarter else today
    return admin_units.commune_at(commune, on)


def _period_checks(extract: WorkbookExtract, quarter: str, at: CoverAt) -> Iterable[Finding]:
    """Criteria set and poverty standard that do not apply to the quarter: warnings (the periods
    are the contract's: `criteria_sets_for`, `poverty_standard_for`)."""
    year = int(quarter[:4])
    criteria_set = extract.cover_value("criteria_set")
    expected_sets = criteria_sets_for(year)
    if criteria_set and expected_sets and criteria_set not in expected_sets:
        yield at(
            "criteria_set",
            "COV-011",
            code=criteria_set,
            quarter=quarter,
            expected=" / ".join(expected_sets),
        )
    standard = extract.cover_value("poverty_standard")
    expected_standard = poverty_standard_for(year) if year >= FIRST_STANDARD_YEAR else None
    if standard and expected_standard and standard != expected_standard:
        yield at(
            "poverty_standard",
            "COV-012",
            code=standard,
            quarter=quarter,
            expected=expected_standard,
        )


# --- the commune workbook -------------------------------------------------------------------------
def commune_cross_check(
    extract: WorkbookExtract,
    tables: dict[str, SheetTable],
    admin_units: AdminUnits,
    today: date,
) -> list[Finding]:
    """A commune workbook: its cover, its long criteria sheet against the cover's set, the
    cover's recognition, and households and funding of the cover's commune only."""
    findings = cover_checks(extract, admin_units, today)
    at = cover_at(extract)
    if extract.criterion_rows is not None:
        findings.extend(criterion_sheet_checks(extract, extract.criterion_rows, at))
    findings.extend(cover_recognition_checks(extract, at))
    commune = extract.commune_code
    if not commune:
        return findings
    unit = cover_commune(extract, admin_units, today)
    households = tables.get(SHEET_HOUSEHOLDS)
    if households is not None:
        findings.extend(commune_household_checks(extract.file_name, households, commune, unit))
    funding = tables.get(SHEET_FUNDING)
    if funding is not None:
        findings.extend(commune_funding_checks(extract.file_name, funding, commune))
    return findings


def _criterion_names(criteria_set: str, number: int) -> tuple[str, str]:
    if criteria_set == "QD51_2025" and number in CRITERIA_QD51_2025:
        return CRITERIA_QD51_2025[number]
    return f"TC{number}", f"TC{number}"


def criterion_sheet_checks(
    extract: WorkbookExtract, table: SheetTable, at: CoverAt
) -> list[Finding]:
    """The long criteria sheet against the cover's set: each code once, criteria 1..count,
    none missing, indicators under their criterion; the cover's total against the rows met."""
    findings: list[Finding] = []
    criteria_set = extract.cover_value("criteria_set")
    count = CRITERIA_SET_COUNTS.get(criteria_set or "")
    frame = table.frame
    header = table.columns.get("criterion_code")
    column = header.header_text if header else _CRITERION_CODE_HEADER

    def here(rule_id: str, row: int, value: Any, **params: Any) -> Finding:
        return finding(
            rule_id,
            file_name=extract.file_name,
            sheet=table.sheet_name,
            row=row,
            column=column,
            value=value,
            cell_ref=table.cell_ref("criterion_code", row),
            **params,
        )

    seen: dict[str, int] = {}
    criteria: set[int] = set()
    met: set[int] = set()
    unknown_status = False
    for code, number, indicator, is_met, row in zip(
        frame["criterion_code"],
        frame["criterion_no"],
        frame["indicator_no"],
        frame["is_met"],
        frame["excel_row"],
        strict=True,
    ):
        row = int(row)
        if code is None or pd.isna(number):
            continue  # TC-012 said it
        number = int(number)
        if code in seen:
            findings.append(here("TC-015", row, code, code=code, first_row=seen[code]))
            continue
        seen[code] = row
        if count is not None and not 1 <= number <= count:
            findings.append(
                here("TC-013", row, code, number=number, count=count, criteria_set=criteria_set)
            )
            continue
        if pd.isna(indicator):
            criteria.add(number)
            unknown_status |= pd.isna(is_met)
            if not pd.isna(is_met) and bool(is_met):
                met.add(number)
        elif number not in criteria:
            findings.append(here("TC-016", row, code, code=code, number=number))
    if count is None:
        return findings  # an unknown set: COV-007 said it
    for number in range(1, count + 1):
        if number not in criteria:
            name_vi, name_en = _criterion_names(criteria_set, number)
            findings.append(
                finding(
                    "TC-014",
                    file_name=extract.file_name,
                    sheet=table.sheet_name,
                    column=column,
                    value=str(number),
                    number=number,
                    name_vi=name_vi,
                    name_en=name_en,
                    criteria_set=criteria_set,
                )
            )
    reported = extract.cover_value("criteria_met_reported")
    if reported is not None and not unknown_status and reported != len(met):
        findings.append(at("criteria_met_reported", "TC-002", reported=reported, counted=len(met)))
    return findings


def cover_recognition_checks(extract: WorkbookExtract, at: CoverAt) -> list[Finding]:
    """The commune's recognition on its cover, judged as a district row's: a level needs a year
    (TC-006), a year without a level is taken as NTM (TC-007), the year within the programme
    (TC-008); recognised but not meeting every criterion of the set (TC-017, a warning)."""
    findings: list[Finding] = []
    year = extract.cover_value("recognition_year")
    level = extract.cover_value("ntm_level")
    quarter = extract.quarter
    if level and year is None:
        findings.append(at("recognition_year", "TC-006"))
    if year is not None and not level:
        findings.append(at("ntm_level", "TC-007"))
    if year is not None and quarter:
        last = int(quarter[:4])
        if not FIRST_RECOGNITION_YEAR <= year <= last:
            findings.append(at("recognition_year", "TC-008", year=year, max_year=last))
    criteria_set = extract.cover_value("criteria_set")
    count = CRITERIA_SET_COUNTS.get(criteria_set or "")
    met = extract.cover_value("criteria_met_reported")
    if level and count is not None and met is not None and met < count:
        findings.append(
            at(
                "ntm_level",
                "TC-017",
                level=level,
                met=met,
                count=count,
                criteria_set=criteria_set,
            )
        )
    return findings


def commune_household_checks(
    file_name: str, table: SheetTable, commune: str, unit: CommuneUnit | None
) -> list[Finding]:
    """Exactly one data row, the cover's commune (HH-007 another unit, XREF-003 twice, HH-008
    none); its name as the reference writes it (XREF-004)."""
    findings: list[Finding] = []
    frame = table.frame
    code_header = _header(table, SHEET_HOUSEHOLDS, "commune_code")
    first_row: int | None = None
    for position, (code, row) in enumerate(
        zip(frame["commune_code"], frame["excel_row"], strict=True)
    ):
        row = int(row)
        if code is None or pd.isna(code):
            continue  # a blank code: CELL-003
        where = {
            "file_name": file_name,
            "sheet": table.sheet_name,
            "row": row,
            "column": code_header,
            "value": code,
            "cell_ref": table.cell_ref("commune_code", row),
        }
        if code != commune:
            findings.append(finding("HH-007", **where, cover=commune, code=code))
            continue
        if first_row is not None:
            findings.append(finding("XREF-003", **where, code=code, first_row=first_row))
            continue
        first_row = row
        if unit is not None:
            findings.extend(
                _commune_name_check(file_name, table, SHEET_HOUSEHOLDS, position, unit.commune_name)
            )
    if first_row is None:
        findings.append(
            finding(
                "HH-008",
                file_name=file_name,
                sheet=table.sheet_name,
                column=code_header,
                value=commune,
                code=commune,
                name=unit.commune_name if unit else "",
            )
        )
    return findings


def commune_funding_checks(file_name: str, table: SheetTable, commune: str) -> list[Finding]:
    """Funding rows of the cover's commune (a blank code is the commune itself): another code is
    FUND-006; the same (programme, source) twice FUND-004, whether its code is blank or not."""
    findings: list[Finding] = []
    frame = table.frame
    code_header = _header(table, SHEET_FUNDING, "commune_code")
    seen: dict[tuple[Any, Any], int] = {}
    for code, programme, source, row in zip(
        frame["commune_code"],
        frame["programme_code"],
        frame["funding_source_code"],
        frame["excel_row"],
        strict=True,
    ):
        row = int(row)
        where = {
            "file_name": file_name,
            "sheet": table.sheet_name,
            "row": row,
            "column": code_header,
            "value": None if code is None or pd.isna(code) else code,
            "cell_ref": table.cell_ref("commune_code", row),
        }
        if code is not None and not pd.isna(code) and code != commune:
            findings.append(finding("FUND-006", **where, cover=commune, code=code))
            continue
        if programme is None or source is None or pd.isna(programme) or pd.isna(source):
            continue
        if (programme, source) in seen:
            findings.append(finding("FUND-004", **where, first_row=seen[(programme, source)]))
        else:
            seen[(programme, source)] = row
    return findings


def commune_checks(
    file_name: str,
    key: str,
    table: SheetTable,
    names: dict[str, str],
    types: dict[str, str],
    context: dict[str, str],
) -> list[Finding]:
    """Codes belong to the district, no duplicates, names match, criteria lists only xã."""
    findings: list[Finding] = []
    frame = table.frame
    code_header = _header(table, key, "commune_code")
    has_names = "commune_name" in frame.columns
    seen: dict[Any, int] = {}
    funding_keys = (
        list(zip(frame["programme_code"], frame["funding_source_code"], strict=True))
        if key == SHEET_FUNDING
        else None
    )
    for position, (code, row) in enumerate(
        zip(frame["commune_code"], frame["excel_row"], strict=True)
    ):
        row = int(row)
        code_ref = table.cell_ref("commune_code", row)
        if funding_keys is not None:
            dedupe_key: Any = (code, *funding_keys[position])
            if None not in funding_keys[position]:
                if dedupe_key in seen:
                    findings.append(
                        finding(
                            "FUND-004",
                            file_name=file_name,
                            sheet=table.sheet_name,
                            row=row,
                            column=code_header,
                            value=code,
                            cell_ref=code_ref,
                            first_row=seen[dedupe_key],
                        )
                    )
                else:
                    seen[dedupe_key] = row
        if code is None or pd.isna(code):
            continue
        if code not in names:
            findings.append(
                finding(
                    "XREF-001",
                    file_name=file_name,
                    sheet=table.sheet_name,
                    row=row,
                    column=code_header,
                    value=code,
                    cell_ref=code_ref,
                    code=code,
                    **context,
                )
            )
            continue
        if funding_keys is None:
            if code in seen:
                findings.append(
                    finding(
                        "XREF-003",
                        file_name=file_name,
                        sheet=table.sheet_name,
                        row=row,
                        column=code_header,
                        value=code,
                        cell_ref=code_ref,
                        code=code,
                        first_row=seen[code],
                    )
                )
            else:
                seen[code] = row
        if key == SHEET_CRITERIA and types[code] != "Xã":
            findings.append(
                finding(
                    "TC-009",
                    file_name=file_name,
                    sheet=table.sheet_name,
                    row=row,
                    column=code_header,
                    value=code,
                    cell_ref=code_ref,
                    name=names[code],
                    unit_type=types[code],
                )
            )
        if has_names:
            findings.extend(_commune_name_check(file_name, table, key, position, names[code]))
    return findings


def _commune_name_check(
    file_name: str, table: SheetTable, key: str, position: int, expected: str | None
) -> list[Finding]:
    """XREF-004: the commune name written on a row is not the unit's name (with or without its
    type: 'Xã Lũng Cú' or 'Lũng Cú'); nothing when either name is missing."""
    written = table.frame["commune_name"].iat[position]
    if not expected or not written or pd.isna(written):
        return []
    if names_match(written, expected, COMMUNE_TYPE_PREFIXES):
        return []
    row = int(table.frame["excel_row"].iat[position])
    return [
        finding(
            "XREF-004",
            file_name=file_name,
            sheet=table.sheet_name,
            row=row,
            column=_header(table, key, "commune_name"),
            value=written,
            cell_ref=table.cell_ref("commune_name", row),
            written=written,
            expected=expected,
        )
    ]


def recognition_checks(file_name: str, table: SheetTable, quarter_year: int) -> list[Finding]:
    """Recognition year within the programme's life; recognised communes meeting < 19."""
    findings: list[Finding] = []
    frame = table.frame
    met = np.zeros(len(frame), dtype="int64")
    for name in CRITERION_FIELDS:
        met += frame[name].to_numpy(dtype=bool, na_value=False)
    years = frame["recognition_year"].to_numpy(dtype="float64", na_value=np.nan)
    levels = frame["ntm_level"]
    has_level = levels.notna().to_numpy()
    year_outside = (
        ~np.isnan(years)
        & (years >= 1000)
        & (years <= 9999)
        & ~((years >= FIRST_RECOGNITION_YEAR) & (years <= quarter_year))
    )
    level_short = has_level & (met < len(CRITERION_FIELDS))
    rows = frame["excel_row"].to_numpy()
    for position in np.flatnonzero(year_outside | level_short):
        row = int(rows[position])
        if year_outside[position]:
            year = int(years[position])
            findings.append(
                finding(
                    "TC-008",
                    file_name=file_name,
                    sheet=table.sheet_name,
                    row=row,
                    column=_header(table, SHEET_CRITERIA, "recognition_year"),
                    value=year,
                    cell_ref=table.cell_ref("recognition_year", row),
                    year=year,
                    max_year=quarter_year,
                )
            )
        if level_short[position]:
            findings.append(
                finding(
                    "TC-010",
                    file_name=file_name,
                    sheet=table.sheet_name,
                    row=row,
                    column=_header(table, SHEET_CRITERIA, "ntm_level"),
                    value=levels.iat[position],
                    cell_ref=table.cell_ref("ntm_level", row),
                    met=int(met[position]),
                )
            )
    return findings
