"""Issue 11 item 7: GSO commune codes are reused, and a gap in the catalogue is an end.

01117 is Xã Ngán Chiên (Xín Mần, 02-033) in the 2019-09-11 snapshot, missing from 2020-01-01 and
Xã Trung Thịnh from 2025-03-01. A real `dbt build` (real reference seeds) on a small raw layer
with 033's workbooks of 2019Q4 and 2025Q1 must show two units (Ngán Chiên ending 2019-12-31),
attach each quarter's row to the unit of that quarter, and let nothing of Ngán Chiên (its
classification) reach Trung Thịnh. Every code of the seed with such a gap behaves the same.
"""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from sources.paths import ADMIN_UNITS_SEED
from tests.support.dbt_support import dbt_build, insert, query
from warehouse.raw_store import ensure_raw_tables

CRITERIA = [f"tc{n:02d}" for n in range(1, 20)]
OPEN = date(9999, 12, 31)
# Issue 14: the GSO catalogue is the old map; its last snapshot ends on the eve of the reform.
REFORM_EVE = date(2025, 6, 30)
# (sha, quarter, criteria set, poverty standard): Xín Mần before the gap and after it
VERSIONS = [
    ("v033_19q4", "2019Q4", "QD1980_2016", "QD59_2015"),
    ("v033_25q1", "2025Q1", "QD318_2022", "ND07_2021"),
]
# (sha, commune_code, criteria met, level, recognition year); 01120 is listed throughout
CRITERIA_ROWS = [
    ("v033_19q4", "01117", 12, None, None),
    ("v033_19q4", "01120", 19, "NTM", 2019),
    ("v033_25q1", "01117", 19, "NTM", 2024),
    ("v033_25q1", "01120", 19, "NTM", 2019),
]


def seed_presence() -> dict[str, dict[date, tuple[str, str, str]]]:
    """code → snapshot → (province, district, name), read straight from the reference seed."""
    presence: dict[str, dict[date, tuple[str, str, str]]] = {}
    with ADMIN_UNITS_SEED.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            presence.setdefault(row["commune_code"], {})[
                date.fromisoformat(row["snapshot_date"])
            ] = (row["province_code"], row["district_code"], row["commune_name"])
    return presence


def expected_units(snapshots: list[date], listed: set[date]) -> list[tuple[date, date]]:
    """(starts_on, ends_on) of each run of consecutive snapshots listing a code."""
    units: list[tuple[date, date]] = []
    start = None
    for i, snapshot in enumerate(snapshots):
        if snapshot in listed and start is None:
            start = date(1900, 1, 1) if i == 0 else snapshot
        if snapshot in listed and (i + 1 == len(snapshots) or snapshots[i + 1] not in listed):
            end = REFORM_EVE if i + 1 == len(snapshots) else snapshots[i + 1] - timedelta(days=1)
            units.append((start, end))
            start = None
    return units


def write_raw(db_path: Path) -> None:
    con = duckdb.connect(str(db_path))
    try:
        ensure_raw_tables(con)
        for sha, quarter, criteria_set, standard in VERSIONS:
            received = datetime(int(quarter[:4]), 3 * int(quarter[-1]), 20, 8)
            insert(
                con,
                "workbook_versions",
                {
                    "workbook_sha256": sha,
                    "load_id": "load1",
                    "file_name": f"{sha}.xlsx",
                    "file_size_bytes": 1000,
                    "received_at": received,
                    "file_modified_at": received,
                    "status": "accepted",
                    "error_count": 0,
                    "warning_count": 0,
                    "province_code": "02",
                    "province_name": "Hà Giang",
                    "district_code": "033",
                    "district_name": "Xín Mần",
                    "quarter": quarter,
                    "prepared_on": received.date(),
                    "prepared_by": "test",
                    "criteria_set": criteria_set,
                    "poverty_standard": standard,
                },
            )
        for row_number, (sha, commune, met, level, year) in enumerate(CRITERIA_ROWS, start=5):
            insert(
                con,
                "criteria_rows",
                {
                    "workbook_sha256": sha,
                    "load_id": "load1",
                    "file_name": f"{sha}.xlsx",
                    "sheet_name": "Tieu chi",
                    "excel_row": row_number,
                    "commune_code": commune,
                    **{field: n < met for n, field in enumerate(CRITERIA)},
                    "criteria_met_reported": met,
                    "recognition_year": year,
                    "ntm_level": level,
                },
            )
    finally:
        con.close()


@pytest.fixture(scope="module")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return dbt_build(tmp_path_factory.mktemp("reused_codes"), write_raw)


def test_01117_is_two_units_and_ngan_chien_ends_on_2019_12_31(built_db: Path) -> None:
    rows = query(
        built_db,
        "select commune_name, min(valid_from), max(valid_to), min(unit_starts_on), "
        "max(unit_ends_on), count(distinct unit_ends_on) from marts.dim_commune "
        "where commune_code = '01117' group by commune_name, unit_starts_on "
        "order by min(valid_from)",
    )
    assert rows == [
        (
            "Xã Ngán Chiên",
            date(1900, 1, 1),
            date(2019, 12, 31),
            date(1900, 1, 1),
            date(2019, 12, 31),
            1,
        ),
        ("Xã Trung Thịnh", date(2025, 3, 1), REFORM_EVE, date(2025, 3, 1), REFORM_EVE, 1),
        # issue 14: the reform is an end too; 01117 is also a current unit of Tuyên Quang
        ("Xã Trung Thịnh", date(2025, 7, 1), OPEN, date(2025, 7, 1), OPEN, 1),
    ]
    # no version of the code in the gap
    in_gap = query(
        built_db,
        "select count(*) from marts.dim_commune where commune_code = '01117' "
        "and valid_to >= date '2020-01-01' and valid_from <= date '2025-02-28'",
    )
    assert in_gap == [(0,)]


def test_each_quarter_attaches_the_row_to_its_own_unit(built_db: Path) -> None:
    rows = query(
        built_db,
        "select f.quarter, c.commune_name, "
        "c.valid_from <= q.last_day and q.last_day <= c.valid_to, f.is_ntm_recognised "
        "from marts.fct_commune_recognition as f "
        "inner join marts.dim_commune as c on f.commune_sk = c.commune_sk "
        "inner join marts.dim_quarter as q on f.quarter = q.quarter "
        "where f.commune_code = '01117' order by f.quarter",
    )
    assert rows == [
        ("2019Q4", "Xã Ngán Chiên", True, False),
        ("2025Q1", "Xã Trung Thịnh", True, True),
    ]
    # the catalogue has no 01117 for any quarter of the gap (a row there would be XREF-001)
    quarters = query(
        built_db,
        "select quarter from intermediate.int_communes__quarterly where commune_code = '01117' "
        "and quarter between '2019Q3' and '2025Q2' order by quarter",
    )
    assert quarters == [("2019Q3",), ("2019Q4",), ("2025Q1",), ("2025Q2",)]


def test_ngan_chien_classification_does_not_reach_trung_thinh(built_db: Path) -> None:
    rows = query(
        built_db,
        "select commune_name, is_especially_difficult from marts.dim_commune "
        "where commune_code = '01117' and valid_from >= date '2016-01-01' order by valid_from",
    )
    # The DEMO classification lists Ngán Chiên as especially difficult from 2016, open-ended:
    # it ends with Ngán Chiên; Trung Thịnh has no classification of its own.
    assert rows == [("Xã Ngán Chiên", True), ("Xã Trung Thịnh", None), ("Xã Trung Thịnh", None)]


def test_every_reused_code_of_the_seed_behaves(built_db: Path) -> None:
    presence = seed_presence()
    snapshots = sorted({d for dates in presence.values() for d in dates})
    gapped = {
        code: expected_units(snapshots, set(dates))
        for code, dates in presence.items()
        if len(expected_units(snapshots, set(dates))) > 1
    }
    assert len(gapped) == 107  # the count: present, missing, present again
    assert gapped["01117"] == [
        (date(1900, 1, 1), date(2019, 12, 31)),
        (date(2025, 3, 1), REFORM_EVE),
    ]
    built = query(
        built_db,
        "select commune_code, unit_starts_on, unit_ends_on "
        "from intermediate.int_admin_units__effective where admin_era = 'three_tier' "
        "group by all order by commune_code, unit_starts_on",
    )
    units: dict[str, list[tuple[date, date]]] = {}
    for code, starts_on, ends_on in built:
        units.setdefault(code, []).append((starts_on, ends_on))
    assert {code: units[code] for code in gapped} == gapped
    # Every code's units, gapped or not, are exactly its runs of consecutive snapshots.
    assert units == {code: expected_units(snapshots, set(d)) for code, d in presence.items()}
    # dim_commune agrees, nationally: no version crosses a gap or outlives its unit.
    crossing = query(
        built_db,
        "select count(*) from marts.dim_commune as c "
        "inner join intermediate.int_admin_units__effective as a "
        "on c.commune_code = a.commune_code and c.valid_from between a.valid_from and a.valid_to "
        "where c.unit_starts_on <> a.unit_starts_on or c.unit_ends_on <> a.unit_ends_on "
        "or c.valid_to > a.unit_ends_on",
    )
    assert crossing == [(0,)]
