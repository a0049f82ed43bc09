"""Where the ingest's worker processes come from: a small server process, not the run's.

The process running the pipeline holds Dagster, dbt's manifest and Great Expectations (about
0.5 GB). Workers forked from it copy those pages as they touch them and count them in their own
memory: the ingest of a national quarter took 10-12 s inside a run against 7 s alone. So workers
are forked from multiprocessing's forkserver, which imports only the reading and validation code
and the reference seed (``warehouse.ingest_preload``), once.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing import forkserver
from multiprocessing.context import BaseContext

PRELOAD = ["warehouse.ingest_preload"]


def worker_context() -> BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():  # Windows: spawn
        return multiprocessing.get_context()
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def start_worker_server() -> None:
    """Start the server now: it imports the reading code in its own process while the caller
    goes on (the run imports its definitions meanwhile)."""
    if worker_context().get_start_method() == "forkserver":
        forkserver.ensure_running()
