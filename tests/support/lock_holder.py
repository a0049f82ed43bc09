"""A real second process holding a DuckDB file, the way an analyst's session or another run does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

MARKER = "ntm-lock-test-holder"


# One short line, so the holder's command line (truncated at 200 characters) shows the marker.
HOLDER_SCRIPT = (
    "import sys,time,duckdb;_,m,p,ro,s=sys.argv;c=duckdb.connect(p,read_only=ro=='ro');"
    "print('holding',flush=True);time.sleep(float(s))"
)


def hold(path: Path, seconds: float, mode: str = "rw") -> subprocess.Popen:
    """A second process holding ``path`` for ``seconds`` (returns once it holds it)."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER_SCRIPT, MARKER, str(path), mode, str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()  # bounded: the holder prints at once or exits
    if line.strip() != "holding":
        process.kill()
        raise AssertionError(f"the holder did not start: {line!r}")
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
    process.wait(timeout=30)
