"""Read one district or commune workbook into tidy, typed frames — tolerantly, never raising.

The reader implements the tolerances of the workbook contract (sources/contract.py; README, "The
district workbook (contract v1)" and "The commune workbook (from 2025Q3)"): the kind told by the
cover's labels (`Mã huyện`: district; `Mã xã` without it: commune), sheet names and headers
matched loosely, title rows above the
header, two-row criteria headers, codes typed as numbers, Vietnamese number text, total and
section rows. Every value it cannot convert becomes a Finding at its cell and a <NA> in the frame,
so validation (pandera) works on typed frames only.

Speed matters (a national run reads ~700 workbooks): calamine hands over plain Python lists, each
cell is converted once by a small function, and each DataFrame is built once at the end.
"""

from __future__ import annotations

import os
import re
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sources.contract import (
    COMMUNE_CRITERIA_COLUMNS,
    COMMUNE_GROUPS,
    COMMUNE_WORKBOOK,
    COVER_FIELDS_OF,
    CRITERIA_COUNT,
    CRITERIA_SET_COUNTS,
    CRITERIA_SETS,
    CRITERION_CODE,
    CRITERION_FIELDS,
    DISTRICT_WORKBOOK,
    FUNDING_SOURCES,
    MAX_AMOUNT_MILLION_VND,
    MAX_HOUSEHOLDS_PER_UNIT,
    MET_TOKENS,
    NOT_MET_TOKENS,
    NTM_LEVELS,
    POVERTY_STANDARDS,
    PROGRAMMES,
    ROMAN_NUMERAL,
    SHEET_COLUMNS,
    SHEET_COVER,
    SHEET_CRITERIA,
    SHEET_FUNDING,
    SHEET_HOUSEHOLDS,
    SHEET_TITLES,
    TOTAL_ROW_LABELS,
    Column,
    fold_text,
    nfc,
    pad_code,
    parse_quarter,
)
from sources.digest import sha256_and_size
from sources.extract import CoverValue, SheetTable, SourceColumn, WorkbookExtract
from sources.findings import Finding
from sources.guards import (
    GuardLimits,
    NotRegularFile,
    check_file,
    column_letters,
    skipped_entry_finding,
)
from sources.rules import finding, processing_failure

# --- the frames -----------------------------------------------------------------------------------
COUNT_FIELDS = (
    "households",
    "poor_households",
    "near_poor_households",
    "poor_ethnic_minority_households",
)
AMOUNT_FIELDS = ("plan_million_vnd", "actual_ytd_million_vnd")

# Data fields of each frame, in the order of the raw tables (stt and note are not kept).
FRAME_FIELDS: dict[str, tuple[str, ...]] = {
    SHEET_CRITERIA: (
        "commune_code",
        "commune_name",
        *CRITERION_FIELDS,
        "criteria_met_reported",
        "recognition_year",
        "ntm_level",
    ),
    SHEET_HOUSEHOLDS: ("commune_code", "commune_name", *COUNT_FIELDS),
    SHEET_FUNDING: (
        "commune_code",
        "programme_code",
        "funding_source_code",
        *AMOUNT_FIELDS,
    ),
}
# The commune workbook's long criteria sheet (raw.criterion_rows' sheet fields).
CRITERION_ROW_FIELDS: tuple[str, ...] = (
    "criterion_code",
    "criterion_no",
    "indicator_no",
    "criterion_name",
    "is_met",
)
# Fields whose total-row value is a sum that validation can check.
TOTAL_FIELDS: dict[str, tuple[str, ...]] = {
    SHEET_CRITERIA: (*CRITERION_FIELDS, "criteria_met_reported"),
    SHEET_HOUSEHOLDS: COUNT_FIELDS,
    SHEET_FUNDING: AMOUNT_FIELDS,
}
_INT_FIELDS = frozenset(
    {*COUNT_FIELDS, "criteria_met_reported", "recognition_year", "criterion_no", "indicator_no"}
)
_BOOL_FIELDS = frozenset({*CRITERION_FIELDS, "is_met"})
_FLOAT_FIELDS = frozenset(AMOUNT_FIELDS)


def field_dtype(field_name: str) -> str:
    if field_name in _INT_FIELDS:
        return "Int64"
    if field_name in _BOOL_FIELDS:
        return "boolean"  # nullable: a flag that is neither met nor not met is <NA>
    if field_name in _FLOAT_FIELDS:
        return "float64"
    return "object"


# --- small pure helpers ---------------------------------------------------------------------------
_PARENS = re.compile(r"\([^)]*\)")
_KEY_DROP = re.compile(r"[\s:*.]+")
_CRITERION_HEADER = re.compile(r"^(?:tc|tieuchi|tieuchiso)0*(\d{1,2})$")


def header_key(value: object) -> str:
    """A header or label reduced for matching: NFC, no accents/case/spaces/units in brackets.

    `Tổng số hộ`, `TONG SO HO`, `Tong  so\\nho`, `Tổng số hộ (hộ)` all give `tongsoho`.
    """
    text = _PARENS.sub(" ", nfc(str(value)))
    return _KEY_DROP.sub("", fold_text(text))


def criterion_number(value: object) -> int | None:
    """`TC1`, `TC 01`, `Tiêu chí 1` → 1; a bare `1`/`1.0`/`01` → 1 (only used under `Tiêu chí`)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
        return int(number) if number.is_integer() and 1 <= number <= CRITERIA_COUNT else None
    key = header_key(value)
    match = _CRITERION_HEADER.match(key)
    digits = match.group(1) if match else (key if key.isdigit() else None)
    if digits is None:
        return None
    number = int(digits)
    return number if 1 <= number <= CRITERIA_COUNT else None


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: object) -> str:
    """A cell as trimmed NFC text; whole floats lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return nfc(str(value)).strip()


_VN_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?$")  # 48.824  1.234,5
_VN_DECIMAL = re.compile(r"^[+-]?\d+(?:,\d+)?$")  # 10,59  48824
_EN_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:(?:,\d{3}){2,}(?:\.\d+)?|(?:,\d{3})+\.\d+)$")
_PLAIN_DECIMAL = re.compile(r"^[+-]?\d*\.\d+$")  # 10.5  0.125
_NUMBER_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def parse_number(value: object) -> float | None:
    """A number cell or Vietnamese number text → float; blank → None; raises ValueError otherwise.

    Text follows the Vietnamese convention (dot for thousands, comma for decimals): `48.824` is
    48824, `10,59` is 10.59, `1.234,5` is 1234.5. A dot followed by other than three digits can
    only be a decimal point (`10.5`), and `1,234,567.5` is unambiguous English style.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError("boolean is not a number")
    if isinstance(value, int | float):
        number = float(value)
        if np.isnan(number) or np.isinf(number):
            raise ValueError("not a finite number")
        return number
    if not isinstance(value, str):
        raise ValueError(f"{type(value).__name__} is not a number")
    text = _NUMBER_SPACES.sub("", value)
    if _VN_THOUSANDS.match(text):
        return float(text.replace(".", "").replace(",", "."))
    if _VN_DECIMAL.match(text):
        return float(text.replace(",", "."))
    if _EN_THOUSANDS.match(text):
        return float(text.replace(",", ""))
    if _PLAIN_DECIMAL.match(text):
        return float(text)
    raise ValueError(f"not a number: {value!r}")


def parse_flag(value: object) -> bool:
    """A criterion cell → met (True) / not met (False); raises ValueError for anything else."""
    if is_blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise ValueError("only 0 or 1")
    text = nfc(str(value)).strip()
    # fold_text('-') is '' (dashes are separators there), so dashes are tested first.
    if text in {"-", "–", "—"}:
        return False
    lowered = text.lower()
    folded = fold_text(text)
    if lowered in MET_TOKENS or folded in MET_TOKENS:
        return True
    if lowered in NOT_MET_TOKENS or folded in NOT_MET_TOKENS:
        return False
    raise ValueError(f"not a criterion status: {value!r}")


def _code_lookup(codes: dict[str, str]) -> dict[str, str]:
    """Accept a code or its Vietnamese label, matched by `header_key`."""
    lookup = {header_key(label): code for code, label in codes.items()}
    lookup.update({header_key(code): code for code in codes})
    return lookup


_PROGRAMME_LOOKUP = _code_lookup(PROGRAMMES)
_SOURCE_LOOKUP = _code_lookup(FUNDING_SOURCES)
_CRITERIA_SET_LOOKUP = _code_lookup(CRITERIA_SETS)
_POVERTY_LOOKUP = _code_lookup(POVERTY_STANDARDS)
_LEVEL_LOOKUP = {header_key(level): level for level in NTM_LEVELS}


def parse_date(value: object) -> date | None:
    """A date cell, ISO text (`2019-04-05`) or Vietnamese `05/04/2019` → date; else None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    match = re.match(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$", text)
    if match:
        try:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        except ValueError:
            return None
    return None


# --- converters: raw cell → (value, rule id of the failure or None) -------------------------------
Converted = tuple[Any, str | None]


def _convert_code(raw: object) -> Converted:
    if is_blank(raw):
        return None, None
    code = pad_code(raw.strip() if isinstance(raw, str) else raw, 5)
    return (code, None) if code else (None, "CELL-002")


def _convert_text(raw: object) -> Converted:
    text = cell_text(raw)
    return (text or None), None


def _convert_flag(raw: object) -> Converted:
    try:
        return parse_flag(raw), None
    except ValueError:
        return None, "TC-001"


# Whole numbers beyond this are not exact in a double and overflow the raw tables' integers: a
# finding on the cell, never a TypeError for the whole batch.
_LARGEST_WHOLE = 2**53


def _whole(
    rule_when_not_whole: str,
    rule_when_not_number: str = "CELL-001",
    limit: tuple[int, str] | None = None,
) -> Callable:
    """Converter of a whole-number cell; ``limit`` is (largest plausible value, its rule)."""

    def convert(raw: object) -> Converted:
        try:
            number = parse_number(raw)
        except ValueError:
            return None, rule_when_not_number
        if number is None:
            return None, None
        if limit is not None and number > limit[0]:
            return None, limit[1]
        if not number.is_integer() or abs(number) > _LARGEST_WHOLE:
            return None, rule_when_not_whole
        return int(number), None

    return convert


# `818.100`: one dot, exactly three digits after it. Read as 818,100 by the contract, but a
# district that meant 818.1 wrote the same text: say so (CELL-010).
_AMBIGUOUS_DOT = re.compile(r"^[+-]?\d{1,3}\.\d{3}$")


def _convert_amount(raw: object) -> Converted:
    try:
        number = parse_number(raw)
    except ValueError:
        return None, "CELL-001"
    if number is not None and abs(number) > MAX_AMOUNT_MILLION_VND:
        return None, "FUND-005"
    if isinstance(raw, str) and _AMBIGUOUS_DOT.match(_NUMBER_SPACES.sub("", raw)):
        return number, "CELL-010"
    return number, None


def _dot_readings(raw: object) -> dict[str, str]:
    """CELL-010's two readings of `818.100`: 818,100 (thousands) and 818.1 (a decimal point)."""
    text = _NUMBER_SPACES.sub("", str(raw))
    thousands = parse_number(text)
    decimal = float(text)
    decimal_text = f"{decimal:g}"
    return {
        "text": text,
        "thousands": f"{thousands:,.0f}",
        "decimal": decimal_text,
        "decimal_vi": decimal_text.replace(".", ","),
    }


def _lookup(table: dict[str, str], rule_id: str) -> Callable:
    def convert(raw: object) -> Converted:
        if is_blank(raw):
            return None, None
        code = table.get(header_key(raw))
        return (code, None) if code else (None, rule_id)

    return convert


def _remembered(convert: Callable[[object], Converted]) -> Callable[[object], Converted]:
    """A converter that remembers its answers for the few values a column repeats ('x', 'Đạt',
    1, programme names): criteria flags are most of a workbook's cells. Keyed by type and value,
    since 1, 1.0 and True are equal keys with different meanings here."""
    memo: dict[tuple[type, object], Converted] = {}

    def convert_remembered(raw: object) -> Converted:
        key = (type(raw), raw)
        found = memo.get(key)
        if found is None:
            found = convert(raw)
            if len(memo) < 4096:
                memo[key] = found
        return found

    return convert_remembered


CONVERTERS: dict[str, Callable[[object], Converted]] = {
    "commune_code": _convert_code,
    "commune_name": _convert_text,
    **dict.fromkeys(CRITERION_FIELDS, _remembered(_convert_flag)),
    "criteria_met_reported": _whole("TC-003"),
    "recognition_year": _whole("TC-004", "TC-004"),
    "ntm_level": _remembered(_lookup(_LEVEL_LOOKUP, "TC-005")),
    **dict.fromkeys(COUNT_FIELDS, _whole("HH-001", limit=(MAX_HOUSEHOLDS_PER_UNIT, "HH-006"))),
    "programme_code": _remembered(_lookup(_PROGRAMME_LOOKUP, "FUND-002")),
    "funding_source_code": _remembered(_lookup(_SOURCE_LOOKUP, "FUND-003")),
    **dict.fromkeys(AMOUNT_FIELDS, _convert_amount),
}


def _limit_params(limit: int) -> dict[str, str]:
    """A bound as each language writes it: 100,000 in English, 100.000 in Vietnamese."""
    return {"limit": f"{limit:,}", "limit_vi": f"{limit:,}".replace(",", ".")}


# Template params some rules need to explain themselves.
_RULE_PARAMS: dict[str, dict[str, Any]] = {
    "CELL-002": {"width": 5},
    "HH-006": _limit_params(MAX_HOUSEHOLDS_PER_UNIT),
    "FUND-005": _limit_params(MAX_AMOUNT_MILLION_VND),
    "FUND-002": {"known": ", ".join(PROGRAMMES)},
    "FUND-003": {"known": ", ".join(FUNDING_SOURCES)},
}


def _rule_params(rule_id: str, raw: object) -> dict[str, Any]:
    """Template params of a cell rule: fixed ones, or (CELL-010) computed from the cell."""
    if rule_id == "CELL-010":
        return _dot_readings(raw)
    return _RULE_PARAMS.get(rule_id, {})


# --- the workbook ---------------------------------------------------------------------------------
def read_workbook(
    path: Path,
    *,
    limits: GuardLimits | None = None,
    file_name: str | None = None,
    cover_only: bool = False,
    digest: tuple[str, int] | None = None,
) -> WorkbookExtract:
    """Read a district or commune workbook. Never raises on bad content: problems are in
    ``.findings``.

    ``cover_only`` reads just the cover (after the same guards): enough to learn the kind, the
    reporting unit and quarter of a file, at a fraction of the cost. ``digest`` is (sha256, size)
    when the caller has already hashed the file (the landing scan has), so it is not read twice.
    """
    path = Path(path)
    name = file_name or path.name
    try:
        sha256, size = digest if digest is not None else file_digest(path)
    except OSError as exc:
        extract = WorkbookExtract(path=path, file_name=name, sha256="", size_bytes=0)
        if isinstance(exc, NotRegularFile):  # a symlink, FIFO ...: never opened nor followed
            extract.findings.append(skipped_entry_finding(name, exc.kind))
        else:
            extract.findings.append(finding("FILE-010", file_name=name, detail=type(exc).__name__))
        return extract
    extract = WorkbookExtract(path=path, file_name=name, sha256=sha256, size_bytes=size)
    try:
        guard_findings = _checked(path, sha256, limits or GuardLimits())
    except Exception as exc:  # a guard that breaks on a file judges that file, not the run
        guard_findings = [processing_failure(name, "guards", exc)]
    if guard_findings:
        # Relabel with the caller's file name (the guard only knows the path on disk).
        extract.findings.extend(_renamed(f, name) for f in guard_findings)
        return extract
    try:
        _parse(extract, cover_only=cover_only)
    except BaseException as exc:  # calamine raises its own errors and pyo3 panics (BaseException)
        if isinstance(exc, KeyboardInterrupt | SystemExit | MemoryError):
            raise
        rule_id = "FILE-003" if type(exc).__name__ == "PasswordError" else "FILE-010"
        extract.findings.append(
            finding(rule_id, file_name=name, detail=f"{type(exc).__name__}: {exc}"[:300])
        )
    return extract


def _renamed(item: Finding, file_name: str) -> Finding:
    return item if item.file_name == file_name else replace(item, file_name=file_name)


# Work done once per file version in a process. A run reads every new file's cover first (to
# learn its quarter) and then the whole file in worker processes forked from it, so the guards'
# verdict, the formula scan and the sha256 are remembered, keyed by the bytes (sha256) or, for the
# digest, by the file's identity and mtime (not for files modified in the last 2 seconds, whose
# mtime could repeat within the file system's granularity: git's "racy" rule).
_MEMO_LIMIT = 50_000
_GUARDS: dict[tuple[str, str, GuardLimits], list[Finding]] = {}
_FORMULAS: dict[tuple[str, str], dict[str, list[str]]] = {}
_DIGESTS: dict[tuple[str, int, int, int], str] = {}
_RACY_SECONDS = 2.0


def _remember(memo: dict, key: Any, value: Any) -> Any:
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[key] = value
    return value


def file_digest(path: Path, stat: os.stat_result | None = None) -> tuple[str, int]:
    """(sha256, size) of a file, hashed once per version of it in this process."""
    stat = stat or os.lstat(path)  # a link's own identity: `_digest` then refuses to follow it
    key = (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    sha256 = _DIGESTS.get(key)
    if sha256 is not None:
        return sha256, stat.st_size
    sha256, size = sha256_and_size(path)
    if size == stat.st_size and time.time() - stat.st_mtime > _RACY_SECONDS:
        _remember(_DIGESTS, key, sha256)
    return sha256, size


def _checked(path: Path, sha256: str, limits: GuardLimits) -> list[Finding]:
    key = (sha256, str(path), limits)
    found = _GUARDS.get(key)
    if found is None:
        found = _remember(_GUARDS, key, check_file(path, limits))
    return list(found)


def _formulas(path: Path, sha256: str) -> dict[str, list[str]]:
    key = (sha256, str(path))
    found = _FORMULAS.get(key)
    if found is None:
        found = _remember(_FORMULAS, key, uncached_formula_cells(path))
    return {sheet: list(refs) for sheet, refs in found.items()}


def _parse(extract: WorkbookExtract, cover_only: bool = False) -> None:
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    workbook = CalamineWorkbook.from_path(str(extract.path))
    extract.sheet_names = list(workbook.sheet_names)
    visible = SheetVisibleEnum.Visible
    hidden = frozenset(s.name for s in workbook.sheets_metadata if s.visible != visible)
    choices = choose_sheets(extract.sheet_names, hidden)
    extract.findings.extend(_sheet_choice_findings(extract.file_name, choices))
    matched = {key: c.chosen for key, c in choices.items() if c.chosen is not None}
    uncached = _formulas(extract.path, extract.sha256)
    for key, title in SHEET_TITLES.items():
        if key not in choices:
            extract.findings.append(
                finding("SHEET-001", file_name=extract.file_name, sheet=title, title=title)
            )
    if SHEET_COVER in matched:
        sheet_name = matched[SHEET_COVER]
        extract.cover_sheet_name = sheet_name
        rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        extract.cover, cover_findings, extract.workbook_kind = read_cover(
            rows, extract.file_name, sheet_name
        )
        extract.findings.extend(cover_findings)
        labels = {f"B{int(item.cell_ref[1:])}": label for label, item in _cover_labels(extract)}
        extract.findings.extend(
            _formula_findings(extract.file_name, sheet_name, uncached.get(sheet_name), labels)
        )
    for key in (SHEET_CRITERIA, SHEET_HOUSEHOLDS, SHEET_FUNDING):
        if key not in matched or cover_only:
            continue
        sheet_name = matched[key]
        rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        if key == SHEET_CRITERIA and extract.workbook_kind == COMMUNE_WORKBOOK:
            table, sheet_findings = read_criterion_table(rows, extract.file_name, sheet_name)
            extract.criterion_rows = table
        else:
            table, sheet_findings = read_table(rows, key, extract.file_name, sheet_name)
            setattr(extract, key, table)
        extract.findings.extend(sheet_findings)
        headers = {c.column_letter: c.header_text for c in table.columns.values()} if table else {}
        extract.findings.extend(
            _formula_findings(extract.file_name, sheet_name, uncached.get(sheet_name), headers)
        )


def _cover_labels(extract: WorkbookExtract) -> list[tuple[str, CoverValue]]:
    headers = {column.field: column.header for column in COVER_FIELDS_OF[extract.workbook_kind]}
    return [(headers[name], item) for name, item in extract.cover.items()]


def _formula_findings(
    file_name: str, sheet_name: str, refs: list[str] | None, headers: dict[str, str]
) -> list[Finding]:
    """CELL-004 for each formula cell the file carries without a calculated value.

    ``headers`` maps a column letter (data sheets) or a cell ref (cover) to its header or label.
    """
    findings = []
    for ref in refs or []:
        match = _REF.match(ref)
        if not match:
            continue
        letters, row = match.group(1), int(match.group(2))
        findings.append(
            finding(
                "CELL-004",
                file_name=file_name,
                sheet=sheet_name,
                row=row,
                column=headers.get(letters) or headers.get(ref),
                cell_ref=ref,
            )
        )
    return findings


# --- formulas without a calculated value (.xlsx) --------------------------------------------------
# Programs that write workbooks without calculating them (openpyxl, some exporters) store a formula
# with no cached value; every parser then reads an empty cell. Only the formula text is in the file,
# so the warehouse cannot know the value: the cell is reported, never guessed.
_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")
_HAS_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_CELL_ELEMENT = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_CELL_R = re.compile(rb"\br\s*=\s*\"([A-Z]{1,3}[0-9]{1,7})\"")
_CELL_T_STR = re.compile(rb"\bt\s*=\s*\"str\"")
_VALUE = re.compile(rb"<(?:\w+:)?v\s*>(.*?)</(?:\w+:)?v\s*>", re.DOTALL)


def uncached_formula_cells(path: Path) -> dict[str, list[str]]:
    """Sheet name → refs of formula cells without a cached value; {} for non-xlsx files.

    Runs after the guards (sizes capped, no DTD). Cheap: a part is only searched cell by cell
    when it holds a formula at all.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                return {}
            parts = _sheet_parts(archive, names)
            found: dict[str, list[str]] = {}
            for sheet_name, part in parts.items():
                data = archive.read(part)
                if not _HAS_FORMULA.search(data):
                    continue
                refs = [
                    ref.group(1).decode()
                    for attrs, body in _CELL_ELEMENT.findall(data)
                    if body
                    and _HAS_FORMULA.search(body)
                    and _formula_without_value(attrs, body)
                    and (ref := _CELL_R.search(attrs))
                ]
                if refs:
                    found[sheet_name] = refs
            return found
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return {}


def _formula_without_value(attrs: bytes, body: bytes) -> bool:
    value = _VALUE.search(body)
    if value is None:
        return True  # no <v>, or an empty <v/>
    return not value.group(1).strip() and not _CELL_T_STR.search(attrs)


def _sheet_parts(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Sheet name → its part in the zip, from xl/workbook.xml and its relationships."""
    from defusedxml import ElementTree

    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels_name = "xl/_rels/workbook.xml.rels"
    targets: dict[str, str] = {}
    if rels_name in names:
        for rel in ElementTree.fromstring(archive.read(rels_name)):
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            targets[rel.get("Id", "")] = target
    parts: dict[str, str] = {}
    for element in workbook.iter():
        if not element.tag.endswith("}sheet"):
            continue
        rel_id = next((v for k, v in element.attrib.items() if k.endswith("}id")), "")
        part = targets.get(rel_id)
        if part in names:
            parts[element.get("name", "")] = part
    return parts


@dataclass(frozen=True)
class SheetChoice:
    """Which sheet of a file is read as one contract sheet: ``chosen`` is None when ambiguous."""

    key: str
    chosen: str | None
    candidates: tuple[str, ...]


def _is_contract_name(sheet_name: str, title: str) -> bool:
    """The sheet carries the contract's own name (case and accents aside), not a copy's name
    such as `Tieu chi (2)`."""
    return _KEY_DROP.sub("", fold_text(nfc(sheet_name))) == _KEY_DROP.sub("", fold_text(title))


def choose_sheets(
    sheet_names: list[str], hidden: frozenset[str] = frozenset()
) -> dict[str, SheetChoice]:
    """Contract sheet key → the sheet to read. Visible sheets win over hidden ones; of several
    candidates, the one with the contract's own name wins; otherwise the choice is ambiguous."""
    wanted = {header_key(title): key for key, title in SHEET_TITLES.items()}
    candidates: dict[str, list[str]] = {}
    for sheet_name in sheet_names:
        key = wanted.get(header_key(sheet_name))
        if key:
            candidates.setdefault(key, []).append(sheet_name)
    choices: dict[str, SheetChoice] = {}
    for key, names in candidates.items():
        visible = [name for name in names if name not in hidden] or names
        named = [name for name in visible if _is_contract_name(name, SHEET_TITLES[key])]
        chosen = visible[0] if len(visible) == 1 else named[0] if len(named) == 1 else None
        choices[key] = SheetChoice(key, chosen, tuple(names))
    return choices


def match_sheets(sheet_names: list[str], hidden: frozenset[str] = frozenset()) -> dict[str, str]:
    """Contract sheet key → sheet name in the file, for the keys with an unambiguous choice."""
    return {
        key: choice.chosen
        for key, choice in choose_sheets(sheet_names, hidden).items()
        if choice.chosen is not None
    }


def _sheet_choice_findings(file_name: str, choices: dict[str, SheetChoice]) -> list[Finding]:
    found: list[Finding] = []
    for key, choice in choices.items():
        title = SHEET_TITLES[key]
        if choice.chosen is None:
            sheets = ", ".join(f"'{name}'" for name in choice.candidates)
            found.append(
                finding(
                    "SHEET-005",
                    file_name=file_name,
                    sheet=choice.candidates[0],
                    title=title,
                    count=len(choice.candidates),
                    sheets=sheets,
                )
            )
        elif len(choice.candidates) > 1:
            ignored = ", ".join(f"'{n}'" for n in choice.candidates if n != choice.chosen)
            found.append(
                finding(
                    "SHEET-006",
                    file_name=file_name,
                    sheet=choice.chosen,
                    title=title,
                    chosen=choice.chosen,
                    ignored=ignored,
                )
            )
    return found


# --- cover ----------------------------------------------------------------------------------------
_MA_HUYEN = header_key("Mã huyện")
_MA_XA_LABEL = header_key("Mã xã")


def cover_kind(rows: list[list[Any]]) -> str:
    """The kind of workbook a cover belongs to: a `Mã huyện` label makes a district workbook, a
    `Mã xã` label without it a commune workbook; neither: a district workbook (whose cover then
    lacks `Mã huyện`, COV-001, as before the reform)."""
    labels = {header_key(row[0]) for row in rows if row and not is_blank(row[0])}
    if _MA_HUYEN in labels:
        return DISTRICT_WORKBOOK
    return COMMUNE_WORKBOOK if _MA_XA_LABEL in labels else DISTRICT_WORKBOOK


def read_cover(
    rows: list[list[Any]], file_name: str, sheet_name: str
) -> tuple[dict[str, CoverValue], list[Finding], str]:
    """Labels in column A, values in column B; labels matched by `header_key`.

    Returns the cover values, the findings and the kind of workbook the labels say
    (`cover_kind`). The values are converted once every label is found: the commune's number of
    criteria met is judged against the count of the cover's criteria set.
    """
    kind = cover_kind(rows)
    fields = COVER_FIELDS_OF[kind]
    wanted = {header_key(column.header): column for column in fields}
    found: dict[str, tuple[Column, int, Any, str]] = {}  # field → (column, Excel row, raw, label)
    for index, row in enumerate(rows):
        if not row or is_blank(row[0]):
            continue
        column = wanted.get(header_key(row[0]))
        if column is None or column.field in found:
            continue
        found[column.field] = (column, index + 1, row[1] if len(row) > 1 else "", cell_text(row[0]))
    set_raw = found["criteria_set"][2] if "criteria_set" in found else None
    criteria_set = None if is_blank(set_raw) else _CRITERIA_SET_LOOKUP.get(header_key(set_raw))
    cover: dict[str, CoverValue] = {}
    findings: list[Finding] = []
    for field_name, (column, excel_row, raw, written) in found.items():
        value, rule_id, params = convert_cover_value(field_name, raw, criteria_set)
        cover[field_name] = CoverValue(value=value, raw_value=raw, cell_ref=f"B{excel_row}")
        if rule_id:
            findings.append(
                finding(
                    rule_id,
                    file_name=file_name,
                    sheet=sheet_name,
                    row=excel_row,
                    column=written,
                    value=raw,
                    cell_ref=f"B{excel_row}",
                    label=column.header,
                    **params,
                )
            )
    for column in fields:
        item = cover.get(column.field)
        if column.required and (item is None or is_blank(item.raw_value)):
            findings.append(
                finding(
                    "COV-001",
                    file_name=file_name,
                    sheet=sheet_name,
                    row=int(item.cell_ref[1:]) if item else None,
                    column=column.header,
                    cell_ref=item.cell_ref if item else None,
                    label=column.header,
                )
            )
    return cover, findings, kind


_GROUP_PREFIX = re.compile(r"^(?:nhomxa|nhom|group)")


def parse_commune_group(raw: object) -> str | None:
    """`1`, `1.0`, `Nhóm 1`, `nhom 2`, `Group 3` → '1' / '2' / '3'; else None."""
    if isinstance(raw, bool):
        return None
    key = _GROUP_PREFIX.sub("", header_key(cell_text(raw)))
    return key if key in COMMUNE_GROUPS else None


def _whole_in(raw: object, low: int, high: int | None) -> int | None:
    """A whole number from ``low`` to ``high`` (None: no upper bound), else None."""
    try:
        number = parse_number(raw)
    except ValueError:
        return None
    if number is None or not number.is_integer() or number < low:
        return None
    if high is not None and number > high:
        return None
    return int(number)


def convert_cover_value(
    field_name: str, raw: object, criteria_set: str | None = None
) -> tuple[Any, str | None, dict[str, Any]]:
    """Cover value → (value, failing rule id or None, template params). Blank → (None, None).

    ``criteria_set``: the cover's set (its count bounds the commune's number of criteria met).
    """
    if is_blank(raw):
        return None, None, {}
    if field_name in ("province_code", "district_code", "commune_code"):
        width, rule_id = {
            "province_code": (2, "COV-002"),
            "district_code": (3, "COV-003"),
            "commune_code": (5, "COV-018"),
        }[field_name]
        code = pad_code(raw.strip() if isinstance(raw, str) else raw, width)
        return code, (None if code else rule_id), {}
    if field_name == "quarter":
        quarter = parse_quarter(cell_text(raw))
        return quarter, (None if quarter else "COV-005"), {}
    if field_name == "prepared_on":
        prepared = parse_date(raw)
        return prepared, (None if prepared else "COV-009"), {}
    if field_name == "criteria_set":
        code = _CRITERIA_SET_LOOKUP.get(header_key(raw))
        return code, (None if code else "COV-007"), {"known": ", ".join(CRITERIA_SETS)}
    if field_name == "poverty_standard":
        code = _POVERTY_LOOKUP.get(header_key(raw))
        return code, (None if code else "COV-008"), {"known": ", ".join(POVERTY_STANDARDS)}
    if field_name == "commune_group":
        group = parse_commune_group(raw)
        return group, (None if group else "COV-019"), {}
    if field_name == "criteria_met_reported":
        count = CRITERIA_SET_COUNTS.get(criteria_set or "")
        met = _whole_in(raw, 0, count)
        params = {"count": count or CRITERIA_COUNT, "criteria_set": criteria_set or "?"}
        return met, (None if met is not None else "TC-011"), params
    if field_name == "recognition_year":
        year = _whole_in(raw, 1000, 9999)
        return year, (None if year is not None else "TC-004"), {}
    if field_name == "ntm_level":
        level = _LEVEL_LOOKUP.get(header_key(raw))
        return level, (None if level else "TC-005"), {}
    return cell_text(raw) or None, None, {}


# --- data sheets ----------------------------------------------------------------------------------
_MA_XA = header_key("Mã xã")
_TIEU_CHI = header_key("Tiêu chí")


def find_header_row(rows: list[list[Any]], key: str = _MA_XA) -> int | None:
    """Index of the first row holding a `Mã xã` cell (or another header's ``key``; title lines
    above it are skipped)."""
    for index, row in enumerate(rows):
        for value in row:
            if isinstance(value, str) and header_key(value) == key:
                return index
    return None


def _cell(row: list[Any], index: int) -> Any:
    return row[index] if index < len(row) else ""


def map_columns(
    rows: list[list[Any]], header_index: int, sheet_key: str
) -> tuple[dict[str, tuple[int, str]], int, list[tuple[str, int, int]]]:
    """Map fields to (column index, header as written).

    Returns the mapping, the index of the first row after the header, and duplicates as
    (header, first column index, second column index).
    """
    columns: tuple[Column, ...] = SHEET_COLUMNS[sheet_key]
    wanted = {header_key(column.header): column.field for column in columns}
    header = rows[header_index]
    mapping: dict[str, tuple[int, str]] = {}
    duplicates: list[tuple[str, int, int]] = []

    def put(field_name: str, index: int, text: str) -> None:
        if field_name in mapping:
            duplicates.append((text, mapping[field_name][0], index))
        else:
            mapping[field_name] = (index, text)

    merged_criteria_at: int | None = None
    for index, value in enumerate(header):
        if is_blank(value) or not isinstance(value, str):
            continue
        key = header_key(value)
        text = " ".join(nfc(value).split())
        if key in wanted:
            put(wanted[key], index, text)
        elif sheet_key == SHEET_CRITERIA and key == _TIEU_CHI:
            merged_criteria_at = index
        elif sheet_key == SHEET_CRITERIA and (number := criterion_number(value)):
            put(CRITERION_FIELDS[number - 1], index, text)
    data_start = header_index + 1
    if sheet_key != SHEET_CRITERIA:
        return mapping, data_start, duplicates

    if merged_criteria_at is not None and header_index + 1 < len(rows):
        # Row N: 'Tiêu chí' merged over the criteria columns; row N+1: 1 … 19 under it.
        parent = " ".join(nfc(str(header[merged_criteria_at])).split())
        below = rows[header_index + 1]
        found = _numbers_under_merge(header, below, merged_criteria_at)
        for index, number in found:
            put(CRITERION_FIELDS[number - 1], index, f"{parent} {cell_text(below[index])}")
        if found:
            data_start = header_index + 2
    elif header_index > 0 and not any(f in mapping for f in CRITERION_FIELDS):
        # Row N-1: 'Tiêu chí' merged; row N (the 'Mã xã' row) carries 1 … 19 under it.
        above = rows[header_index - 1]
        for start, value in enumerate(above):
            if isinstance(value, str) and header_key(value) == _TIEU_CHI:
                parent = " ".join(nfc(value).split())
                for index, number in _numbers_under_merge(above, header, start):
                    text = f"{parent} {cell_text(header[index])}"
                    put(CRITERION_FIELDS[number - 1], index, text)
                break
    return mapping, data_start, duplicates


def _numbers_under_merge(upper: list[Any], lower: list[Any], start: int) -> list[tuple[int, int]]:
    """Columns under a merged cell starting at ``start`` (its other cells read as blank) that hold
    a criterion number; stops where the merge ends (the next non-blank cell of ``upper``)."""
    found: list[tuple[int, int]] = []
    for index in range(start, max(len(upper), len(lower))):
        if index > start and not is_blank(_cell(upper, index)):
            break
        number = criterion_number(_cell(lower, index))
        if number is not None:
            found.append((index, number))
        elif not is_blank(_cell(lower, index)):
            break
    return found


def _is_total_label(value: object) -> bool:
    if not isinstance(value, str):
        return False
    key = fold_text(value).rstrip(":").strip()
    return key in TOTAL_ROW_LABELS or key.startswith(("tong cong", "cong:", "tong so:"))


def _is_roman(value: object) -> bool:
    return isinstance(value, str) and bool(ROMAN_NUMERAL.match(fold_text(value).rstrip(".")))


def _is_numbering_row(values: list[Any]) -> bool:
    """A row of column numbers (1, 2, 3 … or (1), (2) …) under the header: not data."""
    numbers = []
    for value in values:
        if is_blank(value):
            continue
        text = cell_text(value).strip("()")
        if not text.isdigit():
            return False
        numbers.append(int(text))
    return len(numbers) >= 3 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def _has_number(row: list[Any], indexes: list[int]) -> bool:
    for index in indexes:
        value = _cell(row, index)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return True
        if isinstance(value, str) and value.strip():
            try:
                if parse_number(value) is not None:
                    return True
            except ValueError:
                continue
    return False


def _header_findings(
    mapping: dict[str, tuple[int, str]],
    duplicates: list[tuple[str, int, int]],
    columns: Iterable[Column],
    file_name: str,
    sheet_name: str,
    header_row: int,
) -> list[Finding]:
    """A header row's findings: a column given twice (SHEET-004: header text, first and second
    column index, 0-based) and a required column missing (SHEET-002)."""
    findings = [
        finding(
            "SHEET-004",
            file_name=file_name,
            sheet=sheet_name,
            row=header_row,
            column=text,
            cell_ref=f"{column_letters(second + 1)}{header_row}",
            header=text,
            first=column_letters(first + 1),
            second=column_letters(second + 1),
        )
        for text, first, second in duplicates
    ]
    findings.extend(
        finding(
            "SHEET-002",
            file_name=file_name,
            sheet=sheet_name,
            row=header_row,
            column=column.header,
            header=column.header,
        )
        for column in columns
        if column.required and column.field not in mapping
    )
    return findings


def _source_columns(mapping: dict[str, tuple[int, str]]) -> dict[str, SourceColumn]:
    """Each field's column as found: letter and header text (the trace's cell references)."""
    return {
        field_name: SourceColumn(field_name, column_letters(index + 1), text)
        for field_name, (index, text) in mapping.items()
    }


def read_table(
    rows: list[list[Any]], sheet_key: str, file_name: str, sheet_name: str
) -> tuple[SheetTable | None, list[Finding]]:
    """One data sheet → SheetTable (None when there is no header row) and findings."""
    findings: list[Finding] = []
    header_index = find_header_row(rows)
    if header_index is None:
        findings.append(finding("SHEET-003", file_name=file_name, sheet=sheet_name, header="Mã xã"))
        return None, findings
    mapping, data_start, duplicates = map_columns(rows, header_index, sheet_key)
    header_row = header_index + 1
    findings.extend(
        _header_findings(
            mapping, duplicates, SHEET_COLUMNS[sheet_key], file_name, sheet_name, header_row
        )
    )
    source_columns = _source_columns(mapping)
    fields = FRAME_FIELDS[sheet_key]
    present = [(f, mapping[f][0]) for f in fields if f in mapping]
    lead_indexes = sorted(
        index for f, (index, _) in mapping.items() if f in ("stt", "commune_code", "commune_name")
    )
    lead_span = range((lead_indexes[-1] + 1) if lead_indexes else 3)
    code_index = mapping.get("commune_code", (None,))[0]
    stt_index = mapping.get("stt", (None,))[0]
    name_index = mapping.get("commune_name", (None,))[0]
    total_fields = [(f, mapping[f][0]) for f in TOTAL_FIELDS[sheet_key] if f in mapping]
    numeric_indexes = [index for _, index in total_fields]
    labels_index = [
        mapping[f][0] for f in ("programme_code", "funding_source_code") if f in mapping
    ]

    values: dict[str, list[Any]] = {f: [] for f in fields}
    excel_rows: list[int] = []
    total_row: dict[str, float] | None = None
    total_excel_row: int | None = None
    for index in range(data_start, len(rows)):
        row = rows[index]
        mapped = [_cell(row, i) for _, i in present]
        if all(is_blank(v) for v in mapped):
            continue  # blank line, or only STT/note filled in
        code_raw = _cell(row, code_index) if code_index is not None else ""
        # A row of numbers without a code is a total row, unless it names a commune (then it is
        # a commune whose code was forgotten) or, in Nguon von, a programme/source (district level).
        if any(_is_total_label(_cell(row, i)) for i in lead_span) or (
            is_blank(code_raw)
            and (name_index is None or is_blank(_cell(row, name_index)))
            and all(is_blank(_cell(row, i)) for i in labels_index)
            and _has_number(row, numeric_indexes)
        ):
            total_row = _total_values(row, total_fields)
            total_excel_row = index + 1
            continue
        if is_blank(code_raw) and stt_index is not None and _is_roman(_cell(row, stt_index)):
            continue  # section row: I, II …
        if _is_numbering_row(mapped):
            continue
        excel_row = index + 1
        excel_rows.append(excel_row)
        for field_name in fields:
            if field_name not in mapping:
                values[field_name].append(None)
                continue
            column_index, header_text = mapping[field_name]
            raw = _cell(row, column_index)
            value, rule_id = CONVERTERS[field_name](raw)
            values[field_name].append(value)
            if rule_id:
                findings.append(
                    finding(
                        rule_id,
                        file_name=file_name,
                        sheet=sheet_name,
                        row=excel_row,
                        column=header_text,
                        value=raw,
                        cell_ref=f"{column_letters(column_index + 1)}{excel_row}",
                        **_rule_params(rule_id, raw),
                    )
                )
    frame = build_frame(values, excel_rows, fields)
    table = SheetTable(
        sheet_name=sheet_name,
        frame=frame,
        columns=source_columns,
        header_excel_row=header_row,
        total_row=total_row,
        total_excel_row=total_excel_row,
    )
    return table, findings


# --- the commune workbook's long criteria sheet ---------------------------------------------------
_MA_TIEU_CHI = header_key("Mã tiêu chí")
# A tolerated spelling of a criterion row's code: `TC1`, `Tiêu chí 1` (no indicator).
_CRITERION_LABEL = re.compile(r"^(?:tc|tieuchi|tieuchiso)0*(\d{1,2})$")


def parse_criterion_code(value: object) -> tuple[str, int, int | None] | None:
    """`1` → ('1', 1, None); `1.2` / `01 . 2` → ('1.2', 1, 2); `TC1` → ('1', 1, None); else None.

    A code typed as a number reads as that number: 1.10 is the number 1.1, so indicator codes
    are best written as text (the template's cells are text).
    """
    if is_blank(value) or isinstance(value, bool):
        return None
    text = cell_text(value)
    match = CRITERION_CODE.match(text)
    if match:
        number = int(match.group(1))
        indicator = int(match.group(2)) if match.group(2) else None
        code = f"{number}" if indicator is None else f"{number}.{indicator}"
        return code, number, indicator
    label = _CRITERION_LABEL.match(header_key(text))
    return (f"{int(label.group(1))}", int(label.group(1)), None) if label else None


def read_criterion_table(
    rows: list[list[Any]], file_name: str, sheet_name: str
) -> tuple[SheetTable | None, list[Finding]]:
    """The commune workbook's `Tieu chi`: one row per criterion (`1` …) or indicator (`1.1` …).

    The header row is the row with a `Mã tiêu chí` cell. Codes become (criterion_code,
    criterion_no, indicator_no); an unreadable one is TC-012 at its cell. Statuses are read as
    the district sheet's flags (blank = not met; anything else TC-001). Whether the codes fit the
    cover's criteria set is judged by validation, which knows the set.
    """
    findings: list[Finding] = []
    header_index = find_header_row(rows, _MA_TIEU_CHI)
    if header_index is None:
        findings.append(
            finding("SHEET-003", file_name=file_name, sheet=sheet_name, header="Mã tiêu chí")
        )
        return None, findings
    header_row = header_index + 1
    wanted = {header_key(column.header): column.field for column in COMMUNE_CRITERIA_COLUMNS}
    mapping: dict[str, tuple[int, str]] = {}
    duplicates: list[tuple[str, int, int]] = []
    for index, value in enumerate(rows[header_index]):
        if is_blank(value) or not isinstance(value, str):
            continue
        field_name = wanted.get(header_key(value))
        if field_name is None:
            continue
        text = " ".join(nfc(value).split())
        if field_name in mapping:
            duplicates.append((text, mapping[field_name][0], index))
        else:
            mapping[field_name] = (index, text)
    findings.extend(
        _header_findings(
            mapping, duplicates, COMMUNE_CRITERIA_COLUMNS, file_name, sheet_name, header_row
        )
    )
    source_columns = _source_columns(mapping)
    code_at = mapping.get("criterion_code", (None, ""))
    name_at = mapping.get("criterion_name", (None, ""))
    met_at = mapping.get("is_met", (None, ""))
    stt_index = mapping.get("stt", (None,))[0]
    data_indexes = [i for i, _ in (code_at, name_at, met_at) if i is not None]
    all_indexes = sorted(index for index, _ in mapping.values())
    values: dict[str, list[Any]] = {f: [] for f in CRITERION_ROW_FIELDS}
    excel_rows: list[int] = []
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        if all(is_blank(_cell(row, i)) for i in data_indexes):
            continue  # blank line, or only STT/note filled in
        if _is_numbering_row([_cell(row, i) for i in all_indexes]):
            continue
        if any(_is_total_label(_cell(row, i)) for i in all_indexes):
            continue
        code_raw = _cell(row, code_at[0]) if code_at[0] is not None else ""
        if is_blank(code_raw) and stt_index is not None and _is_roman(_cell(row, stt_index)):
            continue  # section row: I, II …
        excel_row = index + 1
        excel_rows.append(excel_row)
        parsed = parse_criterion_code(code_raw)
        if parsed is None:
            if code_at[0] is not None:
                findings.append(
                    finding(
                        "TC-012",
                        file_name=file_name,
                        sheet=sheet_name,
                        row=excel_row,
                        column=code_at[1],
                        value=code_raw,
                        cell_ref=f"{column_letters(code_at[0] + 1)}{excel_row}",
                        code=cell_text(code_raw),
                    )
                )
            parsed = (cell_text(code_raw) or None, None, None)
        for field_name, value in zip(CRITERION_ROW_FIELDS[:3], parsed, strict=True):
            values[field_name].append(value)
        name = _cell(row, name_at[0]) if name_at[0] is not None else None
        values["criterion_name"].append(_convert_text(name)[0])
        if met_at[0] is None:
            values["is_met"].append(None)
            continue
        raw = _cell(row, met_at[0])
        is_met, rule_id = _convert_flag(raw)
        values["is_met"].append(is_met)
        if rule_id:
            findings.append(
                finding(
                    rule_id,
                    file_name=file_name,
                    sheet=sheet_name,
                    row=excel_row,
                    column=met_at[1],
                    value=raw,
                    cell_ref=f"{column_letters(met_at[0] + 1)}{excel_row}",
                )
            )
    table = SheetTable(
        sheet_name=sheet_name,
        frame=build_frame(values, excel_rows, CRITERION_ROW_FIELDS),
        columns=source_columns,
        header_excel_row=header_row,
    )
    return table, findings


def _total_values(row: list[Any], total_fields: list[tuple[str, int]]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for field_name, index in total_fields:
        try:
            number = parse_number(_cell(row, index))
        except ValueError:
            continue
        if number is not None:
            totals[field_name] = number
    return totals


def build_frame(
    values: dict[str, list[Any]], excel_rows: list[int], fields: tuple[str, ...]
) -> pd.DataFrame:
    """Build the typed frame once from plain lists (no per-cell pandas work)."""
    data: dict[str, Any] = {}
    for field_name in fields:
        dtype = field_dtype(field_name)
        column = values[field_name]
        if dtype == "float64":
            data[field_name] = np.array(
                [np.nan if v is None else v for v in column], dtype="float64"
            )
        elif dtype == "object":
            data[field_name] = pd.array(column, dtype=object)
        else:
            data[field_name] = _masked_array(column, dtype)
    data["excel_row"] = np.array(excel_rows, dtype="int64")
    return pd.DataFrame(data)


def _masked_array(column: list[Any], dtype: str) -> Any:
    """`pd.array(column, dtype)` for "boolean" / "Int64", built from numpy values and a mask.

    pandas infers the type of every element when given a list; the converters give only
    bool / int / None here, so the arrays are built directly (anything else: pandas' own way).
    """
    kind = bool if dtype == "boolean" else int
    if all(v is None or (type(v) is kind) for v in column):
        mask = np.fromiter((v is None for v in column), dtype=bool, count=len(column))
        try:
            if kind is bool:
                filled = np.fromiter((v is True for v in column), dtype=bool, count=len(column))
                return pd.arrays.BooleanArray(filled, mask)
            filled = np.array([0 if v is None else v for v in column], dtype="int64")
            return pd.arrays.IntegerArray(filled, mask)
        except (OverflowError, ValueError, TypeError):
            pass
    return pd.array(column, dtype=dtype)
