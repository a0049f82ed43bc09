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
under a new name, or A put back in place of B). An **arrival** is a landing name whose bytes differ
from what was last seen under that name: a new name, or a file replaced in place. A file merely
touched (same name, same bytes, a new modification time, as a backup restore or a copy tool does)
is not one, so an old version can never come back in force by accident. Arrivals are stamped the
same way, in a second ledger (``landing_arrivals.json``: each name's history of sha256s with their
stamps); the ingest records every arrival in ``raw.arrivals``, and the version in force is the one
of the latest accepted arrival (dbt ``int_workbooks__current``).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
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


def arrival_key(sha256: str, file_name: str, arrived_at: datetime, load_id: str) -> str:
    """``raw.arrivals.arrival_id``: these bytes, under this name, arrived at this time (whole
    seconds), recorded by this load (a name holds one arrival per load, so the id is unique even
    when a file is put back with its old modification time). raw_store's backfill computes the same
    in SQL."""
    stamp = arrived_at.replace(microsecond=0).isoformat()
    return hashlib.sha256(f"{sha256}|{file_name}|{stamp}|{load_id}".encode()).hexdigest()


# file name -> [(sha256, arrival)], oldest first: what each landing name held, in turn.
LandingLedger = dict[str, list[tuple[str, Arrival]]]


def load_landing_ledger(home: Path) -> LandingLedger:
    path = home / ENTRY_LEDGER_NAME
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        name: [(entry["sha256"], Arrival.from_json(entry)) for entry in history]
        for name, history in data.items()
    }


def record_landing_arrivals(
    home: Path, sightings: Iterable[tuple[str, str, Arrival]]
) -> LandingLedger:
    """Add each (file name, sha256, stamp) whose bytes differ from the last ones the ledger holds
    under that name (a new name, or a file replaced in place); the same bytes seen again under the
    same name keep their stamp, however often the file is touched. Returns the whole ledger."""
    ledger = load_landing_ledger(home)
    changed = False
    for name, sha256, arrival in sightings:
        history = ledger.setdefault(name, [])
        if history and history[-1][0] == sha256:
            continue
        history.append((sha256, arrival))
        changed = True
    if changed:
        _write(
            home / ENTRY_LEDGER_NAME,
            {
                name: [{"sha256": sha, **arrival.to_json()} for sha, arrival in history]
                for name, history in sorted(ledger.items())
            },
        )
    return ledger


def landing_arrival(ledger: LandingLedger, file_name: str, sha256: str) -> Arrival | None:
    """The stamp of the arrival that put these bytes under this name last (None: not recorded)."""
    for sha, arrival in reversed(ledger.get(file_name, [])):
        if sha == sha256:
            return arrival
    return None


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
    _write(path, {key: a.to_json() for key, a in sorted(ledger.items())})
    return ledger


def _write(path: Path, data: object) -> None:
    """Replace a ledger atomically: a reader sees the old or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(data, indent=0, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)
