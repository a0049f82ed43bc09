"""Issue 14 item 1: the conversion rows from the package's converter, on a tiny package."""

from __future__ import annotations

import pytest

from sources.admin_units import (
    CurrentUnit,
    LegacyUnit,
    PackageData,
    UnresolvedKeyError,
    conversion_rows,
    legacy_index,
)


def package(**divided_parts: float) -> PackageData:
    current = tuple(
        CurrentUnit("p", key, "08", "Tỉnh T", code, name, "Xã", area)
        for key, code, name, area in (
            ("xaa", "00001", "Xã A", 10.0),
            ("xab", "00002", "Xã B", 30.0),
            ("xac", "00003", "Xã C", 60.0),
        )
    )
    legacy = {
        f"old_d_{ward}": LegacyUnit("02", "024", code, ward)
        for ward, code in (("w1", "00101"), ("w2", "00102"), ("w3", "00103"), ("w4", "00104"))
    }
    return PackageData(
        version="test",
        current=current,
        legacy=legacy,
        # A is w1 alone (same); B is w2 and w3 whole (merged); w4 is divided between B and C
        not_divided={"p": {"xaa": ["old_d_w1"], "xab": ["old_d_w2", "old_d_w3"]}},
        divided={
            "p": {
                "old_d_w4": [
                    {"newWardKey": key, "isDefaultNewWard": key == "xac", "newWardAreaKm2": area}
                    for key, area in (divided_parts or {"xab": 30.0, "xac": 60.0}).items()
                ]
            }
        },
    )


def test_same_merged_and_split() -> None:
    rows = {(r["old_commune_code"], r["new_commune_code"]): r for r in conversion_rows(package())}
    assert rows[("00101", "00001")]["mapping"] == "same"
    assert rows[("00102", "00002")]["mapping"] == "merged"
    assert rows[("00103", "00002")]["mapping"] == "merged"
    split = [rows[("00104", "00002")], rows[("00104", "00003")]]
    assert [r["mapping"] for r in split] == ["split", "split"]
    assert [r["area_share"] for r in split] == ["0.333333", "0.666667"]
    assert [r["is_default_unit"] for r in split] == ["false", "true"]


def test_a_unit_that_only_receives_a_part_is_not_same() -> None:
    # A's only whole old unit is w1, but a part of w4 goes to A too: w1 is merged, not same
    rows = conversion_rows(package(xaa=10.0, xac=60.0))
    (w1,) = [r for r in rows if r["old_commune_code"] == "00101"]
    assert w1["mapping"] == "merged"


def test_a_key_that_does_not_resolve_is_an_error() -> None:
    data = package()
    broken = PackageData(data.version, data.current, data.legacy, {"p": {"xaa": ["old_d_w9"]}}, {})
    with pytest.raises(UnresolvedKeyError, match="old_d_w9"):
        conversion_rows(broken)


def test_a_duplicated_legacy_key_is_an_error() -> None:
    row = ("p", "d", "w", "02", "024", "00101", "Xã W")
    with pytest.raises(UnresolvedKeyError, match="two units"):
        legacy_index([row, row])
