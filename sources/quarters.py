"""Quarters, computed one way everywhere: the warehouse's key is `2019Q1`.

Workbooks spell a quarter many ways (`2019-Q1`, `Quý I/2019`: the workbook contract reads those,
`sources.contract.parse_quarter`); everything past the reader says `2019Q1`. Dagster's partition
keys are a quarter's first day (`2019-01-01`): `quarter_start(...).isoformat()` and `quarter_of`
convert, so orchestration/defs/partitions.py keeps only the Dagster side.
"""

from __future__ import annotations

import re
from datetime import date

# The key as the warehouse writes it (settings such as NTM_REPORTING_UNTIL must use it).
QUARTER_KEY = re.compile(r"(\d{4})Q([1-4])")


def quarter_label(year: int, quarter: int) -> str:
    """(2019, 1) → '2019Q1'."""
    return f"{year}Q{quarter}"


def quarter_parts(quarter: str) -> tuple[int, int]:
    """'2019Q1' → (2019, 1); raises ValueError on anything else."""
    text = quarter.strip().upper()
    year, sep, q = text.partition("Q")
    if not sep or not year.isdigit() or q not in {"1", "2", "3", "4"}:
        raise ValueError(f"not a quarter: {quarter!r}")
    return int(year), int(q)


def quarter_start(quarter: str) -> date:
    """'2019Q1' → 2019-01-01."""
    year, q = quarter_parts(quarter)
    return date(year, 3 * q - 2, 1)


def quarter_end(quarter: str) -> date:
    """'2019Q1' → 2019-03-31."""
    year, q = quarter_parts(quarter)
    month = 3 * q
    return date(year, month, 31 if month in (3, 12) else 30)


def quarter_of(day: date) -> str:
    """The quarter ``day`` falls in: 2018-10-01 → '2018Q4'."""
    return quarter_label(day.year, (day.month - 1) // 3 + 1)


def previous_quarter(day: date) -> str:
    """The quarter that ended most recently before ``day``: 2019-04-15 → '2019Q1'."""
    year, q = quarter_parts(quarter_of(day))
    return quarter_label(year - 1, 4) if q == 1 else quarter_label(year, q - 1)


def following(year: int, quarter: int) -> tuple[int, int]:
    """The quarter after (year, quarter): (2019, 4) → (2020, 1)."""
    return (year + 1, 1) if quarter == 4 else (year, quarter + 1)
