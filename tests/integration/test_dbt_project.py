"""The dbt project on a tiny synthetic raw layer: `dbt build` (seeds, models, data and unit tests)
succeeds and `reporting.rpt_attainment` holds exactly the expected figures.

The raw rows are written with duckdb directly (no workbooks, no Dagster): two districts of Hà
Giang (02) over 2019Q4 and 2020Q1, with a superseded version, a newer rejected version, a ward
in a criteria sheet and the commune merged away on 2020-01-01 (01078 Bản Péo).
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from tests.support.dbt_support import dbt, dbt_build, insert, query
from warehouse.raw_store import ensure_raw_tables

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
CRITERIA = [f"tc{n:02d}" for n in range(1, 20)]

# (sha, status, district, quarter, received_at)
VERSIONS = [
    ("v024_19q4_old", "accepted", "024", "2019Q4", datetime(2020, 1, 5, 8)),
    ("v024_19q4_new", "accepted", "024", "2019Q4", datetime(2020, 1, 10, 8)),
    ("v024_19q4_rej", "rejected", "024", "2019Q4", datetime(2020, 1, 20, 8)),
    ("v032_19q4", "accepted", "032", "2019Q4", datetime(2020, 1, 6, 8)),
    ("v032_20q1", "accepted", "032", "2020Q1", datetime(2020, 4, 6, 8)),
    ("v024_20q1_rej", "rejected", "024", "2020Q1", datetime(2020, 4, 6, 8)),
]

# (sha, commune_code, criteria met (the first n TC), ntm_level, recognition_year)
CRITERIA_ROWS = [
    # superseded: would make 00700 score 0
    ("v024_19q4_old", "00700", 0, None, None),
    ("v024_19q4_old", "00946", 0, None, None),
    ("v024_19q4_old", "00949", 0, None, None),
    # in force for 024/2019Q4; 00688 is a phường: it must never count
    ("v024_19q4_new", "00700", 19, "NTM", 2018),
    ("v024_19q4_new", "00946", 15, None, None),
    ("v024_19q4_new", "00949", 4, None, None),
    ("v024_19q4_new", "00688", 19, "NTM", 2017),
    # rejected, newer: must not replace the accepted version
    ("v024_19q4_rej", "00700", 1, None, None),
    # 032 (Hoàng Su Phì): 01078 merged away on 2020-01-01
    ("v032_19q4", "01078", 10, None, None),
    ("v032_19q4", "01024", 9, None, None),
    ("v032_19q4", "01027", 5, None, None),
    ("v032_20q1", "01024", 19, "NTM nâng cao", 2020),
    ("v032_20q1", "01027", 14, None, None),
    ("v024_20q1_rej", "00700", 19, "NTM", 2018),
]

RPT_COLUMNS = [
    "quarter",
    "province_code",
    "district_code",
    "xa_count",
    "ntm_communes",
    "ntm_share_pct",
    "avg_criteria_met",
    "communes_19",
    "communes_15_18",
    "communes_10_14",
    "communes_5_9",
    "communes_below_5",
    "border_xa_count",
    "border_ntm_communes",
    "difficult_xa_count",
    "difficult_ntm_communes",
]

# Every column of the view, in order: the figures above plus names, coverage and recognition levels.
ALL_RPT_COLUMNS = [
    "quarter",
    "province_code",
    "province_name",
    "district_code",
    "district_name",
    "has_report",
    "districts_expected",
    "districts_reporting",
    "is_complete",
    "criteria_set",
    "xa_count",
    "ntm_communes",
    "advanced_ntm_communes",
    "model_ntm_communes",
    *RPT_COLUMNS[5:],
    # issue 14: the criteria set's size, its bands of 10, and the reporters of either level
    "criteria_count",
    "communes_all_met",
    "communes_10_of_10",
    "communes_7_9",
    "communes_4_6",
    "communes_below_4",
    "reporter_level",
    "reporters_expected",
    "reporters_reporting",
]

# Classification (DEMO seed): 00700/00946/00949 neither border nor especially difficult;
# 01078, 01024 especially difficult; 01027 border and especially difficult.
EXPECTED_RPT = [
    ("2019Q4", "02", "024", 3, 1, 33.33, 12.67, 1, 1, 0, 0, 1, 0, 0, 0, 0),
    ("2019Q4", "02", "032", 3, 0, 0.0, 8.0, 0, 0, 1, 2, 0, 1, 0, 3, 0),
    ("2019Q4", "02", None, 6, 1, 16.67, 10.33, 1, 1, 1, 2, 1, 1, 0, 3, 0),
    ("2020Q1", "02", "032", 2, 1, 50.0, 16.5, 1, 0, 1, 0, 0, 1, 0, 2, 1),
    ("2020Q1", "02", None, 2, 1, 50.0, 16.5, 1, 0, 1, 0, 0, 1, 0, 2, 1),
]


def write_raw(db_path: Path) -> None:
    con = duckdb.connect(str(db_path))
    try:
        ensure_raw_tables(con)
        for sha, status, district, quarter, received_at in VERSIONS:
            insert(
                con,
                "workbook_versions",
                {
                    "workbook_sha256": sha,
                    "load_id": "load1",
                    "file_name": f"{sha}.xlsx",
                    "file_size_bytes": 1000,
                    "received_at": received_at,
                    "file_modified_at": received_at,
                    "status": status,
                    "error_count": 0 if status == "accepted" else 1,
                    "warning_count": 0,
                    "province_code": "02",
                    "province_name": "Hà Giang",
                    "district_code": district,
                    "quarter": quarter,
                    "prepared_on": date(2020, 1, 2),
                    "prepared_by": "test",
                    "criteria_set": "QD1980_2016",
                    "poverty_standard": "QD59_2015",
                },
            )
            # the criterion columns start at D (STT, Mã xã, Tên xã come first)
            for n, field in enumerate(CRITERIA):
                insert(
                    con,
                    "sheet_columns",
                    {
                        "workbook_sha256": sha,
                        "sheet_name": "Tieu chi",
                        "field": field,
                        "column_letter": chr(ord("D") + n),
                        "header_text": f"TC{n + 1}",
                    },
                )
        excel_rows: dict[str, int] = {}
        for sha, commune, met, level, year in CRITERIA_ROWS:
            excel_rows[sha] = excel_rows.get(sha, 4) + 1
            insert(
                con,
                "criteria_rows",
                {
                    "workbook_sha256": sha,
                    "load_id": "load1",
                    "file_name": f"{sha}.xlsx",
                    "sheet_name": "Tieu chi",
                    "excel_row": excel_rows[sha],
                    "commune_code": commune,
                    **{field: n < met for n, field in enumerate(CRITERIA)},
                    "criteria_met_reported": met,
                    "recognition_year": year,
                    "ntm_level": level,
                },
            )
        insert(
            con,
            "rejections",
            {
                "workbook_sha256": "v024_19q4_rej",
                "load_id": "load1",
                "file_name": "v024_19q4_rej.xlsx",
                "sheet_name": "Tieu chi",
                "excel_row": 5,
                "column_name": "TC1",
                "cell_ref": "D5",
                "value": "maybe",
                "rule_id": "criterion_value",
                "severity": "error",
                "message_vi": "Giá trị không hợp lệ",
                "message_en": "Invalid value",
            },
        )
    finally:
        con.close()


@pytest.fixture(scope="module")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return dbt_build(tmp_path_factory.mktemp("dbt_project"), write_raw)


def test_rpt_attainment_figures(built_db: Path) -> None:
    rows = query(
        built_db,
        f"select {', '.join(RPT_COLUMNS)} from reporting.rpt_attainment where has_report "
        "order by quarter, province_code, district_code nulls last",
    )
    assert rows == EXPECTED_RPT
    # every other expected district has its row, without figures; the province rows say so
    coverage = query(
        built_db,
        "select p.quarter, p.districts_expected, p.districts_reporting, p.is_complete, "
        "(select count(*) from reporting.rpt_attainment as d "
        "where d.quarter = p.quarter and d.district_code is not null) as district_rows "
        "from reporting.rpt_attainment as p where p.district_code is null order by p.quarter",
    )
    assert coverage == [("2019Q4", 11, 2, False, 11), ("2020Q1", 11, 1, False, 11)]
    assert query(
        built_db,
        "select count(*) from reporting.rpt_attainment where not has_report "
        "and (xa_count is not null or ntm_communes is not null or avg_criteria_met is not null)",
    ) == [(0,)]


def test_rpt_attainment_column_types(built_db: Path) -> None:
    types = dict(
        query(
            built_db,
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'reporting' and table_name = 'rpt_attainment' "
            "order by ordinal_position",
        )
    )
    assert list(types) == ALL_RPT_COLUMNS
    assert {types[c] for c in ("quarter", "province_code", "district_code")} == {"VARCHAR"}
    assert {types[c] for c in ("ntm_share_pct", "avg_criteria_met")} == {"DOUBLE"}
    counts = [c for c in RPT_COLUMNS[3:] if c not in ("ntm_share_pct", "avg_criteria_met")]
    assert types["criteria_count"] == "INTEGER" and types["reporter_level"] == "VARCHAR"
    assert {types[c] for c in counts} == {"BIGINT"}


def test_source_workbook_versions(built_db: Path) -> None:
    rows = query(
        built_db,
        "select workbook_sha256, is_accepted, is_current, is_superseded, superseded_by_sha256 "
        "from marts.dim_source_workbook order by workbook_sha256",
    )
    assert rows == [
        ("v024_19q4_new", True, True, False, None),
        ("v024_19q4_old", True, False, True, "v024_19q4_new"),
        ("v024_19q4_rej", False, False, False, None),
        ("v024_20q1_rej", False, False, False, None),
        ("v032_19q4", True, True, False, None),
        ("v032_20q1", True, True, False, None),
    ]


def test_merged_commune_history(built_db: Path) -> None:
    recognition = query(
        built_db,
        "select quarter from marts.fct_commune_recognition where commune_code = '01078'",
    )
    assert recognition == [("2019Q4",)]
    catalogue = query(
        built_db,
        "select quarter from intermediate.int_communes__quarterly "
        "where commune_code = '01078' and quarter in ('2019Q4', '2020Q1')",
    )
    assert catalogue == [("2019Q4",)]
    xa = query(
        built_db,
        "select quarter, count(*) from intermediate.int_communes__quarterly "
        "where province_code = '02' and is_xa and quarter in ('2019Q4', '2020Q1') "
        "group by quarter order by quarter",
    )
    assert xa == [("2019Q4", 177), ("2020Q1", 175)]


def test_criterion_status_provenance(built_db: Path) -> None:
    rows = query(
        built_db,
        "select criterion_key, is_met, workbook_sha256, sheet_name, excel_row, cell_ref "
        "from marts.fct_commune_criterion_status "
        "where quarter = '2019Q4' and commune_code = '00946' and criterion_no in (15, 16, 19) "
        "order by criterion_no",
    )
    assert rows == [
        ("QD1980_2016.tc15", True, "v024_19q4_new", "Tieu chi", 6, "R6"),
        ("QD1980_2016.tc16", False, "v024_19q4_new", "Tieu chi", 6, "S6"),
        ("QD1980_2016.tc19", False, "v024_19q4_new", "Tieu chi", 6, "V6"),
    ]
    count = query(built_db, "select count(*) from marts.fct_commune_criterion_status")
    # 4 rows in force for 024/2019Q4, 3 for 032/2019Q4, 2 for 032/2020Q1; 19 criteria each
    assert count == [(9 * 19,)]


def test_a_model_s_column_tests_fail_and_name_the_column_and_value(
    built_db: Path, tmp_path: Path
) -> None:
    """A model's row-level truths (required columns, keys, accepted values, foreign keys,
    expressions) are one test: it fails on any of them and stores which truth, column, value and
    how many rows, one row each."""
    model = "fct_commune_criterion_status"
    db_path = tmp_path / "build.duckdb"
    shutil.copy(built_db, db_path)
    with duckdb.connect(str(db_path)) as con:
        first, second = con.execute(
            f"select min(commune_code), max(commune_code) from marts.{model}"
        ).fetchone()
        assert first != second
        (first_quarter,) = con.execute(
            f"select distinct quarter from marts.{model} where commune_code = ?", [first]
        ).fetchone()
        con.execute(
            f"update marts.{model} set is_met = null, criterion_no = null where commune_code = ?",
            [first],
        )
        con.execute(
            f"update marts.{model} set quarter = '2099Q1', workbook_kind = 'bogus' "
            "where commune_code = ?",
            [second],
        )
        counts = dict(
            con.execute(
                f"select commune_code, count(*) from marts.{model} "
                "where commune_code in (?, ?) group by commune_code",
                [first, second],
            ).fetchall()
        )
    result = dbt(tmp_path, "test", "--select", f"{model},test_type:generic", "--store-failures")
    assert result.returncode == 1, result.stdout[-4000:]
    stored = query(
        db_path,
        "select table_schema, table_name from information_schema.tables "
        f"where starts_with(table_name, '{model}__')",
    )
    failures = {
        name: sorted(query(db_path, f'select * from "{schema}"."{name}"'), key=str)
        for schema, name in stored
    }
    assert failures == {
        f"{model}__checks": sorted(
            [
                ("not_null", "criterion_no", None, counts[first]),
                ("not_null", "is_met", None, counts[first]),
                ("accepted_values", "workbook_kind", "bogus", counts[second]),
                ("relationships", "quarter", "2099Q1", counts[second]),
                # every criterion of the first commune now has the same key: its quarter,
                # its code and no criterion_no
                (
                    "unique",
                    "quarter, commune_code, criterion_no",
                    f"{first_quarter}|{first}|null",
                    counts[first],
                ),
            ],
            key=str,
        )
    }


def test_an_expression_names_an_example_row_and_a_where_limits_its_truth(
    built_db: Path, tmp_path: Path
) -> None:
    """A broken expression is reported with how many rows break it and the key of one of them;
    a required column with a `where` (commune_sk, on district-era rows) fails only there."""
    model = "fct_commune_recognition"
    db_path = tmp_path / "build.duckdb"
    shutil.copy(built_db, db_path)
    with duckdb.connect(str(db_path)) as con:
        keys = con.execute(
            f"select quarter, commune_code from marts.{model} "
            "where workbook_kind = 'district' order by all limit 2"
        ).fetchall()
        assert len(keys) == 2
        broken, keyless = keys
        con.execute(
            f"update marts.{model} set criteria_met = criteria_count + 1 "
            "where quarter = ? and commune_code = ?",
            list(broken),
        )
        con.execute(
            f"update marts.{model} set commune_sk = null where quarter = ? and commune_code = ?",
            list(keyless),
        )
    result = dbt(tmp_path, "test", "--select", f"{model},test_type:generic", "--store-failures")
    assert result.returncode == 1, result.stdout[-4000:]
    [(schema,)] = query(
        db_path,
        f"select table_schema from information_schema.tables where table_name = '{model}__checks'",
    )
    rows = sorted(query(db_path, f'select * from "{schema}"."{model}__checks"'), key=str)
    assert rows == [
        ("expression", "criteria_met between 0 and criteria_count", "|".join(broken), 1),
        ("not_null", "commune_sk", None, 1),
    ]
