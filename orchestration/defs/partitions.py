"""Quarterly partitions, defined once: a partition is the quarter a district workbook reports on.

Partition keys are the quarter's first day (`2018-10-01`), because Dagster's time windows need a
strftime format; everywhere else the warehouse says `2018Q4`. A quarter becomes a partition once it
has started (`end_offset=1`): year-end reports are often filed before the quarter is over, and the
validation rejects only quarters that have not begun.
"""

from __future__ import annotations

from datetime import date

import dagster as dg

from sources.contract import FIRST_QUARTER
from sources.quarters import quarter_of, quarter_start

FIRST_QUARTER_START = quarter_start(FIRST_QUARTER).isoformat()

quarterly_partitions = dg.TimeWindowPartitionsDefinition(
    cron_schedule="0 0 1 */3 *",
    start=FIRST_QUARTER_START,
    fmt="%Y-%m-%d",
    end_offset=1,
)


def quarter_of_partition(partition_key: str) -> str:
    """`2018-10-01` → `2018Q4`."""
    return quarter_of(date.fromisoformat(partition_key))


def partition_of_quarter(quarter: str) -> str:
    """`2018Q4` → `2018-10-01`."""
    return quarter_start(quarter).isoformat()
