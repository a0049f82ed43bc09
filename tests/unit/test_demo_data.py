"""The demo generator hits the published anchors by construction, and so do the workbooks its
story delivers (no warehouse involved)."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable

import pandas as pd
import pytest

from sources.demo.calibration import fit_counts, largest_remainder, quarter_steps
from sources.demo.classification import build_classification
from sources.demo.generate import DemoWorkbook, build_workbooks
from sources.demo.story import submissions
from sources.paths import ADMIN_UNITS_SEED, CLASSIFICATION_SEED
from sources.writer import vietnamese_number


def _figures(workbooks: Iterable[DemoWorkbook]) -> dict[str, dict[str, float]]:
    figures: dict[str, dict[str, float]] = {}
    per_quarter: dict[str, list] = {}
    for workbook in workbooks:
        per_quarter.setdefault(f"{workbook.year}Q{workbook.quarter}", []).append(workbook)
    for quarter, workbooks in per_quarter.items():
        criteria = [r for w in workbooks for r in w.content.criteria]
        households = [r for w in workbooks for r in w.content.households]
        figures[quarter] = {
            "workbooks": len(workbooks),
            "xa": len(criteria),
            "ntm": sum(1 for r in criteria if r.get("ntm_level")),
            "criteria_met": sum(r["criteria_met_reported"] for r in criteria),
            "households": sum(r["households"] for r in households),
            "poor": sum(r["poor_households"] for r in households),
            "bands": Counter(
                min(r["criteria_met_reported"] // 5, 3) if r["criteria_met_reported"] < 19 else 19
                for r in criteria
            ),
        }
    return figures


@pytest.fixture(scope="module")
def province_by_quarter() -> dict[str, dict[str, float]]:
    """The generated data of every district and quarter (before the story's deliveries)."""
    return _figures(build_workbooks(seed=2019))


@pytest.fixture(scope="module")
def delivered_by_quarter() -> dict[str, dict[str, float]]:
    """What the warehouse accepts from the demo's landing folder: the story's accepted files."""
    return _figures(s.workbook for s in submissions(seed=2019) if s.expected_status == "accepted")


def test_every_district_every_quarter(province_by_quarter):
    assert len(province_by_quarter) == 20
    assert all(f["workbooks"] == 11 for f in province_by_quarter.values())
    assert province_by_quarter["2019Q4"]["xa"] == 177
    assert province_by_quarter["2020Q1"]["xa"] == 175  # two xã merged away on 2020-01-01


def test_delivered_every_quarter_but_one_district_once(delivered_by_quarter):
    assert len(delivered_by_quarter) == 20
    counts = {quarter: f["workbooks"] for quarter, f in delivered_by_quarter.items()}
    assert counts == {quarter: 10 if quarter == "2019Q3" else 11 for quarter in counts}
    assert delivered_by_quarter["2019Q3"]["xa"] == 177 - 22  # Vị Xuyên's 22 xã


@pytest.mark.parametrize("figures", ["province_by_quarter", "delivered_by_quarter"])
def test_published_anchors(figures, request):
    province_by_quarter = request.getfixturevalue(figures)
    end_2016 = province_by_quarter["2016Q4"]
    assert (end_2016["ntm"], end_2016["criteria_met"]) == (16, 1518)
    # Published bands 15-18: 2, 10-14: 22, 5-9: 133 (+1 the publication left out), <5: 3.
    assert end_2016["bands"] == {19: 16, 3: 2, 2: 22, 1: 134, 0: 3}
    assert province_by_quarter["2017Q4"]["ntm"] == 23
    assert round(province_by_quarter["2017Q4"]["criteria_met"] / 177, 1) == 9.3
    end_2018 = province_by_quarter["2018Q4"]
    assert end_2018["ntm"] == 33
    assert round(end_2018["criteria_met"] / 177, 2) == 10.59
    assert round(100 * end_2018["poor"] / end_2018["households"], 2) == 31.17
    end_2019 = province_by_quarter["2019Q4"]
    assert end_2019["poor"] == 48824
    assert round(100 * end_2019["poor"] / end_2019["households"], 2) == 26.73
    assert province_by_quarter["2020Q4"]["ntm"] == 45


def test_quarters_move_plausibly(province_by_quarter):
    ordered = [province_by_quarter[q] for q in sorted(province_by_quarter)]
    ntm = [f["ntm"] for f in ordered]
    assert ntm == sorted(ntm), "recognitions only accumulate"
    rates = [f["poor"] / f["households"] for f in ordered]
    assert all(later < earlier for earlier, later in itertools.pairwise(rates))


def test_deterministic_for_a_seed():
    first = next(iter(build_workbooks(seed=7)))
    again = next(iter(build_workbooks(seed=7)))
    other = next(iter(build_workbooks(seed=8)))
    assert first.content == again.content
    assert first.content.households != other.content.households


def test_committed_classification_is_the_generated_one():
    admin = pd.read_csv(ADMIN_UNITS_SEED, dtype=str, keep_default_na=False)
    generated = build_classification(admin)
    committed = pd.read_csv(CLASSIFICATION_SEED, dtype=str, keep_default_na=False)
    assert generated["especially_difficult"].sum() == 134
    assert generated["border"].sum() == 34
    assert list(committed["commune_code"]) == list(generated["commune_code"])
    assert list(committed["border"]) == [str(v) for v in generated["border"]]
    border_districts = set(generated.loc[generated["border"], "district_code"])
    assert border_districts <= {"026", "027", "028", "029", "030", "032", "033"}


@pytest.mark.parametrize(("weights", "total"), [([1, 1, 1], 10), ([5, 0.1, 3.3, 2], 1001)])
def test_largest_remainder_sums_exactly(weights, total):
    parts = largest_remainder(weights, total)
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)


def test_fit_counts_hits_target_within_sizes():
    sizes = [100, 250, 80, 1000]
    counts = fit_counts([2.0, 1.0, 3.0, 0.5], sizes, target=400, ceiling=0.9)
    assert sum(counts) == 400
    assert all(0 <= c <= s for c, s in zip(counts, sizes, strict=True))
    assert counts[2] / sizes[2] > counts[3] / sizes[3]  # a poorer unit stays poorer


def test_quarter_steps_end_on_the_anchor():
    assert quarter_steps(11, 16)[-1] == 16
    assert quarter_steps(11, 16) == sorted(quarter_steps(11, 16))


@pytest.mark.parametrize(
    ("value", "text"), [(48824, "48.824"), (10.59, "10,59"), (1234.5, "1.234,5"), (7, "7")]
)
def test_vietnamese_number(value, text):
    assert vietnamese_number(value) == text
