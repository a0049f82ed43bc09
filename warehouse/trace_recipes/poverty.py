"""reporting.rpt_poverty: households of ALL commune-level units from fct_commune_households, under
the row's poverty standard; the change against a year earlier over the comparable districts; the
reduction target (seed); coverage from int_district_reports (reporting = declared the row's
standard)."""

from __future__ import annotations

from warehouse.trace_recipes.coverage import coverage_measures, district_rows
from warehouse.trace_recipes.engine import (
    Agg,
    Custom,
    Measure,
    Ratio,
    Recipe,
    Source,
    Total,
    cell,
    count,
    lookup,
    reference_origin,
)

QUARTERS = """quarters as (
    select quarter, year_ago_quarter, last_day
    from marts.dim_quarter
    where quarter = (select quarter from sel)
)"""

# The household rows of the area under the row's standard, in the row's quarter and a year
# earlier (`now` reads the row's quarter only).
HOUSEHOLDS = Source(
    name="households",
    relation="""marts.fct_commune_households as h
inner join marts.dim_source_workbook as w
    on h.workbook_sha256 = w.workbook_sha256
left join marts.dim_commune as communes
    on h.commune_sk = communes.commune_sk
cross join quarters""",
    district="h.district_code",
    quarter="h.quarter",
    sheet="h.sheet_name",
    excel_row="h.excel_row",
    item="coalesce(communes.commune_type, 'unit') || ' ' || h.commune_code || ' ' "
    "|| coalesce(communes.commune_name, '')",
    cells={
        "commune_code": cell("h", "commune_code"),
        **{
            field: cell("h", field)
            for field in (
                "households",
                "poor_households",
                "near_poor_households",
                "poor_ethnic_minority_households",
            )
        },
    },
    terms={
        "units": "1",
        "households": "h.households",
        "poor_households": "h.poor_households",
        "near_poor_households": "h.near_poor_households",
        "poor_ethnic_minority_households": "h.poor_ethnic_minority_households",
        "blank_units": "case when h.poor_ethnic_minority_households is null then 1 else 0 end",
        "households_now": "case when h.quarter = quarters.quarter then h.households end",
        "poor_now": "case when h.quarter = quarters.quarter then h.poor_households end",
        "households_year_ago": "case when h.quarter <> quarters.quarter then h.households end",
        "poor_year_ago": "case when h.quarter <> quarters.quarter then h.poor_households end",
    },
    area="h",
    where="h.quarter in (quarters.quarter, quarters.year_ago_quarter) "
    "and h.poverty_standard = cast($poverty_standard as varchar)",
    ctes=(QUARTERS,),
    order="h.quarter desc, h.district_code, h.excel_row",
)
NOW = "h.quarter = quarters.quarter"


def now(*fields: str):
    return (HOUSEHOLDS.read("commune_code", *fields, where=NOW),)


def total(field: str, label_en: str, label_vi: str) -> Measure:
    return Measure(
        label_en,
        label_vi,
        f"Σ {field} over the commune-level units (xã, phường, thị trấn) of the area",
        now(field),
        Total(field),
    )


def rate(field: str, label_en: str, label_vi: str) -> Measure:
    return Measure(
        label_en,
        label_vi,
        f"round(100 × Σ {field} / Σ households, 2), over all commune-level units; null when "
        "households = 0",
        now("households", field),
        Ratio(field, ("households",), empty=None),
    )


def comparable(agg: Agg) -> dict[str, Agg]:
    """The districts with households both now and a year earlier (under the row's standard)."""
    return {
        district: rows
        for district, rows in agg.by("district_code").items()
        if rows.total("households_now") is not None
        and rows.total("households_year_ago") is not None
    }


def change(agg: Agg) -> float | None:
    """round(unrounded rate now − unrounded rate a year earlier, 2), both over the comparable
    districts only; null when there is none."""
    districts = comparable(agg)
    if not districts:
        return None
    rows = agg.where(lambda r: r["district_code"] in districts)
    rate_now = rows.pct(rows.total("poor_now"), rows.total("households_now"))
    year_ago = rows.pct(rows.total("poor_year_ago"), rows.total("households_year_ago"))
    if rate_now is None or year_ago is None:
        return None
    return agg.round(rate_now - year_ago, 2)


TARGETS = Source(
    name="targets",
    relation="staging.stg_reference__poverty_reduction_targets as targets\n"
    "cross join marts.dim_quarter as quarters",
    origin=reference_origin("poverty_reduction_targets"),
    item="'scope ' || targets.target_scope || ', ' || targets.from_year || '-' || "
    "targets.to_year || ': ' || coalesce(targets.source_note, '')",
    cells={
        "target": "{'field': 'target_reduction_pp', 'cell': cast(null as varchar), "
        "'value': cast(targets.target_reduction_pp as varchar)}"
    },
    terms={"target_reduction_pp": "targets.target_reduction_pp"},
    where="quarters.quarter = sel.quarter and targets.province_code = sel.province_code "
    "and quarters.year_number between targets.from_year and targets.to_year "
    "and targets.target_scope = case when sel.district_code is null then 'province' "
    "when cast($is_30a_district as boolean) then '30a_district' else 'ordinary_district' end",
)

RECIPE = Recipe(
    view="rpt_poverty",
    keys=("quarter", "province_code", "district_code", "poverty_standard"),
    measures={
        **coverage_measures(
            district_rows("reports.poverty_standard = cast($poverty_standard as varchar)"),
            " that declared the row's poverty standard",
        ),
        "commune_units": Measure(
            "Commune-level units reported",
            "Số đơn vị cấp xã",
            "count of the unit rows (xã, phường, thị trấn) of the `Ho ngheo` sheet of the "
            "workbook version(s) in force",
            now(),
            count("units"),
            reported_only=True,
        ),
        "households": total("households", "Households", "Tổng số hộ"),
        "poor_households": total("poor_households", "Poor households", "Số hộ nghèo"),
        "near_poor_households": total(
            "near_poor_households", "Near-poor households", "Số hộ cận nghèo"
        ),
        "poor_ethnic_minority_households": Measure(
            "Poor ethnic-minority households",
            "Số hộ nghèo DTTS",
            "Σ poor_ethnic_minority_households; null when any unit of the area left the cell "
            "blank (Σ blank_units > 0)",
            now("poor_ethnic_minority_households"),
            Total("poor_ethnic_minority_households"),
            null_if="blank_units",
        ),
        "poor_rate_pct": rate("poor_households", "Poor-household rate (%)", "Tỷ lệ hộ nghèo (%)"),
        "near_poor_rate_pct": rate(
            "near_poor_households", "Near-poor rate (%)", "Tỷ lệ hộ cận nghèo (%)"
        ),
        "poor_rate_change_pp": Measure(
            "Change of the poor rate against a year earlier (points)",
            "Tăng/giảm tỷ lệ hộ nghèo so với cùng kỳ (điểm %)",
            "round(100 × Σ poor_now / Σ households_now − 100 × Σ poor_year_ago / "
            "Σ households_year_ago, 2) over the comparable districts (households in both "
            "quarters): unrounded rates of the quarter and of the same quarter a year earlier, "
            "same area and same poverty standard; null when no district is comparable",
            (HOUSEHOLDS.read("commune_code", "households", "poor_households"),),
            Custom(
                ("poor_now", "households_now", "poor_year_ago", "households_year_ago"),
                change,
                "difference",
            ),
        ),
        "comparable_districts": Measure(
            "Districts comparable with a year earlier",
            "Số huyện so sánh được với cùng kỳ",
            "count of the districts of the area with household rows under the row's poverty "
            "standard both in the quarter and in the same quarter a year earlier",
            (HOUSEHOLDS.read("commune_code", "households"),),
            Custom(
                ("households_now", "households_year_ago"), lambda agg: len(comparable(agg)), "count"
            ),
        ),
        "target_reduction_pp": Measure(
            "Yearly poor-rate reduction target (points)",
            "Chỉ tiêu giảm tỷ lệ hộ nghèo (điểm %/năm)",
            "looked up in seed poverty_reduction_targets: scope 'province' for the province row, "
            "'30a_district' for a 30a poor district, else 'ordinary_district', for the quarter's "
            "year",
            (TARGETS.read("target"),),
            lookup("target_reduction_pp"),
        ),
    },
)
