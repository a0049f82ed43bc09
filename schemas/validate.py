"""Validate a read workbook: reader findings + pandera checks + contract cross-checks.

Every error is collected (pandera runs lazily, the cross-checks run on every row), so a district
officer gets the whole list in one report. A workbook is accepted only when no finding is an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from schemas.models import MODELS, judge_rows
from sources.contract import (
    COVER_FIELDS,
    CRITERION_FIELDS,
    FIRST_QUARTER,
    FUNDING_SOURCES,
    PROGRAMMES,
    SHEET_COLUMNS,
    SHEET_CRITERIA,
    SHEET_FUNDING,
    SHEET_HOUSEHOLDS,
    name_district,
    name_quarter,
)
from sources.extract import SheetTable, WorkbookExtract
from sources.findings import Finding, display_value
from sources.quarters import quarter_end, quarter_start
from sources.reference import AdminUnits, load_admin_units, names_match
from sources.rules import finding

FIRST_RECOGNITION_YEAR = 2010  # the programme started with QĐ 800/QĐ-TTg in 2010
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
    findings = cover_checks(extract, admin_units, today)
    province, district, quarter = extract.province_code, extract.district_code, extract.quarter
    if not (province and district and quarter):
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


def cover_checks(extract: WorkbookExtract, admin_units: AdminUnits, today: date) -> list[Finding]:
    findings: list[Finding] = []
    sheet = extract.cover_sheet_name
    headers = {column.field: column.header for column in COVER_FIELDS}

    def at(field_name: str, rule_id: str, **params: Any) -> Finding:
        item = extract.cover.get(field_name)
        row = int(item.cell_ref[1:]) if item else None
        return finding(
            rule_id,
            file_name=extract.file_name,
            sheet=sheet,
            row=row,
            column=headers[field_name],
            value=item.raw_value if item else None,
            cell_ref=item.cell_ref if item else None,
            **params,
        )

    province, district, quarter = extract.province_code, extract.district_code, extract.quarter
    if quarter:
        if quarter_start(quarter) > today:
            findings.append(at("quarter", "COV-006", quarter=quarter, today=today.isoformat()))
        if quarter_start(quarter) < quarter_start(FIRST_QUARTER):
            findings.append(at("quarter", "COV-013", quarter=quarter, first=FIRST_QUARTER))
        named_quarter = name_quarter(extract.file_name)
        if named_quarter and named_quarter != quarter:
            findings.append(at("quarter", "COV-014", named=named_quarter, quarter=quarter))
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
        findings.extend(_period_checks(extract, quarter, at))
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


def _period_checks(extract: WorkbookExtract, quarter: str, at: Any) -> Iterable[Finding]:
    """Criteria set and poverty standard that do not apply to the quarter: warnings."""
    year = int(quarter[:4])
    criteria_set = extract.cover_value("criteria_set")
    # QĐ 318 was issued in March 2022; during 2021-2022 districts used either set.
    expected_set = "QD1980_2016" if year <= 2020 else "QD318_2022" if year >= 2023 else None
    if criteria_set and expected_set and criteria_set != expected_set:
        yield at(
            "criteria_set", "COV-011", code=criteria_set, quarter=quarter, expected=expected_set
        )
    standard = extract.cover_value("poverty_standard")
    expected_standard = "QD59_2015" if year <= 2021 else "ND07_2021"
    if standard and standard != expected_standard:
        yield at(
            "poverty_standard",
            "COV-012",
            code=standard,
            quarter=quarter,
            expected=expected_standard,
        )


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
            written = frame["commune_name"].iat[position]
            if written and not pd.isna(written) and not _names_match(written, names[code]):
                findings.append(
                    finding(
                        "XREF-004",
                        file_name=file_name,
                        sheet=table.sheet_name,
                        row=row,
                        column=_header(table, key, "commune_name"),
                        value=written,
                        cell_ref=table.cell_ref("commune_name", row),
                        written=written,
                        expected=names[code],
                    )
                )
    return findings


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


@lru_cache(maxsize=1 << 16)
def _names_match(written: str, expected: str) -> bool:
    return names_match(written, expected)
