"""Blank workbooks in the contract's shape for one reporting unit and quarter (`ntm template`).

District workbook (quarters up to 2025Q2): the cover is filled in (codes, names, the quarter, the
criteria set and poverty standard in force for the quarter), `Tieu chi` lists the district's xã and
`Ho ngheo` every commune-level unit as of the quarter's last day, and `Nguon von` has formatted
empty rows. Commune workbook (from 2025Q3): the cover names the province and the commune (no
district), `Tieu chi` lists the criteria of the quarter's set (one row each, `Mã tiêu chí` 1..N
with its name), `Ho ngheo` has the commune's one row. Flags, levels, groups, programmes and sources
have drop-down lists. A template filled in and sent back passes `ntm check`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from sources.contract import (
    COMMUNE_WORKBOOK,
    CRITERIA_QD51_2025,
    CRITERIA_SET_COUNTS,
    DISTRICT_WORKBOOK,
    FIRST_COMMUNE_QUARTER,
    LAST_DISTRICT_QUARTER,
    criteria_set_for,
    parse_quarter,
    poverty_standard_for,
    workbook_kind_for,
)
from sources.paths import CRITERIA_SEED
from sources.quarters import quarter_end, quarter_parts
from sources.reference import AdminUnits, load_admin_units, load_current_units
from sources.writer import TEMPLATE_BLANK_ROWS, WorkbookContent, WriteStyle, write_workbook

DISTRICT_KEY = re.compile(r"^\s*(\d{2})\s*-\s*(\d{3})\s*$")
COMMUNE_KEY = re.compile(r"^\s*(\d{2})\s*-\s*(\d{5})\s*$")
XA = "Xã"


class TemplateError(ValueError):
    """The unit or quarter asked for does not exist, or reports with the other kind of workbook
    (a usage error)."""


def parse_district_key(text: str) -> tuple[str, str]:
    """'02-026' → ('02', '026'); raises TemplateError otherwise."""
    match = DISTRICT_KEY.match(text or "")
    if not match:
        raise TemplateError(
            f"district must be <province>-<district> GSO codes like 02-026, not {text!r}"
        )
    return match.group(1), match.group(2)


def parse_template_quarter(text: str) -> str:
    """'2019Q1', '2019-Q1', 'Quý I/2019' … → '2019Q1'; raises TemplateError otherwise."""
    quarter = parse_quarter(text)
    if not quarter:
        raise TemplateError(f"quarter must look like 2019Q1 or 2019-Q1, not {text!r}")
    return quarter


def parse_commune_key(text: str) -> tuple[str, str]:
    """'08-00691' → ('08', '00691'); raises TemplateError otherwise."""
    match = COMMUNE_KEY.match(text or "")
    if not match:
        raise TemplateError(
            f"commune must be <province>-<commune> GSO codes like 08-00691, not {text!r}"
        )
    return match.group(1), match.group(2)


def require_kind(kind: str, quarter: str) -> None:
    """Raise TemplateError when ``quarter`` is reported with the other kind of workbook."""
    if workbook_kind_for(quarter) == kind:
        return
    if kind == DISTRICT_WORKBOOK:
        raise TemplateError(
            f"{quarter} is after {LAST_DISTRICT_QUARTER}: since the 2025 reform (1 July 2025) "
            "there are no districts; each commune reports with a commune workbook "
            "(--commune <province>-<commune>)"
        )
    raise TemplateError(
        f"{quarter} is before {FIRST_COMMUNE_QUARTER}: quarters up to {LAST_DISTRICT_QUARTER} "
        "are reported by district workbooks (--district <province>-<district>)"
    )


@lru_cache(maxsize=8)
def criterion_names(criteria_set: str, path: Path = CRITERIA_SEED) -> dict[int, str]:
    """Criterion number → Vietnamese name in a criteria set: QĐ 51/2025's from the contract, the
    19 of the earlier sets from the criteria seed."""
    if criteria_set == "QD51_2025":
        return {number: names[0] for number, names in CRITERIA_QD51_2025.items()}
    seed = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows = seed[seed["criteria_set"] == criteria_set]  # one row per (set, criterion)
    found = dict(zip(rows["criterion_no"].astype(int), rows["criterion_name_vi"], strict=True))
    if len(found) != CRITERIA_SET_COUNTS[criteria_set]:
        raise ValueError(f"{path.name} does not name the criteria of {criteria_set}")
    return dict(sorted(found.items()))


def criteria_rows(criteria_set: str) -> list[dict[str, str]]:
    """The long criteria sheet's criterion rows: `Mã tiêu chí` 1..N and the criterion's name."""
    return [
        {"criterion_code": str(number), "criterion_name": name}
        for number, name in criterion_names(criteria_set).items()
    ]


def current_unit(province: str, commune: str) -> dict[str, str]:
    """The current commune-level unit (seed admin_units_2025); raises TemplateError if none."""
    units = load_current_units()
    found = units[(units["province_code"] == province) & (units["commune_code"] == commune)]
    if found.empty:
        raise TemplateError(
            f"no commune {province}-{commune} among the units in force since 1 July 2025"
        )
    return found.iloc[0].to_dict()


def commune_template_content(province: str, commune: str, quarter: str) -> WorkbookContent:
    """The blank commune workbook of a current unit for a quarter from 2025Q3."""
    require_kind(COMMUNE_WORKBOOK, quarter)
    unit = current_unit(province, commune)
    year, q = quarter_parts(quarter)
    criteria_set = criteria_set_for(year)
    cover = {
        "province_code": province,
        "province_name": unit["province_name"],
        "commune_code": commune,
        "commune_name": unit["commune_name"],
        "quarter": f"{year}-Q{q}",
        "criteria_set": criteria_set,
        "poverty_standard": poverty_standard_for(year),
    }
    return WorkbookContent(
        cover=cover,
        criteria=criteria_rows(criteria_set),
        households=[{"commune_code": commune, "commune_name": unit["commune_name"]}],
        funding=[],
        kind=COMMUNE_WORKBOOK,
    )


def template_content(
    province: str, district: str, quarter: str, admin_units: AdminUnits | None = None
) -> WorkbookContent:
    require_kind(DISTRICT_WORKBOOK, quarter)
    units_ref = admin_units or load_admin_units()
    on = quarter_end(quarter)
    units = units_ref.units_at(province, district, on)
    if units.empty:
        raise TemplateError(
            f"no district {province}-{district} in the admin unit list for {quarter}"
        )
    year, q = quarter_parts(quarter)
    cover = {
        "province_code": province,
        "province_name": units_ref.province_name(province, on),
        "district_code": district,
        "district_name": units_ref.district_name(province, district, on),
        "quarter": f"{year}-Q{q}",
        "prepared_on": None,
        "prepared_by": None,
        "criteria_set": criteria_set_for(year),
        "poverty_standard": poverty_standard_for(year),
    }
    ordered = units.sort_values("commune_code")
    communes = [
        {"commune_code": code, "commune_name": name, "unit_type": unit_type}
        for code, name, unit_type in zip(
            ordered["commune_code"], ordered["commune_name"], ordered["commune_type"], strict=True
        )
    ]
    return WorkbookContent(
        cover=cover,
        criteria=[
            {"commune_code": c["commune_code"], "commune_name": c["commune_name"]}
            for c in communes
            if c["unit_type"] == XA
        ],
        households=[
            {"commune_code": c["commune_code"], "commune_name": c["commune_name"]} for c in communes
        ],
        funding=[],
    )


TEMPLATE_STYLE = WriteStyle(title_rows=True, dropdowns=True, blank_rows=TEMPLATE_BLANK_ROWS)


def write_template(
    district_key: str, quarter_text: str, path: Path, admin_units: AdminUnits | None = None
) -> Path:
    """Write the blank workbook of a district ('02-026') and quarter ('2019Q1') to ``path``."""
    province, district = parse_district_key(district_key)
    quarter = parse_template_quarter(quarter_text)
    content = template_content(province, district, quarter, admin_units)
    return write_workbook(content, Path(path), TEMPLATE_STYLE)


def write_commune_template(commune_key: str, quarter_text: str, path: Path) -> Path:
    """Write the blank workbook of a commune ('08-00691') and quarter ('2026Q1') to ``path``."""
    province, commune = parse_commune_key(commune_key)
    quarter = parse_template_quarter(quarter_text)
    content = commune_template_content(province, commune, quarter)
    return write_workbook(content, Path(path), TEMPLATE_STYLE)
