"""reporting.rpt_targets: the plan (seed province_targets) and the actual at the year's end, each
target traced to the cells behind it (recognition cells, criteria cells, household cells)."""

from __future__ import annotations

from ntm.trace_recipes import attainment, poverty
from ntm.trace_recipes._base import SELECTED_AREA, Measure, Recipe, reference_source

# The province at the plan year's Q4 (the rpt_targets row has a year, not a quarter).
YEAR_END = """
    sel as (
        select
            cast($year as varchar) || 'Q4' as quarter,
            cast($province_code as varchar) as province_code,
            cast(null as varchar) as district_code
    )
"""
YEAR_AGO = YEAR_END.replace("cast($year as varchar) || 'Q4'", "cast($year - 1 as varchar) || 'Q4'")

# The workbook versions in force at a year end: a quarter with none has no rpt_attainment row,
# so its actual is null (not 0).
IN_FORCE = """
select
    'workbook' as source_type,
    w.file_name,
    w.workbook_sha256,
    w.received_at,
    w.archive_path,
    w.district_code,
    w.quarter as source_quarter,
    cast(null as varchar) as sheet_name,
    cast(null as integer) as excel_row,
    'workbook in force' as item,
    [] as cells,
    1 as in_force
from marts.dim_source_workbook as w
where w.is_current
  and w.province_code = cast($province_code as varchar)
  and w.quarter = cast($year{offset} as varchar) || 'Q4'
"""


def _at(sql: str, year_end: str) -> str:
    return sql.replace(SELECTED_AREA, year_end)


def _unordered(sql: str) -> str:
    """The query without its final order by (it becomes a subquery of a union)."""
    head, _, _ = sql.rpartition("order by")
    return head


def _year_end_rows(sql: str, with_year_ago: bool = False) -> str:
    now = _unordered(_at(sql, YEAR_END))
    parts = [
        f"select *, 'now' as period from ({now})",
        f"select *, 'now' as period from ({IN_FORCE.replace('{offset}', '')})",
    ]
    if with_year_ago:
        ago = _unordered(_at(sql, YEAR_AGO))
        parts += [
            f"select *, 'year_ago' as period from ({ago})",
            f"select *, 'year_ago' as period from ({IN_FORCE.replace('{offset}', ' - 1')})",
        ]
    return "\nunion all by name\n".join(parts) + "\norder by period, district_code, excel_row"


def _reported(agg, period: str = "now") -> bool:
    return agg.where(lambda r: r["period"] == period).total("in_force", empty=0) > 0


def _new_ntm(agg):
    if not (_reported(agg) and _reported(agg, "year_ago")):
        return None
    now = agg.where(lambda r: r["period"] == "now").total("ntm", empty=0)
    ago = agg.where(lambda r: r["period"] == "year_ago").total("ntm", empty=0)
    return agg.round(now - ago, 2)


def _avg(agg):
    if not _reported(agg):
        return None
    average = agg.round(agg.div(agg.total("criteria_met", empty=0), agg.total("xa", empty=0)), 2)
    return agg.round(average, 2)


def _advanced(agg):
    return agg.round(agg.total("ntm", empty=0), 2) if _reported(agg) else None


def _reduction(agg):
    """max over poverty standards of −(rounded change of the rate), rounded to 2."""
    reductions = []
    for standard, rows in agg.by("poverty_standard").items():
        if standard is None:
            continue
        change = poverty._change(rows)
        if change is not None:
            reductions.append(-change)
    return agg.round(max(reductions), 2) if reductions else None


def _reduction_30a(agg):
    """As _reduction, over the 30a districts' households pooled (one sum, not per district)."""
    reductions = []
    for standard, rows in agg.by("poverty_standard").items():
        now = agg.pct(_pooled(rows, "poor_now"), _pooled(rows, "households_now"))
        ago = agg.pct(_pooled(rows, "poor_year_ago"), _pooled(rows, "households_year_ago"))
        if standard is not None and now is not None and ago is not None:
            reductions.append(-agg.round(now - ago, 2))
    return agg.round(max(reductions), 2) if reductions else None


def _pooled(agg, term):
    return agg._sum(r[term] for r in agg.rows)


HOUSEHOLDS_ANY_STANDARD = poverty.household_sql(
    "households", "poor_households", year_ago=True, standard="true"
)

DISTRICTS_30A = """
    h.district_code in (
        select districts.district_code
        from marts.dim_district as districts
        inner join marts.dim_quarter as quarters
            on quarters.quarter = sel.quarter
        where districts.is_in_30a_district
          and quarters.last_day between districts.valid_from and districts.valid_to
    )
"""

ACTUALS = {
    "new_ntm_communes": Measure(
        "New NTM communes in the year",
        "Số xã đạt chuẩn NTM tăng thêm trong năm",
        "round(Σ ntm at the year's Q4 − Σ ntm at the previous year's Q4, 2): xã recognised as NTM "
        "(province rows of rpt_attainment); null unless both year ends have a workbook in force",
        _year_end_rows(attainment.xa_sql("level", "xa.is_ntm_recognised"), with_year_ago=True),
        ("ntm", "in_force"),
        _new_ntm,
        "difference",
    ),
    "avg_criteria_met": Measure(
        "Average criteria met per xã at year end",
        "Số tiêu chí bình quân/xã",
        "round(round(Σ criteria_met / Σ xa, 2), 2) at the year's Q4 (rpt_attainment province row)",
        _year_end_rows(attainment.xa_sql("criteria")),
        ("criteria_met", "xa", "in_force"),
        _avg,
        "ratio",
    ),
    "ntm_advanced_communes": Measure(
        "Advanced (or model) NTM xã at year end",
        "Số xã đạt chuẩn NTM nâng cao",
        "count of xã whose NTM level cell reads NTM nâng cao or NTM kiểu mẫu at the year's Q4",
        _year_end_rows(
            attainment.xa_sql("level", "xa.ntm_level in ('NTM nâng cao', 'NTM kiểu mẫu')")
        ),
        ("ntm", "in_force"),
        _advanced,
        "count",
    ),
    "poor_rate_reduction_pp": Measure(
        "Province poor-rate reduction (pp)",
        "Mức giảm tỷ lệ hộ nghèo toàn tỉnh (điểm %)",
        "round(max over poverty standards of −round(100 × Σ poor_now / Σ households_now − "
        "100 × Σ poor_year_ago / Σ households_year_ago, 2), 2): minus rpt_poverty's province "
        "poor_rate_change_pp at the year's Q4 (null across a standard switch)",
        _at(HOUSEHOLDS_ANY_STANDARD, YEAR_END),
        ("poor_now", "households_now", "poor_year_ago", "households_year_ago"),
        _reduction,
        "difference",
    ),
    "poor_rate_reduction_pp_30a_districts": Measure(
        "Poor-rate reduction in the 30a poor districts (pp)",
        "Mức giảm tỷ lệ hộ nghèo các huyện nghèo 30a (điểm %)",
        "the same over the households of the districts in Programme 30a at the year's end, "
        "pooled: round(max over standards of −round(100 × Σ poor_now / Σ households_now − "
        "100 × Σ poor_year_ago / Σ households_year_ago, 2), 2)",
        _at(
            poverty.household_sql(
                "households",
                "poor_households",
                year_ago=True,
                standard="true",
                area=DISTRICTS_30A,
            ),
            YEAR_END,
        ),
        ("poor_now", "households_now", "poor_year_ago", "households_year_ago"),
        _reduction_30a,
        "difference",
    ),
}

PLANNED = Measure(
    "Planned value",
    "Kế hoạch",
    "looked up in seed province_targets (year, province, target)",
    f"""
    select
        {reference_source("province_targets")},
        cast(null as varchar) as district_code,
        cast(null as varchar) as source_quarter,
        targets.target || ' ' || targets.comparison || ' ' || targets.planned_value || ' '
            || coalesce(targets.unit, '') || ': ' || coalesce(targets.source_note, '') as item,
        [{{'field': 'planned_value', 'cell': cast(null as varchar),
          'value': cast(targets.planned_value as varchar)}}] as cells,
        cast(targets.planned_value as double) as planned_value
    from staging.stg_reference__province_targets as targets
    where targets.year_number = cast($year as integer)
      and targets.province_code = cast($province_code as varchar)
      and targets.target = cast($target as varchar)
    """,
    ("planned_value",),
    lambda agg: agg.total("planned_value"),
    "lookup",
)

RECIPE = Recipe(
    view="rpt_targets",
    keys=("year", "province_code", "target"),
    measures={
        "planned_value": PLANNED,
        "actual_value": lambda row: ACTUALS[row["target"]],
    },
)
