"""Partition keys and quarters convert both ways (the code location itself: integration/)."""

from __future__ import annotations

from orchestration.defs.partitions import partition_of_quarter, quarter_of_partition


def test_quarter_partition_round_trip():
    for quarter in ("2016Q1", "2018Q4", "2020Q3"):
        assert quarter_of_partition(partition_of_quarter(quarter)) == quarter
