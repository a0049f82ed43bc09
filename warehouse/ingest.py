"""Landing folder → read → validate → raw tables, archive and quarantine.

Plain functions, no Dagster: the ingest asset, the sensor, the CLI and the benchmark all call them.
A workbook version is identified by the sha256 of its bytes: the same bytes twice are processed
once, and a version already in the raw layer is never read again.
"""

from __future__ import annotations

import csv
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from schemas.registry import FINDING_COLUMNS, FINDING_FIELDS
from schemas.validate import validate_workbooks
from sources.arrivals import (
    FIRST_SEEN,
    Arrival,
    LandingLedger,
    arrival_key,
    landing_arrival,
    record_arrivals,
    record_landing_arrivals,
)
from sources.contract import ALL_COVER_FIELDS, COVER_FIELDS_OF, DISTRICT_WORKBOOK
from sources.digest import sha256_stream
from sources.extract import SheetTable, WorkbookExtract
from sources.findings import Finding
from sources.guards import GuardLimits, open_regular
from sources.landing import (
    LandingFile,
    SkippedEntry,
    first_seen,
    landing_sightings,
    new_arrivals,
    scan_landing_entries,
    unique_new_files,
)
from sources.reader import read_workbook
from sources.rules import finding, processing_failure
from sources.safe_text import FORMULA_PREFIXES, bounded_stem, neutralise_formula
from warehouse.area import WorkingArea
from warehouse.crash_points import CrashPoint, no_crash
from warehouse.ingest_workers import worker_context
from warehouse.raw_store import (
    TABLE_COLUMNS,
    RawBatch,
    append_batch,
    known_versions,
    last_arrivals_by_name,
)

log = logging.getLogger(__name__)

PARALLEL_THRESHOLD = 8  # below this many files a process pool costs more than it saves
MAX_CHUNK = 200  # files per child task: bounds memory per task
# Files read, loaded and committed together: bounds a run's memory whatever lands (16 national
# quarters are 11,000 workbooks); each workbook is still all or nothing.
INGEST_BATCH_FILES = 1000


@dataclass
class Outcome:
    """A landing file read and judged: accepted, or rejected with every finding."""

    file: LandingFile
    extract: WorkbookExtract
    findings: list[Finding]
    # sheet → (frame of the whole chunk the file was read in, first row, end row), when it was
    # read in a child process: the raw rows are then taken in a few large slices.
    stacked: dict[str, tuple[pd.DataFrame, int, int]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def accepted(self) -> bool:
        return not any(f.is_error for f in self.findings)

    @property
    def quarter(self) -> str | None:
        return self.extract.quarter

    @property
    def reporter_key(self) -> str:
        """`02-026` (province-district) or `08-00691` (province-commune): the unit that reports,
        as a district or commune workbook's file name states it."""
        blank = "???" if self.extract.workbook_kind == DISTRICT_WORKBOOK else "?????"
        return f"{self.extract.province_code or '??'}-{self.extract.reporter_code or blank}"

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    def release_rows(self) -> None:
        """Drop the sheet rows once loaded (the findings and the cover stay)."""
        self.stacked = {}
        for attr in _SHEETS:
            table = getattr(self.extract, attr, None)
            if table is not None:
                table.frame = None


@dataclass
class IngestSummary:
    load_id: str
    seen: int = 0
    already_loaded: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    deferred: int = 0  # new files whose quarter is outside the quarters being run
    # sha256 → where the file was kept: archive/<sha256>.xlsx or rejected/<sha256>/<name>
    # (a file rejected for its size is not kept: it has no entry)
    stored: dict[str, Path] = field(default_factory=dict)
    # sha256 → the .xlsx report of a rejected file, rejected/<sha256>/<name>.errors.xlsx
    reports: dict[str, Path] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    skipped: list[SkippedEntry] = field(default_factory=list)
    # New arrivals of versions loaded before (an earlier version sent again): no rows, an arrival.
    rearrived: list[LandingFile] = field(default_factory=list)

    @property
    def accepted(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.accepted]

    @property
    def rejected(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.accepted]


def arrival_frame(
    entries: Sequence[LandingFile],
    versions: Mapping[str, Arrival],
    ledger: LandingLedger,
    load_id: str,
) -> pd.DataFrame:
    """raw.arrivals rows for landing entries. The first entry of a version arrives when the version
    was received (``versions``, so the two agree); any later entry of the same bytes when it was
    stamped itself (``ledger``: the sensor's or the scan's sighting, or its file time)."""
    records, firsts = [], set()
    for entry in entries:
        first = entry.sha256 in versions and entry.sha256 not in firsts
        firsts.add(entry.sha256)
        arrival = (
            versions[entry.sha256]
            if first
            else landing_arrival(ledger, entry.file_name, entry.sha256)
            or Arrival(entry.seen_at or datetime.now(), FIRST_SEEN)
        )
        records.append(
            {
                "arrival_id": arrival_key(
                    entry.sha256, entry.file_name, arrival.received_at, load_id
                ),
                "workbook_sha256": entry.sha256,
                "file_name": entry.file_name,
                "file_size_bytes": entry.size_bytes,
                "file_modified_at": entry.modified_at,
                "arrived_at": arrival.received_at,
                "received_basis": arrival.basis,
                "load_id": load_id,
            }
        )
    return pd.DataFrame.from_records(records, columns=TABLE_COLUMNS["arrivals"])


def arrival_order(outcome: Outcome, arrivals: Mapping[str, Arrival]) -> tuple:
    """The documented order of versions of one (quarter, reporting unit): arrival time, then file
    modification time, then file name (the sha256 last, for identical names and times)."""
    arrival = arrivals[outcome.file.sha256]
    return (
        arrival.received_at,
        outcome.file.modified_at,
        outcome.file.file_name,
        outcome.file.sha256,
    )


def warn_superseded_in_run(outcomes: Sequence[Outcome], arrivals: Mapping[str, Arrival]) -> int:
    """Two accepted versions of one (quarter, reporting unit) in one run: only the last in
    `arrival_order` is in force; every earlier one gets an XREF-006 warning naming both files, so
    the office and the auditor see which file was never published. Returns how many.

    The reporting unit is (workbook kind, province, district or commune): codes of the two kinds
    never meet, and a kind only reports its own quarters (COV-016/COV-017)."""
    groups: dict[tuple, list[Outcome]] = {}
    for outcome in outcomes:
        if outcome.accepted and outcome.quarter and outcome.extract.reporter_code:
            key = (outcome.extract.workbook_kind, outcome.reporter_key, outcome.quarter)
            groups.setdefault(key, []).append(outcome)
    warned = 0
    for (kind, reporter, quarter), versions in groups.items():
        ordered = sorted(versions, key=lambda o: arrival_order(o, arrivals))
        successor = ordered[-1].file.file_name
        for outcome in ordered[:-1]:
            outcome.findings.append(
                finding(
                    "XREF-006",
                    file_name=outcome.file.file_name,
                    value=successor,
                    superseded=outcome.file.file_name,
                    successor=successor,
                    reporter=reporter,
                    unit_vi="huyện" if kind == DISTRICT_WORKBOOK else "xã",
                    unit_en="district" if kind == DISTRICT_WORKBOOK else "commune",
                    quarter=quarter,
                )
            )
            warned += 1
    return warned


def evaluate_chunk(
    files: Sequence[LandingFile], today: date | None = None, limits: GuardLimits | None = None
) -> list[Outcome]:
    """Read files and validate them as one batch (one pandera call per sheet type).

    An exception while reading or validating one file is a finding on that file (FILE-012),
    never the batch's failure: a batch whose validation raises is validated again file by file,
    so only the file at fault is rejected for it.
    """
    extracts = [_read(f, limits) for f in files]
    try:
        results = validate_workbooks(extracts, today=today)
    except Exception:
        log.exception("validating %d workbooks together failed: validating each alone", len(files))
        return [
            _validate_alone(f, extract, today) for f, extract in zip(files, extracts, strict=True)
        ]
    return [
        Outcome(f, extract, list(result.findings))
        for f, extract, result in zip(files, extracts, results, strict=True)
    ]


def _bare_extract(landing_file: LandingFile) -> WorkbookExtract:
    return WorkbookExtract(
        path=landing_file.path,
        file_name=landing_file.file_name,
        sha256=landing_file.sha256,
        size_bytes=landing_file.size_bytes,
    )


def _read(landing_file: LandingFile, limits: GuardLimits | None) -> WorkbookExtract:
    try:
        return read_workbook(
            landing_file.path,
            digest=(landing_file.sha256, landing_file.size_bytes),
            file_name=landing_file.file_name,
            limits=limits,
        )
    except Exception as exc:
        log.exception("reading %s failed", landing_file.file_name)
        extract = _bare_extract(landing_file)
        extract.findings.append(processing_failure(landing_file.file_name, "reading", exc))
        return extract


def _validate_alone(
    landing_file: LandingFile, extract: WorkbookExtract, today: date | None
) -> Outcome:
    try:
        return Outcome(
            landing_file, extract, list(validate_workbooks([extract], today=today)[0].findings)
        )
    except Exception as exc:
        log.exception("validating %s failed", landing_file.file_name)
        failure = processing_failure(landing_file.file_name, "validating", exc)
        return Outcome(landing_file, extract, [*extract.findings, failure])


# The extract's sheet tables: the district criteria sheet (wide), the commune criteria sheet
# (long), households and funding.
_SHEETS = ("criteria", "criterion_rows", "households", "funding")
Packed = tuple[list[Outcome], dict[str, tuple[pd.DataFrame, list[int]]]]


def _evaluate_packed(
    files: Sequence[LandingFile], today: date | None, limits: GuardLimits | None = None
) -> Packed:
    """`evaluate_chunk` in a child process, packed to cross the process boundary cheaply.

    Unpickling hundreds of small typed frames cost the parent more than reading them cost the
    child, so each sheet type's frames travel stacked as one frame with the row count of each
    workbook (`_unpack` slices them back).
    """
    outcomes = evaluate_chunk(files, today, limits)
    packed: dict[str, tuple[pd.DataFrame, list[int]]] = {}
    for attr in _SHEETS:
        tables = [getattr(o.extract, attr) for o in outcomes]
        moved = [t is not None and not t.frame.empty for t in tables]
        if not any(moved):
            continue
        frames = [t.frame for t, m in zip(tables, moved, strict=True) if m]
        sizes = [len(t.frame) if m else -1 for t, m in zip(tables, moved, strict=True)]
        packed[attr] = (pd.concat(frames, ignore_index=True), sizes)
        for table, m in zip(tables, moved, strict=True):
            if m:
                table.frame = None  # travels in the stacked frame
    return outcomes, packed


def _unpack(result: Packed) -> list[Outcome]:
    outcomes, packed = result
    for attr, (frame, sizes) in packed.items():
        start = 0
        for outcome, size in zip(outcomes, sizes, strict=True):
            if size < 0:
                continue
            table = getattr(outcome.extract, attr)
            table.frame = frame.iloc[start : start + size].reset_index(drop=True)
            outcome.stacked[attr] = (frame, start, start + size)
            start += size
    return outcomes


def _chunks(files: Sequence[LandingFile], count: int) -> list[list[LandingFile]]:
    size = max(1, -(-len(files) // count))
    return [list(files[i : i + size]) for i in range(0, len(files), size)]


def evaluate_files(
    files: Sequence[LandingFile],
    today: date | None = None,
    workers: int | None = None,
    limits: GuardLimits | None = None,
) -> list[Outcome]:
    """Read and validate files, in parallel processes when there are enough of them.

    Each process takes a few large chunks (validation costs per call, not per row), so the
    files are split into ``4 × workers`` chunks at most, of at most ``MAX_CHUNK`` files.
    A child process also shields the run from a parser that dies on a hostile file.
    """
    limits = limits or GuardLimits()
    if workers == 1 or len(files) < PARALLEL_THRESHOLD:
        return evaluate_chunk(files, today, limits) if files else []
    workers = workers or os.cpu_count() or 1
    chunks = _chunks(files, max(4 * workers, -(-len(files) // MAX_CHUNK)))
    # Workers start from the worker server, not from this process: the limits travel with the
    # work.
    outcomes: list[Outcome] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=worker_context()) as pool:
        futures = [pool.submit(_evaluate_packed, chunk, today, limits) for chunk in chunks]
        for chunk, future in zip(chunks, futures, strict=True):
            try:
                outcomes.extend(_unpack(future.result()))
            except Exception:
                # A worker died (a parser that aborts the process) or its result could not come
                # back: that chunk's files are evaluated again one per process, so only the
                # file at fault is rejected.
                log.exception("a worker failed on %d files: evaluating each alone", len(chunk))
                outcomes.extend(_evaluate_one_by_one(chunk, today, limits))
    return outcomes


def _evaluate_one_by_one(
    files: Sequence[LandingFile], today: date | None, limits: GuardLimits
) -> list[Outcome]:
    outcomes = []
    for landing_file in files:
        try:
            with ProcessPoolExecutor(max_workers=1, mp_context=worker_context()) as pool:
                outcomes.extend(
                    _unpack(pool.submit(_evaluate_packed, [landing_file], today, limits).result())
                )
        except Exception as exc:
            failure = processing_failure(landing_file.file_name, "reading", exc)
            outcomes.append(Outcome(landing_file, _bare_extract(landing_file), [failure]))
    return outcomes


# --- frames for the raw tables ------------------------------------------------------------------
def _sheet_rows(outcomes: Sequence[Outcome], attr: str, load_id: str, table: str) -> pd.DataFrame:
    """One sheet type of many workbooks as one frame with its provenance columns.

    Rows are taken in as few pieces as possible (consecutive workbooks of one chunk are one
    slice of its stacked frame) and the provenance is added as whole columns: no per-workbook
    pandas work, which at national scale cost more than the rows themselves.
    """
    pieces: list[list] = []  # [frame, start, stop]
    sizes, shas, names, sheets = [], [], [], []
    for outcome in outcomes:
        sheet: SheetTable | None = getattr(outcome.extract, attr)
        if sheet is None or sheet.frame is None or sheet.frame.empty:
            continue
        frame, start, stop = outcome.stacked.get(attr, (sheet.frame, 0, len(sheet.frame)))
        if pieces and pieces[-1][0] is frame and pieces[-1][2] == start:
            pieces[-1][2] = stop
        else:
            pieces.append([frame, start, stop])
        sizes.append(stop - start)
        shas.append(outcome.file.sha256)
        names.append(outcome.file.file_name)
        sheets.append(sheet.sheet_name)
    if not pieces:
        return pd.DataFrame(columns=TABLE_COLUMNS[table])
    parts = [
        frame if start == 0 and stop == len(frame) else frame.iloc[start:stop]
        for frame, start, stop in pieces
    ]
    frame = (parts[0].copy() if len(parts) == 1 else pd.concat(parts, ignore_index=True)).drop(
        columns=["stt", "note"], errors="ignore"
    )
    frame["workbook_sha256"] = np.repeat(np.array(shas, dtype=object), sizes)
    frame["load_id"] = load_id
    frame["file_name"] = np.repeat(np.array(names, dtype=object), sizes)
    frame["sheet_name"] = np.repeat(np.array(sheets, dtype=object), sizes)
    return frame


def _sheet_columns(outcomes: Sequence[Outcome]) -> pd.DataFrame:
    records = [
        (
            outcome.file.sha256,
            table.sheet_name,
            column.field,
            column.column_letter,
            column.header_text,
        )
        for outcome in outcomes
        for table in (getattr(outcome.extract, attr) for attr in _SHEETS)
        if table is not None
        for column in table.columns.values()
    ]
    return pd.DataFrame.from_records(records, columns=TABLE_COLUMNS["sheet_columns"])


def _cover_cells(outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """raw.cover_cells: where each cover value of every version was read (both kinds)."""
    records = []
    for outcome in outcomes:
        extract = outcome.extract
        labels = {c.field: c.header for c in COVER_FIELDS_OF[extract.workbook_kind]}
        records.extend(
            (outcome.file.sha256, extract.cover_sheet_name, name, item.cell_ref, labels.get(name))
            for name, item in extract.cover.items()
        )
    return pd.DataFrame.from_records(records, columns=TABLE_COLUMNS["cover_cells"])


def _version_record(
    outcome: Outcome, load_id: str, arrival: Arrival, archive_path: Path | None
) -> dict[str, object]:
    extract = outcome.extract
    return {
        "workbook_sha256": outcome.file.sha256,
        "load_id": load_id,
        "file_name": outcome.file.file_name,
        "file_size_bytes": outcome.file.size_bytes,
        "received_at": arrival.received_at,
        "file_modified_at": outcome.file.modified_at,
        "received_basis": arrival.basis,
        "status": "accepted" if outcome.accepted else "rejected",
        "error_count": len(outcome.errors),
        "warning_count": len(outcome.findings) - len(outcome.errors),
        **{column.field: extract.cover_value(column.field) for column in ALL_COVER_FIELDS},
        "archive_path": str(archive_path) if archive_path else None,
        "workbook_kind": extract.workbook_kind,
    }


def _rejection_records(outcome: Outcome, load_id: str) -> list[dict[str, object]]:
    """raw.rejections rows: each finding's fields, under the version's own provenance (its file
    name too, as in every raw table: the landing name this version was read under)."""
    provenance = {
        "workbook_sha256": outcome.file.sha256,
        "load_id": load_id,
        "file_name": outcome.file.file_name,
    }
    return [
        {
            **{column: getattr(f, field) for column, field in FINDING_COLUMNS},
            **provenance,
        }
        for f in outcome.findings
    ]


def _report_values(f: Finding) -> list[object]:
    """A finding's fields in the reports' column order."""
    return [getattr(f, field) for field in FINDING_FIELDS]


def build_batch(
    outcomes: Sequence[Outcome],
    load_id: str,
    arrivals: Mapping[str, Arrival],
    archive_paths: Mapping[str, Path | None],
) -> RawBatch:
    """Raw-table frames for a set of outcomes; data rows only for accepted workbooks."""
    accepted = [o for o in outcomes if o.accepted]
    versions = pd.DataFrame.from_records(
        [
            _version_record(o, load_id, arrivals[o.file.sha256], archive_paths.get(o.file.sha256))
            for o in outcomes
        ]
    )
    rejections = pd.DataFrame.from_records(
        [r for o in outcomes for r in _rejection_records(o, load_id)]
    )
    return RawBatch(
        frames={
            "workbook_versions": versions,
            "criteria_rows": _sheet_rows(accepted, "criteria", load_id, "criteria_rows"),
            "criterion_rows": _sheet_rows(accepted, "criterion_rows", load_id, "criterion_rows"),
            "household_rows": _sheet_rows(accepted, "households", load_id, "household_rows"),
            "funding_rows": _sheet_rows(accepted, "funding", load_id, "funding_rows"),
            "sheet_columns": _sheet_columns(accepted),
            "cover_cells": _cover_cells(outcomes),
            "rejections": rejections,
        }
    )


# --- files: archive and quarantine --------------------------------------------------------------
def write_rejection_report(findings: Sequence[Finding], path: Path) -> Path:
    """A CSV a district officer opens in Excel (UTF-8 with BOM so Vietnamese shows right)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(FINDING_FIELDS)
        for f in findings:
            writer.writerow([neutralise_formula(v) for v in _report_values(f)])
    return path


REPORT_HEADERS_VI = (
    "Tệp",
    "Trang tính",
    "Dòng",
    "Cột",
    "Ô",
    "Giá trị",
    "Mã lỗi",
    "Mức độ",
    "Nội dung (tiếng Việt)",
    "Message (English)",
)


def write_rejection_workbook(findings: Sequence[Finding], path: Path) -> Path:
    """The same report as an .xlsx a district officer opens in Excel.

    Every cell is written as text or a number, never as a formula; text a spreadsheet would run
    as a formula (= + - @) also gets Excel's quote prefix, so it stays text even when edited.
    """
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    try:
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "text_wrap": True})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        quoted = book.add_format({"text_wrap": True, "valign": "top", "quote_prefix": True})
        error = book.add_format({"font_color": "#C00000", "bold": True, "valign": "top"})
        sheet = book.add_worksheet("Loi - Errors")
        for col, (vi, en) in enumerate(zip(REPORT_HEADERS_VI, FINDING_FIELDS, strict=True)):
            sheet.write_string(0, col, f"{vi}\n{en}", header)
        sheet.set_row(0, 30)
        for col, width in enumerate((28, 14, 7, 22, 7, 18, 10, 9, 60, 60)):
            sheet.set_column(col, col, width)
        sheet.freeze_panes(1, 0)
        severity_col = FINDING_FIELDS.index("severity")
        for row, f in enumerate(findings, start=1):
            for col, value in enumerate(_report_values(f)):
                if value is None:
                    continue
                if isinstance(value, int):
                    sheet.write_number(row, col, value)
                elif col == severity_col and value == "error":
                    sheet.write_string(row, col, value, error)
                else:
                    text = str(value)
                    fmt = quoted if text.startswith(FORMULA_PREFIXES) else wrap
                    sheet.write_string(row, col, text, fmt)
        if findings:
            sheet.autofilter(0, 0, len(findings), len(FINDING_FIELDS) - 1)
    finally:
        book.close()
    return path


def kept_name(landing_file: LandingFile) -> str:
    """The quarantined copy's name: the landing name, its stem bounded (`bounded_stem`)."""
    stem = bounded_stem(landing_file.path.stem, landing_file.sha256)
    return f"{stem}{landing_file.path.suffix}"


def report_paths(landing_file: LandingFile, settings: WorkingArea) -> tuple[Path, Path]:
    """(CSV, xlsx) reports of a rejected file, in rejected/<sha256>/.

    Named from a bounded stem, never from the whole landing name: a valid 249-byte landing name
    plus ``.errors.xlsx`` would pass the file system's 255-byte limit. The full name is in the
    reports' ``file_name`` column.
    """
    folder = settings.rejected_dir / landing_file.sha256
    stem = bounded_stem(landing_file.path.stem, landing_file.sha256)
    return folder / f"{stem}.errors.csv", folder / f"{stem}.errors.xlsx"


def _copy_verified(landing_file: LandingFile, target: Path) -> None:
    """Copy a landing file's bytes to ``target``, checking they are the bytes that were judged.

    The source is opened with ``O_NOFOLLOW`` as a regular file only (a link swapped in meanwhile
    is never followed); the copy goes under a temporary name of bounded length (never derived
    from the landing name) and is renamed into place: a run killed mid-copy leaves no half file
    that a later run would take for the kept original.
    """
    if target.exists():  # the same sha256 is the same bytes (kept by a run killed after it)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{landing_file.sha256}.partial")
    try:
        with open_regular(landing_file.path) as source, partial.open("wb") as copy:
            sha256, _ = sha256_stream(source, copy.write)
            times = os.fstat(source.fileno())
        if sha256 != landing_file.sha256:
            raise ValueError("the file changed in the landing folder while it was processed")
        os.utime(partial, ns=(times.st_atime_ns, times.st_mtime_ns))
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def quarantine(outcome: Outcome, settings: WorkingArea) -> Path | None:
    """Keep a rejected file and its reports in rejected/<sha256>/; returns the kept copy.

    Every step that fails is a FILE-012 finding and the next steps still run (the reports list
    what went wrong before them). A file rejected for its size (FILE-004) is not copied (FILE-014
    says so in its report): the warehouse never stores what its own limits refuse.
    """
    landing_file = outcome.file
    target: Path | None = settings.rejected_dir / landing_file.sha256 / kept_name(landing_file)
    if any(f.rule_id == "FILE-004" for f in outcome.findings):
        target = None
        if not any(f.rule_id == "FILE-014" for f in outcome.findings):
            outcome.findings.append(
                finding("FILE-014", file_name=landing_file.file_name, size=landing_file.size_bytes)
            )
    else:
        try:
            _copy_verified(landing_file, target)
        except Exception as exc:
            log.exception("quarantining %s failed", landing_file.file_name)
            outcome.findings.append(processing_failure(landing_file.file_name, "quarantining", exc))
            target = None
    csv_path, xlsx_path = report_paths(landing_file, settings)
    for step, write, path in (
        ("writing its report (CSV)", write_rejection_report, csv_path),
        ("writing its report (xlsx)", write_rejection_workbook, xlsx_path),
    ):
        try:
            write(outcome.findings, path)
        except Exception as exc:
            log.exception("%s of %s failed", step, landing_file.file_name)
            outcome.findings.append(processing_failure(landing_file.file_name, step, exc))
    return target


def archive_outcome(outcome: Outcome, settings: WorkingArea) -> Path | None:
    """Copy an accepted file to archive/<sha256><suffix>, a rejected one to rejected/<sha256>/.

    The original in landing/ is never modified. Raises when archiving an accepted file fails
    (`keep_outcome` turns that into the file's rejection).
    """
    if not outcome.accepted:
        return quarantine(outcome, settings)
    suffix = outcome.file.path.suffix.lower()
    target = settings.archive_dir / f"{outcome.file.sha256}{suffix}"
    _copy_verified(outcome.file, target)
    return target


def keep_outcome(outcome: Outcome, settings: WorkingArea) -> Path | None:
    """`archive_outcome`, where a failure to archive an accepted file rejects it (FILE-012) and
    quarantines it instead: one file never stops the others."""
    try:
        return archive_outcome(outcome, settings)
    except Exception as exc:
        log.exception("archiving %s failed", outcome.file.file_name)
        outcome.findings.append(processing_failure(outcome.file.file_name, "archiving", exc))
        return quarantine(outcome, settings)


def _unbuildable(
    outcome: Outcome, error: Exception, kept: dict[str, Path | None], settings: WorkingArea
) -> None:
    """A file whose raw rows could not be built: rejected (FILE-012) and quarantined; only its
    version (file, no cover) and its findings are recorded."""
    name = outcome.file.file_name
    log.error("building the raw rows of %s failed: %r", name, error)
    archived = kept.get(outcome.file.sha256)
    outcome.findings.append(processing_failure(name, "building its raw rows", error))
    outcome.extract = _bare_extract(outcome.file)
    outcome.stacked = {}
    if archived is not None and archived.parent == settings.archive_dir:
        archived.unlink(missing_ok=True)  # the archive holds accepted versions only
    kept[outcome.file.sha256] = quarantine(outcome, settings)


def build_isolated(
    outcomes: Sequence[Outcome],
    load_id: str,
    arrivals: Mapping[str, Arrival],
    kept: dict[str, Path | None],
    settings: WorkingArea,
) -> RawBatch:
    """`build_batch`, where a file whose rows cannot be built is rejected alone (FILE-012)."""
    try:
        return build_batch(outcomes, load_id, arrivals, kept)
    except Exception:
        log.exception("building the raw rows of %d workbooks failed: each alone", len(outcomes))
    for outcome in outcomes:
        try:
            build_batch([outcome], load_id, arrivals, kept)
        except Exception as exc:
            _unbuildable(outcome, exc, kept, settings)
    return build_batch(outcomes, load_id, arrivals, kept)


# --- the whole step -----------------------------------------------------------------------------
def ingest_landing(
    con: duckdb.DuckDBPyConnection,
    settings: WorkingArea,
    load_id: str,
    quarters: set[str] | None = None,
    today: date | None = None,
    workers: int | None = None,
    progress: Callable[[Outcome], None] | None = None,
    crash_point: CrashPoint = no_crash,
    limits: GuardLimits | None = None,
) -> IngestSummary:
    """Process every new workbook in landing whose quarter is in ``quarters`` (None: all).

    Files whose cover gives no valid quarter are rejected by whichever run sees them first.
    ``crash_point``: the hook called at the ingest's crash points (warehouse/crash_points.py);
    ``limits``: the guards' limits (the settings' ``guard_limits``; None: the defaults).
    """
    files, skipped = scan_landing_entries(settings.landing_dir)
    for entry in skipped:
        log.warning(entry.finding.describe())
    loaded = known_versions(con)
    fresh = unique_new_files(files, loaded)
    # Every new file is received when first seen, whichever quarter this run loads: a file
    # deferred to another quarter's run keeps the time it was seen here. Likewise every new arrival
    # (a new name, or a file replaced in place) is stamped when first seen.
    record_arrivals(settings.home, first_seen(fresh))
    entries = new_arrivals(files, last_arrivals_by_name(con))
    ledger = record_landing_arrivals(settings.home, landing_sightings(entries))
    summary = IngestSummary(
        load_id=load_id, seen=len(files), already_loaded=len(files) - len(fresh), skipped=skipped
    )
    for start in range(0, len(fresh), INGEST_BATCH_FILES):
        batch = fresh[start : start + INGEST_BATCH_FILES]
        _ingest_batch(
            con,
            settings,
            summary,
            batch,
            quarters,
            today,
            workers,
            progress,
            entries,
            ledger,
            crash_point,
            limits,
        )
    # Known bytes that arrived again: no rows to load (they are in raw already), the arrival alone
    # makes the version the one in force (whatever quarter this run loads).
    summary.rearrived = [e for e in entries if e.sha256 in loaded]
    if summary.rearrived:
        # A later arrival of a known version, stamped on its own (ledger); the version's received
        # time stays that of its first arrival.
        frame = arrival_frame(summary.rearrived, {}, ledger, load_id)
        rows = append_batch(con, RawBatch({"arrivals": frame}), crash_point)
        summary.rows["arrivals"] = summary.rows.get("arrivals", 0) + rows["arrivals"]
    return summary


def _ingest_batch(
    con: duckdb.DuckDBPyConnection,
    settings: WorkingArea,
    summary: IngestSummary,
    files: Sequence[LandingFile],
    quarters: set[str] | None,
    today: date | None,
    workers: int | None,
    progress: Callable[[Outcome], None] | None,
    entries: Sequence[LandingFile] = (),
    ledger: LandingLedger | None = None,
    crash_point: CrashPoint = no_crash,
    limits: GuardLimits | None = None,
) -> None:
    """Read, judge, keep and load one batch of files; commits its rows in one transaction.

    Any exception while processing one file (guards, reading, validating, archiving or
    quarantining, writing its reports, building its raw rows) is a FILE-012 finding on that file,
    which is rejected and quarantined, while the others go on.

    ``entries``: the new arrivals (``ledger``: their stamps); those of the versions this batch
    loads are recorded in the same transaction (a version is never loaded without its arrival).
    """
    outcomes = evaluate_files(files, today=today, workers=workers, limits=limits)
    # A rejected file loads no rows into any quarter: whichever run sees it first rejects it (its
    # quarter may be none, or outside every partition: a run of that quarter would never come).
    selected = [
        o
        for o in outcomes
        if quarters is None or not o.accepted or o.quarter is None or o.quarter in quarters
    ]
    summary.deferred += len(outcomes) - len(selected)
    # Received = each file's own first sighting (the sensor's, or this run's scan), or the time a
    # historical load was told (--received-from-mtime); see sources/arrivals.py.
    arrivals = record_arrivals(settings.home, first_seen(o.file for o in selected))
    warn_superseded_in_run(selected, arrivals)
    archive_paths: dict[str, Path | None] = {}
    for outcome in selected:
        archive_paths[outcome.file.sha256] = keep_outcome(outcome, settings)
        if progress:
            progress(outcome)
    if selected:
        batch = build_isolated(selected, summary.load_id, arrivals, archive_paths, settings)
        loading = {o.file.sha256: arrivals[o.file.sha256] for o in selected}
        # the version's own file first: its arrival is the version's received time
        own = [o.file for o in selected]
        own_names = {f.file_name for f in own}
        others = [e for e in entries if e.sha256 in loading and e.file_name not in own_names]
        batch.frames["arrivals"] = arrival_frame(
            own + others, loading, ledger or {}, summary.load_id
        )
        rows = append_batch(con, batch, crash_point)
        for table, count in rows.items():
            summary.rows[table] = summary.rows.get(table, 0) + count
    for outcome in selected:
        outcome.release_rows()
        if not outcome.accepted:
            summary.reports[outcome.file.sha256] = report_paths(outcome.file, settings)[1]
    summary.outcomes.extend(selected)
    summary.stored.update({sha: path for sha, path in archive_paths.items() if path is not None})
