"""The landing sensor and the quarter arithmetic of the schedule, on real files: what is an
arrival, which partitions a tick requests (the schedule on DuckDB: integration/)."""

from __future__ import annotations

import json
import os
from datetime import datetime

import dagster as dg
import pytest

from orchestration.defs.ingest.sensors import landing_sensor
from orchestration.defs.resources import WarehouseHome
from sources.arrivals import load_arrivals
from sources.quarters import previous_quarter
from tests.support.factories import valid_sheets, valid_workbook, write_xlsx
from warehouse.settings import Settings


def _tick(settings: Settings, cursor: str | None):
    with dg.build_sensor_context(
        cursor=cursor, resources={"warehouse": WarehouseHome.of(settings)}
    ) as context:
        result = landing_sensor(context)
        requests = [] if isinstance(result, dg.SkipReason) else list(result)
    return requests, context.cursor


def test_sensor_requests_exactly_the_new_quarter_then_nothing(ntm_home):
    valid_workbook(ntm_home.landing_dir / "NTM_02-026_2019Q1.xlsx")
    requests, cursor = _tick(ntm_home, None)
    assert [(r.partition_key, r.tags["ntm/files"]) for r in requests] == [
        ("2019-01-01", "NTM_02-026_2019Q1.xlsx")
    ]
    assert len(load_arrivals(ntm_home.home)) == 1  # first seen is recorded for timeliness

    again, cursor_after = _tick(ntm_home, cursor)
    assert again == []
    assert json.loads(cursor_after) == json.loads(cursor)


def test_sensor_resubmission_and_a_second_quarter(ntm_home):
    path = valid_workbook(ntm_home.landing_dir / "NTM_02-026_2019Q1.xlsx")
    first, cursor = _tick(ntm_home, None)

    sheets = valid_sheets()
    sheets["Thong tin"][6][1] = "Trần Thị B"  # a corrected resubmission: new bytes
    write_xlsx(path, sheets)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    q2 = valid_sheets()
    q2["Thong tin"][4][1] = "Quý II/2019"
    write_xlsx(ntm_home.landing_dir / "NTM_02-026_2019Q2.xlsx", q2)

    requests, _ = _tick(ntm_home, cursor)
    assert sorted(r.partition_key for r in requests) == ["2019-01-01", "2019-04-01"]
    resubmission = next(r for r in requests if r.partition_key == "2019-01-01")
    assert resubmission.run_key != first[0].run_key


def test_sensor_a_touched_file_is_no_arrival_but_an_earlier_version_put_back_is(ntm_home):
    """Issue 12 item 4: an arrival is a landing name whose bytes differ from those last seen under
    it. A file touched again (a backup restored) requests nothing; A put back in place of B is an
    arrival (one run, then nothing); a lost cursor requests the same run keys again, which Dagster
    runs once."""
    path = valid_workbook(ntm_home.landing_dir / "NTM_02-026_2019Q1.xlsx")
    a_bytes = path.read_bytes()
    first, cursor = _tick(ntm_home, None)
    assert len(first) == 1

    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert _tick(ntm_home, cursor)[0] == []

    sheets = valid_sheets()
    sheets["Thong tin"][6][1] = "Trần Thị B"  # B: new bytes under the same name
    write_xlsx(path, sheets)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 2 * 10**9))
    b_requests, cursor = _tick(ntm_home, cursor)
    assert len(b_requests) == 1

    path.write_bytes(a_bytes)  # A put back: an arrival again, with a run key of its own
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 3 * 10**9))
    back, cursor = _tick(ntm_home, cursor)
    assert len(back) == 1
    assert back[0].run_key not in {first[0].run_key, b_requests[0].run_key}
    assert _tick(ntm_home, cursor)[0] == []

    # The sensor restarted without its cursor: the same arrival, the same run key.
    assert [r.run_key for r in _tick(ntm_home, None)[0]] == [back[0].run_key]


@pytest.mark.parametrize(
    ("day", "quarter"),
    [("2019-04-15", "2019Q1"), ("2019-01-15", "2018Q4"), ("2020-10-15", "2020Q3")],
)
def test_previous_quarter(day, quarter):
    assert previous_quarter(datetime.fromisoformat(day).date()) == quarter
