"""The coverage columns every aggregate of the reporting views carries: `districts_expected` (the
districts of the area on the reporting calendar, GSO units valid on the quarter's last day) and
`districts_reporting` (those with an accepted workbook version in force), from
intermediate.int_district_reports. One contribution per expected district: the workbook in force
when there is one (the ledger row of raw.workbook_versions), else the GSO unit record."""

from __future__ import annotations

from warehouse.trace_recipes.engine import Measure, Source, count, ledger_cell

GSO_UNITS = "dbt_project/seeds/reference/gso_admin_units.csv"

# The origin of a district's row: its workbook in force (ledger), else the GSO unit (reference).
DISTRICT_ORIGIN = (
    "case when reports.has_report then 'ledger' else 'reference' end as source_type, "
    f"coalesce(w.file_name, '{GSO_UNITS}') as file_name, "
    "w.workbook_sha256, w.received_at, w.archive_path"
)

DISTRICT_REPORTS = """intermediate.int_district_reports as reports
left join marts.dim_source_workbook as w
    on reports.workbook_sha256 = w.workbook_sha256"""


def district_rows(counted: str = "true", where: str = "true") -> Source:
    """The districts of the area (``where`` narrows them, e.g. the 30a districts); term
    ``reporting``: the district has a report and ``counted`` holds (SQL over ``reports``/``w``,
    e.g. the row's poverty standard)."""
    return Source(
        name="districts",
        relation=DISTRICT_REPORTS,
        origin=DISTRICT_ORIGIN,
        district="reports.district_code",
        quarter="reports.quarter",
        item="'district ' || reports.district_code || ' ' || coalesce(reports.district_name, '')"
        " || case when reports.has_report then ': workbook in force' else ': no report' end",
        cells={
            "status": ledger_cell("status", "w.status"),
            "quarter": ledger_cell("quarter", "w.quarter"),
        },
        cells_when="reports.has_report",
        terms={
            "expected": "1",
            "reporting": f"case when reports.has_report and ({counted}) then 1 else 0 end",
        },
        area="reports",
        where=f"reports.quarter = sel.quarter and {where}",
        order="reports.district_code",
    )


def coverage_measures(districts: Source, qualifier: str = "") -> dict[str, Measure]:
    """`districts_expected` and `districts_reporting` of a view over ``districts``
    (`district_rows`); ``qualifier`` says in words which reports count."""
    rows = (districts.read("status", "quarter"),)
    measures = {
        "districts_expected": Measure(
            label_en="Districts expected",
            label_vi="Số huyện phải báo cáo",
            formula="count of the districts of the area valid on the quarter's last day (GSO "
            "units), for every quarter of the province's reporting calendar",
            reads=rows,
            figure=count("expected"),
        ),
        "districts_reporting": Measure(
            label_en="Districts reporting",
            label_vi="Số huyện có báo cáo",
            formula="count of the expected districts with an accepted workbook version in force"
            + qualifier,
            reads=rows,
            figure=count("reporting"),
        ),
    }
    # reporters_* are the same counts under the name that holds in both eras (districts up to
    # 2025Q2, communes from 2025Q3): one measure, two columns.
    measures["reporters_expected"] = measures["districts_expected"]
    measures["reporters_reporting"] = measures["districts_reporting"]
    return measures


COVERAGE = coverage_measures(district_rows())


def on_the_row_set(alias: str) -> str:
    """SQL: ``alias``'s criteria set is the selected row's (any set when the row has none)."""
    return (
        f"(cast($criteria_set as varchar) is null "
        f"or {alias}.criteria_set = cast($criteria_set as varchar))"
    )


# A province row of an attainment view counts the reporters of its own criteria set (a quarter
# with two sets has a row per set); every expected reporter is expected on each.
COVERAGE_BY_SET = coverage_measures(
    district_rows(on_the_row_set("reports")), " under the row's criteria set"
)
