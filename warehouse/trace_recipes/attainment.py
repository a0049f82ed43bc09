"""reporting.rpt_attainment: counts of xã from fct_commune_recognition (xã only, dim_commune);
coverage (districts_expected / districts_reporting) from int_district_reports."""

from __future__ import annotations

from dataclasses import replace

from warehouse.trace_recipes.coverage import COVERAGE_BY_SET, on_the_row_set
from warehouse.trace_recipes.engine import (
    Agg,
    ByKey,
    Custom,
    Measure,
    Null,
    Ratio,
    Recipe,
    Source,
    cell,
    count,
    in_area,
)

# The met/not met cells of every criterion of a commune, in criterion order.
CRITERIA_CELLS = f"""criteria_cells as (
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
)"""

# One contribution per xã of the area: its workbook row, the cells a measure reads, 0/1 terms.
XA = Source(
    name="xa",
    # a xã by the GSO unit valid at the quarter's end (district era), by the current unit's
    # type from 2025Q3 (commune workbooks: no border / difficulty classification yet)
    relation="""marts.fct_commune_recognition as xa
left join marts.dim_commune as communes
    on xa.commune_sk = communes.commune_sk
    and xa.workbook_kind = 'district'
left join reference.admin_units_2025 as current_units
    on xa.commune_code = current_units.commune_code
    and xa.province_code = current_units.province_code
    and xa.workbook_kind = 'commune'
inner join marts.dim_source_workbook as w
    on xa.workbook_sha256 = w.workbook_sha256
left join criteria_cells
    on xa.quarter = criteria_cells.quarter
    and xa.commune_code = criteria_cells.commune_code""",
    district="xa.district_code",
    quarter="xa.quarter",
    sheet="xa.sheet_name",
    excel_row="xa.excel_row",
    item="'xã ' || xa.commune_code || ' ' "
    "|| coalesce(communes.commune_name, current_units.commune_name, '')",
    cells={
        "commune_code": cell("xa", "commune_code"),
        # as written: blank when TC-007 inferred 'NTM' from the recognition year alone
        "ntm_level": "{'field': 'ntm_level', 'cell': xa.ntm_level_cell, 'value': case when "
        "xa.level_inferred then null when xa.is_ntm_recognised then xa.ntm_level end}",
        "recognition_year": cell("xa", "recognition_year"),
    },
    terms={
        "xa": "1",
        "ntm": "case when xa.is_ntm_recognised then 1 else 0 end",
        "criteria_met": "xa.criteria_met",
        "criteria_count": "xa.criteria_count",
        "all_met": "case when xa.criteria_met = xa.criteria_count then 1 else 0 end",
        "set10": "case when xa.criteria_count = 10 then 1 else 0 end",
        **{
            f"band10_{low}_{high}": f"case when xa.criteria_count = 10 and xa.criteria_met "
            f"between {low} and {high} then 1 else 0 end"
            for low, high in ((10, 10), (7, 9), (4, 6), (0, 3))
        },
        "border": "case when communes.is_border then 1 else 0 end",
        "difficult": "case when communes.is_especially_difficult then 1 else 0 end",
    },
    area="xa",
    # a province row is one criteria set's (a quarter with two sets has a row per set)
    where="(communes.is_xa or current_units.commune_type = 'Xã') and xa.quarter = sel.quarter "
    "and " + on_the_row_set("xa"),
    ctes=(CRITERIA_CELLS,),
    order="xa.district_code, xa.excel_row",
)
SETS_19 = ("QD1980_2016", "QD318_2022")
SETS_10 = ("QD51_2025",)
ALL_SETS = SETS_19 + SETS_10
LEVEL = ("commune_code", "ntm_level", "recognition_year")
WITH_CRITERIA = replace(XA, cell_list="criteria_cells.cells")


def xa_count(label_en: str, label_vi: str, formula: str, term: str, *cells: str, where: str):
    return Measure(
        label_en,
        label_vi,
        formula,
        (XA.read(*cells, where=where),),
        count(term),
        reported_only=True,
    )


def not_applicable(measure: Measure, why: str) -> Measure:
    """The same column where it does not apply (the view has null): read nothing, null."""
    return Measure(
        measure.label_en,
        measure.label_vi,
        f"null: {why}",
        (XA.read("commune_code", where="false"),),
        Null(measure.terms, measure.kind),
    )


def by_set(measure: Measure, sets: tuple[str, ...]) -> ByKey:
    """A band of one size of set: null on a row of another set (bands never mix sets)."""
    other = not_applicable(measure, "a band of another criteria set than the row's")
    return ByKey(
        "criteria_set",
        {None: measure, **{s: measure if s in sets else other for s in ALL_SETS}},
    )


def by_era(measure: Measure) -> ByKey:
    """A classification of the old map: null on a commune-era row (no classification yet)."""
    return ByKey(
        "reporter_level",
        {
            "district": measure,
            "commune": not_applicable(
                measure, "no border / difficulty classification of the current units"
            ),
        },
    )


def band(band: str, low: int, high: int) -> Measure:
    label = "all 19" if low == 19 else f"{low} to {high}" if low else "fewer than 5"
    return Measure(
        f"Xã meeting {label} criteria",
        f"Số xã đạt {band} tiêu chí",
        f"count of xã whose criteria met (count of met TC1..TC19 cells) is {label}",
        (WITH_CRITERIA.read("commune_code", where=f"xa.criteria_met between {low} and {high}"),),
        count("xa"),
        reported_only=True,
    )


def band10(band: str, low: int, high: int) -> Measure:
    """A band of QD51_2025's 10 criteria: null on a row of a 19-criteria set."""
    return Measure(
        f"Xã meeting {band} of 10 criteria",
        f"Số xã đạt {band}/10 tiêu chí",
        f"count of xã of a QD51_2025 row whose criteria met (of 10) is {low} to {high}; null on "
        "a row of a 19-criteria set",
        (WITH_CRITERIA.read("commune_code"),),
        count(f"band10_{low}_{high}"),
        null_unless="set10",
        reported_only=True,
    )


def the_set_count(agg: Agg) -> int | None:
    """The criteria count of the row's set: one value (a row is one set's)."""
    counts = {row["criteria_count"] for row in agg.rows}
    return counts.pop() if len(counts) == 1 else None


def level(level: str, label_en: str, label_vi: str) -> Measure:
    return xa_count(
        label_en,
        label_vi,
        f"count of xã whose NTM level cell (Mức độ đạt chuẩn) reads {level!r}",
        "ntm",
        *LEVEL,
        where=f"xa.ntm_level = '{level}'",
    )


RECIPE = Recipe(
    view="rpt_attainment",
    keys=("quarter", "province_code", "district_code", "criteria_set"),
    measures={
        **COVERAGE_BY_SET,
        # a row none of whose districts reported has null measures (not 0)
        "xa_count": xa_count(
            "Xã reported",
            "Số xã",
            "count of the xã rows (unit type xã at the quarter's end; wards and townships never "
            "count) of the workbook version(s) in force",
            "xa",
            "commune_code",
            where="true",
        ),
        "ntm_communes": xa_count(
            "Xã recognised as NTM",
            "Số xã đạt chuẩn NTM",
            "count of xã whose NTM level cell (Mức độ đạt chuẩn) is not blank (NTM, NTM nâng "
            "cao or NTM kiểu mẫu), or is blank with a recognition year (TC-007: taken as "
            "'NTM', level_inferred)",
            "ntm",
            *LEVEL,
            where="xa.is_ntm_recognised",
        ),
        "advanced_ntm_communes": level(
            "NTM nâng cao", "Xã recognised as advanced NTM", "Số xã đạt chuẩn NTM nâng cao"
        ),
        "model_ntm_communes": level(
            "NTM kiểu mẫu", "Xã recognised as model NTM", "Số xã đạt chuẩn NTM kiểu mẫu"
        ),
        "ntm_share_pct": Measure(
            "Share of xã recognised as NTM (%)",
            "Tỷ lệ xã đạt chuẩn NTM (%)",
            "round(100 × Σ ntm / Σ xa, 2): NTM xã over all xã; null when there is no xã",
            (XA.read(*LEVEL),),
            Ratio("ntm", ("xa",)),
            reported_only=True,
        ),
        "avg_criteria_met": Measure(
            "Average criteria met per xã",
            "Số tiêu chí đạt bình quân/xã",
            "round(Σ criteria_met / Σ xa, 2): criteria met (met TC cells) of all xã over the "
            "number of xã (not an average of district averages)",
            (WITH_CRITERIA.read("commune_code"),),
            Ratio("criteria_met", ("xa",), percent=False),
            reported_only=True,
        ),
        "criteria_count": Measure(
            "Criteria of the set",
            "Số tiêu chí của bộ tiêu chí",
            "the number of criteria of the row's criteria set (19 for QD1980_2016 and "
            "QD318_2022, 10 for QD51_2025), the same on every xã of the row",
            (XA.read("commune_code"),),
            Custom(("criteria_count",), the_set_count, "lookup"),
            reported_only=True,
        ),
        "communes_all_met": Measure(
            "Xã meeting every criterion of the set",
            "Số xã đạt đủ tiêu chí của bộ",
            "count of xã whose criteria met equals the set's criteria count",
            (WITH_CRITERIA.read("commune_code"),),
            count("all_met"),
            reported_only=True,
        ),
        "communes_10_of_10": by_set(band10("10", 10, 10), SETS_10),
        "communes_7_9": by_set(band10("7-9", 7, 9), SETS_10),
        "communes_4_6": by_set(band10("4-6", 4, 6), SETS_10),
        "communes_below_4": by_set(band10("dưới 4", 0, 3), SETS_10),
        "communes_19": by_set(band("19", 19, 19), SETS_19),
        "communes_15_18": by_set(band("15-18", 15, 18), SETS_19),
        "communes_10_14": by_set(band("10-14", 10, 14), SETS_19),
        "communes_5_9": by_set(band("5-9", 5, 9), SETS_19),
        "communes_below_5": by_set(band("dưới 5", 0, 4), SETS_19),
        "border_xa_count": by_era(
            xa_count(
                "Border xã",
                "Số xã biên giới",
                "count of xã classified as border on the quarter's last day (reference "
                "commune_classification, via dim_commune)",
                "border",
                "commune_code",
                where="communes.is_border",
            )
        ),
        "border_ntm_communes": by_era(
            xa_count(
                "Border xã recognised as NTM",
                "Số xã biên giới đạt chuẩn NTM",
                "count of border xã whose NTM level cell is not blank",
                "ntm",
                *LEVEL,
                where="communes.is_border and xa.is_ntm_recognised",
            )
        ),
        "difficult_xa_count": by_era(
            xa_count(
                "Especially difficult xã",
                "Số xã đặc biệt khó khăn",
                "count of xã classified as especially difficult on the quarter's last day "
                "(reference commune_classification, via dim_commune)",
                "difficult",
                "commune_code",
                where="communes.is_especially_difficult",
            )
        ),
        "difficult_ntm_communes": by_era(
            xa_count(
                "Especially difficult xã recognised as NTM",
                "Số xã đặc biệt khó khăn đạt chuẩn NTM",
                "count of especially difficult xã whose NTM level cell is not blank",
                "ntm",
                *LEVEL,
                where="communes.is_especially_difficult and xa.is_ntm_recognised",
            )
        ),
    },
)
