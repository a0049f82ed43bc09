"""reporting.rpt_poverty: households of ALL commune-level units from fct_commune_households, under
the row's poverty standard; the change against a year earlier over the comparable districts; the
reduction target (seed); coverage from int_district_reports (reporting = declared the row's
standard)."""

from __future__ import annotations

from warehouse.trace_recipes._base import (
    SELECTED_AREA,
    Measure,
    Recipe,
    in_area,
    reference_source,
    workbook_source,
)
from warehouse.trace_recipes.attainment import reported_only
from warehouse.trace_recipes.coverage import coverage_measures

MEASURE_FIELDS = (
    "households",
    "poor_households",
    "near_poor_households",
    "poor_ethnic_minority_households",
)


def _cell(field: str) -> str:
    return f"{{'field': '{field}', 'cell': h.{field}_cell, 'value': cast(h.{field} as varchar)}}"


# {quarters}: the quarters read (the row's, or the row's and a year earlier); {cells}: cells.
HOUSEHOLD_ROWS = f"""
with
{SELECTED_AREA},
quarters as (
    select quarter, year_ago_quarter
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
    {{cells}} as cells,
    case when h.quarter = quarters.quarter then 'now' else 'year_ago' end as period,
    1 as units,
    {", ".join(f"h.{f}" for f in MEASURE_FIELDS)},
    case when h.poor_ethnic_minority_households is null then 1 else 0 end as blank_units,
    case when h.quarter = quarters.quarter then h.households end as households_now,
    case when h.quarter = quarters.quarter then h.poor_households end as poor_now,
    case when h.quarter <> quarters.quarter then h.households end as households_year_ago,
    case when h.quarter <> quarters.quarter then h.poor_households end as poor_year_ago
from marts.fct_commune_households as h
inner join marts.dim_source_workbook as w
    on h.workbook_sha256 = w.workbook_sha256
left join marts.dim_commune as communes
    on h.commune_sk = communes.commune_sk
cross join sel
cross join quarters
where h.quarter in ({{quarters}})
  and {{area}}
  and {{standard}}
order by h.quarter desc, h.district_code, h.excel_row
"""


def household_sql(
    *fields: str,
    year_ago: bool = False,
    area: str = in_area("h"),
    standard: str = "h.poverty_standard = cast($poverty_standard as varchar)",
) -> str:
    cells = [
        "{'field': 'commune_code', 'cell': h.commune_code_cell, 'value': h.commune_code}",
        *(_cell(f) for f in fields),
    ]
    quarters = "quarters.quarter, quarters.year_ago_quarter" if year_ago else "quarters.quarter"
    return (
        HOUSEHOLD_ROWS.replace("{cells}", "[" + ", ".join(cells) + "]")
        .replace("{quarters}", quarters)
        .replace("{area}", area)
        .replace("{standard}", standard)
    )


def _sum_measure(field: str, label_en: str, label_vi: str) -> Measure:
    return Measure(
        label_en=label_en,
        label_vi=label_vi,
        formula=f"Σ {field} over the commune-level units (xã, phường, thị trấn) of the area",
        sql=household_sql(field),
        terms=(field,),
        compute=lambda agg: agg.total(field),
        kind="sum",
    )


def _rate_measure(field: str, label_en: str, label_vi: str) -> Measure:
    return Measure(
        label_en=label_en,
        label_vi=label_vi,
        formula=f"round(100 × Σ {field} / Σ households, 2), over all commune-level units; "
        "null when households = 0",
        sql=household_sql("households", field),
        terms=(field, "households"),
        compute=lambda agg: agg.round(agg.pct(agg.total(field), agg.total("households")), 2),
        kind="ratio",
    )


def _comparable(agg):
    """The districts with households both now and a year earlier (under the row's standard)."""
    return {
        district: rows
        for district, rows in agg.by("district_code").items()
        if rows.total("households_now") is not None
        and rows.total("households_year_ago") is not None
    }


def _change(agg):
    """round(unrounded rate now − unrounded rate a year earlier, 2), both over the comparable
    districts only; null when there is none."""
    comparable = _comparable(agg)
    if not comparable:
        return None
    rows = agg.where(lambda r: r["district_code"] in comparable)
    now = rows.pct(rows.total("poor_now"), rows.total("households_now"))
    year_ago = rows.pct(rows.total("poor_year_ago"), rows.total("households_year_ago"))
    if now is None or year_ago is None:
        return None
    return agg.round(now - year_ago, 2)


TARGET_ROWS = f"""
with
quarters as (
    select year_number from marts.dim_quarter where quarter = cast($quarter as varchar)
)
select
    {reference_source("poverty_reduction_targets")},
    cast(null as varchar) as district_code,
    cast(null as varchar) as source_quarter,
    'scope ' || targets.target_scope || ', ' || targets.from_year || '-' || targets.to_year
        || ': ' || coalesce(targets.source_note, '') as item,
    [{{'field': 'target_reduction_pp', 'cell': cast(null as varchar),
      'value': cast(targets.target_reduction_pp as varchar)}}] as cells,
    targets.target_reduction_pp
from staging.stg_reference__poverty_reduction_targets as targets
cross join quarters
where targets.province_code = cast($province_code as varchar)
  and quarters.year_number between targets.from_year and targets.to_year
  and targets.target_scope = case
      when cast($district_code as varchar) is null then 'province'
      when cast($is_30a_district as boolean) then '30a_district'
      else 'ordinary_district'
  end
"""

REPORTING_UNDER_STANDARD = "reports.poverty_standard = cast($poverty_standard as varchar)"

RECIPE = Recipe(
    view="rpt_poverty",
    keys=("quarter", "province_code", "district_code", "poverty_standard"),
    measures={
        **coverage_measures(REPORTING_UNDER_STANDARD, " that declared the row's poverty standard"),
        "commune_units": reported_only(
            Measure(
                label_en="Commune-level units reported",
                label_vi="Số đơn vị cấp xã",
                formula="count of the unit rows (xã, phường, thị trấn) of the `Ho ngheo` sheet of "
                "the workbook version(s) in force",
                sql=household_sql(),
                terms=("units",),
                compute=lambda agg: agg.total("units", empty=0),
                kind="count",
            )
        ),
        "households": _sum_measure("households", "Households", "Tổng số hộ"),
        "poor_households": _sum_measure("poor_households", "Poor households", "Số hộ nghèo"),
        "near_poor_households": _sum_measure(
            "near_poor_households", "Near-poor households", "Số hộ cận nghèo"
        ),
        "poor_ethnic_minority_households": Measure(
            label_en="Poor ethnic-minority households",
            label_vi="Số hộ nghèo DTTS",
            formula="Σ poor_ethnic_minority_households; null when any unit of the area left "
            "the cell blank (Σ blank_units > 0)",
            sql=household_sql("poor_ethnic_minority_households"),
            terms=("poor_ethnic_minority_households", "blank_units"),
            compute=lambda agg: (
                agg.total("poor_ethnic_minority_households")
                if agg.total("blank_units", empty=0) == 0
                else None
            ),
            kind="sum",
        ),
        "poor_rate_pct": _rate_measure(
            "poor_households", "Poor-household rate (%)", "Tỷ lệ hộ nghèo (%)"
        ),
        "near_poor_rate_pct": _rate_measure(
            "near_poor_households", "Near-poor rate (%)", "Tỷ lệ hộ cận nghèo (%)"
        ),
        "poor_rate_change_pp": Measure(
            label_en="Change of the poor rate against a year earlier (points)",
            label_vi="Tăng/giảm tỷ lệ hộ nghèo so với cùng kỳ (điểm %)",
            formula="round(100 × Σ poor_now / Σ households_now − 100 × Σ poor_year_ago / "
            "Σ households_year_ago, 2) over the comparable districts (households in both "
            "quarters): unrounded rates of the quarter and of the same quarter a year earlier, "
            "same area and same poverty standard; null when no district is comparable",
            sql=household_sql("households", "poor_households", year_ago=True),
            terms=("poor_now", "households_now", "poor_year_ago", "households_year_ago"),
            compute=_change,
            kind="difference",
        ),
        "comparable_districts": Measure(
            label_en="Districts comparable with a year earlier",
            label_vi="Số huyện so sánh được với cùng kỳ",
            formula="count of the districts of the area with household rows under the row's "
            "poverty standard both in the quarter and in the same quarter a year earlier",
            sql=household_sql("households", year_ago=True),
            terms=("households_now", "households_year_ago"),
            compute=lambda agg: len(_comparable(agg)),
            kind="count",
        ),
        "target_reduction_pp": Measure(
            label_en="Yearly poor-rate reduction target (points)",
            label_vi="Chỉ tiêu giảm tỷ lệ hộ nghèo (điểm %/năm)",
            formula="looked up in seed poverty_reduction_targets: scope 'province' for the "
            "province row, '30a_district' for a 30a poor district, else 'ordinary_district', "
            "for the quarter's year",
            sql=TARGET_ROWS,
            terms=("target_reduction_pp",),
            compute=lambda agg: agg.total("target_reduction_pp"),
            kind="lookup",
        ),
    },
)
