"""The demo warehouse (220 files through the whole pipeline, `demo_run`) reproduces the issue's
"done when" figures in the reporting views: poverty, funding integration, criteria progress and
the 2019 targets. Read-only: the shared warehouse is never written."""

from __future__ import annotations

import pytest

from tests.support.fixtures import query

SHARES = (
    "central_budget_pct",
    "local_budget_pct",
    "credit_pct",
    "enterprise_pct",
    "residents_pct",
    "oda_other_pct",
)


def test_poverty_province_rows(demo_run) -> None:
    settings, report = demo_run
    assert report.success, report.failure
    rows = query(
        settings,
        "select quarter, poverty_standard, poor_rate_pct, poor_rate_change_pp, "
        "target_reduction_pp, target_met from reporting.rpt_poverty "
        "where province_code = '02' and district_code is null and quarter in ('2018Q4', '2019Q4') "
        "order by quarter",
    )
    assert [(r["quarter"], r["poverty_standard"], r["poor_rate_pct"]) for r in rows] == [
        ("2018Q4", "QD59_2015", 31.17),
        ("2019Q4", "QD59_2015", 26.73),
    ]
    assert rows[1]["poor_rate_change_pp"] == pytest.approx(-4.44, abs=1e-9)
    assert rows[1]["target_reduction_pp"] == pytest.approx(4.2)
    assert rows[1]["target_met"] is True


def test_funding_shares_plausible_and_sum_to_100(demo_run) -> None:
    settings, _ = demo_run
    rows = query(
        settings,
        "select * from reporting.rpt_funding_integration "
        "where province_code = '02' and district_code is null order by quarter",
    )
    assert len(rows) == 20  # 2016Q1..2020Q4
    for row in rows:
        assert sum(row[s] for s in SHARES) == pytest.approx(100, abs=0.001), row["quarter"]
        state = row["central_budget_pct"] + row["local_budget_pct"]
        assert 20 <= state <= 45, row
        assert 35 <= row["credit_pct"] <= 65, row
        assert 1 <= row["enterprise_pct"] <= 10, row
        assert 5 <= row["residents_pct"] <= 25, row
        assert 0 < row["integration_share_pct"] < 30, row
        assert 0 < row["plan_execution_pct"] <= 110, row
    # every district row sums to 100 too
    district_sums = query(
        settings,
        f"select max(abs({' + '.join(SHARES)} - 100)) as worst "
        "from reporting.rpt_funding_integration where district_code is not null",
    )
    assert district_sums[0]["worst"] <= 0.001


def test_funding_correction_is_flagged(demo_run) -> None:
    settings, _ = demo_run
    rows = query(
        settings,
        "select quarter, district_code, actual_quarter_million_vnd from marts.fct_funding "
        "where is_correction",
    )
    # Bắc Mê (031) overstated a line in 2018Q2 and corrected it in 2018Q3
    assert [(r["quarter"], r["district_code"]) for r in rows] == [("2018Q3", "031")]
    assert rows[0]["actual_quarter_million_vnd"] < 0


def test_criteria_progress_consistent_with_attainment(demo_run) -> None:
    settings, _ = demo_run
    mismatches = query(
        settings,
        """
        with progress as (
            select quarter, province_code, district_code,
                min(xa_count) as min_xa, max(xa_count) as max_xa, max(xa_meeting) as max_meeting,
                sum(xa_meeting) as met_total, count(*) as criteria
            from reporting.rpt_criteria_progress
            group by quarter, province_code, district_code
        )
        select a.quarter, a.district_code, a.xa_count, p.min_xa, p.max_xa, p.criteria
        from reporting.rpt_attainment a
        left join progress p
            on a.quarter = p.quarter and a.province_code = p.province_code
            and coalesce(a.district_code, '') = coalesce(p.district_code, '')
        where p.quarter is null or p.min_xa <> a.xa_count or p.max_xa <> a.xa_count
            or p.max_meeting > a.xa_count or p.criteria <> 19
            or abs(p.met_total - a.avg_criteria_met * a.xa_count) > 0.005 * a.xa_count + 1e-6
        """,
    )
    assert mismatches == []
    province_2019 = query(
        settings,
        "select criterion_no, xa_count, xa_meeting from reporting.rpt_criteria_progress "
        "where quarter = '2019Q4' and district_code is null order by criterion_no",
    )
    assert len(province_2019) == 19
    assert {r["xa_count"] for r in province_2019} == {177}
    # the 38 NTM xã meet every criterion
    assert all(38 <= r["xa_meeting"] <= 177 for r in province_2019)


def test_targets_2019(demo_run) -> None:
    settings, _ = demo_run
    rows = {
        r["target"]: r
        for r in query(
            settings,
            "select * from reporting.rpt_targets where year = 2019 and province_code = '02'",
        )
    }
    expected = {
        "new_ntm_communes": (5, 5, True),
        "avg_criteria_met": (12, 11.56, False),
        "ntm_advanced_communes": (1, 1, True),
        "poor_rate_reduction_pp": (4.2, 4.44, True),
    }
    for target, (planned, actual, met) in expected.items():
        row = rows[target]
        assert row["planned_value"] == pytest.approx(planned), target
        assert row["actual_value"] == pytest.approx(actual, abs=1e-9), target
        assert row["met"] is met, target
    assert rows["poor_rate_reduction_pp_30a_districts"]["planned_value"] == pytest.approx(6)
    assert rows["poor_rate_reduction_pp_30a_districts"]["actual_value"] is not None
