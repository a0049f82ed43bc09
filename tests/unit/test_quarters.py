"""The one quarter module: keys, dates, neighbours, and the Dagster partition keys built on it."""

from __future__ import annotations

from datetime import date

import pytest

from orchestration.defs.partitions import partition_of_quarter, quarter_of_partition
from sources.quarters import (
    QUARTER_KEY,
    following,
    previous_quarter,
    quarter_end,
    quarter_label,
    quarter_of,
    quarter_parts,
    quarter_start,
)


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        ("2019Q1", date(2019, 1, 1), date(2019, 3, 31)),
        ("2019Q2", date(2019, 4, 1), date(2019, 6, 30)),
        ("2019Q3", date(2019, 7, 1), date(2019, 9, 30)),
        ("2019Q4", date(2019, 10, 1), date(2019, 12, 31)),
    ],
)
def test_first_and_last_day(quarter: str, start: date, end: date) -> None:
    assert (quarter_start(quarter), quarter_end(quarter)) == (start, end)
    assert quarter_of(start) == quarter_of(end) == quarter
    assert partition_of_quarter(quarter) == start.isoformat()
    assert quarter_of_partition(start.isoformat()) == quarter


def test_label_and_parts_round_trip() -> None:
    assert quarter_label(2020, 3) == "2020Q3"
    assert quarter_parts("2020Q3") == (2020, 3)
    assert quarter_parts(" 2020q3 ") == (2020, 3)  # tolerant of case and blanks, as before
    assert QUARTER_KEY.fullmatch("2020Q3") and not QUARTER_KEY.fullmatch("2020-Q3")


@pytest.mark.parametrize("text", ["2019Q5", "2019Q0", "2019-01-01", "Q1", "2019", ""])
def test_not_a_quarter(text: str) -> None:
    with pytest.raises(ValueError, match="not a quarter"):
        quarter_parts(text)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2019, 4, 15), "2019Q1"),
        (date(2019, 1, 1), "2018Q4"),
        (date(2019, 12, 31), "2019Q3"),
        (date(2019, 10, 1), "2019Q3"),
    ],
)
def test_previous_quarter(day: date, expected: str) -> None:
    assert previous_quarter(day) == expected


def test_following_crosses_the_year() -> None:
    assert following(2019, 3) == (2019, 4)
    assert following(2019, 4) == (2020, 1)
