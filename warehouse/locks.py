"""Opening a DuckDB file another process holds: wait in the open, then give up with a clear error.

DuckDB allows one writing process per file, or any number of readers: an analyst who opened
`build.duckdb` in a SQL tool, or a second `ntm run`, keeps a run from opening it. Before this
module the run waited in silence (dagster-duckdb's own back-off, ~100 s) or failed at once (dbt,
the publish). Every place the pipeline opens `build.duckdb` or `warehouse.duckdb` goes through
`connect_with_wait`: it retries with back-off, logs who holds the file (DuckDB's lock error names
the holder's program and PID; the command line comes from /proc/<pid>/cmdline where readable) and
for how long it has waited, at most once every `LOG_EVERY_SECONDS`, and after the configured time
(`NTM_LOCK_TIMEOUT_SECONDS`, see ntm/settings.py) raises `LockTimeoutError` naming the file, the
holder and the wait.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

# How long a run waits for build.duckdb / warehouse.duckdb while another process holds its lock
# (an analyst's SQL tool, a second run) before it fails naming the holder.
DEFAULT_LOCK_TIMEOUT_SECONDS = 120

Log = Callable[[str], None]
LOG_EVERY_SECONDS = 10.0
FIRST_DELAY_SECONDS = 0.05
MAX_DELAY_SECONDS = 2.0
MAX_CMDLINE_CHARS = 200
TIMEOUT_SETTING = "NTM_LOCK_TIMEOUT_SECONDS"
# DuckDB 1.x/2.x: 'Could not set lock on file "<path>": Conflicting lock is held in <program>
# (PID <pid>)'. Older or other platforms may name no PID: still a lock, with an unknown holder.
LOCK_ERROR = re.compile(r"Could not set lock on file")
HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.*?) \(PID (?P<pid>\d+)\)")


@dataclass(frozen=True)
class LockHolder:
    """The process DuckDB says holds the file (any field may be unknown)."""

    pid: int | None = None
    program: str | None = None
    cmdline: str | None = None

    def describe(self) -> str:
        if self.pid is None:
            return "another process"
        return f"pid {self.pid} ({self.cmdline or self.program or 'command line not readable'})"


class LockTimeoutError(RuntimeError):
    """A DuckDB file stayed locked by another process for longer than the configured wait."""

    def __init__(self, path: Path, holder: LockHolder, waited_s: float, timeout_s: float) -> None:
        self.path = Path(path)
        self.holder = holder
        self.waited_s = waited_s
        self.timeout_s = timeout_s
        super().__init__(
            f"{self.path.name} is locked by {holder.describe()}: waited {int(waited_s)} s "
            f"({TIMEOUT_SETTING}={timeout_s:g}) for {self.path}. Close that program (a SQL or "
            "BI tool holding the file, or another `ntm run`) and run again; BI tools should open "
            "warehouse.duckdb read-only, never build.duckdb."
        )

    def __reduce__(self):  # rebuilt from its fields when it crosses a process boundary
        return (type(self), (self.path, self.holder, self.waited_s, self.timeout_s), self.__dict__)


def process_cmdline(pid: int) -> str | None:
    """The command line of a process, from /proc (None when gone, foreign or unreadable)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    # arguments are NUL-separated; a script given with -c may hold newlines: one line in the log
    text = " ".join(raw.replace(b"\0", b" ").decode("utf-8", errors="replace").split())
    if not text:
        return None
    return text if len(text) <= MAX_CMDLINE_CHARS else text[: MAX_CMDLINE_CHARS - 1] + "…"


def lock_holder(error: BaseException) -> LockHolder | None:
    """Who holds the file, from DuckDB's lock error; None when the error is not a lock conflict."""
    if not isinstance(error, duckdb.IOException):
        return None
    return lock_error_in(str(error))


def connect_with_wait(
    path: Path | str,
    *,
    read_only: bool,
    timeout_s: float,
    log: Log,
    config: Mapping[str, object] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> duckdb.DuckDBPyConnection:
    """`duckdb.connect`, waiting up to ``timeout_s`` while another process holds a conflicting
    lock on the file; any other error is raised at once.

    Logs "waiting for <file>: held by pid N (<cmdline>) for 12 s" when the wait starts and then
    at most every LOG_EVERY_SECONDS, and how long it waited once the file is free; raises
    `LockTimeoutError` when the time is up.
    """
    path = Path(path)
    started = clock()
    delay = FIRST_DELAY_SECONDS
    logged_at: float | None = None
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only, config=dict(config or {}))
        except duckdb.IOException as error:
            holder = lock_holder(error)
            if holder is None:
                raise
            now = clock()
            waited = now - started
            if waited >= timeout_s:
                log(f"giving up on {path.name}: held by {holder.describe()} for {int(waited)} s")
                raise LockTimeoutError(path, holder, waited, timeout_s) from error
            if logged_at is None or now - logged_at >= LOG_EVERY_SECONDS:
                log(
                    f"waiting for {path.name}: held by {holder.describe()} for {int(waited)} s "
                    f"(gives up after {timeout_s:g} s, {TIMEOUT_SETTING}; file {path})"
                )
                logged_at = now
            sleep(max(0.0, min(delay, timeout_s - waited)))
            delay = min(delay * 2, MAX_DELAY_SECONDS)
        else:
            if logged_at is not None:
                log(f"{path.name} is free: opened after waiting {int(clock() - started)} s")
            return con


def wait_until_free(path: Path | str, *, read_only: bool, timeout_s: float, log: Log) -> None:
    """Wait (as `connect_with_wait`) until this process could open the file, then let it go: for a
    step whose connection is opened by another program (dbt). A holder that takes the file in the
    moment between is reported by that program's own lock error (see `lock_error_in`)."""
    connect_with_wait(path, read_only=read_only, timeout_s=timeout_s, log=log).close()


def lock_error_in(text: str) -> LockHolder | None:
    """The holder named by a DuckDB lock error inside another program's output (dbt's log)."""
    if not LOCK_ERROR.search(text):
        return None
    found = HOLDER.search(text)
    if found is None:
        return LockHolder()
    pid = int(found.group("pid"))
    return LockHolder(pid=pid, program=found.group("program"), cmdline=process_cmdline(pid))
