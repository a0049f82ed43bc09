"""Issue 14 item 3: the dbt seeds of the criteria sets, poverty standards and programmes say what
sources/contract.py says (each fact in one place; the seeds are the warehouse's copy of it)."""

from __future__ import annotations

import csv
from pathlib import Path

from sources.contract import (
    CRITERIA_QD51_2025,
    CRITERIA_SET_COUNTS,
    CRITERIA_SET_PERIODS,
    CRITERIA_SETS,
    POVERTY_STANDARD_PERIODS,
    POVERTY_STANDARDS,
    PROGRAMMES,
)
from sources.paths import SEEDS_DIR


def read(name: str) -> list[dict[str, str]]:
    with Path(SEEDS_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def year(text: str) -> int | None:
    return int(text[:4]) if text else None


def test_criteria_sets_seed_is_the_contract() -> None:
    rows = read("criteria_sets.csv")
    periods = {r["criteria_set"]: (int(r["first_year"]), year(r["last_year"])) for r in rows}
    assert periods == {p.code: (p.first_year, p.last_year) for p in CRITERIA_SET_PERIODS}
    assert {r["criteria_set"]: int(r["criteria_count"]) for r in rows} == CRITERIA_SET_COUNTS
    assert {r["criteria_set"]: r["name_vi"] for r in rows} == CRITERIA_SETS


def test_criteria_seed_lists_each_set_in_full() -> None:
    rows = read("criteria.csv")
    for criteria_set, count in CRITERIA_SET_COUNTS.items():
        numbers = [int(r["criterion_no"]) for r in rows if r["criteria_set"] == criteria_set]
        assert numbers == list(range(1, count + 1)), criteria_set
    qd51 = {
        int(r["criterion_no"]): (r["criterion_name_vi"], r["criterion_name_en"])
        for r in rows
        if r["criteria_set"] == "QD51_2025"
    }
    assert qd51 == CRITERIA_QD51_2025


def test_poverty_standards_seed_is_the_contract() -> None:
    rows = read("poverty_standards.csv")
    periods = {
        r["poverty_standard_code"]: (year(r["valid_from"]), year(r["valid_to"])) for r in rows
    }
    assert periods == {p.code: (p.first_year, p.last_year) for p in POVERTY_STANDARD_PERIODS}
    assert periods.keys() == POVERTY_STANDARDS.keys()
    # whole years: a standard starts on 1 January and ends on 31 December
    assert all(r["valid_from"].endswith("-01-01") for r in rows)
    assert all(r["valid_to"].endswith("-12-31") for r in rows if r["valid_to"])
    (mdp,) = [r for r in rows if r["poverty_standard_code"] == "MDP_2027"]
    assert mdp["poverty_standard_name_vi"] == POVERTY_STANDARDS["MDP_2027"]


def test_programmes_seed_is_the_contract() -> None:
    rows = read("programmes.csv")
    assert [r["programme_code"] for r in rows] == list(PROGRAMMES)
    ntm_own = {r["programme_code"] for r in rows if r["is_ntm_programme"] == "True"}
    assert ntm_own == {"NTM", "MTQG_2026"}
