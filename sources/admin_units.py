"""The reference units of the 2025 reform, from the `vietnamadminunits` package (MIT).

Two dbt seeds are built here (and committed, so that a clone stands alone; `ntm
regenerate-units` rewrites them, a test holds them equal to the installed package):

- ``admin_units_2025.csv``: the 3,321 commune-level units in force from 2025-07-01;
- ``admin_unit_conversion_2025.csv``: one row per (old commune, current commune it lies in).

The package keys its units by folded names (``tinhhagiang``, ``thanhphohagiang``,
``phuongtranphu``), not by GSO codes; its two tables resolve the keys to codes:
``admin_units_legacy`` by (provinceKey, districtKey, wardKey), ``admin_units`` by (provinceKey,
wardKey). A key that does not resolve is an error, never a guess. The package gives the area of
each CURRENT unit, not the area of the part of an old unit that went to it: the area share of a
divided old unit is the new unit's area over the sum of the areas of the new units it was divided
between, an approximation the ``basis`` column states on every such row.
"""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.util
import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

PACKAGE = "vietnamadminunits"
REFORM_DATE = "2025-07-01"  # the day the two-tier local government took effect
UNITS_FILE = "admin_units_2025.csv"
CONVERSION_FILE = "admin_unit_conversion_2025.csv"

UNIT_COLUMNS: tuple[str, ...] = (
    "province_code",
    "province_name",
    "commune_code",
    "commune_name",
    "commune_type",
    "area_km2",
    "valid_from",
)
CONVERSION_COLUMNS: tuple[str, ...] = (
    "old_province_code",
    "old_district_code",
    "old_commune_code",
    "old_commune_name",
    "new_province_code",
    "new_commune_code",
    "new_commune_name",
    "mapping",
    "is_default_unit",
    "area_share",
    "basis",
)
SAME, MERGED, SPLIT = "same", "merged", "split"
K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class CurrentUnit:
    province_key: str
    ward_key: str
    province_code: str
    province_name: str
    commune_code: str
    commune_name: str
    commune_type: str
    area_km2: float | None  # the package lacks two (Quảng Trị 19147, 19159)


@dataclass(frozen=True)
class LegacyUnit:
    """A unit of the old three-tier map; ward fields are None for an island district (huyện
    đảo) that had no commune-level units."""

    province_code: str
    district_code: str
    commune_code: str | None
    commune_name: str | None


@dataclass(frozen=True)
class PackageData:
    version: str
    current: tuple[CurrentUnit, ...]
    legacy: Mapping[str, LegacyUnit]  # keyed "province_district_ward" as the converter keys it
    not_divided: Mapping[str, Mapping[str, Sequence[str]]]
    divided: Mapping[str, Mapping[str, Sequence[Mapping[str, object]]]]


class UnresolvedKeyError(ValueError):
    """A key of the package's converter names no unit of its tables."""


# --- reading the package (the only I/O besides writing the CSVs) ------------------------------
def package_data_dir() -> Path:
    """The package's data folder, found without importing it (its import loads a geocoder)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{PACKAGE} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def load_package(data_dir: Path | None = None) -> PackageData:
    folder = data_dir or package_data_dir()
    with sqlite3.connect(f"file:{folder / 'dataset.db'}?mode=ro", uri=True) as db:
        current_rows = db.execute(
            "select provinceKey, wardKey, provinceCode, province, wardCode, ward, wardType,"
            " wardAreaKm2 from admin_units"
        ).fetchall()
        legacy_rows = db.execute(
            "select provinceKey, districtKey, wardKey, provinceCode, districtCode, wardCode, ward"
            " from admin_units_legacy"
        ).fetchall()
    converter = json.loads((folder / "converter_2025.json").read_text(encoding="utf-8"))
    return PackageData(
        version=importlib.metadata.version(PACKAGE),
        current=tuple(CurrentUnit(*row) for row in current_rows),
        legacy=legacy_index(legacy_rows),
        not_divided=converter["DICT_PROVINCE_WARD_NO_DIVIDED"],
        divided=converter["DICT_PROVINCE_WARD_DIVIDED"],
    )


def legacy_index(rows: Iterable[Sequence[str | None]]) -> dict[str, LegacyUnit]:
    """Legacy units by the converter's key; a key listed twice would be ambiguous: an error."""
    index: dict[str, LegacyUnit] = {}
    for province_key, district_key, ward_key, province, district, commune, name in rows:
        key = f"{province_key}_{district_key}_{ward_key or ''}"
        if key in index:
            raise UnresolvedKeyError(f"legacy key {key} names two units")
        index[key] = LegacyUnit(str(province), str(district), commune, name)
    return index


def current_index(units: Iterable[CurrentUnit]) -> dict[tuple[str, str], CurrentUnit]:
    index: dict[tuple[str, str], CurrentUnit] = {}
    for unit in units:
        key = (unit.province_key, unit.ward_key)
        if key in index:
            raise UnresolvedKeyError(f"current key {key} names two units")
        index[key] = unit
    return index


# --- the seeds' rows (pure) -------------------------------------------------------------------
def unit_rows(data: PackageData) -> list[dict[str, str]]:
    """The rows of admin_units_2025.csv, sorted by province and commune code."""
    rows = [
        {
            "province_code": unit.province_code,
            "province_name": unit.province_name,
            "commune_code": unit.commune_code,
            "commune_name": unit.commune_name,
            "commune_type": unit.commune_type,
            "area_km2": "" if unit.area_km2 is None else repr(float(unit.area_km2)),
            "valid_from": REFORM_DATE,
        }
        for unit in data.current
    ]
    return sorted(rows, key=lambda row: (row["province_code"], row["commune_code"]))


def _resolve(index: Mapping[K, V], key: K, what: str) -> V:
    if key not in index:
        raise UnresolvedKeyError(f"{what} key {key!r} of the converter names no unit")
    return index[key]


def conversion_rows(data: PackageData) -> list[dict[str, str]]:
    """The rows of admin_unit_conversion_2025.csv: one per (old unit, current unit it lies in).

    `same`: the old unit is the only old unit of its current unit and was not divided;
    `merged`: the old unit lies whole in a current unit formed from several old units;
    `split`: the old unit was divided between several current units (one row per current unit).
    """
    current = current_index(data.current)
    # how many old units went (whole or in part) into each current unit
    sources: Counter[tuple[str, str]] = Counter()
    for province_key, wards in data.not_divided.items():
        for ward_key, old_keys in wards.items():
            sources[(province_key, ward_key)] += len(old_keys)
    for province_key, old_units in data.divided.items():
        for parts in old_units.values():
            for part in parts:
                sources[(province_key, str(part["newWardKey"]))] += 1

    rows: list[dict[str, str]] = []
    for province_key, wards in data.not_divided.items():
        for ward_key, old_keys in wards.items():
            new = _resolve(current, (province_key, ward_key), "current")
            mapping = SAME if sources[(province_key, ward_key)] == 1 else MERGED
            for old_key in old_keys:
                old = _resolve(data.legacy, old_key, "legacy")
                rows.append(_row(old, new, mapping, True, 1.0, _whole_basis(old, mapping)))
    for province_key, old_units in data.divided.items():
        for old_key, parts in old_units.items():
            old = _resolve(data.legacy, old_key, "legacy")
            total = sum(float(part["newWardAreaKm2"]) for part in parts)
            for part in parts:
                new = _resolve(current, (province_key, str(part["newWardKey"])), "current")
                share = float(part["newWardAreaKm2"]) / total
                rows.append(_row(old, new, SPLIT, bool(part["isDefaultNewWard"]), share, _SPLIT))
    return sorted(rows, key=_conversion_order)


# Every row says what the package states and what is derived (area_share of a split unit).
_SPLIT = "divided; area_share = unit area / sum of areas of the units (no intersection areas)"


def _whole_basis(old: LegacyUnit, mapping: str) -> str:
    if old.commune_code is None:
        return "island district without communes: became this unit"
    return "whole old unit" if mapping == SAME else "whole old unit, merged with others"


def _row(
    old: LegacyUnit,
    new: CurrentUnit,
    mapping: str,
    is_default: bool,
    share: float,
    basis: str,
) -> dict[str, str]:
    return {
        "old_province_code": old.province_code,
        "old_district_code": old.district_code,
        "old_commune_code": old.commune_code or "",
        "old_commune_name": old.commune_name or "",
        "new_province_code": new.province_code,
        "new_commune_code": new.commune_code,
        "new_commune_name": new.commune_name,
        "mapping": mapping,
        "is_default_unit": "true" if is_default else "false",
        "area_share": f"{share:.6f}",
        "basis": basis,
    }


def _conversion_order(row: Mapping[str, str]) -> tuple[str, ...]:
    return (
        row["old_province_code"],
        row["old_district_code"],
        row["old_commune_code"],
        row["new_commune_code"],
    )


# --- writing ------------------------------------------------------------------------------------
def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> None:
    """The seeds' CSV dialect: comma, minimal quoting, LF line ends, UTF-8 without BOM."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_seeds(out_dir: Path, data: PackageData | None = None) -> dict[str, int]:
    """Write both seeds into ``out_dir``; returns the row count of each file."""
    package = data or load_package()
    out_dir.mkdir(parents=True, exist_ok=True)
    units, conversion = unit_rows(package), conversion_rows(package)
    write_csv(out_dir / UNITS_FILE, UNIT_COLUMNS, units)
    write_csv(out_dir / CONVERSION_FILE, CONVERSION_COLUMNS, conversion)
    return {UNITS_FILE: len(units), CONVERSION_FILE: len(conversion)}
