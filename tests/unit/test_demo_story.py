"""The demo's reporting story (`sources.demo.story`): which files the landing folder receives,
and when.

Most districts on time, a few late, Vị Xuyên (030) missing in 2019Q3, Hoàng Su Phì's (032) 2019Q4
rejected (HH-003) and corrected. The files are written by `ntm demo-data` (the real writer); their
modification times are their arrival times (the warehouse's view: e2e/test_demo_story.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from ntm.cli import main
from sources.demo.generate import quarters
from sources.demo.story import (
    CORRECTED_DAYS,
    LATE,
    MISSING,
    ON_TIME_DAYS,
    REJECTED,
    REJECTED_DAYS,
    REJECTED_RULE,
    submissions,
)
from sources.quarters import quarter_end
from tests.support.fixtures import CORRECTED_FILE, DISTRICTS, MISSING_FILE, REJECTED_FILE


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> tuple[Path, str]:
    """`ntm demo-data` into a fresh folder, once for the module: (folder, command output)."""
    out = tmp_path_factory.mktemp("story") / "landing"
    result = CliRunner().invoke(main, ["demo-data", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


def _days_after_quarter_end(path: Path) -> int:
    """Days between the quarter the file name declares and the file's modification time."""
    quarter = path.stem.split("_")[2]
    end = quarter_end(quarter)
    return (datetime.fromtimestamp(path.stat().st_mtime).date() - end).days


def test_the_story_is_as_documented() -> None:
    # Pinned here as the README tells it: a change of the story must change both.
    assert MISSING == ("030", 2019, 3)
    assert REJECTED == ("032", 2019, 4) and REJECTED_RULE == "HH-003"
    assert LATE == {
        ("033", 2019, 1): 22,
        ("026", 2019, 2): 27,
        ("030", 2019, 4): 19,
        ("027", 2020, 4): 18,
    }
    assert MISSING[2] != 4, "the missing quarter is a mid-year one: no year-end figure moves"
    assert all(days > ON_TIME_DAYS for days in LATE.values())
    assert REJECTED_DAYS < CORRECTED_DAYS <= ON_TIME_DAYS


def test_writes_every_file_but_the_missing_one(landing) -> None:
    out, output = landing
    names = sorted(p.name for p in out.iterdir())
    expected = {
        f"NTM_02-{district}_{year}Q{quarter}.xlsx"
        for year, quarter in quarters()
        for district in DISTRICTS
    }
    assert len(names) == 220  # 11 × 20 - 1 missing + 1 corrected resubmission
    assert set(names) == (expected - {MISSING_FILE}) | {CORRECTED_FILE}
    assert not (out / MISSING_FILE).exists()
    assert "Wrote 220 demo workbooks" in output
    assert "missing: 02-030 2019Q3" in output
    assert "rejected then corrected: 02-032 2019Q4" in output


def test_mtimes_are_the_arrival_times(landing) -> None:
    out, _ = landing
    by_name = {s.file_name: s for s in submissions()}
    for path in out.iterdir():
        assert datetime.fromtimestamp(path.stat().st_mtime) == by_name[path.name].arrives_at
        assert 7 <= by_name[path.name].arrives_at.hour <= 16  # office hours


def test_most_on_time_a_few_late(landing) -> None:
    out, _ = landing
    days = {path.name: _days_after_quarter_end(path) for path in out.iterdir()}
    late = {name for name, d in days.items() if d > ON_TIME_DAYS}
    assert late == {f"NTM_02-{d}_{y}Q{q}.xlsx" for d, y, q in LATE}
    for (district, year, quarter), after in LATE.items():
        assert days[f"NTM_02-{district}_{year}Q{quarter}.xlsx"] == after
    on_time = {name for name, d in days.items() if 0 < d <= ON_TIME_DAYS}
    assert len(on_time) == 220 - 4  # the rejected version and its correction among them
    assert days[REJECTED_FILE] == REJECTED_DAYS and days[CORRECTED_FILE] == CORRECTED_DAYS
    # Every year-end quarter is complete: the published figures are built from all 11 districts.
    for year in range(2016, 2021):
        q4 = [name for name in days if f"_{year}Q4" in name and name != REJECTED_FILE]
        assert len(q4) == 11, year


def test_rejected_then_corrected(landing) -> None:
    out, _ = landing
    rejected, corrected = out / REJECTED_FILE, out / CORRECTED_FILE
    assert rejected.stat().st_mtime < corrected.stat().st_mtime
    first = CliRunner().invoke(main, ["check", str(rejected)])
    assert first.exit_code == 1, first.output
    assert "REJECTED" in first.output and f"[{REJECTED_RULE} error]" in first.output
    assert "(1 errors / lỗi" in first.output  # the one typo, nothing else
    second = CliRunner().invoke(main, ["check", str(corrected)])
    assert second.exit_code == 0, second.output
    assert "ACCEPTED" in second.output


def test_corrected_data_are_the_generated_ones() -> None:
    """The version in force carries the generated quarter (the anchors); only the cover's
    preparation date moves to the day it was sent again."""
    by_name = {s.file_name: s for s in submissions()}
    rejected, corrected = by_name[REJECTED_FILE].workbook, by_name[CORRECTED_FILE].workbook
    assert by_name[REJECTED_FILE].expected_status == "rejected"
    assert corrected.content.households != rejected.content.households
    assert corrected.content.criteria == rejected.content.criteria
    assert corrected.content.funding == rejected.content.funding
    changed = [
        (a, b)
        for a, b in zip(rejected.content.households, corrected.content.households, strict=True)
        if a != b
    ]
    assert len(changed) == 1
    broken, right = changed[0]
    assert broken["households"] == right["households"] // 10  # the last digit dropped
    sent_again = quarter_end("2019Q4") + timedelta(days=CORRECTED_DAYS)
    assert corrected.content.cover["prepared_on"] == sent_again


def test_deterministic_for_a_seed() -> None:
    first = [(s.file_name, s.arrives_at) for s in submissions(seed=7)]
    again = [(s.file_name, s.arrives_at) for s in submissions(seed=7)]
    other = [(s.file_name, s.arrives_at) for s in submissions(seed=8)]
    assert first == again
    assert first != other
    # another seed moves times, never the story
    assert [name for name, _ in first] == [name for name, _ in other]
