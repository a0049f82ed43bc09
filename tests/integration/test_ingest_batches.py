"""The ingest works in bounded batches: many files load the same rows whatever the batch size."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from sources.demo.national import national_jobs, write_district
from sources.guards import GuardLimits
from sources.landing import scan_landing
from tests.support.fixtures import make_home
from warehouse import ingest
from warehouse.raw_store import RAW_TABLES, ensure_raw_tables

EXCLUDED = {"workbook_versions": "received_at, archive_path", "arrivals": "arrival_id, arrived_at"}


@pytest.fixture(scope="module")
def five_districts(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    # The last districts of the list are rural huyện (the first are urban quận without xã).
    folder = tmp_path_factory.mktemp("national5")
    return [write_district(job) for job in national_jobs(folder, [(2019, 4)], seed=7)[-5:]]


def _load(
    root: Path, files: list[Path], batch: int, monkeypatch
) -> tuple[dict, ingest.IngestSummary]:
    settings = make_home(root, monkeypatch)
    for path in files:
        shutil.copy2(path, settings.landing_dir / path.name)
    monkeypatch.setattr(ingest, "INGEST_BATCH_FILES", batch)
    with duckdb.connect(str(settings.build_db)) as con:
        ensure_raw_tables(con)
        summary = ingest.ingest_landing(con, settings, load_id="load", workers=1)
        # Everything but the times of this load, in a stable order.
        tables = {
            table: con.execute(
                f"select * exclude ({EXCLUDED.get(table, 'workbook_sha256')}) from raw.{table} "
                "order by all"
            ).fetchall()
            for table in RAW_TABLES
        }
    return tables, summary


def test_batches_load_what_one_batch_loads(five_districts, tmp_path, monkeypatch) -> None:
    whole, one = _load(tmp_path / "one", five_districts, 1000, monkeypatch)
    batched, many = _load(tmp_path / "many", five_districts, 2, monkeypatch)
    assert len(many.outcomes) == len(one.outcomes) == 5 and len(many.accepted) == 5
    assert many.rows == one.rows and many.rows["criteria_rows"] > 0
    for table in RAW_TABLES:
        assert batched[table] == whole[table], table
    # Loaded rows are released from memory; what the run reports on stays.
    assert all(o.extract.criteria.frame is None for o in many.outcomes)
    assert all(o.quarter == "2019Q4" for o in many.outcomes)


def test_parallel_workers_obey_the_limits_set_in_the_parent(tmp_path, monkeypatch) -> None:
    """Workers are forked from the worker server, not from this process: the guard limits given
    here (the settings' NTM_GUARD_*) must still govern them."""
    folder = tmp_path / "files"
    jobs = national_jobs(folder, [(2019, 4)], seed=7)[-ingest.PARALLEL_THRESHOLD :]
    files = [write_district(job) for job in jobs]
    settings = make_home(tmp_path / "home", monkeypatch)
    for path in files:
        shutil.copy2(path, settings.landing_dir / path.name)
    landed = scan_landing(settings.landing_dir)
    assert len(landed) >= ingest.PARALLEL_THRESHOLD

    accepted = ingest.evaluate_files(landed, workers=2)
    assert all(o.accepted for o in accepted)
    refused = ingest.evaluate_files(landed, workers=2, limits=GuardLimits(max_rows=5))
    assert all(not o.accepted for o in refused)
    assert all("FILE-008" in {f.rule_id for f in o.errors} for o in refused)
