"""The published figures the demo data is calibrated to, and the small numeric tools that hit them.

Year-end anchors come from `dbt_project/seeds/reference/published_figures.csv` (Hà Giang, province
02); where nothing is published (end-2019 criteria, end-2020 poverty) the anchor is a plausible
value on the province's trend and is marked as such. Between anchors the figures move quarter
by quarter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class YearEnd:
    """What the province's xã look like at the end of a year."""

    ntm_communes: int
    criteria_met_total: int | None  # None: not anchored, interpolated from the trend
    households: int
    poor_households: int
    near_poor_households: int
    published: bool


# Years 2015 (the starting point, before the demo's first quarter) to 2020.
YEAR_ENDS: dict[int, YearEnd] = {
    # end-2015: 11 NTM communes (published); criteria and poverty on the trend.
    2015: YearEnd(11, 1_455, 173_900, 73_400, 19_800, published=True),
    # end-2016: 16 NTM, 1,518 criteria met over 177 xã (8.6 on average), bands 2/22/133/3.
    2016: YearEnd(16, 1_518, 176_200, 68_900, 20_100, published=True),
    # end-2017: 23 NTM, 9.3 criteria on average (9.3 × 177 = 1,646).
    2017: YearEnd(23, 1_646, 178_600, 62_300, 20_400, published=True),
    # end-2018: 33 NTM of 177 (18.6%), 10.59 on average (1,874 / 177), poor rate 31.17%.
    2018: YearEnd(33, 1_874, 180_900, 56_387, 20_600, published=True),
    # end-2019: plan was 5 more NTM (38) and 12 on average; poor rate 26.73%, 48,824 poor.
    2019: YearEnd(38, 2_046, 182_650, 48_824, 20_900, published=True),
    # end-2020: 45 NTM (published) over 175 xã after the 2020-01-01 merger.
    2020: YearEnd(45, 2_200, 184_400, 41_600, 21_200, published=True),
}

# End-2016 criteria bands of the non-NTM xã (published: 2, 22, 133, 3; they sum to 176 of 177, so
# the one xã the publication left out is put in the 5-9 band, the largest).
BANDS_2016 = ((15, 18, 2), (10, 14, 22), (5, 9, 134), (0, 4, 3))

# Share of a year's progress reached by the end of each quarter: most recognitions and most
# criteria are certified late in the year, as district reports show.
QUARTER_PROGRESS = (0.15, 0.35, 0.6, 1.0)


def quarter_steps(start: int, end: int) -> list[int]:
    """Cumulative values at the end of Q1..Q4 going from ``start`` (end of last year) to ``end``."""
    return [round(start + (end - start) * share) for share in QUARTER_PROGRESS]


def largest_remainder(weights: Sequence[float], total: int) -> list[int]:
    """Split ``total`` into whole parts proportional to ``weights``, summing to ``total``."""
    w = np.asarray(weights, dtype=float)
    raw = w / w.sum() * total
    parts = np.floor(raw).astype(int)
    shortfall = int(total - parts.sum())
    order = np.argsort(-(raw - parts), kind="stable")
    parts[order[:shortfall]] += 1
    return parts.tolist()


def fit_counts(
    propensity: Sequence[float], sizes: Sequence[int], target: int, ceiling: float = 0.95
) -> list[int]:
    """Whole counts ``k_i ≤ sizes_i`` (k_i ≈ sizes_i × rate_i) that sum exactly to ``target``.

    Rates are ``min(ceiling, propensity_i × s)`` with the scale ``s`` found by bisection, so units
    keep their relative standing (a poorer commune stays poorer) while the total is exact.
    """
    p = np.asarray(propensity, dtype=float)
    n = np.asarray(sizes, dtype=float)
    lo, hi = 0.0, 1.0
    while (np.minimum(ceiling, p * hi) * n).sum() < target:
        hi *= 2
    for _ in range(60):
        mid = (lo + hi) / 2
        if (np.minimum(ceiling, p * mid) * n).sum() < target:
            lo = mid
        else:
            hi = mid
    expected = np.minimum(ceiling, p * hi) * n
    counts = np.floor(expected).astype(int)
    shortfall = int(target - counts.sum())
    order = np.argsort(-(expected - counts), kind="stable")
    room = counts < n
    for index in order:
        if shortfall <= 0:
            break
        if room[index]:
            counts[index] += 1
            shortfall -= 1
    return counts.tolist()
