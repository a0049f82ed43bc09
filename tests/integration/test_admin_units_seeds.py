"""Issue 14 item 1: the seeds of the 2025 units are the installed package's, and say what the
reform did (3,321 units in 34 provinces; Hà Giang merged into Tuyên Quang; 00691 reused)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from sources.admin_units import CONVERSION_FILE, UNITS_FILE, write_seeds
from sources.paths import ADMIN_UNITS_SEED, CONVERSION_2025_SEED, UNITS_2025_SEED


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seeds")
    write_seeds(out)
    return out


@pytest.mark.parametrize(
    "name,committed", [(UNITS_FILE, UNITS_2025_SEED), (CONVERSION_FILE, CONVERSION_2025_SEED)]
)
def test_committed_seeds_are_the_package_output(
    regenerated: Path, name: str, committed: Path
) -> None:
    assert (regenerated / name).read_bytes() == committed.read_bytes(), (
        f"{committed.name} differs from the installed package: run `ntm regenerate-units`"
    )


def test_current_units() -> None:
    units = read(UNITS_2025_SEED)
    assert len(units) == 3321
    assert len({row["commune_code"] for row in units}) == 3321
    assert Counter(row["commune_type"] for row in units) == {
        "Xã": 2621,
        "Phường": 687,
        "Đặc khu": 13,
    }
    assert len({row["province_code"] for row in units}) == 34
    tuyen_quang = [row for row in units if row["province_code"] == "08"]
    assert len(tuyen_quang) == 124
    assert Counter(row["commune_type"] for row in tuyen_quang) == {"Xã": 117, "Phường": 7}
    assert {row["valid_from"] for row in units} == {"2025-07-01"}


def test_conversion_covers_every_current_unit_and_splits_add_up() -> None:
    conversion = read(CONVERSION_2025_SEED)
    current = {row["commune_code"] for row in read(UNITS_2025_SEED)}
    assert {row["new_commune_code"] for row in conversion} == current
    assert Counter(row["mapping"] for row in conversion).keys() == {"same", "merged", "split"}
    shares: dict[str, float] = {}
    defaults: Counter[str] = Counter()
    for row in conversion:
        if row["mapping"] == "split":
            shares[row["old_commune_code"]] = shares.get(row["old_commune_code"], 0) + float(
                row["area_share"]
            )
            defaults[row["old_commune_code"]] += row["is_default_unit"] == "true"
        else:
            assert row["area_share"] == "1.000000" and row["is_default_unit"] == "true"
    assert all(abs(total - 1) < 1e-4 for total in shares.values())
    assert set(defaults.values()) == {1}  # one default unit per divided old unit


def test_every_old_ha_giang_unit_lies_in_tuyen_quang() -> None:
    old_ha_giang = {
        row["commune_code"]
        for row in read(ADMIN_UNITS_SEED)
        if row["snapshot_date"] == "2025-03-01" and row["province_code"] == "02"
    }
    conversion = read(CONVERSION_2025_SEED)
    mapped: dict[str, set[str]] = {}
    for row in conversion:
        if row["old_province_code"] == "02":
            mapped.setdefault(row["old_commune_code"], set()).add(row["new_province_code"])
    assert old_ha_giang and old_ha_giang <= mapped.keys()
    assert all(provinces == {"08"} for provinces in mapped.values())


def test_a_reused_code_is_two_units() -> None:
    (old,) = [row for row in read(CONVERSION_2025_SEED) if row["old_commune_code"] == "00691"]
    assert (old["old_province_code"], old["old_commune_name"]) == ("02", "Phường Trần Phú")
    assert (old["new_province_code"], old["new_commune_code"]) == ("08", "00691")
    assert old["new_commune_name"] == "Phường Hà Giang 2"
