"""GSO admin units (the reference seeds).

Units change over time (communes merge, townships are created), so every lookup is "as of" a date:
the newest snapshot taken on or before it. Reports for quarters older than the first snapshot use
the earliest one, which is the best knowledge available.

From 1 July 2025 (the two-tier reform) the units are the current ones (`admin_units_2025.csv`:
provinces and commune-level units, no districts). GSO codes are reused across the reform (old
00691 Phường Trần Phú, new 00691 Phường Hà Giang 2), so a commune is only ever looked up with a
date: the units valid on it (`commune_at`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from sources.contract import REFORM_DATE_ISO, fold_text, nfc
from sources.paths import ADMIN_UNITS_SEED, UNITS_2025_SEED

REFORM_DATE = date.fromisoformat(REFORM_DATE_ISO)

# the types a commune-level unit's name may begin with (đặc khu: island units from 2025-07-01)
COMMUNE_TYPE_PREFIXES = ("Thị trấn ", "Phường ", "Xã ", "Đặc khu ")


def name_variants(
    name: object, prefixes: tuple[str, ...] = COMMUNE_TYPE_PREFIXES
) -> frozenset[str]:
    """Folded forms of a name with and without its unit type ('Xã Lũng Cú' → both).

    The type is stripped on the accented text first: folded, 'Xà Phìn' would look like the type
    'Xã' followed by 'Phìn', and 'Quản Bạ' like 'Quận' + 'Bạ'. Accent-less names are covered by
    also stripping a folded prefix.
    """
    return _name_variants(str(name or ""), prefixes)


@functools.lru_cache(maxsize=65536)  # every commune name is checked once per workbook version
def _name_variants(name: str, prefixes: tuple[str, ...]) -> frozenset[str]:
    text = nfc(name).strip()
    variants = {fold_text(text)}
    lowered = text.lower()
    ascii_only = text.isascii()
    for prefix in prefixes:
        # NFC prefixes and their folded forms have the same length, so one slice serves both.
        folded_prefix = fold_text(prefix) + " "
        if lowered.startswith(prefix.lower()) or (ascii_only and lowered.startswith(folded_prefix)):
            variants.add(fold_text(text[len(prefix) :]))
    return frozenset(variants)


def names_match(
    written: object, expected: object, prefixes: tuple[str, ...] = COMMUNE_TYPE_PREFIXES
) -> bool:
    """True when a written name is the expected one, with or without its unit type."""
    return bool(name_variants(written, prefixes) & name_variants(expected, prefixes))


@dataclass(frozen=True)
class CommuneUnit:
    """A commune-level unit as it was on a date."""

    province_code: str
    province_name: str
    commune_code: str
    commune_name: str
    commune_type: str


class AdminUnits:
    """The admin unit seeds (all columns text) with as-of lookups by district, and by commune.

    ``current``: the units from the reform on (province_code, province_name, commune_code,
    commune_name, commune_type ...); None: no current units known (every date gets a snapshot).
    """

    def __init__(self, frame: pd.DataFrame, current: pd.DataFrame | None = None) -> None:
        self.frame = frame
        self._communes_by_snapshot: dict[str, dict[str, CommuneUnit]] = {}
        self._current: dict[str, CommuneUnit] | None = (
            None if current is None else _communes(current)
        )
        self._current_provinces: dict[str, str] = (
            {}
            if current is None
            else dict(zip(current["province_code"], current["province_name"], strict=True))
        )
        self.snapshots: list[date] = sorted(
            date.fromisoformat(v) for v in frame["snapshot_date"].unique()
        )
        # One small frame per (snapshot, province, district): lookups are dict hits, not scans.
        self._districts: dict[tuple[str, str, str], pd.DataFrame] = {
            key: group.reset_index(drop=True)
            for key, group in frame.groupby(
                ["snapshot_date", "province_code", "district_code"], sort=False
            )
        }
        self._provinces: dict[tuple[str, str], str] = {
            (snap, prov): name
            for snap, prov, name in frame[["snapshot_date", "province_code", "province_name"]]
            .drop_duplicates(["snapshot_date", "province_code"])
            .itertuples(index=False)
        }

    def snapshot_for(self, on: date) -> date:
        """Newest snapshot on or before ``on``; the earliest when ``on`` precedes them all."""
        eligible = [d for d in self.snapshots if d <= on]
        return eligible[-1] if eligible else self.snapshots[0]

    def units_at(self, province_code: str, district_code: str, on: date) -> pd.DataFrame:
        """Commune-level units of a district as of ``on`` (empty frame if unknown)."""
        key = (self.snapshot_for(on).isoformat(), province_code, district_code)
        units = self._districts.get(key)
        return units if units is not None else self.frame.iloc[0:0]

    def district_exists(self, province_code: str, district_code: str, on: date) -> bool:
        return not self.units_at(province_code, district_code, on).empty

    def district_name(self, province_code: str, district_code: str, on: date) -> str | None:
        units = self.units_at(province_code, district_code, on)
        return None if units.empty else str(units["district_name"].iloc[0])

    def province_name(self, province_code: str, on: date) -> str | None:
        return self._provinces.get((self.snapshot_for(on).isoformat(), province_code))

    def commune_names(self, province_code: str, district_code: str, on: date) -> dict[str, str]:
        units = self.units_at(province_code, district_code, on)
        return dict(zip(units["commune_code"], units["commune_name"], strict=True))

    def commune_types(self, province_code: str, district_code: str, on: date) -> dict[str, str]:
        units = self.units_at(province_code, district_code, on)
        return dict(zip(units["commune_code"], units["commune_type"], strict=True))

    def is_current(self, on: date) -> bool:
        """Whether ``on`` falls in the two-tier era (and the current units are known)."""
        return self._current is not None and on >= REFORM_DATE

    def commune_at(self, commune_code: str, on: date) -> CommuneUnit | None:
        """The commune-level unit with this code valid on ``on``: a current unit from the reform
        on, else the unit of the snapshot in force (`snapshot_for`); None when there is none."""
        if self._current is not None and on >= REFORM_DATE:
            return self._current.get(commune_code)
        snapshot = self.snapshot_for(on).isoformat()
        communes = self._communes_by_snapshot.get(snapshot)
        if communes is None:
            communes = _communes(self.frame[self.frame["snapshot_date"] == snapshot])
            self._communes_by_snapshot[snapshot] = communes
        return communes.get(commune_code)

    def province_name_at(self, province_code: str, on: date) -> str | None:
        """`province_name`, with the current provinces from the reform on (codes are reused)."""
        if self.is_current(on):
            return self._current_provinces.get(province_code)
        return self.province_name(province_code, on)


def _communes(frame: pd.DataFrame) -> dict[str, CommuneUnit]:
    return {
        row.commune_code: CommuneUnit(
            row.province_code,
            row.province_name,
            row.commune_code,
            row.commune_name,
            row.commune_type,
        )
        for row in frame[
            ["province_code", "province_name", "commune_code", "commune_name", "commune_type"]
        ].itertuples(index=False)
    }


@functools.lru_cache(maxsize=4)
def load_admin_units(
    path: Path = ADMIN_UNITS_SEED, current_path: Path = UNITS_2025_SEED
) -> AdminUnits:
    """Read the seeds once per process (codes keep their leading zeros: everything is text)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    current = pd.read_csv(current_path, dtype=str, keep_default_na=False)
    return AdminUnits(frame, current)


@functools.lru_cache(maxsize=2)
def load_current_units(path: Path = UNITS_2025_SEED) -> pd.DataFrame:
    """The commune-level units in force since the 2025 reform, one row each (seed
    admin_units_2025: province_code, province_name, commune_code, commune_name, commune_type,
    area_km2, valid_from; all text, so codes keep their leading zeros). A code names a current
    unit only from `valid_from`: before the reform the same code may be another unit."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)
