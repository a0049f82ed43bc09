"""reporting.rpt_targets: the plan (seed province_targets) and the actual of the year, each target
traced to the cells behind it (recognition cells, criteria cells, household cells) and to the
districts of its area (int_district_reports at the year's Q4): which are expected, which are used
(districts_reporting), which are excluded for declaring another poverty standard.

Every actual's contributions are the district rows of the target's area (term `reporting`: the
district is used) followed by the cells read from the used districts; the actual is null when no
district is used, as in the view."""

from __future__ import annotations

from dataclasses import replace

from warehouse.trace_recipes import poverty
from warehouse.trace_recipes.coverage import coverage_measures, district_rows
from warehouse.trace_recipes.engine import (
    Agg,
    ByKey,
    Custom,
    Measure,
    Ratio,
    Recipe,
    Source,
    Total,
    cell,
    lookup,
    reference_origin,
)

# The province at the plan year's Q4 (the rpt_targets row has a year, not a quarter).
YEAR_END = """sel as (
    select
        cast($year as varchar) || 'Q4' as quarter,
        cast($province_code as varchar) as province_code,
        cast(null as varchar) as district_code
)"""

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
# the criteria set in force for the year: the latest whose first year is not after it
SET_IN_FORCE = """(
    select sets.criteria_set from marts.dim_criteria_set as sets
    where sets.first_year <= cast(extract(year from reports.last_day) as integer)
    order by sets.first_year desc
    limit 1
)"""
ON_SET = f"reports.criteria_set = {SET_IN_FORCE}"
OTHER_SET = f"coalesce(reports.criteria_set <> {SET_IN_FORCE}, true)"
IN_30A = """reports.district_code in (
    select districts.district_code from marts.dim_district as districts
    where districts.is_in_30a_district
      and reports.last_day between districts.valid_from and districts.valid_to
)"""
AT_YEAR_END = " at the year's Q4"
BOTH_YEAR_ENDS = AT_YEAR_END + " and at the previous year's Q4"
BOTH_ON_STANDARD = (
    BOTH_YEAR_ENDS + ", both under the poverty standard in force for the year (seed "
    "poverty_standards)"
)
# target -> (districts used, which in words, 30a districts only)
USED = {
    "new_ntm_communes": ("true", AT_YEAR_END, False),
    "avg_criteria_met": (
        ON_SET,
        AT_YEAR_END + " on the criteria set in force for the year (dim_criteria_set)",
        False,
    ),
    "ntm_advanced_communes": (HAS_YEAR_AGO, BOTH_YEAR_ENDS, False),
    "ntm_model_communes": (HAS_YEAR_AGO, BOTH_YEAR_ENDS, False),
    "poor_rate_reduction_pp": (ON_STANDARD, BOTH_ON_STANDARD, False),
    "poor_rate_reduction_pp_30a_districts": (ON_STANDARD, BOTH_ON_STANDARD, True),
}
POVERTY_TARGETS = ("poor_rate_reduction_pp", "poor_rate_reduction_pp_30a_districts")


def districts(target: str, counted: str) -> Source:
    """The districts of the target's area at the year end, ``counted`` ones reporting."""
    return district_rows(counted, IN_30A if USED[target][2] else "true")


def coverage(target: str) -> dict[str, Measure]:
    used, words, target_30a = USED[target]
    measures = coverage_measures(districts(target, used), words)
    suffix = ", Programme 30a districts only" if target_30a else ""
    return {name: replace(m, formula=m.formula + suffix) for name, m in measures.items()}


def excluded(target: str) -> Measure:
    other = (
        OTHER_STANDARD
        if target in POVERTY_TARGETS
        else OTHER_SET
        if target == "avg_criteria_met"
        else "false"
    )
    reporting = coverage_measures(districts(target, other))["districts_reporting"]
    return replace(
        reporting,
        label_en="Districts excluded (another poverty standard or criteria set)",
        label_vi="Số huyện bị loại do khác chuẩn nghèo / bộ tiêu chí",
        formula="count of the districts of the area reporting at the year's Q4 whose report at "
        "the year's Q4 or the previous year's Q4 declared a poverty standard other than the one "
        "in force for the year (poverty targets), or whose year-end report declared another "
        "criteria set than the one in force (avg_criteria_met); 0 for the others",
    )


# --- the cells an actual reads, from the used districts only ---------------------------------
FROM_USED = "{alias}.district_code in (select district_code from districts where reporting = 1)"
LEVEL_CELL = "{'field': 'ntm_level', 'cell': xa.ntm_level_cell, 'value': xa.ntm_level}"
NEW_ADVANCED = (
    "xa.ntm_level in ('NTM nâng cao', 'NTM kiểu mẫu') "
    "and coalesce(ago.ntm_level not in ('NTM nâng cao', 'NTM kiểu mẫu'), true)"
)
NEW_MODEL = "xa.ntm_level = 'NTM kiểu mẫu' and coalesce(ago.ntm_level <> 'NTM kiểu mẫu', true)"
NEW_NTM = "xa.is_ntm_recognised and xa.recognition_year = cast($year as integer)"
XA = Source(
    name="xa",
    relation="""marts.fct_commune_recognition as xa
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
    on ago.workbook_sha256 = ago_w.workbook_sha256""",
    district="xa.district_code",
    quarter="xa.quarter",
    sheet="xa.sheet_name",
    excel_row="xa.excel_row",
    item="'xã ' || xa.commune_code || ' ' || coalesce(communes.commune_name, '')",
    cells={
        "recognition_year": cell("xa", "recognition_year"),
        "ntm_level": LEVEL_CELL,
        "criteria_met": "{'field': 'criteria_met', 'cell': xa.criteria_cells, "
        "'value': cast(xa.criteria_met as varchar)}",
        "ntm_level_year_ago": "{'field': 'ntm_level a year earlier (' || "
        "coalesce(ago_w.file_name, 'not listed') || ')', 'cell': ago.ntm_level_cell, "
        "'value': ago.ntm_level}",
    },
    terms={
        "xa": "1",
        "criteria_met": "xa.criteria_met",
        "new_ntm": f"case when {NEW_NTM} then 1 else 0 end",
        "new_advanced": f"case when {NEW_ADVANCED} then 1 else 0 end",
        "new_model": f"case when {NEW_MODEL} then 1 else 0 end",
    },
    where="communes.is_xa and xa.quarter = sel.quarter and " + FROM_USED.format(alias="xa"),
)
# The household rows of the used districts at both year ends, under the standard in force.
HOUSEHOLDS = replace(
    poverty.HOUSEHOLDS,
    area=None,
    where="h.quarter in (quarters.quarter, quarters.year_ago_quarter) and "
    + FROM_USED.format(alias="h")
    + """ and h.poverty_standard = (
      select standards.poverty_standard from marts.dim_poverty_standard as standards
      where quarters.last_day between standards.valid_from and standards.valid_to
  )""",
)
USED_FIRST = "district_code, excel_row nulls first"


def actual(target: str, label_en: str, label_vi: str, formula: str, cells, figure) -> Measure:
    """The district rows of the target's area, then the cells read from the used ones."""
    used = coverage(target)["districts_reporting"].reads
    return Measure(
        label_en,
        label_vi,
        formula,
        (*used, cells),
        figure,
        order=USED_FIRST,
        null_unless="reporting",
    )


def average_criteria(agg: Agg) -> float | None:
    """The view rounds the average again: round(round(Σ criteria_met / Σ xa, 2), 2)."""
    return agg.round(Ratio("criteria_met", ("xa",), percent=False).compute(agg), 2)


def reduction(agg: Agg) -> float | None:
    """−round(pooled rate now − pooled rate a year earlier, 2), rounded to 2."""
    now = agg.pct(agg.total("poor_now"), agg.total("households_now"))
    ago = agg.pct(agg.total("poor_year_ago"), agg.total("households_year_ago"))
    if now is None or ago is None:
        return None
    return agg.round(-agg.round(now - ago, 2), 2)


def poverty_actual(target: str, label_en: str, label_vi: str, area: str) -> Measure:
    return actual(
        target,
        label_en,
        label_vi,
        "round(−round(100 × Σ poor_now / Σ households_now − 100 × Σ poor_year_ago / "
        f"Σ households_year_ago, 2), 2): households of {area} that reported both year ends "
        "under the poverty standard in force for the year (seed poverty_standards), pooled; "
        "districts on another standard are excluded (excluded_districts), never blended; null "
        "when no district is used",
        HOUSEHOLDS.read("commune_code", "households", "poor_households"),
        Custom(
            ("poor_now", "households_now", "poor_year_ago", "households_year_ago"),
            reduction,
            "difference",
        ),
    )


ACTUALS = {
    "new_ntm_communes": actual(
        "new_ntm_communes",
        "Xã first recognised as NTM in the year",
        "Số xã đạt chuẩn NTM mới trong năm",
        "round(Σ new_ntm, 2): xã of the districts reporting at the year's Q4 whose recognition "
        "year (Năm đạt chuẩn) is the plan year and whose NTM level is not blank; null when no "
        "district reports",
        XA.read("recognition_year", "ntm_level", where=NEW_NTM),
        Total("new_ntm", empty=0, digits=2, kind="count"),
    ),
    "avg_criteria_met": actual(
        "avg_criteria_met",
        "Average criteria met per xã at year end",
        "Số tiêu chí bình quân/xã",
        "round(round(Σ criteria_met / Σ xa, 2), 2) over the xã of the districts reporting at "
        "the year's Q4 on the criteria set in force for the year (counts of another set are "
        "excluded, never blended); null when no district is used",
        XA.read("criteria_met"),
        Custom(("criteria_met", "xa"), average_criteria, "ratio"),
    ),
    "ntm_advanced_communes": actual(
        "ntm_advanced_communes",
        "Xã recognised advanced (or model) NTM in the year",
        "Số xã đạt chuẩn NTM nâng cao trong năm",
        "round(Σ new_advanced, 2): xã at level NTM nâng cao or NTM kiểu mẫu at the year's Q4 "
        "that were at neither level at the previous year's Q4, in the districts reporting both "
        "year ends; null when none does",
        XA.read("ntm_level", "ntm_level_year_ago", where=NEW_ADVANCED),
        Total("new_advanced", empty=0, digits=2, kind="count"),
    ),
    "ntm_model_communes": actual(
        "ntm_model_communes",
        "Xã recognised model NTM in the year",
        "Số xã đạt chuẩn NTM kiểu mẫu trong năm",
        "round(Σ new_model, 2): xã at level NTM kiểu mẫu at the year's Q4 that were not at the "
        "previous year's Q4, in the districts reporting both year ends; null when none does",
        XA.read("ntm_level", "ntm_level_year_ago", where=NEW_MODEL),
        Total("new_model", empty=0, digits=2, kind="count"),
    ),
    "poor_rate_reduction_pp": poverty_actual(
        "poor_rate_reduction_pp",
        "Province poor-rate reduction (pp)",
        "Mức giảm tỷ lệ hộ nghèo toàn tỉnh (điểm %)",
        "the districts of the province",
    ),
    "poor_rate_reduction_pp_30a_districts": poverty_actual(
        "poor_rate_reduction_pp_30a_districts",
        "Poor-rate reduction in the 30a poor districts (pp)",
        "Mức giảm tỷ lệ hộ nghèo các huyện nghèo 30a (điểm %)",
        "the Programme 30a districts (on the year's last day)",
    ),
}

PLANNED = Source(
    name="planned",
    relation="staging.stg_reference__province_targets as targets",
    origin=reference_origin("province_targets"),
    item="targets.target || ' ' || targets.comparison || ' ' || targets.planned_value || ' ' || "
    "coalesce(targets.unit, '') || ': ' || coalesce(targets.source_note, '')",
    cells={
        "planned_value": "{'field': 'planned_value', 'cell': cast(null as varchar), "
        "'value': cast(targets.planned_value as varchar)}"
    },
    terms={"planned_value": "cast(targets.planned_value as double)"},
    where="targets.year_number = cast($year as integer) "
    "and targets.province_code = sel.province_code "
    "and targets.target = cast($target as varchar)",
)
COVERAGE = {target: coverage(target) for target in USED}

RECIPE = Recipe(
    view="rpt_targets",
    keys=("year", "province_code", "target"),
    selection=YEAR_END,
    measures={
        "planned_value": Measure(
            "Planned value",
            "Kế hoạch",
            "looked up in seed province_targets (year, province, target)",
            (PLANNED.read("planned_value"),),
            lookup("planned_value"),
        ),
        "actual_value": ByKey("target", ACTUALS),
        **{
            column: ByKey("target", {t: COVERAGE[t][column] for t in USED})
            for column in ("districts_expected", "districts_reporting")
        },
        "excluded_districts": ByKey("target", {t: excluded(t) for t in USED}),
    },
)
