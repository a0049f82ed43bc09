"""The landing sensor: a new or changed workbook requests a run of the quarter it reports on.

The cursor remembers every landing file's size, modification time and sha256, so an unchanged
folder costs one `stat` per file and requests nothing. A file is news when it is an arrival: a new
name, or bytes that differ from those last seen under its name (a resubmission, or an earlier
version put back); an earlier version sent again is one, and makes that version the one in force
again, while a file merely touched is none (sources/arrivals.py). Run keys are built from
the arrivals (bytes, name and the ledger's stamp), so one arrival never requests a second run,
even after the cursor is lost.
"""

import hashlib
import json
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import dagster as dg

from orchestration.defs.jobs import ntm_pipeline_job
from orchestration.defs.partitions import partition_of_quarter, quarterly_partitions
from orchestration.defs.resources import WarehouseHome
from sources.arrivals import (
    FIRST_SEEN,
    Arrival,
    LandingLedger,
    landing_arrival,
    record_arrivals,
    record_landing_arrivals,
)
from sources.digest import file_sha256
from sources.landing import landing_workbooks
from sources.reader import read_workbook

NO_QUARTER = ""


def landing_changes(
    landing_files: list, cursor: dict[str, list]
) -> tuple[dict[str, list], list[tuple[str, str, datetime]]]:
    """(new cursor, [(path, sha256, seen at)] of the arrivals: files that are new or whose bytes
    changed. A file touched again (same bytes) is no arrival.

    Each file is stamped when its bytes were read (its own received time, see arrivals.py).
    """
    current: dict[str, list] = {}
    changed: list[tuple[str, str, datetime]] = []
    for path in landing_files:
        try:
            stat = path.lstat()
            previous = cursor.get(path.name)
            if previous and previous[0] == stat.st_size and previous[1] == stat.st_mtime_ns:
                current[path.name] = previous
                continue
            sha = file_sha256(path)
        except OSError:  # gone, unreadable, or swapped for a link: the ingest's scan reports it
            continue
        current[path.name] = [stat.st_size, stat.st_mtime_ns, sha]
        if previous is None or previous[2] != sha:
            changed.append((str(path), sha, datetime.now()))
    return current, changed


def _arrival_token(ledger: LandingLedger, path: str, sha: str) -> str:
    """One arrival: these bytes under this name, with the ledger's stamp (the first sighting of
    this content under this name since it last held other bytes)."""
    name = Path(path).name
    arrival = landing_arrival(ledger, name, sha)
    return f"{sha}|{name}|{arrival.received_at.isoformat() if arrival else ''}"


def _run_key(quarter: str, arrivals: list[str]) -> str:
    """One run per set of arrivals (not per set of bytes: a version sent again is a new arrival)."""
    digest = hashlib.sha256("".join(sorted(arrivals)).encode()).hexdigest()[:16]
    return f"{quarter or 'no-quarter'}:{digest}"


@dg.sensor(
    job=ntm_pipeline_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Watches $NTM_HOME/landing/: a new or changed workbook requests a run of the "
    "quarter its cover declares (files without a valid quarter: the latest quarter, so they are "
    "quarantined with their report).",
)
def landing_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseHome):
    settings = warehouse.settings
    cursor = json.loads(context.cursor) if context.cursor else {}
    current, changed = landing_changes(landing_workbooks(settings.landing_dir), cursor)
    if not changed:
        context.update_cursor(json.dumps(current))
        return dg.SkipReason("no new or changed workbook in the landing folder")

    record_arrivals(settings.home, {sha: Arrival(seen, FIRST_SEEN) for _, sha, seen in changed})
    ledger = record_landing_arrivals(
        settings.home,
        [(Path(path).name, sha, Arrival(seen, FIRST_SEEN)) for path, sha, seen in changed],
    )
    arrival_ids = {path: _arrival_token(ledger, path, sha) for path, sha, _ in changed}
    by_quarter: dict[str, list[tuple[str, str]]] = defaultdict(list)
    existing = set(quarterly_partitions.get_partition_keys())
    limits = settings.guard_limits
    for path, sha, _ in changed:
        quarter = read_workbook(path, limits=limits, cover_only=True).quarter or NO_QUARTER
        if quarter and partition_of_quarter(quarter) not in existing:
            quarter = NO_QUARTER  # before 2016 or not begun: rejected by validation
        by_quarter[quarter].append((path, sha))

    latest = quarterly_partitions.get_last_partition_key()
    requests = []
    for quarter, files in sorted(by_quarter.items()):
        names = ", ".join(sorted(p.rsplit("/", 1)[-1] for p, _ in files))
        requests.append(
            dg.RunRequest(
                run_key=_run_key(quarter, [arrival_ids[path] for path, _ in files]),
                partition_key=partition_of_quarter(quarter) if quarter else latest,
                tags={"ntm/trigger": "landing_sensor", "ntm/files": names[:1000]},
            )
        )
    context.update_cursor(json.dumps(current))
    return requests


defs = dg.Definitions(sensors=[landing_sensor])
