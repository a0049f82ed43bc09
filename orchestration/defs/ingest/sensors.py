"""The landing sensor: a new or changed workbook requests a run of the quarter it reports on.

The cursor remembers every landing file's size, modification time and sha256, so an unchanged
folder costs one `stat` per file and requests nothing. Run keys are built from the content hashes,
so the same landing entry never requests a second run, while a resubmission (new bytes) does, and
so does an earlier version sent again (known bytes under a new name, or a file touched again): it
is a new arrival, which makes that version the one in force again (orchestration/arrivals.py).
"""

import hashlib
import json
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import dagster as dg

from orchestration.arrivals import (
    FIRST_SEEN,
    Arrival,
    arrival_key,
    record_arrivals,
    record_entry_arrivals,
)
from orchestration.defs.jobs import ntm_pipeline_job
from orchestration.defs.partitions import partition_of_quarter, quarterly_partitions
from orchestration.defs.resources import WarehouseHome
from orchestration.ingest import WORKBOOK_SUFFIXES, sha256_of
from sources.reader import read_workbook

NO_QUARTER = ""


def landing_changes(
    landing_files: list, cursor: dict[str, list]
) -> tuple[dict[str, list], list[tuple[str, str, datetime]]]:
    """(new cursor, [(path, sha256, seen at)] of files that are new, whose bytes changed, or that
    were touched again: each is an arrival (a re-sent version is one too).

    Each file is stamped when its bytes were read (its own received time, see arrivals.py).
    """
    current: dict[str, list] = {}
    changed: list[tuple[str, str, datetime]] = []
    for path in landing_files:
        stat = path.stat()
        previous = cursor.get(path.name)
        if previous and previous[0] == stat.st_size and previous[1] == stat.st_mtime_ns:
            current[path.name] = previous
            continue
        sha = sha256_of(path)
        current[path.name] = [stat.st_size, stat.st_mtime_ns, sha]
        # Same name and bytes but another modification time: the file was sent again.
        changed.append((str(path), sha, datetime.now()))
    return current, changed


def _landing_files(settings) -> list:
    """Workbooks in landing, oldest first: two versions seen in one tick are stamped in the order
    they were written (the ingest orders resubmissions by received time)."""
    if not settings.landing_dir.exists():
        return []
    paths = [
        path
        for path in settings.landing_dir.iterdir()
        if path.is_file()
        and path.suffix.lower() in WORKBOOK_SUFFIXES
        and not path.name.startswith(("~$", "."))
    ]
    return sorted(paths, key=lambda path: (int(path.stat().st_mtime), path.name))


def _arrival_id(path: str, sha: str) -> str:
    modified = datetime.fromtimestamp(Path(path).stat().st_mtime).replace(microsecond=0)
    return arrival_key(sha, Path(path).name, modified)


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
    current, changed = landing_changes(_landing_files(settings), cursor)
    if not changed:
        context.update_cursor(json.dumps(current))
        return dg.SkipReason("no new or changed workbook in the landing folder")

    record_arrivals(settings.home, {sha: Arrival(seen, FIRST_SEEN) for _, sha, seen in changed})
    arrival_ids = {path: _arrival_id(path, sha) for path, sha, _ in changed}
    record_entry_arrivals(
        settings.home, {arrival_ids[path]: Arrival(seen, FIRST_SEEN) for path, _, seen in changed}
    )
    by_quarter: dict[str, list[tuple[str, str]]] = defaultdict(list)
    existing = set(quarterly_partitions.get_partition_keys())
    for path, sha, _ in changed:
        quarter = read_workbook(path, cover_only=True).quarter or NO_QUARTER
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
