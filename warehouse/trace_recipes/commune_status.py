"""reporting.rpt_commune_status: one commune-level unit as it was in one quarter, with the
current unit it lies in. Its figures are the unit's own rows of the workbook version in force
(its district's workbook up to 2025Q2, its own commune workbook from 2025Q3): criteria from
fct_commune_criterion_status (one cell per criterion), recognition from fct_commune_recognition,
households from fct_commune_households. A row selects one unit: no area."""

from __future__ import annotations

from warehouse.trace_recipes.engine import (
    Measure,
    Ratio,
    Recipe,
    Source,
    cell,
    count,
    lookup,
    reference_origin,
)

THIS_UNIT = (
    "{alias}.quarter = cast($quarter as varchar) "
    "and {alias}.commune_code = cast($commune_code as varchar)"
)

CRITERIA = Source(
    name="criteria",
    relation="""marts.fct_commune_criterion_status as s
inner join marts.dim_source_workbook as w
    on s.workbook_sha256 = w.workbook_sha256""",
    district="s.district_code",
    quarter="s.quarter",
    sheet="s.sheet_name",
    excel_row="s.excel_row",
    item="'TC' || cast(s.criterion_no as varchar) || ' of ' || s.criteria_set",
    cells={
        "is_met": "{'field': 'TC' || cast(s.criterion_no as varchar), 'cell': s.cell_ref, "
        "'value': cast(s.is_met as varchar)}"
    },
    terms={
        "met": "case when s.is_met then 1 else 0 end",
        "listed": "1",
        "criteria_count": "case when s.criterion_no = 1 then s.criteria_count else 0 end",
    },
    where=THIS_UNIT.format(alias="s"),
    order="s.criterion_no",
)

RECOGNITION = Source(
    name="recognition",
    relation="""marts.fct_commune_recognition as r
inner join marts.dim_source_workbook as w
    on r.workbook_sha256 = w.workbook_sha256""",
    district="r.district_code",
    quarter="r.quarter",
    sheet="r.sheet_name",
    excel_row="r.excel_row",
    item="'unit ' || r.commune_code || ' (' || r.workbook_kind || ' workbook)'",
    cells={"recognition_year": cell("r", "recognition_year")},
    terms={"recognition_year": "r.recognition_year"},
    where=THIS_UNIT.format(alias="r"),
)

HOUSEHOLDS = Source(
    name="households",
    relation="""marts.fct_commune_households as h
inner join marts.dim_source_workbook as w
    on h.workbook_sha256 = w.workbook_sha256""",
    district="h.district_code",
    quarter="h.quarter",
    sheet="h.sheet_name",
    excel_row="h.excel_row",
    item="'unit ' || h.commune_code || ' households'",
    cells={
        "households": cell("h", "households"),
        "poor_households": cell("h", "poor_households"),
    },
    terms={"households": "h.households", "poor_households": "h.poor_households"},
    where=THIS_UNIT.format(alias="h"),
)

# The current unit(s) a unit lies in: int_commune_lineage, built from the package's conversion
# (seed admin_unit_conversion_2025; a split unit's share is the current unit's area over the
# areas of all the current units it was divided between) and the current units themselves.
CURRENT_UNIT = Source(
    name="current_unit",
    relation="intermediate.int_commune_lineage as u",
    origin=reference_origin("admin_unit_conversion_2025"),
    item="'current unit ' || coalesce(u.current_commune_code, '(unmapped)') || ' ' "
    "|| coalesce(u.current_commune_name, '') || ' (' || u.lineage_basis || ')'",
    terms={"area_share": "u.area_share"},
    where="u.commune_code = cast($commune_code as varchar) "
    "and u.unit_starts_on = cast($unit_starts_on as date) "
    "and u.current_commune_code is not distinct from cast($current_commune_code as varchar)",
)

RECIPE = Recipe(
    view="rpt_commune_status",
    keys=("quarter", "commune_code", "current_commune_code", "unit_starts_on"),
    selection=None,
    measures={
        "criteria_count": Measure(
            "Criteria of the set",
            "Số tiêu chí của bộ tiêu chí",
            "the number of criteria of the unit's criteria set (19 for QD1980_2016 and "
            "QD318_2022, 10 for QD51_2025)",
            (CRITERIA.read("is_met", where="s.criterion_no = 1"),),
            lookup("criteria_count"),
        ),
        "criteria_met": Measure(
            "Criteria met",
            "Số tiêu chí đạt",
            "count of the unit's criterion cells that read met (its district's TC columns up "
            "to 2025Q2, its own criterion rows from 2025Q3; indicator rows never count)",
            (CRITERIA.read("is_met"),),
            count("met"),
            null_unless="listed",
        ),
        "recognition_year": Measure(
            "Year recognised as NTM",
            "Năm đạt chuẩn NTM",
            "the recognition year cell of the unit's row (district era) or cover (commune era)",
            (RECOGNITION.read("recognition_year"),),
            lookup("recognition_year"),
        ),
        "households": Measure(
            "Households",
            "Tổng số hộ",
            "the unit's households cell (its own figure, never weighted by area_share)",
            (HOUSEHOLDS.read("households"),),
            lookup("households"),
        ),
        "poor_households": Measure(
            "Poor households",
            "Số hộ nghèo",
            "the unit's poor households cell (its own figure, never weighted by area_share)",
            (HOUSEHOLDS.read("poor_households"),),
            lookup("poor_households"),
        ),
        "poor_rate_pct": Measure(
            "Poor household rate, %",
            "Tỷ lệ hộ nghèo, %",
            "100 × poor households / households of the unit, 2 decimals",
            (HOUSEHOLDS.read("households", "poor_households"),),
            Ratio("poor_households", ("households",), empty=None),
        ),
        "area_share": Measure(
            "Share of the unit's area in the current unit",
            "Tỷ lệ diện tích thuộc đơn vị hiện nay",
            "1.0 unless the unit was divided between several current units (split): then the "
            "current unit's area over the areas of all of them; null when unmapped",
            (CURRENT_UNIT.read(),),
            lookup("area_share"),
        ),
    },
)
