"""reporting.rpt_criteria_progress: per criterion, xã of the area and those meeting it, from
fct_commune_criterion_status (one cell per commune and criterion); coverage from
int_district_reports."""

from __future__ import annotations

from warehouse.trace_recipes._base import SELECTED_AREA, Measure, Recipe, in_area, workbook_source
from warehouse.trace_recipes.attainment import reported_only
from warehouse.trace_recipes.coverage import coverage_measures

STATUS_ROWS = f"""
with
{SELECTED_AREA}
select
    {workbook_source()},
    status.district_code,
    status.quarter as source_quarter,
    status.sheet_name,
    status.excel_row,
    'xã ' || status.commune_code || ' ' || coalesce(communes.commune_name, '')
        || ', TC' || status.criterion_no as item,
    [{{'field': 'tc' || lpad(cast(status.criterion_no as varchar), 2, '0'),
      'cell': status.cell_ref, 'value': cast(status.is_met as varchar)}}] as cells,
    1 as xa,
    case when status.is_met then 1 else 0 end as meeting
from marts.fct_commune_criterion_status as status
inner join marts.dim_commune as communes
    on status.commune_sk = communes.commune_sk
inner join marts.dim_source_workbook as w
    on status.workbook_sha256 = w.workbook_sha256
cross join sel
where communes.is_xa
  and status.quarter = sel.quarter
  and {in_area("status")}
  and status.criterion_no = cast($criterion_no as integer)
  and {{where}}
order by status.district_code, status.excel_row
"""

MEASURES: dict[str, Measure] = {
    "xa_count": Measure(
        label_en="Xã assessed on the criterion",
        label_vi="Số xã",
        formula="count of the xã rows of the workbook version(s) in force (one criterion "
        "cell each; wards and townships never count)",
        sql=STATUS_ROWS.replace("{where}", "true"),
        terms=("xa",),
        compute=lambda agg: agg.total("xa", empty=0),
        kind="count",
    ),
    "xa_meeting": Measure(
        label_en="Xã meeting the criterion",
        label_vi="Số xã đạt tiêu chí",
        formula="count of xã whose criterion cell reads met (Đạt / x / 1; blank = not met)",
        sql=STATUS_ROWS.replace("{where}", "status.is_met"),
        terms=("meeting",),
        compute=lambda agg: agg.total("meeting", empty=0),
        kind="count",
    ),
    "share_pct": Measure(
        label_en="Share of xã meeting the criterion (%)",
        label_vi="Tỷ lệ xã đạt tiêu chí (%)",
        formula="round(100 × Σ meeting / Σ xa, 2); null when there is no xã",
        sql=STATUS_ROWS.replace("{where}", "true"),
        terms=("meeting", "xa"),
        compute=lambda agg: agg.round(
            agg.pct(agg.total("meeting", empty=0), agg.total("xa", empty=0)), 2
        ),
        kind="ratio",
    ),
}

RECIPE = Recipe(
    view="rpt_criteria_progress",
    keys=("quarter", "province_code", "district_code", "criterion_no"),
    measures={
        **coverage_measures(),
        **{column: reported_only(measure) for column, measure in MEASURES.items()},
    },
)
