"""Landing entries that are not regular files, through the real ingest (issue 12, item 8): skipped
with FILE-013, and a file rejected for its size (FILE-004) is not copied (FILE-014 in its
report); nothing of a link's target is kept anywhere."""

from __future__ import annotations

import csv

import duckdb

import warehouse.ingest as ingest
from sources.guards import GuardLimits
from tests.support.landing import SECRET, SIZE_LIMIT, SKIPPED, make_landing
from warehouse.raw_store import ensure_raw_tables


def test_ingest_reports_skipped_entries_and_keeps_no_oversized_copy(ntm_home, tmp_path) -> None:
    entries = make_landing(ntm_home, tmp_path / "outside")
    with duckdb.connect(str(ntm_home.build_db)) as con:
        ensure_raw_tables(con)
        summary = ingest.ingest_landing(
            con,
            ntm_home,
            load_id="load",
            workers=1,
            limits=GuardLimits(max_file_bytes=SIZE_LIMIT),
        )
        versions = con.execute("select file_name, status from raw.workbook_versions").fetchall()

    assert sorted(versions) == [
        (entries["good"].name, "accepted"),
        (entries["oversized"].name, "rejected"),
    ]
    assert {(s.name, s.kind) for s in summary.skipped} == set(SKIPPED.items())
    (oversized,) = summary.rejected
    assert [f.rule_id for f in oversized.findings] == ["FILE-004", "FILE-014"]
    folder = ntm_home.rejected_dir / oversized.file.sha256
    assert sorted(p.name for p in folder.iterdir()) == [
        "NTM_02-026_2019Q4.errors.csv",
        "NTM_02-026_2019Q4.errors.xlsx",
    ]  # the reports, not the file
    assert oversized.file.sha256 not in summary.stored
    with (folder / "NTM_02-026_2019Q4.errors.csv").open(encoding="utf-8-sig") as handle:
        assert [row["rule_id"] for row in csv.DictReader(handle)] == ["FILE-004", "FILE-014"]
    # Nothing of a link's target was kept anywhere.
    for kept in [*ntm_home.rejected_dir.rglob("*"), *ntm_home.archive_dir.rglob("*")]:
        assert not kept.is_file() or SECRET[:32] not in kept.read_bytes(), kept
