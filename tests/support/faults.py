"""Fault injection for the crash tests, given to a run through its documented hook (the
``crash_point`` of `ntm.runner.run_pipeline`, warehouse/crash_points.py), never patched in.

A run started with `pausing_at` writes the marker ``$NTM_HOME/faults/<point>.paused`` (its pid)
when it reaches a requested point, then sleeps, so a test can SIGKILL it exactly there. Started
as a process: ``python -m tests.support.faults pause:<point>[,pause:<point>]`` runs `ntm run`
with that hook, the settings read from the environment as the command line reads them.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from warehouse.crash_points import POINTS, CrashPoint

PAUSE_SECONDS = 600.0


def requested(spec: str) -> set[str]:
    """The points of ``pause:<point>,pause:<point>``; anything else is an error."""
    points = set()
    for item in filter(None, (part.strip() for part in spec.split(","))):
        action, _, point = item.partition(":")
        if action != "pause" or point not in POINTS:
            raise ValueError(f"unknown fault {item!r} (use pause:<point>, one of {POINTS})")
        points.add(point)
    return points


def marker_path(home: Path, point: str) -> Path:
    return home / "faults" / f"{point}.paused"


def pausing_at(home: Path, points: set[str], seconds: float = PAUSE_SECONDS) -> CrashPoint:
    """A crash point hook that pauses at ``points`` (marker written first) and passes the rest."""

    def crash_point(point: str) -> None:
        if point not in points:
            return
        marker = marker_path(home, point)
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(str(os.getpid()), encoding="utf-8")
        time.sleep(seconds)

    return crash_point


def main(spec: str) -> int:
    """`ntm run`, pausing at the points of ``spec``."""
    from ntm.runner import run_pipeline
    from ntm.settings import load_settings

    settings = load_settings()
    settings.ensure_dirs()
    hook = pausing_at(settings.home, requested(spec))
    report = run_pipeline(settings, echo=print, crash_point=hook)
    print(report.summary())
    return 0 if report.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
