"""reporting.rpt_funding_integration: funding lines of fct_funding (the `Nguon von` sheets of the
workbook versions in force), million VND; the quarter figure also reads the previous quarter's
cumulative cell and is unknown where a reporting district's previous quarter is not in force;
shares use the view's largest-remainder rounding; every expected district of the area without a
counted line shows as a status row (no report: null; a report: 0)."""

from __future__ import annotations

import math

from warehouse.trace_recipes.coverage import COVERAGE, DISTRICT_ORIGIN, DISTRICT_REPORTS
from warehouse.trace_recipes.engine import (
    Agg,
    Custom,
    Measure,
    Ratio,
    Read,
    Recipe,
    Source,
    Total,
    cell,
    count,
)

CATEGORIES = (
    ("central_budget", "Ngân sách trung ương", "Central budget"),
    ("local_budget", "Ngân sách địa phương", "Local budget"),
    ("credit", "Vốn tín dụng", "Credit"),
    ("enterprise", "Doanh nghiệp", "Enterprises"),
    ("residents", "Nhân dân đóng góp", "Residents' contributions"),
    ("oda_other", "ODA và nguồn khác", "ODA and other sources"),
)

# The funding lines of the area; `reporting`: the line's district has a workbook in force,
# `quarter_missing`: its previous quarter has none (quarter unknown).
LINES = Source(
    name="lines",
    relation="""marts.fct_funding as f
inner join marts.dim_funding_source as sources
    on f.funding_source_code = sources.funding_source_code
inner join marts.dim_programme as programmes
    on f.programme_code = programmes.programme_code
inner join marts.dim_source_workbook as w
    on f.workbook_sha256 = w.workbook_sha256
left join marts.dim_source_workbook as prev_w
    on f.previous_workbook_sha256 = prev_w.workbook_sha256""",
    district="f.district_code",
    quarter="f.quarter",
    sheet="f.sheet_name",
    excel_row="f.excel_row",
    item="coalesce('xã ' || f.commune_code, 'district level') || ', ' || f.programme_code || ' / '"
    " || f.funding_source_code || ' [' || sources.source_category || ']' || case when "
    "f.is_vanished then ' (vanished: no longer listed)' else '' end",
    cells={
        "actual_ytd": cell("f", "actual_ytd_million_vnd"),
        "plan": cell("f", "plan_million_vnd"),
        "previous": "{'field': 'previous actual_ytd_million_vnd (' || coalesce(prev_w.file_name, "
        "'none') || coalesce(', ' || f.previous_sheet_name, '') || ')', "
        "'cell': f.previous_actual_ytd_million_vnd_cell, "
        "'value': cast(f.previous_actual_ytd_million_vnd as varchar)}",
    },
    terms={
        "reporting": "1",
        "quarter_missing": "case when f.quarter_basis = 'previous_quarter_missing' then 1 else 0 "
        "end",
        "actual_ytd": "f.actual_ytd_million_vnd",
        "plan": "f.plan_million_vnd",
        "actual_quarter": "f.actual_quarter_million_vnd",
        **{
            c: f"case when sources.source_category = '{c}' then f.actual_ytd_million_vnd else 0 end"
            for c, _, _ in CATEGORIES
        },
        "ntm_programme": "case when programmes.is_ntm_programme then f.actual_ytd_million_vnd "
        "else 0 end",
        "other_programmes": "case when programmes.is_ntm_programme then 0 else "
        "f.actual_ytd_million_vnd end",
        "correction": "case when f.is_correction then 1 else 0 end",
        "vanished": "case when f.is_vanished then 1 else 0 end",
    },
    area="f",
    where="f.quarter = sel.quarter",
)

# Every expected district of the area that contributes no line read by the measure: no report
# (the measures are null) or a report without such lines (0).
PREVIOUS_MISSING = (
    "reports.has_report and reports.quarter_number > 1 "
    "and not coalesce(previous_reports.has_report, false)"
)
DISTRICTS_WITHOUT_LINES = Source(
    name="districts_without_lines",
    relation=f"""{DISTRICT_REPORTS}
left join intermediate.int_district_reports as previous_reports
    on reports.previous_quarter = previous_reports.quarter
    and reports.district_code = previous_reports.district_code""",
    origin=DISTRICT_ORIGIN,
    district="reports.district_code",
    quarter="reports.quarter",
    item="'district ' || reports.district_code || ' ' || coalesce(reports.district_name, '') || "
    "case when not reports.has_report then ': no report (measures null, never 0)' "
    "else ': workbook in force, no line counted here (0)' end || "
    f"case when {PREVIOUS_MISSING} then '; previous quarter not in force (quarter unknown)' "
    "else '' end",
    terms={
        "reporting": "case when reports.has_report then 1 else 0 end",
        "quarter_missing": f"case when {PREVIOUS_MISSING} then 1 else 0 end",
    },
    area="reports",
    where="reports.quarter = sel.quarter "
    "and reports.district_code not in (select district_code from lines)",
)

# A line that vanished has no cumulative: it adds nothing to the amounts and is read only by the
# quarter figure (it adds nothing there either, but shows) and by vanished_lines.
REPORTED = "not f.is_vanished"


def funding_reads(*cells: str, where: str = REPORTED) -> tuple[Read, ...]:
    return (LINES.read(*cells, where=where), DISTRICTS_WITHOUT_LINES.read())


def funding(label_en: str, label_vi: str, formula: str, reads, figure, **guards) -> Measure:
    return Measure(label_en, label_vi, formula, reads, figure, "district_code, excel_row", **guards)


def amount(term: str, label_en: str, label_vi: str, cells: str = "actual_ytd", where=REPORTED):
    return funding(
        label_en,
        label_vi,
        f"round(Σ {term}, 3) over the funding lines of the reporting districts of the area (a "
        "reporting district without such lines: 0), million VND; null when no district of the "
        "area has a workbook in force",
        funding_reads(cells, where=where),
        Total(term, empty=0.0, digits=3),
        null_unless="reporting",
    )


def shares(agg: Agg) -> dict[str, float | None]:
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


def share(category: str, label_en: str, label_vi: str) -> Measure:
    return funding(
        f"Share of {label_en} (%)",
        f"Tỷ trọng {label_vi} (%)",
        f"share of Σ {category} in Σ actual_ytd, in hundredths of a percent: each of the six "
        "source categories' 10000 × Σ category / Σ actual_ytd is floored, the hundredths left "
        "over go to the largest remainders (ties by category order), then / 100; the six shares "
        "sum to exactly 100; null when nothing was spent",
        funding_reads("actual_ytd"),
        Custom(
            ("actual_ytd", *(c for c, _, _ in CATEGORIES)),
            lambda agg: shares(agg)[category],
            "share",
        ),
    )


def line_count(term: str, label_en: str, label_vi: str, formula: str, where: str) -> Measure:
    return funding(
        label_en,
        label_vi,
        formula,
        funding_reads("actual_ytd", "previous", where=where),
        count(term),
        null_unless="reporting",
    )


RECIPE = Recipe(
    view="rpt_funding_integration",
    keys=("quarter", "province_code", "district_code"),
    measures={
        "actual_ytd_million_vnd": amount(
            "actual_ytd",
            "Spent year to date (million VND)",
            "Thực hiện lũy kế từ đầu năm (triệu đồng)",
        ),
        "plan_million_vnd": amount(
            "plan", "Year plan (million VND)", "Kế hoạch năm (triệu đồng)", "plan"
        ),
        "plan_execution_pct": funding(
            "Plan execution (%)",
            "Tỷ lệ thực hiện kế hoạch (%)",
            "round(100 × Σ actual_ytd / Σ plan, 2); null when the plan is 0",
            funding_reads("actual_ytd", "plan"),
            Ratio("actual_ytd", ("plan",), empty=0.0),
        ),
        "actual_quarter_million_vnd": funding(
            "Spent in the quarter (million VND)",
            "Thực hiện trong quý (triệu đồng)",
            "round(Σ (actual_ytd − previous quarter's actual_ytd of the same line), 3): each "
            "line's cumulative minus the same line's cumulative in the workbook version in force "
            "for the previous quarter of the same year (Q1, or a line absent then: 0; a vanished "
            "line: nothing); null when no district reports or when any reporting district's "
            "previous quarter has no workbook in force (Σ quarter_missing > 0)",
            funding_reads("actual_ytd", "previous", where="true"),
            Total("actual_quarter", empty=0.0, digits=3, kind="difference"),
            null_unless="reporting",
            null_if="quarter_missing",
        ),
        **{
            f"{c}_pct": share(c, en.lower() if c != "oda_other" else en, vi)
            for c, vi, en in CATEGORIES
        },
        **{
            f"{c}_million_vnd": amount(
                c,
                f"{en} (million VND)",
                f"{vi} (triệu đồng)",
                where=f"{REPORTED} and sources.source_category = '{c}'",
            )
            for c, vi, en in CATEGORIES
        },
        "ntm_programme_million_vnd": amount(
            "ntm_programme",
            "NTM programme money (million VND)",
            "Vốn Chương trình NTM (triệu đồng)",
            where=f"{REPORTED} and programmes.is_ntm_programme",
        ),
        "other_programmes_million_vnd": amount(
            "other_programmes",
            "Money integrated from other programmes (million VND)",
            "Vốn lồng ghép từ chương trình khác (triệu đồng)",
            where=f"{REPORTED} and not programmes.is_ntm_programme",
        ),
        "integration_share_pct": funding(
            "Integration share (%)",
            "Tỷ lệ vốn lồng ghép (%)",
            "round(100 × Σ other_programmes / (Σ ntm_programme + Σ other_programmes), 2)",
            funding_reads("actual_ytd"),
            Ratio("other_programmes", ("ntm_programme", "other_programmes"), empty=0.0),
        ),
        "correction_lines": line_count(
            "correction",
            "Lines corrected downwards",
            "Số dòng điều chỉnh giảm",
            "count of lines whose cumulative is below the previous quarter's cumulative; null "
            "when no district of the area reports",
            "f.is_correction",
        ),
        "vanished_lines": line_count(
            "vanished",
            "Funding lines no longer listed",
            "Số dòng nguồn vốn không còn báo cáo",
            "count of the lines of the previous quarter (same year, workbook in force) that this "
            "quarter's workbook in force no longer lists (fct_funding.is_vanished); null when no "
            "district of the area reports",
            "f.is_vanished",
        ),
        **COVERAGE,
    },
)
