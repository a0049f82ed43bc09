"""Landing entries that are not regular files are skipped unopened (issue 12, item 8).

A symlink in the landing folder used to be followed: its target (``/etc/passwd``, or a file too
large to accept) was read and copied into ``rejected/``. Symlinks, FIFOs, sockets and directories
named like workbooks are now skipped with FILE-013 and never opened nor followed; a file rejected
for its size (FILE-004) is not copied (FILE-014 in its report).
"""

from __future__ import annotations

import builtins
import csv
import os
import socket
from pathlib import Path

import duckdb
import pytest

import warehouse.ingest as ingest
from sources.guards import check_file
from sources.landing import landing_workbooks, scan_landing_entries
from sources.reader import read_workbook
from tests.conftest import query
from tests.factories import valid_sheets, write_xlsx
from tests.test_per_file_failures_e2e import land, sheets_for
from warehouse.raw_store import ensure_raw_tables

SECRET = b"root:x:0:0:root:/root:/bin/bash\n" * 50
SIZE_LIMIT = 60_000  # NTM_GUARD_MAX_FILE_BYTES for these tests: a test workbook is ~10 KB


def make_landing(settings, outside: Path) -> dict[str, Path]:
    """A landing folder with one of each kind of entry; returns them by role."""
    outside.mkdir(exist_ok=True)
    secret = outside / "passwd"
    secret.write_bytes(SECRET)
    elsewhere = write_xlsx(outside / "NTM_02-026_2019Q2.xlsx", sheets_for("2019Q2"))
    landing = settings.landing_dir
    entries = {
        "good": land(settings, "2019Q1"),
        "link_outside": landing / "NTM_02-026_2019Q3.xlsx",
        "link_workbook": landing / "NTM_02-026_2019Q2.xlsx",
        "fifo": landing / "NTM_02-026_2020Q1.xlsx",
        "directory": landing / "NTM_02-026_2020Q2.xlsx",
        "oversized": landing / "NTM_02-026_2019Q4.xlsx",
    }
    entries["link_outside"].symlink_to(secret)
    entries["link_workbook"].symlink_to(elsewhere)
    os.mkfifo(entries["fifo"])
    entries["directory"].mkdir()
    # A real workbook padded past the limit (a zip ignores trailing bytes after its directory).
    write_xlsx(entries["oversized"], sheets_for("2019Q4"))
    with entries["oversized"].open("ab") as handle:
        handle.write(os.urandom(SIZE_LIMIT))
    return entries


SKIPPED = {
    "NTM_02-026_2019Q3.xlsx": "symlink",
    "NTM_02-026_2019Q2.xlsx": "symlink",
    "NTM_02-026_2020Q1.xlsx": "fifo",
    "NTM_02-026_2020Q2.xlsx": "directory",
}


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every path opened in this process (os.open and open), to show what was never opened."""
    paths: list[str] = []
    real_os_open, real_open = os.open, builtins.open

    def os_open(path, flags, *args, **kwargs):
        paths.append(os.fspath(path))
        return real_os_open(path, flags, *args, **kwargs)

    def any_open(file, *args, **kwargs):
        if isinstance(file, str | bytes | os.PathLike):
            paths.append(os.fsdecode(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(builtins, "open", any_open)
    return paths


def test_scan_skips_links_and_special_files_without_opening_them(
    ntm_home, tmp_path, monkeypatch, opened
) -> None:
    monkeypatch.setenv("NTM_GUARD_MAX_FILE_BYTES", str(SIZE_LIMIT))
    entries = make_landing(ntm_home, tmp_path / "outside")
    server = socket.socket(socket.AF_UNIX)
    monkeypatch.chdir(ntm_home.landing_dir)  # a socket's path must be short: bind it relative
    server.bind("NTM_02-026_2020Q3.xlsx")
    opened.clear()

    files, skipped = scan_landing_entries(ntm_home.landing_dir)

    assert sorted(f.file_name for f in files) == sorted(
        [entries["good"].name, entries["oversized"].name]
    )
    assert {(s.name, s.kind) for s in skipped} == {
        *SKIPPED.items(),
        ("NTM_02-026_2020Q3.xlsx", "socket"),
    }
    assert {s.finding.rule_id for s in skipped} == {"FILE-013"}
    link = next(s.finding for s in skipped if s.name == "NTM_02-026_2019Q3.xlsx")
    assert "NTM_02-026_2019Q3.xlsx" in link.message_en and "symbolic link" in link.message_en
    assert "liên kết" in link.message_vi
    never = {str(ntm_home.landing_dir / name) for name in [*SKIPPED, "NTM_02-026_2020Q3.xlsx"]}
    assert never.isdisjoint(opened) and not any("outside" in p for p in opened), opened
    server.close()

    # The sensor's listing skips them too; a direct read or guard check never follows a link.
    assert sorted(p.name for p in landing_workbooks(ntm_home.landing_dir)) == sorted(
        [entries["good"].name, entries["oversized"].name]
    )
    assert [f.rule_id for f in check_file(entries["link_outside"])] == ["FILE-013"]
    assert [f.rule_id for f in read_workbook(entries["link_workbook"]).findings] == ["FILE-013"]
    assert [f.rule_id for f in read_workbook(entries["fifo"]).findings] == ["FILE-013"]


def test_ingest_reports_skipped_entries_and_keeps_no_oversized_copy(
    ntm_home, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("NTM_GUARD_MAX_FILE_BYTES", str(SIZE_LIMIT))
    entries = make_landing(ntm_home, tmp_path / "outside")
    with duckdb.connect(str(ntm_home.build_db)) as con:
        ensure_raw_tables(con)
        summary = ingest.ingest_landing(con, ntm_home, load_id="load", workers=1)
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


@pytest.mark.e2e
def test_the_run_skips_them_and_publishes_the_others(ntm_home, tmp_path, monkeypatch) -> None:
    import dagster as dg

    from ntm.runner import run_pipeline

    monkeypatch.setenv("NTM_GUARD_MAX_FILE_BYTES", str(SIZE_LIMIT))
    entries = make_landing(ntm_home, tmp_path / "outside")

    report = run_pipeline(ntm_home, echo=lambda _: None)

    assert report.success and report.published, report.summary()
    assert (report.accepted, report.rejected) == (1, 1), report.summary()
    published = query(
        ntm_home,
        "select quarter from reporting.rpt_attainment "
        "where district_code = '026' and has_report order by quarter",
    )
    assert [r["quarter"] for r in published] == ["2019Q1"]  # not the linked 2019Q2 workbook
    names = {r["file_name"] for r in query(ntm_home, "select file_name from raw.rejections")}
    assert names == {entries["oversized"].name}
    with dg.DagsterInstance.from_config(str(ntm_home.dagster_home)) as instance:
        event = instance.get_latest_materialization_event(dg.AssetKey(["raw", "workbook_versions"]))
    metadata = event.asset_materialization.metadata
    assert metadata["skipped_entries"].value == len(SKIPPED)
    table = metadata["skipped"].value
    assert all(name in table for name in SKIPPED) and "FILE-013" in table

    # Still there next run: still skipped, never a failure.
    again = run_pipeline(ntm_home, echo=lambda _: None)
    assert again.success and (again.accepted, again.rejected) == (0, 0), again.summary()


def test_valid_sheets_still_fit_the_limit(tmp_path) -> None:
    assert write_xlsx(tmp_path / "a.xlsx", valid_sheets()).stat().st_size < SIZE_LIMIT
