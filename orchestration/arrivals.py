"""When the warehouse received each workbook version: the arrivals ledger.

Timeliness is judged on when a file reached the warehouse, never on dates the file itself states.
Each version is stamped on its own, the moment something first saw its bytes: the landing sensor
when it is on, else the ingest's scan of the landing folder (a manual `ntm run`). Historical loads
(`ntm run --received-from-mtime`) are told the time instead: a file the ledger does not know yet
gets its modification time, and the ledger says so (basis ``file_mtime``), so an auditor can tell
the times the warehouse saw from the times it was told.

The ledger is a small JSON file under NTM_HOME, replaced atomically, and only ever gains entries:
the first stamp of a version is its received time for good.

A version can arrive more than once: an office re-sends an earlier version (A, then B, then A again
under a new name), or touches a file again. Each landing entry (sha256, file name, modification
time) is an arrival of its own, stamped the same way in a second ledger
(``landing_arrivals.json``, keyed by `arrival_key`); the ingest records every arrival in
``raw.arrivals``, and the version in force is the one of the latest accepted arrival (dbt
``int_workbooks__current``).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

LEDGER_NAME = "arrivals.json"
ENTRY_LEDGER_NAME = "landing_arrivals.json"
FIRST_SEEN = "first_seen"  # stamped when the warehouse (sensor or ingest scan) first saw it
FILE_MTIME = "file_mtime"  # taken from the file's modification time (historical loads)
RECEIVED_BASES = (FIRST_SEEN, FILE_MTIME)


@dataclass(frozen=True)
class Arrival:
    """When a version was received, and on what basis that time rests."""

    received_at: datetime
    basis: str = FIRST_SEEN

    def to_json(self) -> dict[str, str]:
        return {"received_at": self.received_at.isoformat(), "basis": self.basis}

    @classmethod
    def from_json(cls, value: str | Mapping[str, str]) -> Arrival:
        # Ledgers written before the basis was recorded hold the time alone: a first sighting.
        if isinstance(value, str):
            return cls(datetime.fromisoformat(value), FIRST_SEEN)
        return cls(datetime.fromisoformat(value["received_at"]), value.get("basis", FIRST_SEEN))


def ledger_path(home: Path) -> Path:
    return home / LEDGER_NAME


def load_arrivals(home: Path) -> dict[str, Arrival]:
    return _load(ledger_path(home))


def record_arrivals(home: Path, arrivals: Mapping[str, Arrival]) -> dict[str, Arrival]:
    """Add the versions the ledger does not know yet (a known one keeps its first stamp);
    returns the whole ledger."""
    return _record(ledger_path(home), arrivals)


def arrival_key(sha256: str, file_name: str, modified_at: datetime) -> str:
    """The id of one landing entry: these bytes, under this name, with this modification time
    (whole seconds). The same key in the sensor, the ingest and ``raw.arrivals.arrival_id``."""
    stamp = modified_at.replace(microsecond=0).isoformat()
    return hashlib.sha256(f"{sha256}|{file_name}|{stamp}".encode()).hexdigest()


def load_entry_arrivals(home: Path) -> dict[str, Arrival]:
    return _load(home / ENTRY_LEDGER_NAME)


def record_entry_arrivals(home: Path, arrivals: Mapping[str, Arrival]) -> dict[str, Arrival]:
    """Add the landing entries (by `arrival_key`) not stamped yet; returns the whole ledger."""
    return _record(home / ENTRY_LEDGER_NAME, arrivals)


def _load(path: Path) -> dict[str, Arrival]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {key: Arrival.from_json(value) for key, value in data.items()}


def _record(path: Path, arrivals: Mapping[str, Arrival]) -> dict[str, Arrival]:
    ledger = _load(path)
    new = {key: arrival for key, arrival in arrivals.items() if key not in ledger}
    if not new:
        return ledger
    ledger.update(new)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(
        json.dumps({key: a.to_json() for key, a in sorted(ledger.items())}, indent=0),
        encoding="utf-8",
    )
    os.replace(temporary, path)
    return ledger
