"""Blank workbooks in the contract's shape for one district and quarter (`ntm template`).

The cover is filled in (codes, names, the quarter, the criteria set and poverty standard in force
for the quarter), `Tieu chi` lists the district's xã and `Ho ngheo` every commune-level unit as of
the quarter's last day, and `Nguon von` has formatted empty rows. Flags, levels, programmes and
sources have drop-down lists. A template filled in and sent back passes `ntm check`.
"""

from __future__ import annotations

import re
from pathlib import Path

from sources.contract import parse_quarter
from sources.quarters import quarter_end, quarter_parts
from sources.reference import AdminUnits, load_admin_units
from sources.writer import TEMPLATE_BLANK_ROWS, WorkbookContent, WriteStyle, write_workbook

DISTRICT_KEY = re.compile(r"^\s*(\d{2})\s*-\s*(\d{3})\s*$")
XA = "Xã"


class TemplateError(ValueError):
    """The district or quarter asked for does not exist (a usage error)."""


def criteria_set_for(year: int) -> str:
    return "QD1980_2016" if year <= 2020 else "QD318_2022"


def poverty_standard_for(year: int) -> str:
    return "QD59_2015" if year <= 2021 else "ND07_2021"


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


def template_content(
    province: str, district: str, quarter: str, admin_units: AdminUnits | None = None
) -> WorkbookContent:
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
