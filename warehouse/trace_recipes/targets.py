"""reporting.rpt_targets: the plan (seed province_targets) and the actual of the year, each target
traced to the cells behind it (recognition cells, criteria cells, household cells) and to the
districts of its area (int_district_reports at the year's Q4): which are expected, which are used
(districts_reporting), which are excluded for declaring another poverty standard.

Every actual's contributions are the district rows of the target's area (term `reporting`: the
district is used) followed by the cells read from the used districts; the actual is null when no
district is used, as in the view."""

from __future__ import annotations

from collections.abc import Mapping

from warehouse.trace_recipes._base import (
    SELECTED_AREA,
    Measure,
    Recipe,
    in_area,
    reference_source,
    workbook_source,
)
from warehouse.trace_recipes.coverage import coverage_measures

# The province at the plan year's Q4 (the rpt_targets row has a year, not a quarter).
YEAR_END = """
    sel as (
        select
            cast($year as varchar) || 'Q4' as quarter,
            cast($province_code as varchar) as province_code,
            cast(null as varchar) as district_code
    )
"""

# --- which districts of the area a target uses (SQL over `reports`, a row of
# intermediate.int_district_reports at the year end that has a report) -------------------------
YEAR_AGO_REPORT = """(
    select ago.{column} from intermediate.int_district_reports as ago
    where ago.quarter = reports.year_ago_quarter
      and ago.district_code = reports.district_code
      and ago.has_report
)"""
HAS_YEAR_AGO = f"exists {YEAR_AGO_REPORT.format(column='district_code')}"
YEAR_AGO_STANDARD = YEAR_AGO_REPORT.format(column="poverty_standard")
STANDARD_IN_FORCE = """(
    select standards.poverty_standard from marts.dim_poverty_standard as standards
    where reports.last_day between standards.valid_from and standards.valid_to
)"""
ON_STANDARD = (
    f"{HAS_YEAR_AGO} and reports.poverty_standard = {STANDARD_IN_FORCE} "
    f"and {YEAR_AGO_STANDARD} = {STANDARD_IN_FORCE}"
)
OTHER_STANDARD = (
    f"coalesce(reports.poverty_standard <> {STANDARD_IN_FORCE}, true) "
    f"or coalesce({YEAR_AGO_STANDARD} <> {STANDARD_IN_FORCE}, false)"
)
IN_30A = """
    and reports.district_code in (
        select districts.district_code from marts.dim_district as districts
        where districts.is_in_30a_district
          and reports.last_day between districts.valid_from and districts.valid_to
    )
"""

# target -> (districts used, 30a area only)
USED = {
    "new_ntm_communes": ("true", False),
    "avg_criteria_met": ("true", False),
    "ntm_advanced_communes": (HAS_YEAR_AGO, False),
    "ntm_model_communes": (HAS_YEAR_AGO, False),
    "poor_rate_reduction_pp": (ON_STANDARD, False),
    "poor_rate_reduction_pp_30a_districts": (ON_STANDARD, True),
}
POVERTY_TARGETS = ("poor_rate_reduction_pp", "poor_rate_reduction_pp_30a_districts")
QUALIFIER = {
    "true": " at the year's Q4",
    HAS_YEAR_AGO: " at the year's Q4 and at the previous year's Q4",
    ON_STANDARD: " at the year's Q4 and at the previous year's Q4, both under the poverty "
    "standard in force for the year (seed poverty_standards)",
}


def _year_end(sql: str, target_30a: bool) -> str:
    """A coverage query of the area at the plan year's Q4 (the 30a districts for that target)."""
    sql = sql.replace(SELECTED_AREA, YEAR_END)
    if target_30a:
        sql = sql.replace(in_area("reports"), in_area("reports") + IN_30A, 1)
    return sql


def _coverage(target: str) -> dict[str, Measure]:
    used, target_30a = USED.get(target, ("false", False))
    measures = coverage_measures(used, QUALIFIER.get(used, ""))
    return {
        name: Measure(
            m.label_en,
            m.label_vi,
            m.formula + (", Programme 30a districts only" if target_30a else ""),
            _year_end(m.sql, target_30a),
            m.terms,
            m.compute,
            m.kind,
        )
        for name, m in measures.items()
    }


def _excluded(target: str) -> Measure:
    _, target_30a = USED.get(target, ("false", False))
    other = OTHER_STANDARD if target in POVERTY_TARGETS else "false"
    districts = coverage_measures(other)["districts_reporting"]
    return Measure(
        "Districts excluded (another poverty standard)",
        "Số huyện bị loại do khác chuẩn nghèo",
        "count of the districts of the area reporting at the year's Q4 whose report at the "
        "year's Q4 or the previous year's Q4 declared a poverty standard other than the one in "
        "force for the year (poverty targets; 0 for the others)",
        _year_end(districts.sql, target_30a),
        districts.terms,
        districts.compute,
        "count",
    )


# --- the cells an actual reads, from the used districts only ---------------------------------
USED_DISTRICTS = f"""
    used as (
        select reports.district_code
        from intermediate.int_district_reports as reports
        cross join sel
        where reports.quarter = sel.quarter
          and {in_area("reports")}
          {{area}}
          and reports.has_report
          and ({{used}})
    )
"""

LEVEL_CELL = "{'field': 'ntm_level', 'cell': xa.ntm_level_cell, 'value': xa.ntm_level}"
YEAR_CELL = (
    "{'field': 'recognition_year', 'cell': xa.recognition_year_cell, "
    "'value': cast(xa.recognition_year as varchar)}"
)
AGO_LEVEL_CELL = (
    "{'field': 'ntm_level a year earlier (' || coalesce(ago_w.file_name, 'not listed') || ')', "
    "'cell': ago.ntm_level_cell, 'value': ago.ntm_level}"
)
XA_ROWS = f"""
with
{YEAR_END},
{USED_DISTRICTS}
select
    {workbook_source()},
    xa.district_code,
    xa.quarter as source_quarter,
    xa.sheet_name,
    xa.excel_row,
    'xã ' || xa.commune_code || ' ' || coalesce(communes.commune_name, '') as item,
    {{cells}} as cells,
    1 as xa,
    xa.criteria_met,
    case when xa.is_ntm_recognised and xa.recognition_year = cast($year as integer) then 1 else 0
        end as new_ntm,
    case when xa.ntm_level in ('NTM nâng cao', 'NTM kiểu mẫu')
        and coalesce(ago.ntm_level not in ('NTM nâng cao', 'NTM kiểu mẫu'), true) then 1 else 0
        end as new_advanced,
    case when xa.ntm_level = 'NTM kiểu mẫu' and coalesce(ago.ntm_level <> 'NTM kiểu mẫu', true)
        then 1 else 0 end as new_model
from marts.fct_commune_recognition as xa
inner join marts.dim_commune as communes
    on xa.commune_sk = communes.commune_sk
inner join marts.dim_source_workbook as w
    on xa.workbook_sha256 = w.workbook_sha256
inner join marts.dim_quarter as quarters
    on xa.quarter = quarters.quarter
left join marts.fct_commune_recognition as ago
    on ago.quarter = quarters.year_ago_quarter
    and ago.commune_code = xa.commune_code
left join marts.dim_source_workbook as ago_w
    on ago.workbook_sha256 = ago_w.workbook_sha256
cross join sel
where communes.is_xa
  and xa.quarter = sel.quarter
  and xa.district_code in (select district_code from used)
  and {{where}}
"""


def _household_cell(field: str) -> str:
    return f"{{'field': '{field}', 'cell': h.{field}_cell, 'value': cast(h.{field} as varchar)}}"


HOUSEHOLD_ROWS = f"""
with
{YEAR_END},
{USED_DISTRICTS},
quarters as (
    select quarter, year_ago_quarter, last_day
    from marts.dim_quarter
    where quarter = (select quarter from sel)
)
select
    {workbook_source()},
    h.district_code,
    h.quarter as source_quarter,
    h.sheet_name,
    h.excel_row,
    h.poverty_standard,
    coalesce(communes.commune_type, 'unit') || ' ' || h.commune_code || ' '
        || coalesce(communes.commune_name, '') as item,
    [
        {{'field': 'commune_code', 'cell': h.commune_code_cell, 'value': h.commune_code}},
        {_household_cell("households")},
        {_household_cell("poor_households")}
    ] as cells,
    case when h.quarter = quarters.quarter then h.households end as households_now,
    case when h.quarter = quarters.quarter then h.poor_households end as poor_now,
    case when h.quarter <> quarters.quarter then h.households end as households_year_ago,
    case when h.quarter <> quarters.quarter then h.poor_households end as poor_year_ago
from marts.fct_commune_households as h
inner join marts.dim_source_workbook as w
    on h.workbook_sha256 = w.workbook_sha256
left join marts.dim_commune as communes
    on h.commune_sk = communes.commune_sk
cross join quarters
where h.quarter in (quarters.quarter, quarters.year_ago_quarter)
  and h.district_code in (select district_code from used)
  and h.poverty_standard = (
      select standards.poverty_standard from marts.dim_poverty_standard as standards
      where quarters.last_day between standards.valid_from and standards.valid_to
  )
"""

CELLS = {
    "new_ntm": f"[{YEAR_CELL}, {LEVEL_CELL}]",
    "criteria": "[{'field': 'criteria_met', 'cell': xa.criteria_cells, "
    "'value': cast(xa.criteria_met as varchar)}]",
    "level": f"[{LEVEL_CELL}, {AGO_LEVEL_CELL}]",
}


def _rows(target: str, cells_sql: str) -> str:
    """The area's district rows (term `reporting`: used) and the cells read from the used ones."""
    used, target_30a = USED[target]
    districts = _coverage(target)["districts_reporting"].sql
    cells_sql = cells_sql.replace("{used}", used).replace("{area}", IN_30A if target_30a else "")
    return (
        f"select * from ({districts})\nunion all by name\nselect * from ({cells_sql})\n"
        "order by district_code, excel_row nulls first"
    )


def _xa_rows(target: str, cells: str, where: str = "true") -> str:
    return _rows(target, XA_ROWS.replace("{cells}", CELLS[cells]).replace("{where}", where))


def _used(agg) -> bool:
    return agg.total("reporting", empty=0) > 0


def _count(term: str):
    return lambda agg: agg.round(agg.total(term, empty=0), 2) if _used(agg) else None


def _avg(agg):
    if not _used(agg):
        return None
    average = agg.round(agg.div(agg.total("criteria_met", empty=0), agg.total("xa", empty=0)), 2)
    return agg.round(average, 2)


def _reduction(agg):
    """−round(pooled rate now − pooled rate a year earlier, 2), rounded to 2."""
    if not _used(agg):
        return None
    now = agg.pct(agg.total("poor_now"), agg.total("households_now"))
    ago = agg.pct(agg.total("poor_year_ago"), agg.total("households_year_ago"))
    if now is None or ago is None:
        return None
    return agg.round(-agg.round(now - ago, 2), 2)


POVERTY_FORMULA = (
    "round(−round(100 × Σ poor_now / Σ households_now − 100 × Σ poor_year_ago / "
    "Σ households_year_ago, 2), 2): households of {area} that reported both year ends under the "
    "poverty standard in force for the year (seed poverty_standards), pooled; districts on "
    "another standard are excluded (excluded_districts), never blended; null when no district "
    "is used"
)
ACTUALS = {
    "new_ntm_communes": Measure(
        "Xã first recognised as NTM in the year",
        "Số xã đạt chuẩn NTM mới trong năm",
        "round(Σ new_ntm, 2): xã of the districts reporting at the year's Q4 whose recognition "
        "year (Năm đạt chuẩn) is the plan year and whose NTM level is not blank; null when no "
        "district reports",
        _xa_rows(
            "new_ntm_communes",
            "new_ntm",
            "xa.is_ntm_recognised and xa.recognition_year = cast($year as integer)",
        ),
        ("new_ntm", "reporting"),
        _count("new_ntm"),
        "count",
    ),
    "avg_criteria_met": Measure(
        "Average criteria met per xã at year end",
        "Số tiêu chí bình quân/xã",
        "round(round(Σ criteria_met / Σ xa, 2), 2) over the xã of the districts reporting at "
        "the year's Q4; null when no district reports",
        _xa_rows("avg_criteria_met", "criteria"),
        ("criteria_met", "xa", "reporting"),
        _avg,
        "ratio",
    ),
    "ntm_advanced_communes": Measure(
        "Xã recognised advanced (or model) NTM in the year",
        "Số xã đạt chuẩn NTM nâng cao trong năm",
        "round(Σ new_advanced, 2): xã at level NTM nâng cao or NTM kiểu mẫu at the year's Q4 "
        "that were at neither level at the previous year's Q4, in the districts reporting both "
        "year ends; null when none does",
        _xa_rows(
            "ntm_advanced_communes",
            "level",
            "xa.ntm_level in ('NTM nâng cao', 'NTM kiểu mẫu') "
            "and coalesce(ago.ntm_level not in ('NTM nâng cao', 'NTM kiểu mẫu'), true)",
        ),
        ("new_advanced", "reporting"),
        _count("new_advanced"),
        "count",
    ),
    "ntm_model_communes": Measure(
        "Xã recognised model NTM in the year",
        "Số xã đạt chuẩn NTM kiểu mẫu trong năm",
        "round(Σ new_model, 2): xã at level NTM kiểu mẫu at the year's Q4 that were not at the "
        "previous year's Q4, in the districts reporting both year ends; null when none does",
        _xa_rows(
            "ntm_model_communes",
            "level",
            "xa.ntm_level = 'NTM kiểu mẫu' and coalesce(ago.ntm_level <> 'NTM kiểu mẫu', true)",
        ),
        ("new_model", "reporting"),
        _count("new_model"),
        "count",
    ),
    "poor_rate_reduction_pp": Measure(
        "Province poor-rate reduction (pp)",
        "Mức giảm tỷ lệ hộ nghèo toàn tỉnh (điểm %)",
        POVERTY_FORMULA.format(area="the districts of the province"),
        _rows("poor_rate_reduction_pp", HOUSEHOLD_ROWS),
        ("poor_now", "households_now", "poor_year_ago", "households_year_ago", "reporting"),
        _reduction,
        "difference",
    ),
    "poor_rate_reduction_pp_30a_districts": Measure(
        "Poor-rate reduction in the 30a poor districts (pp)",
        "Mức giảm tỷ lệ hộ nghèo các huyện nghèo 30a (điểm %)",
        POVERTY_FORMULA.format(area="the Programme 30a districts (on the year's last day)"),
        _rows("poor_rate_reduction_pp_30a_districts", HOUSEHOLD_ROWS),
        ("poor_now", "households_now", "poor_year_ago", "households_year_ago", "reporting"),
        _reduction,
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

COVERAGE = {target: _coverage(target) for target in USED}
EXCLUDED = {target: _excluded(target) for target in USED}


def _by_target(measures: Mapping[str, Measure]):
    return lambda row: measures[row["target"]]


def _coverage_of(column: str):
    return lambda row: COVERAGE[row["target"]][column]


RECIPE = Recipe(
    view="rpt_targets",
    keys=("year", "province_code", "target"),
    measures={
        "planned_value": PLANNED,
        "actual_value": _by_target(ACTUALS),
        "districts_expected": _coverage_of("districts_expected"),
        "districts_reporting": _coverage_of("districts_reporting"),
        "excluded_districts": _by_target(EXCLUDED),
    },
)
