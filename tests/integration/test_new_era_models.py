"""Issue 14: the dbt models of the new era on a small raw layer, through a real `dbt build`.

Commune workbooks of Tuyên Quang (08, the merged province of 124 units from 2025-07-01): 2025Q4
under QD318_2022 (19 criteria), 2026Q1 with two sets in one quarter (two communes under
QD318_2022, two under QD51_2025, 10 criteria), and a district-era quarter of Hà Giang (02-024,
2025Q2). The province rows never blend the two sets, new-era quarters have no district rows, the
reporting status expects the 124 current units, and rpt_commune_status carries each unit.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from tests.support.dbt_support import dbt_build, insert, query
from warehouse.raw_store import ensure_raw_tables
from warehouse.trace import trace
from warehouse.trace_recipes import RECIPES

CRITERIA = [f"tc{n:02d}" for n in range(1, 20)]
SET_COUNTS = {"QD318_2022": 19, "QD51_2025": 10}
NAMES = {
    "00700": "Xã Ngọc Đường",
    "00706": "Xã Phú Linh",
    "00715": "Xã Lũng Cú",
    "00721": "Xã Đồng Văn",
}
# (commune, quarter, criteria set, criteria met, ntm level, recognition year)
COMMUNE_WORKBOOKS = [
    ("00700", "2025Q4", "QD318_2022", 19, "NTM", 2018),
    ("00706", "2025Q4", "QD318_2022", 15, None, None),
    ("00715", "2025Q4", "QD318_2022", 10, None, None),
    ("00700", "2026Q1", "QD318_2022", 19, "NTM", 2018),
    ("00706", "2026Q1", "QD318_2022", 17, None, None),
    ("00715", "2026Q1", "QD51_2025", 8, None, None),
    ("00721", "2026Q1", "QD51_2025", 10, "NTM", 2026),
]


def received(quarter: str) -> datetime:
    year, q = int(quarter[:4]), int(quarter[-1])
    return datetime(year + (q == 4), 1 if q == 4 else 3 * q + 1, 5, 8)


def version(sha: str, quarter: str, **cover: object) -> dict[str, object]:
    at = received(quarter)
    return {
        "workbook_sha256": sha,
        "load_id": "load1",
        "file_name": f"{sha}.xlsx",
        "file_size_bytes": 1000,
        "received_at": at,
        "file_modified_at": at,
        "received_basis": "file_mtime",
        "status": "accepted",
        "error_count": 0,
        "warning_count": 0,
        "quarter": quarter,
        "prepared_on": at.date(),
        "prepared_by": "test",
        **cover,
    }


def sheet_rows(sha: str, sheet: str, excel_row: int) -> dict[str, object]:
    return {
        "workbook_sha256": sha,
        "load_id": "load1",
        "file_name": f"{sha}.xlsx",
        "sheet_name": sheet,
        "excel_row": excel_row,
    }


def write_commune_workbook(con: duckdb.DuckDBPyConnection, workbook: tuple) -> None:
    commune, quarter, criteria_set, met, level, year = workbook
    sha = f"c{commune}_{quarter}"
    insert(
        con,
        "workbook_versions",
        version(
            sha,
            quarter,
            workbook_kind="commune",
            province_code="08",
            province_name="Tuyên Quang",
            commune_code=commune,
            commune_name=NAMES[commune],
            commune_group="3",
            criteria_set=criteria_set,
            poverty_standard="ND07_2021",
            criteria_met_reported=met,
            recognition_year=year,
            ntm_level=level,
        ),
    )
    for field, cell in [
        ("commune_code", "B5"),
        ("criteria_met_reported", "B10"),
        ("recognition_year", "B11"),
        ("ntm_level", "B12"),
    ]:
        insert(
            con,
            "cover_cells",
            {"workbook_sha256": sha, "sheet_name": "Bia", "field": field, "cell_ref": cell},
        )
    row = 5
    for n in range(1, SET_COUNTS[criteria_set] + 1):
        insert(
            con,
            "criterion_rows",
            {
                **sheet_rows(sha, "Tieu chi", row),
                "criterion_code": str(n),
                "criterion_no": n,
                "criterion_name": f"Tiêu chí {n}",
                "is_met": n <= met,
            },
        )
        row += 1
        if n == 1:  # an indicator row under criterion 1: never counted as a criterion
            insert(
                con,
                "criterion_rows",
                {
                    **sheet_rows(sha, "Tieu chi", row),
                    "criterion_code": "1.1",
                    "criterion_no": 1,
                    "indicator_no": 1,
                    "is_met": False,
                },
            )
            row += 1
    insert(
        con,
        "household_rows",
        {
            **sheet_rows(sha, "Ho ngheo", 5),
            "commune_code": commune,
            "commune_name": NAMES[commune],
            "households": 1000,
            "poor_households": 250,
            "near_poor_households": 100,
        },
    )
    insert(
        con,
        "funding_rows",
        {
            **sheet_rows(sha, "Nguon von", 5),
            "commune_code": None,  # blank: the cover's commune
            "programme_code": "NTM",
            "funding_source_code": "NSTW_DTPT",
            "plan_million_vnd": 100.0,
            "actual_ytd_million_vnd": 40.0,
        },
    )
    for sheet, field, letter in [
        ("Tieu chi", "is_met", "D"),
        ("Ho ngheo", "households", "C"),
        ("Ho ngheo", "poor_households", "D"),
    ]:
        insert(
            con,
            "sheet_columns",
            {"workbook_sha256": sha, "sheet_name": sheet, "field": field, "column_letter": letter},
        )


def write_district_workbook(con: duckdb.DuckDBPyConnection) -> None:
    sha = "d02_024_2025Q2"
    insert(
        con,
        "workbook_versions",
        version(
            sha,
            "2025Q2",
            province_code="02",
            province_name="Hà Giang",
            district_code="024",
            district_name="Thành phố Hà Giang",
            criteria_set="QD318_2022",
            poverty_standard="ND07_2021",
        ),
    )
    insert(
        con,
        "criteria_rows",
        {
            **sheet_rows(sha, "Tieu chi", 5),
            "commune_code": "00700",
            "commune_name": "Xã Ngọc Đường",
            **{field: True for field in CRITERIA},
            "criteria_met_reported": 19,
            "recognition_year": 2018,
            "ntm_level": "NTM",
        },
    )
    insert(
        con,
        "household_rows",
        {
            **sheet_rows(sha, "Ho ngheo", 5),
            "commune_code": "00700",
            "households": 900,
            "poor_households": 90,
            "near_poor_households": 50,
        },
    )


def write_raw(db_path: Path) -> None:
    con = duckdb.connect(str(db_path))
    try:
        ensure_raw_tables(con)
        for workbook in COMMUNE_WORKBOOKS:
            write_commune_workbook(con, workbook)
        write_district_workbook(con)
    finally:
        con.close()


@pytest.fixture(scope="module")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return dbt_build(tmp_path_factory.mktemp("new_era"), write_raw)


def test_a_province_row_is_one_criteria_set_never_a_blend(built_db: Path) -> None:
    rows = query(
        built_db,
        "select criteria_set, criteria_count, reporter_level, reporters_expected, "
        "reporters_reporting, is_complete, xa_count, avg_criteria_met, communes_all_met, "
        "communes_19, communes_15_18, communes_10_of_10, communes_7_9, ntm_communes "
        "from reporting.rpt_attainment where quarter = '2026Q1' and province_code = '08' "
        "order by criteria_set",
    )
    assert rows == [
        ("QD318_2022", 19, "commune", 124, 2, False, 2, 18.0, 1, 1, 1, None, None, 1),
        ("QD51_2025", 10, "commune", 124, 2, False, 2, 9.0, 1, None, None, 1, 1, 1),
    ]
    one_set = query(
        built_db,
        "select criteria_set, criteria_count, reporters_reporting, avg_criteria_met, "
        "communes_19, communes_15_18, communes_10_14 from reporting.rpt_attainment "
        "where quarter = '2025Q4' and province_code = '08'",
    )
    assert one_set == [("QD318_2022", 19, 3, 14.67, 1, 1, 1)]


def test_new_era_quarters_have_no_district_rows(built_db: Path) -> None:
    for view in ("rpt_attainment", "rpt_reporting_status", "rpt_commune_status"):
        rows = query(
            built_db,
            f"select count(*) from reporting.{view} "
            "where quarter >= '2025Q3' and district_code is not null",
        )
        assert rows == [(0,)], view
    district_era = query(
        built_db,
        "select district_code, criteria_set, xa_count, reporter_level "
        "from reporting.rpt_attainment where quarter = '2025Q2' order by district_code",
    )
    assert ("024", "QD318_2022", 1, "district") in district_era


def test_reporting_status_expects_the_current_communes(built_db: Path) -> None:
    province = query(
        built_db,
        "select reporter_level, expected, accepted, reporters_expected, reporters_reporting, "
        "status from reporting.rpt_reporting_status "
        "where quarter = '2026Q1' and province_code = '08' and reporter_code is null",
    )
    assert province == [("commune", 124, 4, 124, 4, "missing")]
    communes = query(
        built_db,
        "select status, count(*) from reporting.rpt_reporting_status "
        "where quarter = '2026Q1' and province_code = '08' and reporter_code is not null "
        "group by status order by status",
    )
    assert communes == [("accepted_on_time", 4), ("missing", 120)]
    # up to 2025Q2 the reporters are districts
    levels = query(
        built_db,
        "select distinct reporter_level from reporting.rpt_reporting_status "
        "where quarter = '2025Q2'",
    )
    assert levels == [("district",)]


def test_commune_status_rows(built_db: Path) -> None:
    rows = query(
        built_db,
        "select commune_code, commune_name, district_code, workbook_kind, criteria_set, "
        "criteria_count, criteria_met, is_ntm_recognised, households, poor_households, "
        "poor_rate_pct, current_province_code, current_commune_code, mapping, area_share, "
        "households_cell, unit_starts_on "
        "from reporting.rpt_commune_status where quarter = '2026Q1' order by commune_code",
    )
    reform = date(2025, 7, 1)
    assert rows == [
        ("00700", "Xã Ngọc Đường", None, "commune", "QD318_2022", 19, 19, True,
         1000, 250, 25.0, "08", "00700", "same", 1.0, "C5", reform),
        ("00706", "Xã Phú Linh", None, "commune", "QD318_2022", 19, 17, False,
         1000, 250, 25.0, "08", "00706", "same", 1.0, "C5", reform),
        ("00715", "Xã Lũng Cú", None, "commune", "QD51_2025", 10, 8, False,
         1000, 250, 25.0, "08", "00715", "same", 1.0, "C5", reform),
        ("00721", "Xã Đồng Văn", None, "commune", "QD51_2025", 10, 10, True,
         1000, 250, 25.0, "08", "00721", "same", 1.0, "C5", reform),
    ]  # fmt: skip
    history = query(
        built_db,
        "select quarter, province_code, district_code, criteria_met, households "
        "from reporting.rpt_commune_status where commune_code = '00700' order by quarter",
    )
    assert history == [
        ("2025Q2", "02", "024", 19, 900),
        ("2025Q4", "08", None, 19, 1000),
        ("2026Q1", "08", None, 19, 1000),
    ]


def test_commune_workbook_facts(built_db: Path) -> None:
    recognition = query(
        built_db,
        "select criteria_met, criteria_count, criteria_band, recognition_year_cell, "
        "criteria_cells from marts.fct_commune_recognition "
        "where quarter = '2026Q1' and commune_code = '00715'",
    )
    assert recognition == [(8, 10, "7-9", "B11", "D5,D7,D8,D9,D10,D11,D12,D13,D14,D15")]
    funding = query(
        built_db,
        "select funding_level, commune_code, district_code, workbook_kind "
        "from marts.fct_funding where quarter = '2026Q1' order by commune_code",
    )
    assert funding == [("commune", code, None, "commune") for code in sorted(NAMES)]


@pytest.mark.parametrize(
    ("view", "where"),
    [
        (
            "rpt_attainment",
            "quarter = '2026Q1' and district_code is null and criteria_set = 'QD51_2025'",
        ),
        (
            "rpt_attainment",
            "quarter = '2026Q1' and district_code is null and criteria_set = 'QD318_2022'",
        ),
        ("rpt_attainment", "quarter = '2025Q2' and district_code = '024'"),
        ("rpt_commune_status", "quarter = '2026Q1' and commune_code = '00715'"),
        ("rpt_commune_status", "quarter = '2025Q2' and commune_code = '00700'"),
    ],
)
def test_new_era_figures_trace_to_their_cells(built_db: Path, view: str, where: str) -> None:
    for column in RECIPES[view].measures:
        result = trace(built_db, view, where, column, on_time_days=15)
        assert result.recomputed == result.figure, (view, where, column)


def test_rpt_poverty_new_era_province_rows(built_db: Path) -> None:
    rows = query(
        built_db,
        "select quarter, district_code, reporter_level, poverty_standard, reporters_expected, "
        "reporters_reporting, districts_reporting, commune_units, households, poor_households, "
        "poor_rate_pct, comparable_districts, poor_rate_change_pp "
        "from reporting.rpt_poverty where province_code = '08' and quarter >= '2025Q3' "
        "and has_report order by quarter",
    )
    # one province row per quarter, no district rows; 2025Q4 is never compared with 2024Q4 of
    # the old province 08 (another territory), 2026Q1 has no year-earlier new-era quarter
    assert rows == [
        ("2025Q4", None, "commune", "ND07_2021", 124, 3, 3, 3, 3000, 750, 25.0, 0, None),
        ("2026Q1", None, "commune", "ND07_2021", 124, 4, 4, 4, 4000, 1000, 25.0, 0, None),
    ]  # fmt: skip
    district_rows = query(
        built_db,
        "select count(*) from reporting.rpt_poverty "
        "where quarter >= '2025Q3' and district_code is not null",
    )
    assert district_rows == [(0,)]
    district_era = query(
        built_db,
        "select district_code, reporter_level, households from reporting.rpt_poverty "
        "where quarter = '2025Q2' and province_code = '02' order by district_code",
    )
    assert ("024", "district", 900) in district_era


def test_rpt_funding_integration_new_era_province_rows(built_db: Path) -> None:
    rows = query(
        built_db,
        "select quarter, district_code, reporter_level, reporters_expected, reporters_reporting, "
        "districts_reporting, actual_ytd_million_vnd, plan_million_vnd, "
        "ntm_programme_million_vnd, other_programmes_million_vnd, central_budget_pct "
        "from reporting.rpt_funding_integration where province_code = '08' "
        "and quarter >= '2025Q3' and has_report order by quarter",
    )
    assert rows == [
        ("2025Q4", None, "commune", 124, 3, 3, 120.0, 300.0, 120.0, 0.0, 100.0),
        ("2026Q1", None, "commune", 124, 4, 4, 160.0, 400.0, 160.0, 0.0, 100.0),
    ]  # fmt: skip
    district_rows = query(
        built_db,
        "select count(*) from reporting.rpt_funding_integration "
        "where quarter >= '2025Q3' and district_code is not null",
    )
    assert district_rows == [(0,)]
