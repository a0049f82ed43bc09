"""Coverage of rpt_attainment, rpt_criteria_progress and rpt_poverty through the whole pipeline
(`ntm run`'s run_pipeline, real workbooks written by the real writer, real dbt build, publish):
a messy area where 2018Q4 is complete, nothing arrives for 2019Q1-Q3, and in 2019Q4 Vị Xuyên
(030) is missing and Đồng Văn (024) declares the other poverty standard.

Every expected district keeps its row (has_report false, measures null, never 0), every
province row says how complete it is, the two poverty standards are never blended, and the
province's year-over-year change covers the comparable districts only. Every numeric column of
the rows asserted here traces back exactly to its sources (`ntm trace`)."""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pytest

from ntm.runner import run_pipeline
from sources.demo.generate import build_workbooks
from sources.writer import write_workbook
from tests.support.fixtures import query
from warehouse.trace import trace
from warehouse.trace_recipes import RECIPES
from warehouse.trace_recipes.coverage import COVERAGE

MISSING = "030"  # no workbook for 2019Q4
OTHER_STANDARD = "024"  # declares ND07_2021 in 2019Q4
QUARTERS = {(2018, 4), (2019, 4)}
DISTRICTS = 11


@pytest.fixture(scope="module")
def messy_area(tmp_path_factory):
    """(settings, {(quarter, district): WorkbookContent}) after one `ntm run`."""
    from tests.support.fixtures import make_home

    patch = pytest.MonkeyPatch()
    settings = make_home(tmp_path_factory.mktemp("coverage"), patch)
    written = {}
    for workbook in build_workbooks():
        if (workbook.year, workbook.quarter) not in QUARTERS:
            continue
        quarter = f"{workbook.year}Q{workbook.quarter}"
        content = workbook.content
        if quarter == "2019Q4" and workbook.district_code == MISSING:
            continue
        if quarter == "2019Q4" and workbook.district_code == OTHER_STANDARD:
            content = replace(content, cover={**content.cover, "poverty_standard": "ND07_2021"})
        write_workbook(content, settings.landing_dir / workbook.file_name, workbook.style)
        written[(quarter, workbook.district_code)] = content
    report = run_pipeline(settings, echo=lambda _: None)
    assert report.success and report.published, report.summary()
    assert (report.accepted, report.rejected) == (2 * DISTRICTS - 1, 0), report.summary()
    yield settings, written
    patch.undo()


def _rate(poor: int, households: int) -> float:
    return 100 * (float(poor) / float(households))


def _round(value: float) -> float:
    with duckdb.connect() as con:
        return con.execute("select round(cast(? as double), 2)", [value]).fetchone()[0]


def _households(written, quarter: str, districts) -> tuple[int, int]:
    rows = [h for d in districts for h in written[(quarter, d)].households]
    return sum(h["households"] for h in rows), sum(h["poor_households"] for h in rows)


def test_missing_district_has_its_row_with_null_measures(messy_area) -> None:
    settings, written = messy_area
    row = query(
        settings,
        "select * from reporting.rpt_attainment where quarter = '2019Q4' and district_code = ?",
        [MISSING],
    )
    assert len(row) == 1
    row = row[0]
    assert row["district_name"].endswith("Vị Xuyên")  # GSO names: 'Huyện Vị Xuyên'
    assert row["province_name"].endswith("Hà Giang")
    assert (row["has_report"], row["districts_expected"], row["districts_reporting"]) == (
        False,
        1,
        0,
    )
    assert row["is_complete"] is False
    # every measure but the coverage pair (under its district-era and both-eras names)
    measures = [c for c in RECIPES["rpt_attainment"].measures if c not in COVERAGE]
    assert {c: row[c] for c in measures} == dict.fromkeys(measures)
    assert row["criteria_set"] is None

    province = query(
        settings,
        "select * from reporting.rpt_attainment where district_code is null order by quarter",
    )
    assert [
        (p["quarter"], p["districts_expected"], p["districts_reporting"], p["is_complete"])
        for p in province
    ] == [
        ("2018Q4", 11, 11, True),
        ("2019Q1", 11, 0, False),
        ("2019Q2", 11, 0, False),
        ("2019Q3", 11, 0, False),
        ("2019Q4", 11, 10, False),
    ]
    # a quarter where nothing arrived: not known, not zero
    assert [p["xa_count"] for p in province[1:4]] == [None, None, None]
    assert [p["has_report"] for p in province] == [True, False, False, False, True]
    # the province row sums exactly the 10 districts that reported
    xa_2019 = sum(len(c.criteria) for (q, _), c in written.items() if q == "2019Q4")
    ntm_2019 = sum(
        1 for (q, _), c in written.items() if q == "2019Q4" for r in c.criteria if "ntm_level" in r
    )
    advanced_2019 = sum(
        1
        for (q, _), c in written.items()
        if q == "2019Q4"
        for r in c.criteria
        if r.get("ntm_level") == "NTM nâng cao"
    )
    assert (province[4]["xa_count"], province[4]["ntm_communes"]) == (xa_2019, ntm_2019)
    assert province[4]["advanced_ntm_communes"] == advanced_2019
    assert province[4]["model_ntm_communes"] == 0
    assert province[4]["criteria_set"] == "QD1980_2016"


def test_criteria_progress_rows_for_the_missing_district(messy_area) -> None:
    settings, _ = messy_area
    rows = query(
        settings,
        "select criterion_no, criterion_name_en, has_report, districts_reporting, xa_count, "
        "xa_meeting, share_pct from reporting.rpt_criteria_progress "
        "where quarter = '2019Q4' and district_code = ? order by criterion_no",
        [MISSING],
    )
    assert [r["criterion_no"] for r in rows] == list(range(1, 20))
    assert {(r["has_report"], r["districts_reporting"]) for r in rows} == {(False, 0)}
    assert {(r["xa_count"], r["xa_meeting"], r["share_pct"]) for r in rows} == {(None,) * 3}
    # the 2016-2020 set's own English names
    assert rows[2]["criterion_name_en"] == "Irrigation"
    assert rows[10]["criterion_name_en"] == "Poor households"
    province = query(
        settings,
        "select distinct districts_expected, districts_reporting, is_complete "
        "from reporting.rpt_criteria_progress where quarter = '2019Q4' and district_code is null",
    )
    assert province == [{"districts_expected": 11, "districts_reporting": 10, "is_complete": False}]


def test_poverty_standards_never_blended_and_change_over_comparable_districts(messy_area) -> None:
    settings, written = messy_area
    rows = query(
        settings,
        "select * from reporting.rpt_poverty where quarter = '2019Q4' and district_code is null "
        "order by poverty_standard",
    )
    assert [
        (
            r["poverty_standard"],
            r["districts_expected"],
            r["districts_reporting"],
            r["is_complete"],
            r["comparable_districts"],
        )
        for r in rows
    ] == [("ND07_2021", 11, 1, False, 0), ("QD59_2015", 11, 9, False, 9)]
    other, main = rows
    assert other["poor_rate_change_pp"] is None and other["target_met"] is None
    households, poor = _households(written, "2019Q4", [OTHER_STANDARD])
    assert (other["households"], other["poor_households"]) == (households, poor)

    comparable = sorted(
        d for (q, d) in written if q == "2019Q4" and d not in (MISSING, OTHER_STANDARD)
    )
    assert len(comparable) == 9
    households_now, poor_now = _households(written, "2019Q4", comparable)
    households_ago, poor_ago = _households(written, "2018Q4", comparable)
    assert (main["households"], main["poor_households"]) == (households_now, poor_now)
    assert main["poor_rate_pct"] == _round(_rate(poor_now, households_now))
    expected_change = _round(_rate(poor_now, households_now) - _rate(poor_ago, households_ago))
    assert main["poor_rate_change_pp"] == expected_change
    # never against all 11 districts of 2018Q4 (the figure that moved with whoever reported)
    all_ago = _households(written, "2018Q4", sorted({d for (q, d) in written if q == "2018Q4"}))
    blended = _round(_rate(poor_now, households_now) - _rate(all_ago[1], all_ago[0]))
    assert blended != expected_change

    district = query(
        settings,
        "select poverty_standard, has_report, households, poor_rate_pct, comparable_districts, "
        "poor_rate_change_pp, is_complete from reporting.rpt_poverty "
        "where quarter = '2019Q4' and district_code = ?",
        [MISSING],
    )
    assert district == [
        {
            "poverty_standard": None,
            "has_report": False,
            "households": None,
            "poor_rate_pct": None,
            "comparable_districts": 0,
            "poor_rate_change_pp": None,
            "is_complete": False,
        }
    ]
    switched = query(
        settings,
        "select poverty_standard, comparable_districts, poor_rate_change_pp "
        "from reporting.rpt_poverty where quarter = '2019Q4' and district_code = ?",
        [OTHER_STANDARD],
    )
    assert switched == [
        {"poverty_standard": "ND07_2021", "comparable_districts": 0, "poor_rate_change_pp": None}
    ]
    nothing = query(
        settings,
        "select poverty_standard, has_report, districts_reporting, households "
        "from reporting.rpt_poverty where quarter = '2019Q2' and district_code is null",
    )
    assert nothing == [
        {
            "poverty_standard": None,
            "has_report": False,
            "districts_reporting": 0,
            "households": None,
        }
    ]


def test_the_2018q4_province_rows_are_complete(messy_area) -> None:
    settings, _ = messy_area
    for view in ("rpt_attainment", "rpt_criteria_progress", "rpt_poverty"):
        rows = query(
            settings,
            f"select distinct districts_expected, districts_reporting, is_complete "
            f"from reporting.{view} where quarter = '2018Q4' and district_code is null",
        )
        assert rows == [{"districts_expected": 11, "districts_reporting": 11, "is_complete": True}]


TRACED = {
    "rpt_attainment": [
        f"quarter = '2019Q4' and district_code = '{MISSING}'",
        "quarter = '2019Q4' and district_code is null",
        "quarter = '2019Q2' and district_code is null",
    ],
    "rpt_criteria_progress": [
        f"quarter = '2019Q4' and district_code = '{MISSING}' and criterion_no = 3",
        "quarter = '2019Q4' and district_code is null and criterion_no = 11",
    ],
    "rpt_poverty": [
        f"quarter = '2019Q4' and district_code = '{MISSING}'",
        "quarter = '2019Q4' and district_code is null and poverty_standard = 'QD59_2015'",
        "quarter = '2019Q4' and district_code is null and poverty_standard = 'ND07_2021'",
        f"quarter = '2019Q4' and district_code = '{OTHER_STANDARD}'",
        "quarter = '2019Q2' and district_code is null",
    ],
}


@pytest.mark.parametrize(
    ("view", "where"), [(v, w) for v, wheres in TRACED.items() for w in wheres]
)
def test_every_numeric_column_traces_exactly(messy_area, view, where) -> None:
    settings, _ = messy_area
    for column in RECIPES[view].measures:
        result = trace(
            settings.warehouse_db, view, where, column, on_time_days=settings.on_time_days
        )
        assert result.matches, (column, result.figure, result.recomputed)


def test_views_and_columns_carry_the_yaml_descriptions(messy_area) -> None:
    """A BI tool shows DuckDB's comments: every reporting view and every column of these three
    carries its dbt YAML description (persist_docs), in the published warehouse."""
    settings, _ = messy_area
    views = query(
        settings,
        "select view_name, comment from duckdb_views() where schema_name = 'reporting'",
    )
    assert views and all(v["comment"] for v in views), views
    attainment = {v["view_name"]: v["comment"] for v in views}["rpt_attainment"]
    assert attainment.startswith("CONTRACT for BI tools (reporting.rpt_attainment)")
    columns = query(
        settings,
        "select table_name, column_name, comment from duckdb_columns() "
        "where schema_name = 'reporting' and table_name in "
        "('rpt_attainment', 'rpt_criteria_progress', 'rpt_poverty')",
    )
    assert len(columns) > 60
    assert [c for c in columns if not c["comment"]] == []
    described = {(c["table_name"], c["column_name"]): c["comment"] for c in columns}
    assert described[("rpt_poverty", "comparable_districts")].startswith("*Số huyện so sánh được*")


def test_demo_province_rows_say_how_complete_they_are(demo_run) -> None:
    """On the demo, the year ends are complete in all three views, and every province row counts
    exactly its district rows (expected) and those with a report (reporting)."""
    settings, report = demo_run
    assert report.success, report.failure
    for view in ("rpt_attainment", "rpt_criteria_progress", "rpt_poverty"):
        year_ends = query(
            settings,
            f"select distinct quarter, districts_expected, districts_reporting, is_complete "
            f"from reporting.{view} where district_code is null and quarter like '%Q4' "
            f"order by quarter",
        )
        assert [(r["quarter"], r["is_complete"]) for r in year_ends] == [
            (f"{year}Q4", True) for year in range(2016, 2021)
        ], view
        assert {(r["districts_expected"], r["districts_reporting"]) for r in year_ends} == {
            (11, 11)
        }
    mismatched = query(
        settings,
        """
        with districts as (
            select quarter, count(*) as expected, count(*) filter (where has_report) as reporting
            from reporting.rpt_attainment where district_code is not null group by quarter
        )
        select p.quarter from reporting.rpt_attainment as p
        inner join districts on p.quarter = districts.quarter
        where p.district_code is null
            and (p.districts_expected <> districts.expected
                or p.districts_reporting <> districts.reporting
                or p.is_complete <> (districts.reporting = districts.expected))
        """,
    )
    assert mismatched == []
