"""Crash points: the named moments of the ingest and the publish at which a crash test stops a
run, passed down as a hook (``crash_point``), a no-op in production (`no_crash`).

The crash tests (tests/test_publish_processes.py) give a run a hook that pauses at one point so
they can SIGKILL the process exactly there (tests/support/faults.py); the product only names the
points and calls the hook it is given.

    ingest-before-append     workbooks read, validated and archived; nothing in raw.* yet
    ingest-before-commit     every raw row of the batch inserted, transaction not committed
    publish-before-copy      build checkpointed, nothing copied
    publish-mid-copy         half of the staging copy written
    publish-before-rename    staging copy complete, verified, exports staged; not renamed
    publish-after-rename     new warehouse renamed over the old one; exports not yet moved
"""

from __future__ import annotations

from collections.abc import Callable

POINTS = (
    "ingest-before-append",
    "ingest-before-commit",
    "publish-before-copy",
    "publish-mid-copy",
    "publish-before-rename",
    "publish-after-rename",
)

CrashPoint = Callable[[str], None]


def no_crash(point: str) -> None:
    """Production's hook: every point passes."""
