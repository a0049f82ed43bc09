"""reporting.rpt_attainment: counts of xã from fct_commune_recognition (xã only, dim_commune);
coverage (districts_expected / districts_reporting) from int_district_reports."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from warehouse.trace_recipes._base import SELECTED_AREA, Measure, Recipe, in_area, workbook_source
from warehouse.trace_recipes.coverage import coverage_measures


def reported_only(measure: Measure) -> Callable[[Mapping[str, Any]], Measure]:
    """The measure of a view row that covers reporting districts only: on a row with
    districts_reporting = 0 (no report: the view's measures are null, never 0) the figure is
    null whatever the sources hold; the districts reporting are traced on their own
    (coverage.coverage_measures). Elsewhere a count over no contribution is 0."""

    def for_row(row: Mapping[str, Any]) -> Measure:
        if row.get("districts_reporting"):
            return measure
        return replace(
            measure,
            formula=measure.formula + "; null: no district of the row reported",
            compute=lambda agg: None,
        )

    return for_row


# One contribution per xã of the area: its workbook row, the cells a measure reads, and 0/1 (or
# count) terms. {cells} and {where} are filled from the constants below, never from input.
XA_ROWS = f"""
with
{SELECTED_AREA},
xa as (
    select
        recognition.*,
        communes.commune_name,
        communes.is_border,
        communes.is_especially_difficult
    from marts.fct_commune_recognition as recognition
    inner join marts.dim_commune as communes
        on recognition.commune_sk = communes.commune_sk
    cross join sel
    where communes.is_xa
      and recognition.quarter = sel.quarter
      and {in_area("recognition")}
),
criteria_cells as (
    select
        status.quarter,
        status.commune_code,
        list(
            {{'field': 'TC' || status.criterion_no, 'cell': status.cell_ref,
              'value': cast(status.is_met as varchar)}}
            order by status.criterion_no
        ) as cells
    from marts.fct_commune_criterion_status as status
    cross join sel
    where status.quarter = sel.quarter
      and {in_area("status")}
    group by status.quarter, status.commune_code
)
select
    {workbook_source()},
    xa.district_code,
    xa.quarter as source_quarter,
    xa.sheet_name,
    xa.excel_row,
    'xã ' || xa.commune_code || ' ' || coalesce(xa.commune_name, '') as item,
    {{cells}} as cells,
    1 as xa,
    case when xa.is_ntm_recognised then 1 else 0 end as ntm,
    xa.criteria_met,
    case when xa.is_border then 1 else 0 end as border,
    case when xa.is_especially_difficult then 1 else 0 end as difficult
from xa
inner join marts.dim_source_workbook as w
    on xa.workbook_sha256 = w.workbook_sha256
left join criteria_cells
    on xa.quarter = criteria_cells.quarter
    and xa.commune_code = criteria_cells.commune_code
where {{where}}
order by xa.district_code, xa.excel_row
"""

COMMUNE_CELL = "{'field': 'commune_code', 'cell': xa.commune_code_cell, 'value': xa.commune_code}"
# The level cell as written (blank when TC-007 inferred 'NTM' from the recognition year alone).
LEVEL_CELL = (
    "{'field': 'ntm_level', 'cell': xa.ntm_level_cell, "
    "'value': case when xa.level_inferred then null when xa.is_ntm_recognised "
    "then xa.ntm_level end}"
)
YEAR_CELL = (
    "{'field': 'recognition_year', 'cell': xa.recognition_year_cell, "
    "'value': cast(xa.recognition_year as varchar)}"
)
CELLS = {
    "commune": f"[{COMMUNE_CELL}]",
    "level": f"[{COMMUNE_CELL}, {LEVEL_CELL}, {YEAR_CELL}]",
    "criteria": f"list_concat([{COMMUNE_CELL}], criteria_cells.cells)",
}


def xa_sql(cells: str, where: str = "true") -> str:
    return XA_ROWS.replace("{cells}", CELLS[cells]).replace("{where}", where)


def _count(term: str):
    return lambda agg: agg.total(term, empty=0)


XA_COUNT = Measure(
    label_en="Xã reported",
    label_vi="Số xã",
    formula="count of the xã rows (unit type xã at the quarter's end; wards and townships never "
    "count) of the workbook version(s) in force",
    sql=xa_sql("commune"),
    terms=("xa",),
    compute=_count("xa"),
    kind="count",
)


def band_measure(band: str, low: int, high: int) -> Measure:
    label = "all 19" if low == 19 else f"{low} to {high}" if low else "fewer than 5"
    return Measure(
        label_en=f"Xã meeting {label} criteria",
        label_vi=f"Số xã đạt {band} tiêu chí",
        formula=f"count of xã whose criteria met (count of met TC1..TC19 cells) is {label}",
        sql=xa_sql("criteria", f"xa.criteria_met between {low} and {high}"),
        terms=("xa",),
        compute=_count("xa"),
        kind="count",
    )


def level_measure(level: str, label_en: str, label_vi: str) -> Measure:
    return Measure(
        label_en=label_en,
        label_vi=label_vi,
        formula=f"count of xã whose NTM level cell (Mức độ đạt chuẩn) reads {level!r}",
        sql=xa_sql("level", f"xa.ntm_level = '{level}'"),
        terms=("ntm",),
        compute=_count("ntm"),
        kind="count",
    )


MEASURES: dict[str, Measure] = {
    "xa_count": XA_COUNT,
    "ntm_communes": Measure(
        label_en="Xã recognised as NTM",
        label_vi="Số xã đạt chuẩn NTM",
        formula="count of xã whose NTM level cell (Mức độ đạt chuẩn) is not blank "
        "(NTM, NTM nâng cao or NTM kiểu mẫu), or is blank with a recognition year (TC-007: "
        "taken as 'NTM', level_inferred)",
        sql=xa_sql("level", "xa.is_ntm_recognised"),
        terms=("ntm",),
        compute=_count("ntm"),
        kind="count",
    ),
    "advanced_ntm_communes": level_measure(
        "NTM nâng cao", "Xã recognised as advanced NTM", "Số xã đạt chuẩn NTM nâng cao"
    ),
    "model_ntm_communes": level_measure(
        "NTM kiểu mẫu", "Xã recognised as model NTM", "Số xã đạt chuẩn NTM kiểu mẫu"
    ),
    "ntm_share_pct": Measure(
        label_en="Share of xã recognised as NTM (%)",
        label_vi="Tỷ lệ xã đạt chuẩn NTM (%)",
        formula="round(100 × Σ ntm / Σ xa, 2): NTM xã over all xã; null when there is no xã",
        sql=xa_sql("level"),
        terms=("ntm", "xa"),
        compute=lambda agg: agg.round(
            agg.pct(agg.total("ntm", empty=0), agg.total("xa", empty=0)), 2
        ),
        kind="ratio",
    ),
    "avg_criteria_met": Measure(
        label_en="Average criteria met per xã",
        label_vi="Số tiêu chí đạt bình quân/xã",
        formula="round(Σ criteria_met / Σ xa, 2): criteria met (met TC cells) of all xã "
        "over the number of xã (not an average of district averages)",
        sql=xa_sql("criteria"),
        terms=("criteria_met", "xa"),
        compute=lambda agg: agg.round(
            agg.div(agg.total("criteria_met", empty=0), agg.total("xa", empty=0)), 2
        ),
        kind="ratio",
    ),
    "communes_19": band_measure("19", 19, 19),
    "communes_15_18": band_measure("15-18", 15, 18),
    "communes_10_14": band_measure("10-14", 10, 14),
    "communes_5_9": band_measure("5-9", 5, 9),
    "communes_below_5": band_measure("dưới 5", 0, 4),
    "border_xa_count": Measure(
        label_en="Border xã",
        label_vi="Số xã biên giới",
        formula="count of xã classified as border on the quarter's last day "
        "(reference commune_classification, via dim_commune)",
        sql=xa_sql("commune", "xa.is_border"),
        terms=("border",),
        compute=_count("border"),
        kind="count",
    ),
    "border_ntm_communes": Measure(
        label_en="Border xã recognised as NTM",
        label_vi="Số xã biên giới đạt chuẩn NTM",
        formula="count of border xã whose NTM level cell is not blank",
        sql=xa_sql("level", "xa.is_border and xa.is_ntm_recognised"),
        terms=("ntm",),
        compute=_count("ntm"),
        kind="count",
    ),
    "difficult_xa_count": Measure(
        label_en="Especially difficult xã",
        label_vi="Số xã đặc biệt khó khăn",
        formula="count of xã classified as especially difficult on the quarter's last day "
        "(reference commune_classification, via dim_commune)",
        sql=xa_sql("commune", "xa.is_especially_difficult"),
        terms=("difficult",),
        compute=_count("difficult"),
        kind="count",
    ),
    "difficult_ntm_communes": Measure(
        label_en="Especially difficult xã recognised as NTM",
        label_vi="Số xã đặc biệt khó khăn đạt chuẩn NTM",
        formula="count of especially difficult xã whose NTM level cell is not blank",
        sql=xa_sql("level", "xa.is_especially_difficult and xa.is_ntm_recognised"),
        terms=("ntm",),
        compute=_count("ntm"),
        kind="count",
    ),
}

RECIPE = Recipe(
    view="rpt_attainment",
    keys=("quarter", "province_code", "district_code"),
    measures={
        **coverage_measures(),
        # a row none of whose districts reported has null measures (not 0)
        **{column: reported_only(measure) for column, measure in MEASURES.items()},
    },
)
