"""Both eras through the real pipeline, as `make demo` runs them: Hà Giang's district workbooks of
2016-2020, then Tuyên Quang's commune workbooks of 2025Q3-2026Q2 (the new era's demo: one late,
one missing, one rejected then corrected, one old district form). Ten years read on today's map:
every old Hà Giang unit lies in a current unit of Tuyên Quang (split ones flagged), the new era's
province rows carry their criteria set and expect communes, and the old form is rejected for
the reform alone."""

from __future__ import annotations

import pytest

from tests.support.fixtures import query


def test_the_new_era_is_published_beside_the_history(both_eras) -> None:
    settings, first, second = both_eras
    assert first.published and second.published
    rows = query(
        settings,
        "select quarter, criteria_set, criteria_count, reporter_level, reporters_expected "
        "from reporting.rpt_attainment where province_code = '08' and district_code is null "
        "order by quarter, criteria_set",
    )
    assert [(r["quarter"], r["criteria_set"], r["criteria_count"]) for r in rows] == [
        ("2025Q3", "QD318_2022", 19),
        ("2025Q4", "QD318_2022", 19),
        ("2026Q1", "QD51_2025", 10),
        ("2026Q2", "QD51_2025", 10),
    ]
    assert {(r["reporter_level"], r["reporters_expected"]) for r in rows} == {("commune", 124)}
    # no district rows in the new era
    assert not query(
        settings,
        "select 1 from reporting.rpt_attainment where quarter >= '2025Q3' "
        "and district_code is not null",
    )
    # the district era's headline is untouched
    (old,) = query(
        settings,
        "select xa_count, ntm_communes from reporting.rpt_attainment "
        "where province_code = '02' and quarter = '2020Q4' and district_code is null",
    )
    assert (old["xa_count"], old["ntm_communes"]) == (175, 45)


def test_every_old_ha_giang_unit_lies_in_a_current_unit(both_eras) -> None:
    settings, _, _ = both_eras
    rows = query(
        settings,
        "select commune_code, current_province_code, current_commune_code, mapping, area_share "
        "from reporting.rpt_commune_status where quarter = '2020Q4' and province_code = '02'",
    )
    assert len({r["commune_code"] for r in rows}) >= 190
    assert {r["mapping"] for r in rows} <= {"same", "merged", "split"}
    assert {r["current_province_code"] for r in rows} == {"08"}
    split = {r["commune_code"] for r in rows if r["mapping"] == "split"}
    assert split  # Hà Giang's split units are flagged, one row per current unit
    for code in split:
        shares = [r["area_share"] for r in rows if r["commune_code"] == code]
        assert len(shares) >= 2 and sum(shares) == pytest.approx(1.0, abs=1e-6)


def test_an_old_commune_s_history_on_its_current_unit(both_eras) -> None:
    settings, _, _ = both_eras
    rows = query(
        settings,
        "select quarter, commune_code, criteria_set, poor_rate_pct "
        "from reporting.rpt_commune_status where current_commune_code = '00715' "
        "and commune_code = '00715' order by quarter",
    )
    quarters = [r["quarter"] for r in rows]
    assert quarters[0] == "2016Q1" and quarters[-1] == "2026Q2"
    assert {"2020Q4", "2025Q3", "2026Q2"} <= set(quarters)
    sets = {r["quarter"]: r["criteria_set"] for r in rows}
    assert (sets["2016Q1"], sets["2025Q3"], sets["2026Q2"]) == (
        "QD1980_2016",
        "QD318_2022",
        "QD51_2025",
    )


def test_the_old_district_form_is_rejected_for_the_reform_alone(both_eras) -> None:
    settings, _, _ = both_eras
    rules = query(
        settings,
        "select distinct r.rule_id from raw.rejections r "
        "join raw.workbook_versions v using (workbook_sha256) "
        "where v.workbook_kind = 'district' and v.quarter = '2025Q3' and r.severity = 'error'",
    )
    assert {r["rule_id"] for r in rules} == {"COV-016"}


def test_a_missing_commune_is_expected_and_listed(both_eras) -> None:
    settings, _, _ = both_eras
    (province,) = query(
        settings,
        "select reporters_expected, reporters_reporting from reporting.rpt_reporting_status "
        "where province_code = '08' and quarter = '2025Q4' and reporter_code is null",
    )
    assert (province["reporters_expected"], province["reporters_reporting"]) == (124, 123)
    missing = query(
        settings,
        "select reporter_code from reporting.rpt_reporting_status where province_code = '08' "
        "and quarter = '2025Q4' and reporter_code is not null and status = 'missing'",
    )
    assert [r["reporter_code"] for r in missing] == ["00778"]


def test_criteria_progress_sums_communes_of_one_set(both_eras) -> None:
    """The new era's province rows of rpt_criteria_progress: one row per criterion of the set
    the communes declared (19 of QĐ 318/2022 in 2025, 10 of QĐ 51/2025 from 2026), never both in
    one row; the xã count is rpt_attainment's and the criteria met add up to its average."""
    settings, _, _ = both_eras
    rows = query(
        settings,
        "select quarter, criteria_set, count(*) as criteria, min(xa_count) as xa, "
        "max(xa_count) as xa_max, sum(xa_meeting) as met, min(reporters_expected) as expected, "
        "min(reporter_level) as level, count(district_code) as district_rows "
        "from reporting.rpt_criteria_progress where province_code = '08' "
        "group by quarter, criteria_set order by quarter",
    )
    assert [(r["quarter"], r["criteria_set"], r["criteria"]) for r in rows] == [
        ("2025Q3", "QD318_2022", 19),
        ("2025Q4", "QD318_2022", 19),
        ("2026Q1", "QD51_2025", 10),
        ("2026Q2", "QD51_2025", 10),
    ]
    assert {(r["expected"], r["level"], r["district_rows"]) for r in rows} == {(124, "commune", 0)}
    attainment = {
        r["quarter"]: r
        for r in query(
            settings,
            "select quarter, xa_count, avg_criteria_met from reporting.rpt_attainment "
            "where province_code = '08' and district_code is null",
        )
    }
    for r in rows:
        a = attainment[r["quarter"]]
        assert r["xa"] == r["xa_max"] == a["xa_count"]
        assert abs(r["met"] / r["xa"] - a["avg_criteria_met"]) < 0.005


NEW_ERA_ROWS = {
    "rpt_attainment": ["quarter = '2026Q2' and province_code = '08' and district_code is null"],
    "rpt_criteria_progress": [
        "quarter = '2026Q2' and province_code = '08' and criterion_no = 6",
        "quarter = '2025Q4' and province_code = '08' and criterion_no = 17",
    ],
    "rpt_poverty": ["quarter = '2026Q2' and province_code = '08' and district_code is null"],
    "rpt_funding_integration": [
        "quarter = '2026Q2' and province_code = '08' and district_code is null"
    ],
    "rpt_reporting_status": [
        "quarter = '2025Q4' and province_code = '08' and reporter_code is null",
        # the missing commune, the late one, one on time
        "quarter = '2025Q4' and province_code = '08' and reporter_code = '00778'",
        "quarter = '2026Q1' and province_code = '08' and reporter_code = '02266'",
        "quarter = '2026Q1' and province_code = '08' and reporter_code = '00715'",
    ],
}


@pytest.mark.parametrize(
    ("view", "where"), [(v, w) for v, wheres in NEW_ERA_ROWS.items() for w in wheres]
)
def test_new_era_figures_trace_to_their_cells(both_eras, view, where) -> None:
    from warehouse.trace import trace
    from warehouse.trace_recipes import RECIPES

    settings, _, _ = both_eras
    for column in RECIPES[view].measures:
        result = trace(
            settings.warehouse_db, view, where, column, on_time_days=settings.on_time_days
        )
        assert result.matches, (column, result.figure, result.recomputed)
