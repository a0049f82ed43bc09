"""Fault injection for crash tests. TEST-ONLY: nothing happens unless the variable is set.

``NTM_FAULT_INJECTION`` names the points where a run pauses, comma-separated, e.g.
``pause:publish-before-rename``. A run that reaches such a point writes the marker file
``$NTM_HOME/faults/<point>.paused`` (containing its pid) and sleeps (``NTM_FAULT_PAUSE_SECONDS``,
default 600), so a test can SIGKILL it while it is exactly there. Points:

    ingest-before-append     workbooks read, validated and archived; nothing in raw.* yet
    ingest-before-commit     every raw row of the batch inserted, transaction not committed
    publish-before-copy      build checkpointed, nothing copied
    publish-mid-copy         half of the staging copy written
    publish-before-rename    staging copy complete, verified, exports staged; not renamed
    publish-after-rename     new warehouse renamed over the old one; exports not yet moved

The publish points are called in ``warehouse.publish``; the two ingest points are installed by
:func:`install` (called by ``ntm.runner.run_pipeline`` only when the variable is set), which wraps
the ingest's ``append_batch`` so the production modules carry no test code.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

ENV = "NTM_FAULT_INJECTION"
PAUSE_ENV = "NTM_FAULT_PAUSE_SECONDS"
POINTS = (
    "ingest-before-append",
    "ingest-before-commit",
    "publish-before-copy",
    "publish-mid-copy",
    "publish-before-rename",
    "publish-after-rename",
)


def _requested() -> set[str]:
    spec = os.environ.get(ENV, "")
    points = set()
    for item in filter(None, (part.strip() for part in spec.split(","))):
        action, _, point = item.partition(":")
        if action != "pause" or point not in POINTS:
            raise ValueError(f"{ENV}: unknown fault {item!r} (use pause:<point>, one of {POINTS})")
        points.add(point)
    return points


def marker_path(home: Path, point: str) -> Path:
    return home / "faults" / f"{point}.paused"


def fault_point(point: str) -> None:
    """Pause here if the environment asks for it (test-only; a no-op in production)."""
    if not os.environ.get(ENV) or point not in _requested():
        return
    home = Path(os.environ.get("NTM_HOME") or "./var")
    marker = marker_path(home, point)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(float(os.environ.get(PAUSE_ENV) or 600))


class _PauseBeforeCommit:
    """A DuckDB connection that pauses at ``ingest-before-commit`` just before committing."""

    def __init__(self, con) -> None:
        self._con = con
        # append_batch inserts from a pandas frame in its own frame: let DuckDB find it there.
        con.execute("set python_scan_all_frames = true")

    def execute(self, sql: str, *args, **kwargs):
        if sql.strip().lower() == "commit":
            fault_point("ingest-before-commit")
        return self._con.execute(sql, *args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._con, name)


def install() -> None:
    """Wrap the ingest's raw append with the ingest fault points (only when the variable is set)."""
    requested = _requested()
    if not requested & {"ingest-before-append", "ingest-before-commit"}:
        return
    import warehouse.ingest as ingest
    from warehouse.raw_store import append_batch

    def append_with_faults(con, batch):
        fault_point("ingest-before-append")
        if "ingest-before-commit" in requested:
            con = _PauseBeforeCommit(con)
        return append_batch(con, batch)

    ingest.append_batch = append_with_faults
