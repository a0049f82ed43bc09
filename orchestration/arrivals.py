"""When the warehouse first saw each workbook version: the arrivals ledger.

Timeliness is judged on when a file reached the warehouse, never on dates the file itself states.
The landing sensor records a version the first time it sees it; the ingest records it too when no
sensor ran (a manual `ntm run`). The ledger is a small JSON file under NTM_HOME, replaced
atomically, and only ever gains entries.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

LEDGER_NAME = "arrivals.json"


def ledger_path(home: Path) -> Path:
    return home / LEDGER_NAME


def load_arrivals(home: Path) -> dict[str, datetime]:
    path = ledger_path(home)
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {sha: datetime.fromisoformat(seen) for sha, seen in data.items()}


def record_arrivals(home: Path, shas: Iterable[str], seen_at: datetime) -> dict[str, datetime]:
    """Add the versions not in the ledger yet, first seen at ``seen_at``; returns the ledger."""
    arrivals = load_arrivals(home)
    new = {sha: seen_at for sha in shas if sha not in arrivals}
    if not new:
        return arrivals
    arrivals.update(new)
    path = ledger_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(
        json.dumps({sha: seen.isoformat() for sha, seen in sorted(arrivals.items())}, indent=0),
        encoding="utf-8",
    )
    os.replace(temporary, path)
    return arrivals
