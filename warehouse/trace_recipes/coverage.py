"""The coverage columns every aggregate of the reporting views carries: `districts_expected` (the
districts of the area on the reporting calendar, GSO units valid on the quarter's last day) and
`districts_reporting` (those with an accepted workbook version in force), from
intermediate.int_district_reports. One contribution per expected district: the workbook in force
when there is one (the ledger row of raw.workbook_versions), else the GSO unit record."""

from __future__ import annotations

from warehouse.trace_recipes._base import SELECTED_AREA, Measure, in_area

# {where} narrows which reports count as reporting for the row (e.g. the row's poverty standard);
# constant text from the recipes, never user input.
DISTRICT_ROWS = f"""
with
{SELECTED_AREA},
reports as (
    select reports.*
    from intermediate.int_district_reports as reports
    cross join sel
    where reports.quarter = sel.quarter
      and {in_area("reports")}
)
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
        || case when reports.has_report then ': workbook in force' else ': no report' end
        as item,
    case when reports.has_report then [
        {{'field': 'status', 'cell': cast(null as varchar), 'value': w.status}},
        {{'field': 'quarter', 'cell': cast(null as varchar), 'value': w.quarter}}
    ] end as cells,
    1 as expected,
    case when reports.has_report and ({{where}}) then 1 else 0 end as reporting
from reports
left join marts.dim_source_workbook as w
    on reports.workbook_sha256 = w.workbook_sha256
order by reports.district_code
"""


def coverage_measures(reporting_where: str = "true", qualifier: str = "") -> dict[str, Measure]:
    """`districts_expected` and `districts_reporting` of a view; ``reporting_where`` (SQL over
    ``reports``/``w``) narrows which reports count, ``qualifier`` says so in words."""
    sql = DISTRICT_ROWS.replace("{where}", reporting_where)
    return {
        "districts_expected": Measure(
            label_en="Districts expected",
            label_vi="Số huyện phải báo cáo",
            formula="count of the districts of the area valid on the quarter's last day (GSO "
            "units), for every quarter of the province's reporting calendar",
            sql=sql,
            terms=("expected",),
            compute=lambda agg: agg.total("expected", empty=0),
            kind="count",
        ),
        "districts_reporting": Measure(
            label_en="Districts reporting",
            label_vi="Số huyện có báo cáo",
            formula="count of the expected districts with an accepted workbook version in force"
            + qualifier,
            sql=sql,
            terms=("reporting",),
            compute=lambda agg: agg.total("reporting", empty=0),
            kind="count",
        ),
    }
