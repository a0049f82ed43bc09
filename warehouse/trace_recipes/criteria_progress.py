"""reporting.rpt_criteria_progress: per criterion, xã of the area and those meeting it, from
fct_commune_criterion_status (one cell per commune and criterion), both eras; a province row is
one criteria set's; coverage from int_district_reports."""

from __future__ import annotations

from warehouse.trace_recipes.coverage import COVERAGE_BY_SET, on_the_row_set
from warehouse.trace_recipes.engine import Measure, Ratio, Recipe, Source, count

STATUS = Source(
    name="status",
    # a xã by the GSO unit valid at the quarter's end (district era), by the current unit's
    # type from 2025Q3 (commune workbooks)
    relation="""marts.fct_commune_criterion_status as status
left join marts.dim_commune as communes
    on status.commune_sk = communes.commune_sk
    and status.workbook_kind = 'district'
left join reference.admin_units_2025 as current_units
    on status.commune_code = current_units.commune_code
    and status.province_code = current_units.province_code
    and status.workbook_kind = 'commune'
inner join marts.dim_source_workbook as w
    on status.workbook_sha256 = w.workbook_sha256""",
    district="status.district_code",
    quarter="status.quarter",
    sheet="status.sheet_name",
    excel_row="status.excel_row",
    item="'xã ' || status.commune_code || ' ' "
    "|| coalesce(communes.commune_name, current_units.commune_name, '') || ', TC' "
    "|| status.criterion_no",
    cells={
        "criterion": "{'field': 'tc' || lpad(cast(status.criterion_no as varchar), 2, '0'), "
        "'cell': status.cell_ref, 'value': cast(status.is_met as varchar)}"
    },
    terms={"xa": "1", "meeting": "case when status.is_met then 1 else 0 end"},
    area="status",
    # a province row is one criteria set's: criterion numbers mean nothing across sets
    where="(communes.is_xa or current_units.commune_type = 'Xã') and status.quarter = sel.quarter "
    "and status.criterion_no = cast($criterion_no as integer) and " + on_the_row_set("status"),
    order="status.district_code, status.excel_row",
)
ALL_XA = (STATUS.read("criterion"),)

RECIPE = Recipe(
    view="rpt_criteria_progress",
    keys=("quarter", "province_code", "district_code", "criteria_set", "criterion_no"),
    measures={
        # every expected reporter; those reporting under the row's criteria set
        **COVERAGE_BY_SET,
        "xa_count": Measure(
            "Xã assessed on the criterion",
            "Số xã",
            "count of the xã rows of the workbook version(s) in force (one criterion cell each; "
            "wards and townships never count)",
            ALL_XA,
            count("xa"),
            reported_only=True,
        ),
        "xa_meeting": Measure(
            "Xã meeting the criterion",
            "Số xã đạt tiêu chí",
            "count of xã whose criterion cell reads met (Đạt / x / 1; blank = not met)",
            (STATUS.read("criterion", where="status.is_met"),),
            count("meeting"),
            reported_only=True,
        ),
        "share_pct": Measure(
            "Share of xã meeting the criterion (%)",
            "Tỷ lệ xã đạt tiêu chí (%)",
            "round(100 × Σ meeting / Σ xa, 2); null when there is no xã",
            ALL_XA,
            Ratio("meeting", ("xa",)),
            reported_only=True,
        ),
    },
)
