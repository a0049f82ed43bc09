"""`ntm trace` on a warehouse that does not exist: exit code 2 and a TraceError (the recomputation
on the demo warehouse: e2e/test_trace.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.trace_cli import _invoke
from warehouse.settings import DEFAULT_ON_TIME_DAYS
from warehouse.trace import TraceError, trace


def test_missing_warehouse_exits_2(tmp_path: Path) -> None:
    result = _invoke(
        "--view",
        "rpt_attainment",
        "--where",
        "true",
        "--column",
        "xa_count",
        db=tmp_path / "none.duckdb",
    )
    assert result.exit_code == 2
    with pytest.raises(TraceError):
        trace(
            tmp_path / "none.duckdb",
            "rpt_attainment",
            "true",
            "xa_count",
            on_time_days=DEFAULT_ON_TIME_DAYS,
        )
