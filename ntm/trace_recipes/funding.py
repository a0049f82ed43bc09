"""reporting.rpt_funding_integration: funding lines of fct_funding (the `Nguon von` sheets of the
workbook versions in force), million VND; the quarter figure also reads the previous quarter's
cumulative cell; shares use the view's largest-remainder rounding."""

from __future__ import annotations

import math

from ntm.trace_recipes._base import SELECTED_AREA, Measure, Recipe, in_area, workbook_source

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

FUNDING_ROWS = f"""
with
{SELECTED_AREA}
select
    {workbook_source()},
    f.district_code,
    f.quarter as source_quarter,
    f.sheet_name,
    f.excel_row,
    {LINE} || ' [' || sources.source_category || ']' as item,
    {{cells}} as cells,
    f.actual_ytd_million_vnd as actual_ytd,
    f.plan_million_vnd as plan,
    f.actual_ytd_million_vnd - f.previous_actual_ytd_million_vnd as actual_quarter,
    {
    ", ".join(
        f"case when sources.source_category = '{c}' then f.actual_ytd_million_vnd else 0 end as {c}"
        for c, _, _ in CATEGORIES
    )
},
    case when programmes.is_ntm_programme then f.actual_ytd_million_vnd else 0 end as ntm_programme,
    case when programmes.is_ntm_programme then 0 else f.actual_ytd_million_vnd end
        as other_programmes,
    case when f.is_correction then 1 else 0 end as correction
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
order by f.district_code, f.excel_row
"""


def funding_sql(cells: str, where: str = "true") -> str:
    return FUNDING_ROWS.replace("{cells}", CELLS[cells]).replace("{where}", where)


def _amount(term: str, label_en: str, label_vi: str, cells: str = "ytd", where: str = "true"):
    return Measure(
        label_en=label_en,
        label_vi=label_vi,
        formula=f"round(Σ {term}, 3) over the funding lines of the area, million VND",
        sql=funding_sql(cells, where),
        terms=(term,),
        compute=lambda agg: agg.round(agg.total(term, empty=0.0), 3),
        kind="sum",
    )


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
        "force for the previous quarter of the same year (Q1, or a line absent then: 0)",
        sql=funding_sql("quarter"),
        terms=("actual_quarter",),
        compute=lambda agg: agg.round(agg.total("actual_quarter", empty=0.0), 3),
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
            where=f"sources.source_category = '{c}'",
        )
        for c, vi, en in CATEGORIES
    },
    "ntm_programme_million_vnd": _amount(
        "ntm_programme",
        "NTM programme money (million VND)",
        "Vốn Chương trình NTM (triệu đồng)",
        where="programmes.is_ntm_programme",
    ),
    "other_programmes_million_vnd": _amount(
        "other_programmes",
        "Money integrated from other programmes (million VND)",
        "Vốn lồng ghép từ chương trình khác (triệu đồng)",
        where="not programmes.is_ntm_programme",
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
        formula="count of lines whose cumulative is below the previous quarter's cumulative",
        sql=funding_sql("quarter", "f.is_correction"),
        terms=("correction",),
        compute=lambda agg: agg.total("correction", empty=0),
        kind="count",
    ),
}

RECIPE = Recipe(
    view="rpt_funding_integration",
    keys=("quarter", "province_code", "district_code"),
    measures=MEASURES,
)
