"""The landing folder as the warehouse sees it: which entries are workbooks, and what is new.

One definition of "a landing workbook" serves the ingest's scan and the landing sensor: a name with
a workbook suffix that is neither a lock file of an open workbook (``~$``) nor hidden (``.``), and
a regular file by ``lstat`` (links are never followed). Everything here is about files; what the
raw layer already holds is passed in (sha256s, the last bytes per name).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sources.arrivals import FILE_MTIME, FIRST_SEEN, Arrival
from sources.findings import Finding
from sources.guards import NotRegularFile, entry_kind, skipped_entry_finding
from sources.reader import file_digest
from sources.rules import finding

log = logging.getLogger(__name__)

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
IGNORED_PREFIXES = ("~$", ".")  # lock files of open workbooks, hidden files


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


@dataclass(frozen=True)
class SkippedEntry:
    """A landing entry the ingest skipped without opening it: a symlink, a FIFO, a socket, a
    directory named like a workbook (FILE-013), or a file whose bytes could not be read (FILE-010).
    It has no sha256, so it is no workbook version: it is reported by every run that scans the
    folder (the ingest's summary, the Dagster metadata and the log) until someone removes it."""

    name: str
    kind: str  # symlink, directory, fifo, socket, device, other, unreadable
    finding: Finding


def scan_landing(landing_dir: Path) -> list[LandingFile]:
    """Workbook files in the landing folder, oldest first (see `scan_landing_entries`); the
    entries skipped are logged."""
    files, skipped = scan_landing_entries(landing_dir)
    for entry in skipped:
        log.warning(entry.finding.describe())
    return files


def scan_landing_entries(landing_dir: Path) -> tuple[list[LandingFile], list[SkippedEntry]]:
    """Regular workbook files in the landing folder, oldest first, and the entries skipped.

    Lock files of open workbooks (``~$``) and hidden files are ignored. Every other entry with a
    workbook suffix is looked at with ``lstat`` (links are never followed): a symlink, FIFO,
    socket, device or directory is skipped unopened (FILE-013); its target is never read, hashed
    or copied. The bytes of a regular file are read through ``open_regular`` (``O_NOFOLLOW``), so
    an entry swapped for a link after the ``lstat`` is skipped too.

    Each file is stamped (``seen_at``) when its bytes were read, in that oldest-first order: the
    stamps are the files' own, never one time for the whole folder, and two versions seen in one
    scan are received in the order they were written.
    """
    regular, skipped = _lstat_entries(landing_dir)
    files = []
    for modified_at, path, stat in regular:
        try:
            sha256 = file_digest(path, stat)[0]
        except NotRegularFile as exc:  # replaced by a link or a FIFO since the lstat
            skipped.append(
                SkippedEntry(path.name, exc.kind, skipped_entry_finding(path.name, exc.kind))
            )
            continue
        except OSError as exc:  # no read permission, removed meanwhile ...
            skipped.append(_unreadable(path.name, exc))
            continue
        files.append(LandingFile(path, sha256, stat.st_size, modified_at, datetime.now()))
    return files, sorted(skipped, key=lambda e: e.name)


def _unreadable(name: str, error: OSError) -> SkippedEntry:
    return SkippedEntry(
        name, "unreadable", finding("FILE-010", file_name=name, detail=type(error).__name__)
    )


def is_workbook_name(name: str) -> bool:
    """A landing name the warehouse looks at: a workbook suffix, not a lock file, not hidden."""
    return not name.startswith(IGNORED_PREFIXES) and Path(name).suffix.lower() in WORKBOOK_SUFFIXES


def landing_workbooks(landing_dir: Path) -> list[Path]:
    """The regular workbook files in the landing folder, oldest first, without reading them
    (the sensor's listing: it hashes only what changed since its last look)."""
    return [path for _, path, _ in _lstat_entries(landing_dir)[0]]


def _lstat_entries(
    landing_dir: Path,
) -> tuple[list[tuple[datetime, Path, os.stat_result]], list[SkippedEntry]]:
    """(regular workbook files as (modified at, path, lstat), oldest first, then by name; the
    workbook-named entries skipped unopened). Two versions seen together are thus taken in the
    order they were written."""
    if not landing_dir.exists():
        return [], []
    found = []
    skipped: list[SkippedEntry] = []
    with os.scandir(landing_dir) as entries:
        for entry in entries:
            name = entry.name
            if not is_workbook_name(name):
                continue
            try:
                stat = entry.stat(follow_symlinks=False)
            except OSError as exc:
                skipped.append(_unreadable(name, exc))
                continue
            kind = entry_kind(stat.st_mode)
            if kind is not None:
                skipped.append(SkippedEntry(name, kind, skipped_entry_finding(name, kind)))
                continue
            modified_at = datetime.fromtimestamp(stat.st_mtime).replace(microsecond=0)
            found.append((modified_at, Path(entry.path), stat))
    return sorted(found, key=lambda f: (f[0], f[1].name)), skipped


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


def new_arrivals(
    files: Iterable[LandingFile], last_by_name: Mapping[str, str]
) -> list[LandingFile]:
    """Landing files that are new arrivals: a name not recorded yet, or a file whose bytes differ
    from the last ones recorded under its name (replaced in place). A file touched again (same
    name, same bytes) is none: a restored backup never puts an old version back in force."""
    return [f for f in files if last_by_name.get(f.file_name) != f.sha256]


def landing_sightings(
    files: Iterable[LandingFile], basis: str = FIRST_SEEN
) -> list[tuple[str, str, Arrival]]:
    """(name, sha256, stamp) of landing files for the landing ledger: this scan's sighting, or the
    file's modification time (historical loads)."""
    return [
        (
            f.file_name,
            f.sha256,
            Arrival(f.modified_at, FILE_MTIME)
            if basis == FILE_MTIME
            else Arrival(f.seen_at or datetime.now(), FIRST_SEEN),
        )
        for f in files
    ]
