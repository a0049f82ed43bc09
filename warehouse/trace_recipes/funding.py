"""reporting.rpt_funding_integration: funding lines of fct_funding (the `Nguon von` sheets of the
workbook versions in force), million VND; the quarter figure also reads the previous quarter's
cumulative cell and is unknown where a reporting district's previous quarter is not in force;
shares use the view's largest-remainder rounding; every expected district of the area without a
counted line shows as a status row (no report: null; a report: 0)."""

from __future__ import annotations

import math

from warehouse.trace_recipes._base import SELECTED_AREA, Measure, Recipe, in_area, workbook_source
from warehouse.trace_recipes.coverage import coverage_measures

CATEGORIES = (
    ("central_budget", "Ngân sách trung ương", "Central budget"),
    ("local_budget", "Ngân sách địa phương", "Local budget"),
    ("credit", "Vốn tín dụng", "Credit"),
    ("enterprise", "Doanh nghiệp", "Enterprises"),
    ("residents", "Nhân dân đóng góp", "Residents' contributions"),
    ("oda_other", "ODA và nguồn khác", "ODA and other sources"),
)

LINE = (
    "coalesce('xã ' || f.commune_code, 'district level') || ', ' || f.programme_code || ' / '"
    " || f.funding_source_code"
)
PLAN_CELL = "{'field': 'plan_million_vnd', 'cell': f.plan_million_vnd_cell, 'value': cast(f.plan_million_vnd as varchar)}"  # noqa: E501
YTD_CELL = "{'field': 'actual_ytd_million_vnd', 'cell': f.actual_ytd_million_vnd_cell, 'value': cast(f.actual_ytd_million_vnd as varchar)}"  # noqa: E501
PREVIOUS_CELL = (
    "{'field': 'previous actual_ytd_million_vnd (' || coalesce(prev_w.file_name, 'none') || "
    "coalesce(', ' || f.previous_sheet_name, '') || ')', "
    "'cell': f.previous_actual_ytd_million_vnd_cell, "
    "'value': cast(f.previous_actual_ytd_million_vnd as varchar)}"
)
CELLS = {
    "ytd": f"[{YTD_CELL}]",
    "plan": f"[{PLAN_CELL}]",
    "both": f"[{YTD_CELL}, {PLAN_CELL}]",
    "quarter": f"[{YTD_CELL}, {PREVIOUS_CELL}]",
}

# Two kinds of contribution per measure: the funding lines of the area that the measure reads
# (`where`), and one status row for every expected district of the area that contributes no such
# line (intermediate.int_district_reports: no report, so the measures are null, or a report
# without such lines, which counts 0). `reporting` says whether a contribution's district has a
# workbook in force, `quarter_missing` whether its previous quarter has none (quarter unknown).
FUNDING_ROWS = f"""
with
{SELECTED_AREA},
line_rows as (
    select
        {workbook_source()},
        f.district_code,
        f.quarter as source_quarter,
        f.sheet_name,
        f.excel_row,
        {LINE} || ' [' || sources.source_category || ']'
            || case when f.is_vanished then ' (vanished: no longer listed)' else '' end as item,
        {{cells}} as cells,
        1 as reporting,
        case when f.quarter_basis = 'previous_quarter_missing' then 1 else 0 end
            as quarter_missing,
        f.actual_ytd_million_vnd as actual_ytd,
        f.plan_million_vnd as plan,
        f.actual_quarter_million_vnd as actual_quarter,
        {
    ", ".join(
        f"case when sources.source_category = '{c}' then f.actual_ytd_million_vnd else 0 end as {c}"
        for c, _, _ in CATEGORIES
    )
},
        case when programmes.is_ntm_programme then f.actual_ytd_million_vnd else 0 end
            as ntm_programme,
        case when programmes.is_ntm_programme then 0 else f.actual_ytd_million_vnd end
            as other_programmes,
        case when f.is_correction then 1 else 0 end as correction,
        case when f.is_vanished then 1 else 0 end as vanished
    from marts.fct_funding as f
    inner join marts.dim_funding_source as sources
        on f.funding_source_code = sources.funding_source_code
    inner join marts.dim_programme as programmes
        on f.programme_code = programmes.programme_code
    inner join marts.dim_source_workbook as w
        on f.workbook_sha256 = w.workbook_sha256
    left join marts.dim_source_workbook as prev_w
        on f.previous_workbook_sha256 = prev_w.workbook_sha256
    cross join sel
    where f.quarter = sel.quarter
      and {in_area("f")}
      and {{where}}
),
status_rows as (
    select
        case when reports.has_report then 'ledger' else 'reference' end as source_type,
        coalesce(w.file_name, 'dbt_project/seeds/reference/gso_admin_units.csv') as file_name,
        w.workbook_sha256,
        w.received_at,
        w.archive_path,
        reports.district_code,
        reports.quarter as source_quarter,
        cast(null as varchar) as sheet_name,
        cast(null as integer) as excel_row,
        'district ' || reports.district_code || ' ' || coalesce(reports.district_name, '')
            || case
                when not reports.has_report then ': no report (measures null, never 0)'
                else ': workbook in force, no line counted here (0)'
            end
            || case
                when reports.has_report and reports.quarter_number > 1
                    and not coalesce(previous_reports.has_report, false)
                    then '; previous quarter not in force (quarter unknown)'
                else ''
            end as item,
        case when reports.has_report then 1 else 0 end as reporting,
        case
            when reports.has_report and reports.quarter_number > 1
                and not coalesce(previous_reports.has_report, false) then 1
            else 0
        end as quarter_missing
    from intermediate.int_district_reports as reports
    cross join sel
    left join intermediate.int_district_reports as previous_reports
        on reports.previous_quarter = previous_reports.quarter
        and reports.district_code = previous_reports.district_code
    left join marts.dim_source_workbook as w
        on reports.workbook_sha256 = w.workbook_sha256
    where reports.quarter = sel.quarter
      and {in_area("reports")}
      and reports.district_code not in (select district_code from line_rows)
)
select * from line_rows
union all by name
select * from status_rows
order by district_code, excel_row
"""

# A line that vanished has no cumulative: it adds nothing to the amounts and is read only by the
# quarter figure (it adds nothing there either, but shows) and by vanished_lines.
REPORTED = "not f.is_vanished"


def funding_sql(cells: str, where: str = REPORTED) -> str:
    return FUNDING_ROWS.replace("{cells}", CELLS[cells]).replace("{where}", where)


def _reported(agg) -> bool:
    """At least one district of the area has a workbook in force (else the view's row is null)."""
    return agg.total("reporting", empty=0) > 0


def _amount(term: str, label_en: str, label_vi: str, cells: str = "ytd", where: str = REPORTED):
    return Measure(
        label_en=label_en,
        label_vi=label_vi,
        formula=f"round(Σ {term}, 3) over the funding lines of the reporting districts of the "
        "area (a reporting district without such lines: 0), million VND; null when no district "
        "of the area has a workbook in force",
        sql=funding_sql(cells, where),
        terms=(term, "reporting"),
        compute=lambda agg: agg.round(agg.total(term, empty=0.0), 3) if _reported(agg) else None,
        kind="sum",
    )


def _quarter(agg):
    if not _reported(agg) or agg.total("quarter_missing", empty=0) > 0:
        return None
    return agg.round(agg.total("actual_quarter", empty=0.0), 3)


def _count(term: str):
    return lambda agg: agg.total(term, empty=0) if _reported(agg) else None


def _shares(agg) -> dict[str, float | None]:
    """The view's largest-remainder shares (hundredths of a percent summing to 10000)."""
    total = agg.total("actual_ytd", empty=0.0)
    if not total > 0:
        return {c: None for c, _, _ in CATEGORIES}
    exact = [
        (c, position, 10000 * agg.div(agg.total(c, empty=0.0), total))
        for position, (c, _, _) in enumerate(CATEGORIES, start=1)
    ]
    floors = {c: math.floor(x) for c, _, x in exact}
    left = 10000 - sum(floors.values())
    ranked = sorted(exact, key=lambda e: (-(e[2] - math.floor(e[2])), e[1]))
    rank = {c: i for i, (c, _, _) in enumerate(ranked, start=1)}
    return {
        c: agg.round(agg.div(floors[c] + (1 if rank[c] <= left else 0), 100), 2) for c in floors
    }


def _share(category: str, label_en: str, label_vi: str) -> Measure:
    return Measure(
        label_en=f"Share of {label_en} (%)",
        label_vi=f"Tỷ trọng {label_vi} (%)",
        formula=f"share of Σ {category} in Σ actual_ytd, in hundredths of a percent: each of the "
        "six source categories' 10000 × Σ category / Σ actual_ytd is floored, the hundredths "
        "left over go to the largest remainders (ties by category order), then / 100; the six "
        "shares sum to exactly 100; null when nothing was spent",
        sql=funding_sql("ytd"),
        terms=("actual_ytd", *(c for c, _, _ in CATEGORIES)),
        compute=lambda agg: _shares(agg)[category],
        kind="share",
    )


MEASURES: dict[str, Measure] = {
    "actual_ytd_million_vnd": _amount(
        "actual_ytd",
        "Spent year to date (million VND)",
        "Thực hiện lũy kế từ đầu năm (triệu đồng)",
    ),
    "plan_million_vnd": _amount(
        "plan", "Year plan (million VND)", "Kế hoạch năm (triệu đồng)", "plan"
    ),
    "plan_execution_pct": Measure(
        label_en="Plan execution (%)",
        label_vi="Tỷ lệ thực hiện kế hoạch (%)",
        formula="round(100 × Σ actual_ytd / Σ plan, 2); null when the plan is 0",
        sql=funding_sql("both"),
        terms=("actual_ytd", "plan"),
        compute=lambda agg: agg.round(
            agg.pct(agg.total("actual_ytd", empty=0.0), agg.total("plan", empty=0.0)), 2
        ),
        kind="ratio",
    ),
    "actual_quarter_million_vnd": Measure(
        label_en="Spent in the quarter (million VND)",
        label_vi="Thực hiện trong quý (triệu đồng)",
        formula="round(Σ (actual_ytd − previous quarter's actual_ytd of the same line), 3): "
        "each line's cumulative minus the same line's cumulative in the workbook version in "
        "force for the previous quarter of the same year (Q1, or a line absent then: 0; a "
        "vanished line: nothing); null when no district reports or when any reporting "
        "district's previous quarter has no workbook in force (Σ quarter_missing > 0)",
        sql=funding_sql("quarter", "true"),
        terms=("actual_quarter", "reporting", "quarter_missing"),
        compute=_quarter,
        kind="difference",
    ),
    **{
        f"{c}_pct": _share(c, en.lower() if c != "oda_other" else en, vi)
        for c, vi, en in CATEGORIES
    },
    **{
        f"{c}_million_vnd": _amount(
            c,
            f"{en} (million VND)",
            f"{vi} (triệu đồng)",
            where=f"{REPORTED} and sources.source_category = '{c}'",
        )
        for c, vi, en in CATEGORIES
    },
    "ntm_programme_million_vnd": _amount(
        "ntm_programme",
        "NTM programme money (million VND)",
        "Vốn Chương trình NTM (triệu đồng)",
        where=f"{REPORTED} and programmes.is_ntm_programme",
    ),
    "other_programmes_million_vnd": _amount(
        "other_programmes",
        "Money integrated from other programmes (million VND)",
        "Vốn lồng ghép từ chương trình khác (triệu đồng)",
        where=f"{REPORTED} and not programmes.is_ntm_programme",
    ),
    "integration_share_pct": Measure(
        label_en="Integration share (%)",
        label_vi="Tỷ lệ vốn lồng ghép (%)",
        formula="round(100 × Σ other_programmes / (Σ ntm_programme + Σ other_programmes), 2)",
        sql=funding_sql("ytd"),
        terms=("ntm_programme", "other_programmes"),
        compute=lambda agg: agg.round(
            agg.pct(
                agg.total("other_programmes", empty=0.0),
                agg.total("ntm_programme", empty=0.0) + agg.total("other_programmes", empty=0.0),
            ),
            2,
        ),
        kind="ratio",
    ),
    "correction_lines": Measure(
        label_en="Lines corrected downwards",
        label_vi="Số dòng điều chỉnh giảm",
        formula="count of lines whose cumulative is below the previous quarter's cumulative; "
        "null when no district of the area reports",
        sql=funding_sql("quarter", "f.is_correction"),
        terms=("correction", "reporting"),
        compute=_count("correction"),
        kind="count",
    ),
    "vanished_lines": Measure(
        label_en="Funding lines no longer listed",
        label_vi="Số dòng nguồn vốn không còn báo cáo",
        formula="count of the lines of the previous quarter (same year, workbook in force) that "
        "this quarter's workbook in force no longer lists (fct_funding.is_vanished); null when "
        "no district of the area reports",
        sql=funding_sql("quarter", "f.is_vanished"),
        terms=("vanished", "reporting"),
        compute=_count("vanished"),
        kind="count",
    ),
    **coverage_measures(),
}

RECIPE = Recipe(
    view="rpt_funding_integration",
    keys=("quarter", "province_code", "district_code"),
    measures=MEASURES,
)
