"""Landing folder → read → validate → raw tables, archive and quarantine.

Plain functions, no Dagster: the ingest asset, the sensor, the CLI and the benchmark all call them.
A workbook version is identified by the sha256 of its bytes: the same bytes twice are processed
once, and a version already in the raw layer is never read again.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from ntm.settings import Settings
from orchestration.arrivals import (
    FILE_MTIME,
    FIRST_SEEN,
    Arrival,
    arrival_key,
    record_arrivals,
    record_entry_arrivals,
)
from orchestration.ingest_workers import worker_context
from orchestration.raw_store import (
    TABLE_COLUMNS,
    RawBatch,
    append_batch,
    known_arrivals,
    known_versions,
)
from orchestration.safe_text import FORMULA_PREFIXES, neutralise_formula
from schemas.findings import Finding
from schemas.rules import finding
from schemas.validate import validate_workbooks
from sources.extract import SheetTable, WorkbookExtract
from sources.guards import GuardLimits
from sources.reader import file_digest, read_workbook

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
REPORT_COLUMNS = (
    "file_name",
    "sheet",
    "row",
    "column",
    "cell_ref",
    "value",
    "rule_id",
    "severity",
    "message_vi",
    "message_en",
)
PARALLEL_THRESHOLD = 8  # below this many files a process pool costs more than it saves
MAX_CHUNK = 200  # files per child task: bounds memory per task
# Files read, loaded and committed together: bounds a run's memory whatever lands (16 national
# quarters are 11,000 workbooks); each workbook is still all or nothing.
INGEST_BATCH_FILES = 1000


@dataclass(frozen=True)
class LandingFile:
    path: Path
    sha256: str
    size_bytes: int
    modified_at: datetime
    # When this scan read the file's bytes: its received time if nothing saw it before.
    seen_at: datetime | None = None

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def arrival_id(self) -> str:
        """This landing entry as an arrival: its bytes, name and modification time."""
        return arrival_key(self.sha256, self.file_name, self.modified_at)


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
    def district_key(self) -> str:
        return f"{self.extract.province_code or '??'}-{self.extract.district_code or '???'}"

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
    stored: dict[str, Path] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    # Landing entries of versions loaded before (re-sent or re-touched): recorded as arrivals only.
    rearrived: list[LandingFile] = field(default_factory=list)

    @property
    def accepted(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.accepted]

    @property
    def rejected(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.accepted]


def sha256_of(path: Path, chunk_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def scan_landing(landing_dir: Path) -> list[LandingFile]:
    """Workbook files in the landing folder, oldest first (lock files of open workbooks skipped).

    Each file is stamped (``seen_at``) when its bytes were read, in that oldest-first order: the
    stamps are the files' own, never one time for the whole folder, and two versions seen in one
    scan are received in the order they were written.
    """
    if not landing_dir.exists():
        return []
    found = []
    for path in landing_dir.iterdir():
        if not path.is_file() or path.name.startswith(("~$", ".")):
            continue
        if path.suffix.lower() not in WORKBOOK_SUFFIXES:
            continue
        stat = path.stat()
        found.append((datetime.fromtimestamp(stat.st_mtime).replace(microsecond=0), path, stat))
    files = []
    for modified_at, path, stat in sorted(found, key=lambda f: (f[0], f[1].name)):
        sha256 = file_digest(path, stat)[0]
        files.append(LandingFile(path, sha256, stat.st_size, modified_at, datetime.now()))
    return files


def first_seen(files: Iterable[LandingFile]) -> dict[str, Arrival]:
    """Received times of files as this process saw them (its scan's per-file stamps)."""
    return {f.sha256: Arrival(f.seen_at or datetime.now(), FIRST_SEEN) for f in files}


def from_mtime(files: Iterable[LandingFile]) -> dict[str, Arrival]:
    """Received times told by the files' modification times (historical loads)."""
    return {f.sha256: Arrival(f.modified_at, FILE_MTIME) for f in files}


def unique_new_files(files: Iterable[LandingFile], known: set[str]) -> list[LandingFile]:
    """Files whose bytes the warehouse has not seen: one per sha256, the oldest copy."""
    seen = set(known)
    fresh = []
    for landing_file in files:
        if landing_file.sha256 in seen:
            continue
        seen.add(landing_file.sha256)
        fresh.append(landing_file)
    return fresh


def new_arrivals(files: Iterable[LandingFile], recorded: set[str]) -> list[LandingFile]:
    """Landing entries not recorded as arrivals yet (one per entry), in scan order."""
    seen = set(recorded)
    fresh = []
    for landing_file in files:
        if landing_file.arrival_id in seen:
            continue
        seen.add(landing_file.arrival_id)
        fresh.append(landing_file)
    return fresh


def entry_arrivals(files: Iterable[LandingFile], basis: str = FIRST_SEEN) -> dict[str, Arrival]:
    """Arrival times of landing entries: this scan's stamps, or their modification times."""
    return {
        f.arrival_id: Arrival(f.modified_at, FILE_MTIME)
        if basis == FILE_MTIME
        else Arrival(f.seen_at or datetime.now(), FIRST_SEEN)
        for f in files
    }


def arrival_frame(
    entries: Sequence[LandingFile],
    versions: Mapping[str, Arrival],
    ledger: Mapping[str, Arrival],
    load_id: str,
) -> pd.DataFrame:
    """raw.arrivals rows for landing entries. The first entry of a version arrives when the version
    was received (``versions``, so the two agree); any later entry of the same bytes when it was
    stamped itself (``ledger``: the sensor's or the scan's sighting, or its file time)."""
    records, firsts = [], set()
    for entry in entries:
        first = entry.sha256 in versions and entry.sha256 not in firsts
        firsts.add(entry.sha256)
        arrival = versions[entry.sha256] if first else ledger[entry.arrival_id]
        records.append(
            {
                "arrival_id": entry.arrival_id,
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
    """The documented order of versions of one (quarter, district): arrival time, then file
    modification time, then file name (the sha256 last, for identical names and times)."""
    arrival = arrivals[outcome.file.sha256]
    return (
        arrival.received_at,
        outcome.file.modified_at,
        outcome.file.file_name,
        outcome.file.sha256,
    )


def warn_superseded_in_run(outcomes: Sequence[Outcome], arrivals: Mapping[str, Arrival]) -> int:
    """Two accepted versions of one (quarter, district) in one run: only the last in
    `arrival_order` is in force; every earlier one gets an XREF-006 warning naming both files, so
    the office and the auditor see which file was never published. Returns how many."""
    groups: dict[tuple, list[Outcome]] = {}
    for outcome in outcomes:
        if outcome.accepted and outcome.quarter and outcome.extract.district_code:
            groups.setdefault((outcome.district_key, outcome.quarter), []).append(outcome)
    warned = 0
    for (district, quarter), versions in groups.items():
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
                    district=district,
                    quarter=quarter,
                )
            )
            warned += 1
    return warned


def evaluate_file(landing_file: LandingFile, today: date | None = None) -> Outcome:
    return evaluate_chunk([landing_file], today)[0]


def evaluate_chunk(
    files: Sequence[LandingFile], today: date | None = None, limits: GuardLimits | None = None
) -> list[Outcome]:
    """Read files and validate them as one batch (one pandera call per sheet type)."""
    extracts = [
        read_workbook(f.path, digest=(f.sha256, f.size_bytes), file_name=f.file_name, limits=limits)
        for f in files
    ]
    results = validate_workbooks(extracts, today=today)
    return [
        Outcome(f, extract, list(result.findings))
        for f, extract, result in zip(files, extracts, results, strict=True)
    ]


_SHEETS = ("criteria", "households", "funding")
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
    files: Sequence[LandingFile], today: date | None = None, workers: int | None = None
) -> list[Outcome]:
    """Read and validate files, in parallel processes when there are enough of them.

    Each process takes a few large chunks (validation costs per call, not per row), so the
    files are split into ``4 × workers`` chunks at most, of at most ``MAX_CHUNK`` files.
    A child process also shields the run from a parser that dies on a hostile file.
    """
    if workers == 1 or len(files) < PARALLEL_THRESHOLD:
        return evaluate_chunk(files, today) if files else []
    workers = workers or os.cpu_count() or 1
    chunks = _chunks(files, max(4 * workers, -(-len(files) // MAX_CHUNK)))
    # Workers start from the worker server, not from this process: the limits in force here
    # (NTM_GUARD_*) travel with the work.
    limits = [GuardLimits.from_env()] * len(chunks)
    with ProcessPoolExecutor(max_workers=workers, mp_context=worker_context()) as pool:
        return [
            outcome
            for packed in pool.map(_evaluate_packed, chunks, [today] * len(chunks), limits)
            for outcome in _unpack(packed)
        ]


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
        for table in (outcome.extract.criteria, outcome.extract.households, outcome.extract.funding)
        if table is not None
        for column in table.columns.values()
    ]
    return pd.DataFrame.from_records(records, columns=TABLE_COLUMNS["sheet_columns"])


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
        **{
            name: extract.cover_value(name)
            for name in (
                "province_code",
                "province_name",
                "district_code",
                "district_name",
                "quarter",
                "prepared_on",
                "prepared_by",
                "criteria_set",
                "poverty_standard",
            )
        },
        "archive_path": str(archive_path) if archive_path else None,
    }


def _rejection_records(outcome: Outcome, load_id: str) -> list[dict[str, object]]:
    return [
        {
            "workbook_sha256": outcome.file.sha256,
            "load_id": load_id,
            "file_name": outcome.file.file_name,
            "sheet_name": f.sheet,
            "excel_row": f.row,
            "column_name": f.column,
            "cell_ref": f.cell_ref,
            "value": f.value,
            "rule_id": f.rule_id,
            "severity": f.severity,
            "message_vi": f.message_vi,
            "message_en": f.message_en,
        }
        for f in outcome.findings
    ]


def build_batch(
    outcomes: Sequence[Outcome],
    load_id: str,
    arrivals: Mapping[str, Arrival],
    archive_paths: dict[str, Path],
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
            "household_rows": _sheet_rows(accepted, "households", load_id, "household_rows"),
            "funding_rows": _sheet_rows(accepted, "funding", load_id, "funding_rows"),
            "sheet_columns": _sheet_columns(accepted),
            "rejections": rejections,
        }
    )


# --- files: archive and quarantine --------------------------------------------------------------
def write_rejection_report(findings: Sequence[Finding], path: Path) -> Path:
    """A CSV a district officer opens in Excel (UTF-8 with BOM so Vietnamese shows right)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(REPORT_COLUMNS)
        for f in findings:
            writer.writerow(
                [
                    neutralise_formula(v)
                    for v in (
                        f.file_name,
                        f.sheet,
                        f.row,
                        f.column,
                        f.cell_ref,
                        f.value,
                        f.rule_id,
                        f.severity,
                        f.message_vi,
                        f.message_en,
                    )
                ]
            )
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
        for col, (vi, en) in enumerate(zip(REPORT_HEADERS_VI, REPORT_COLUMNS, strict=True)):
            sheet.write_string(0, col, f"{vi}\n{en}", header)
        sheet.set_row(0, 30)
        for col, width in enumerate((28, 14, 7, 22, 7, 18, 10, 9, 60, 60)):
            sheet.set_column(col, col, width)
        sheet.freeze_panes(1, 0)
        for row, f in enumerate(findings, start=1):
            values = (
                f.file_name,
                f.sheet,
                f.row,
                f.column,
                f.cell_ref,
                f.value,
                f.rule_id,
                f.severity,
                f.message_vi,
                f.message_en,
            )
            for col, value in enumerate(values):
                if value is None:
                    continue
                if isinstance(value, int):
                    sheet.write_number(row, col, value)
                elif col == 7 and value == "error":
                    sheet.write_string(row, col, value, error)
                else:
                    text = str(value)
                    fmt = quoted if text.startswith(FORMULA_PREFIXES) else wrap
                    sheet.write_string(row, col, text, fmt)
        if findings:
            sheet.autofilter(0, 0, len(findings), len(REPORT_COLUMNS) - 1)
    finally:
        book.close()
    return path


def archive_outcome(outcome: Outcome, settings: Settings) -> Path:
    """Copy an accepted file to archive/<sha256><suffix>, a rejected one to rejected/<sha256>/.

    The original in landing/ is never modified.
    """
    source = outcome.file.path
    if outcome.accepted:
        target = settings.archive_dir / f"{outcome.file.sha256}{source.suffix.lower()}"
    else:
        folder = settings.rejected_dir / outcome.file.sha256
        target = folder / source.name
        write_rejection_report(outcome.findings, folder / f"{source.stem}.errors.csv")
        write_rejection_workbook(outcome.findings, folder / f"{source.stem}.errors.xlsx")
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        # Copy under a temporary name and rename: a run killed mid-copy leaves no half file
        # that a later run would take for the archived original.
        partial = target.with_name(f".{target.name}.partial")
        shutil.copy2(source, partial)
        os.replace(partial, target)
    return target


# --- the whole step -----------------------------------------------------------------------------
def ingest_landing(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    load_id: str,
    quarters: set[str] | None = None,
    today: date | None = None,
    workers: int | None = None,
    progress: Callable[[Outcome], None] | None = None,
) -> IngestSummary:
    """Process every new workbook in landing whose quarter is in ``quarters`` (None: all).

    Files whose cover gives no valid quarter are rejected by whichever run sees them first.
    """
    files = scan_landing(settings.landing_dir)
    loaded = known_versions(con)
    fresh = unique_new_files(files, loaded)
    # Every new file is received when first seen, whichever quarter this run loads: a file
    # deferred to another quarter's run keeps the time it was seen here. Likewise every landing
    # entry not recorded yet (a re-sent or re-touched version) arrives when first seen.
    record_arrivals(settings.home, first_seen(fresh))
    entries = new_arrivals(files, known_arrivals(con))
    ledger = record_entry_arrivals(settings.home, entry_arrivals(entries))
    summary = IngestSummary(
        load_id=load_id, seen=len(files), already_loaded=len(files) - len(fresh)
    )
    for start in range(0, len(fresh), INGEST_BATCH_FILES):
        batch = fresh[start : start + INGEST_BATCH_FILES]
        _ingest_batch(con, settings, summary, batch, quarters, today, workers, progress, entries)
    # Known bytes that arrived again: no rows to load (they are in raw already), the arrival alone
    # makes the version the one in force (whatever quarter this run loads).
    summary.rearrived = [e for e in entries if e.sha256 in loaded]
    if summary.rearrived:
        # Every entry of a known version is a later arrival, stamped on its own (ledger); the
        # version's received time stays that of its first arrival.
        frame = arrival_frame(summary.rearrived, {}, ledger, load_id)
        rows = append_batch(con, RawBatch({"arrivals": frame}))
        summary.rows["arrivals"] = summary.rows.get("arrivals", 0) + rows["arrivals"]
    return summary


def _ingest_batch(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    summary: IngestSummary,
    files: Sequence[LandingFile],
    quarters: set[str] | None,
    today: date | None,
    workers: int | None,
    progress: Callable[[Outcome], None] | None,
    entries: Sequence[LandingFile] = (),
) -> None:
    """Read, judge, keep and load one batch of files; commits its rows in one transaction.

    ``entries``: the landing entries not yet recorded as arrivals; those of the versions this batch
    loads are recorded in the same transaction (a version is never loaded without its arrival).
    """
    outcomes = evaluate_files(files, today=today, workers=workers)
    # A rejected file loads no rows into any quarter: whichever run sees it first rejects it (its
    # quarter may be none, or outside every partition: a run of that quarter would never come).
    selected = [
        o
        for o in outcomes
        if quarters is None or not o.accepted or o.quarter is None or o.quarter in quarters
    ]
    summary.deferred += len(outcomes) - len(selected)
    # Received = each file's own first sighting (the sensor's, or this run's scan), or the time a
    # historical load was told (--received-from-mtime); see orchestration/arrivals.py.
    arrivals = record_arrivals(settings.home, first_seen(o.file for o in selected))
    warn_superseded_in_run(selected, arrivals)
    archive_paths = {}
    for outcome in selected:
        archive_paths[outcome.file.sha256] = archive_outcome(outcome, settings)
        if progress:
            progress(outcome)
    if selected:
        batch = build_batch(selected, summary.load_id, arrivals, archive_paths)
        loading = {o.file.sha256: arrivals[o.file.sha256] for o in selected}
        # the version's own file first: its arrival is the version's received time
        own = [o.file for o in selected]
        owned = {f.arrival_id for f in own}
        others = [e for e in entries if e.sha256 in loading and e.arrival_id not in owned]
        ledger = record_entry_arrivals(settings.home, entry_arrivals(others))
        batch.frames["arrivals"] = arrival_frame(own + others, loading, ledger, summary.load_id)
        rows = append_batch(con, batch)
        for table, count in rows.items():
            summary.rows[table] = summary.rows.get(table, 0) + count
    for outcome in selected:
        outcome.release_rows()
    summary.outcomes.extend(selected)
    summary.stored.update(archive_paths)
