"""Issue 12 item 10: the holder of a DuckDB lock is read from another program's error message
(the waits themselves, with a real second process: integration/ and e2e/test_lock_waits.py)."""

from __future__ import annotations

import os

from warehouse.locks import (
    LockHolder,
    lock_error_in,
    process_cmdline,
)


def test_lock_messages_are_read_from_other_programs_output() -> None:
    dbt_error = (
        'Encountered an error:\nIO Error: Could not set lock on file "/x/build.duckdb": '
        "Conflicting lock is held in /usr/bin/python3.11 (PID 4242). See also https://duckdb.org"
    )
    holder = lock_error_in(dbt_error)
    assert holder is not None and holder.pid == 4242 and holder.program == "/usr/bin/python3.11"
    assert lock_error_in("Compilation Error in model x") is None
    assert LockHolder().describe() == "another process"
    assert process_cmdline(os.getpid()) is not None
