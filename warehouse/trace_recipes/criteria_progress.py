"""reporting.rpt_criteria_progress: per criterion, xã of the area and those meeting it, from
fct_commune_criterion_status (one cell per commune and criterion); coverage from
int_district_reports."""

from __future__ import annotations

from warehouse.trace_recipes.coverage import COVERAGE
from warehouse.trace_recipes.engine import Measure, Ratio, Recipe, Source, count

STATUS = Source(
    name="status",
    relation="""marts.fct_commune_criterion_status as status
inner join marts.dim_commune as communes
    on status.commune_sk = communes.commune_sk
inner join marts.dim_source_workbook as w
    on status.workbook_sha256 = w.workbook_sha256""",
    district="status.district_code",
    quarter="status.quarter",
    sheet="status.sheet_name",
    excel_row="status.excel_row",
    item="'xã ' || status.commune_code || ' ' || coalesce(communes.commune_name, '') || ', TC' "
    "|| status.criterion_no",
    cells={
        "criterion": "{'field': 'tc' || lpad(cast(status.criterion_no as varchar), 2, '0'), "
        "'cell': status.cell_ref, 'value': cast(status.is_met as varchar)}"
    },
    terms={"xa": "1", "meeting": "case when status.is_met then 1 else 0 end"},
    area="status",
    where="communes.is_xa and status.quarter = sel.quarter "
    "and status.criterion_no = cast($criterion_no as integer)",
    order="status.district_code, status.excel_row",
)
ALL_XA = (STATUS.read("criterion"),)

RECIPE = Recipe(
    view="rpt_criteria_progress",
    keys=("quarter", "province_code", "district_code", "criterion_no"),
    measures={
        # district-era only (the view stops at 2025Q2): no reporters_* columns
        "districts_expected": COVERAGE["districts_expected"],
        "districts_reporting": COVERAGE["districts_reporting"],
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
