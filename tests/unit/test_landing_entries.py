"""Landing entries that are not regular files are skipped unopened (issue 12, item 8): the scan,
the sensor's listing, the guards and the reader never open nor follow a symlink, a FIFO, a socket
or a directory named like a workbook (the ingest: integration/, the run: e2e/)."""

from __future__ import annotations

import builtins
import os
import socket

import pytest

from sources.guards import check_file
from sources.landing import landing_workbooks, scan_landing_entries
from sources.reader import read_workbook
from tests.support.factories import valid_sheets, write_xlsx
from tests.support.landing import SIZE_LIMIT, SKIPPED, make_landing


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


def test_valid_sheets_still_fit_the_limit(tmp_path) -> None:
    assert write_xlsx(tmp_path / "a.xlsx", valid_sheets()).stat().st_size < SIZE_LIMIT
