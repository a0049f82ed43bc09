"""A small smoke run of the national benchmark's pieces (the benchmark itself is run by hand).

Three districts of the national demo, one quarter: the warehouse's ingest, the bare parse and
the openpyxl baseline all read them; PSS counts a forked child's shared pages once.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _bench_module():
    spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module
    spec.loader.exec_module(module)
    return module


def test_benchmark_pieces_read_the_same_files(
    three_districts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bench = _bench_module()
    monkeypatch.setenv("NTM_HOME", str(tmp_path / "home"))
    files = sorted(three_districts.glob("*.xlsx"))
    assert len(files) == 3
    seconds, workbooks, rows, per_file = bench.warehouse_ingest(
        three_districts, tmp_path / "cache", workers=1
    )
    assert workbooks == 3 and seconds > 0
    assert rows == sum(per_file.values()) > 0
    # The floor and the baseline see every data row the warehouse loaded (plus headers, covers).
    assert sum(bench.bare_parse(p) for p in files) > rows
    assert sum(bench.openpyxl_read(p) for p in files) > rows
    assert bench.timed_pool(bench.bare_parse, files, workers=1) > 0


def test_tree_memory_counts_a_forked_child_once_in_pss() -> None:
    """PSS splits the pages a forked child shares with its parent; RSS counts them twice."""
    import os
    import signal
    import time

    bench = _bench_module()
    size = 256 * 1024 * 1024  # the child shares it copy-on-write
    ballast = bytearray(size)
    ballast[::4096] = b"\x01" * len(ballast[::4096])
    alone_rss, alone_pss, _ = bench._tree_memory(os.getpid())
    child = os.fork()
    if child == 0:
        time.sleep(30)
        os._exit(0)
    try:
        time.sleep(0.3)
        rss, pss, each = bench._tree_memory(os.getpid())
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
    assert 0 < alone_pss <= alone_rss
    # Bounds relative to the ballast, far from the few tens of MB that a busy machine moves a
    # process's own memory between two readings (a timing or noise bound does not belong here).
    assert rss - alone_rss > 0.75 * size  # the child's RSS counts the ballast again
    assert abs(pss - alone_pss) < 0.25 * size  # PSS does not
    # each process's own PSS, by role: this process is the tree's root, the child "other"
    # (an earlier test may have left a worker server among this process's children)
    assert each[0][0] == "ntm run" and "other" in {role for role, _ in each[1:]}
    assert sum(own for _, own in each) == pss
