"""Arrivals through the real `ntm run` (issue 12, items 4 and 7).

- An office re-sends an earlier version (A, then B, then A again under a new name): the re-sent
  file is news, A is in force again and published, its rows are not loaded twice, and the audit
  shows the three arrivals. A file touched again is no arrival (nothing runs); B put back in
  place of A's first file is one (B in force again).
- Two versions of one (quarter, district) in one run with the same modification time: the order is
  arrival time, then file time, then file NAME (never the sha256), and the superseded file gets an
  XREF-006 warning naming both files.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from ntm.runner import run_pipeline
from sources.digest import file_sha256
from tests.support.factories import CRITERIA, valid_sheets, write_xlsx
from tests.support.fixtures import query

ROW_OF_SECOND_XA = 2  # index in the 'Tieu chi' rows: 0 is the header, 1 the first xã
ATTAINMENT = (
    "select * from reporting.rpt_attainment where quarter = '2019Q1' and district_code = '026'"
)


def _second_xa_recognised(sheets):
    row = sheets[CRITERIA][ROW_OF_SECOND_XA]
    row[3:22] = ["Đạt"] * 19
    row[22:25] = [19, 2019, "NTM"]
    return sheets


def _stamp(path: Path, seconds: float) -> Path:
    os.utime(path, (seconds, seconds))
    return path


def _attainment(settings) -> dict:
    rows = query(settings, ATTAINMENT)
    assert len(rows) == 1
    return rows[0]


def _audit(settings) -> dict[str, dict]:
    rows = query(settings, "select * from reporting.rpt_workbook_audit")
    return {row["workbook_sha256"]: row for row in rows}


def test_an_earlier_version_sent_again_is_in_force_again(ntm_home):
    landing = ntm_home.landing_dir
    now = time.time()
    a = _stamp(write_xlsx(landing / "NTM_02-026_2019Q1.xlsx", valid_sheets()), now - 300)
    first = run_pipeline(ntm_home, echo=lambda _: None)
    assert first.success and first.published and first.accepted == 1, first.summary()
    published_a = _attainment(ntm_home)
    assert published_a["ntm_communes"] == 1

    b = landing / "NTM_02-026_2019Q1_v2.xlsx"
    _stamp(write_xlsx(b, _second_xa_recognised(valid_sheets())), now - 200)
    second = run_pipeline(ntm_home, echo=lambda _: None)
    assert second.success and second.published and second.accepted == 1, second.summary()
    assert _attainment(ntm_home)["ntm_communes"] == 2

    # A again, under a new name: the same bytes.
    again = landing / "NTM_02-026_2019Q1_v3.xlsx"
    shutil.copyfile(a, again)
    _stamp(again, now - 100)
    sha_a, sha_b = file_sha256(a), file_sha256(b)
    assert file_sha256(again) == sha_a
    rows_of_a = query(
        ntm_home, "select count(*) as n from raw.criteria_rows where workbook_sha256 = ?", [sha_a]
    )[0]["n"]
    third = run_pipeline(ntm_home, echo=lambda _: None)
    assert third.run_id is not None, "a re-sent version is news, not 'nothing new'"
    assert third.success and third.published and third.new_files == 1, third.summary()
    # A is in force again: the published row is exactly the one A published first.
    assert _attainment(ntm_home) == published_a
    # Its rows were not loaded a second time; the arrival alone made it current.
    assert (
        query(
            ntm_home,
            "select count(*) as n from raw.criteria_rows where workbook_sha256 = ?",
            [sha_a],
        )[0]["n"]
        == rows_of_a
    )
    assert query(ntm_home, "select count(*) as n from raw.workbook_versions")[0]["n"] == 2

    audit = _audit(ntm_home)
    assert set(audit) == {sha_a, sha_b}
    assert sum(row["arrival_count"] for row in audit.values()) == 3
    assert {k: audit[sha_a][k] for k in ("file_name", "version_number", "arrival_count")} == {
        "file_name": "NTM_02-026_2019Q1.xlsx",
        "version_number": 1,
        "arrival_count": 2,
    }
    assert audit[sha_a]["is_current"] and not audit[sha_a]["is_superseded"]
    assert audit[sha_a]["last_arrival_file_name"] == "NTM_02-026_2019Q1_v3.xlsx"
    assert audit[sha_a]["in_force_sha256"] == sha_a
    history = audit[sha_a]["arrival_history"].split("; ")
    assert [entry.split(" ")[2] for entry in history] == [
        "NTM_02-026_2019Q1.xlsx",
        "NTM_02-026_2019Q1_v3.xlsx",
    ]
    assert audit[sha_b]["is_superseded"] and not audit[sha_b]["is_current"]
    assert audit[sha_b]["superseded_by_sha256"] == sha_a
    assert audit[sha_b]["superseded_at"] == audit[sha_a]["last_arrived_at"]
    assert audit[sha_b]["version_number"] == 2 and audit[sha_b]["arrival_count"] == 1

    # Everything has arrived now: the next run has nothing new.
    assert run_pipeline(ntm_home, echo=lambda _: None).run_id is None

    # B touched again (a backup restored, a copy tool): no arrival, A stays in force.
    _stamp(b, now - 50)
    assert run_pipeline(ntm_home, echo=lambda _: None).run_id is None
    assert _audit(ntm_home)[sha_a]["is_current"]

    # B put back in place of the first file (same name, other bytes): an arrival, B in force.
    shutil.copyfile(b, a)
    _stamp(a, now - 10)
    fourth = run_pipeline(ntm_home, echo=lambda _: None)
    assert fourth.success and fourth.published, fourth.summary()
    assert _attainment(ntm_home)["ntm_communes"] == 2
    audit = _audit(ntm_home)
    assert audit[sha_b]["is_current"] and audit[sha_b]["arrival_count"] == 2
    assert audit[sha_a]["superseded_by_sha256"] == sha_b


def test_two_versions_in_one_run_with_one_mtime_are_ordered_by_name(ntm_home, tmp_path):
    landing = ntm_home.landing_dir
    # Name the version with the LARGER sha256 first: the old order (larger sha256 wins) and the
    # documented one (the later name wins) then disagree.
    one = write_xlsx(tmp_path / "one.xlsx", valid_sheets())
    two = write_xlsx(tmp_path / "two.xlsx", _second_xa_recognised(valid_sheets()))
    larger, smaller = sorted([one, two], key=file_sha256, reverse=True)
    first_name = landing / "NTM_02-026_2019Q1_a.xlsx"
    second_name = landing / "NTM_02-026_2019Q1_b.xlsx"
    shutil.copyfile(larger, first_name)
    shutil.copyfile(smaller, second_name)
    stamp = time.time() - 60
    _stamp(first_name, stamp)
    _stamp(second_name, stamp)

    report = run_pipeline(ntm_home, echo=lambda _: None, received_from_mtime=True)
    assert report.success and report.published, report.summary()
    assert (report.accepted, report.rejected) == (2, 0)

    superseded, in_force = file_sha256(first_name), file_sha256(second_name)
    audit = _audit(ntm_home)
    assert audit[in_force]["is_current"] and audit[in_force]["warning_count"] == 0
    assert audit[superseded]["is_superseded"]
    assert audit[superseded]["superseded_by_sha256"] == in_force
    assert audit[superseded]["warning_count"] == 1
    assert audit[superseded]["received_at"] == audit[in_force]["received_at"]
    assert audit[superseded]["file_modified_at"] == audit[in_force]["file_modified_at"]

    warnings = query(
        ntm_home,
        "select file_name, rule_id, severity, value, message_vi, message_en from raw.rejections",
    )
    assert len(warnings) == 1
    warning = warnings[0]
    assert (warning["file_name"], warning["rule_id"], warning["severity"], warning["value"]) == (
        first_name.name,
        "XREF-006",
        "warning",
        second_name.name,
    )
    for message in (warning["message_vi"], warning["message_en"]):
        assert first_name.name in message and second_name.name in message
        assert "026" in message and "2019Q1" in message

    # The published figure is the in-force version's.
    expected = 1 if smaller == one else 2
    assert _attainment(ntm_home)["ntm_communes"] == expected
    row = _attainment(ntm_home)
    assert (row["has_report"], row["districts_expected"], row["districts_reporting"]) == (
        True,
        1,
        1,
    )
