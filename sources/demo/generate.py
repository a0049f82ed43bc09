"""Generate Hà Giang's district workbooks, 2016Q1-2020Q4, calibrated to the published figures.

The data are invented but shaped like the real thing: every xã has a development standing that
drives when it meets which criteria and when it is recognised as NTM; every commune-level unit has
households and a poverty propensity (higher in especially difficult xã and in 30a districts); every
district spends money by programme and source in the national proportions (state budget about a
third, credit about half, enterprises 5%, residents 13%). Year-end totals hit the anchors in
`calibration.YEAR_ENDS` exactly; the quarters in between move plausibly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from sources.contract import CRITERIA_COUNT, CRITERION_FIELDS
from sources.demo import calibration as cal
from sources.paths import ADMIN_UNITS_SEED, CLASSIFICATION_SEED, POOR_DISTRICTS_SEED
from sources.quarters import quarter_end, quarter_label
from sources.writer import WorkbookContent, WriteStyle

PROVINCE_CODE = "02"
PROVINCE_NAME = "Hà Giang"
FIRST_YEAR, LAST_YEAR = 2016, 2020
DEFAULT_SEED = 2019
CRITERIA_SET = "QD1980_2016"
POVERTY_STANDARD = "QD59_2015"

# Criteria from usually met first to usually met last (planning and electricity come early;
# income and poverty are what hold Hà Giang's xã back, as the source article says).
CRITERIA_EASE_ORDER = (1, 4, 8, 19, 18, 12, 15, 14, 16, 7, 5, 6, 9, 3, 13, 2, 17, 10, 11)

# What each district office happens to do when it types its workbook (the contract tolerates all).
DISTRICT_STYLES: dict[str, WriteStyle] = {
    "026": WriteStyle(title_rows=True),
    "027": WriteStyle(title_rows=True, total_row=True),
    "028": WriteStyle(flag_met="x", flag_not_met=""),
    "030": WriteStyle(numbers_as_text=True),
    "031": WriteStyle(codes_as_numbers=True),
    "034": WriteStyle(total_row=True),
    "035": WriteStyle(ascii_headers=True, sheet_titles={"criteria": "TIEU CHI"}),
}
ROMAN_QUARTERS = ("I", "II", "III", "IV")

# (programme, source, share of a district's yearly money) at district level; 30a and 135 lines
# appear only where those programmes apply. Shares follow the national 2010-2015 structure.
DISTRICT_FUNDING_LINES = (
    ("NTM", "NSTW_DTPT", 0.10),
    ("NTM", "NSDP_TINH", 0.04),
    ("NTM", "NSDP_HUYEN", 0.02),
    ("NTM", "TIN_DUNG", 0.51),
    ("NTM", "DOANH_NGHIEP", 0.05),
    ("GNBV_30A", "NSTW_DTPT", 0.06),
    ("GNBV_135", "NSTW_DTPT", 0.04),
    ("CTMT_KHAC", "NSTW_SN", 0.03),
)
# Per xã lines: commune budget and residents' contributions.
COMMUNE_FUNDING_LINES = (
    ("NTM", "NSDP_XA", 0.02),
    ("NTM", "DAN_TIEN", 0.04),
    ("NTM", "DAN_CONG_HIEN_VAT", 0.09),
)
# Year-to-date share of the plan spent at the end of each quarter.
SPENDING_PROGRESS = (0.14, 0.38, 0.63, 0.96)


def quarters(first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR) -> list[tuple[int, int]]:
    return [(y, q) for y in range(first_year, last_year + 1) for q in range(1, 5)]


@dataclass
class Units:
    """Commune-level units of the province at a date, with the demo classification."""

    table: pd.DataFrame  # one row per unit

    @property
    def xa(self) -> pd.DataFrame:
        return self.table[self.table["commune_type"] == "Xã"]


def load_units(snapshot: str) -> Units:
    admin = pd.read_csv(ADMIN_UNITS_SEED, dtype=str, keep_default_na=False)
    units = admin[(admin["snapshot_date"] == snapshot) & (admin["province_code"] == PROVINCE_CODE)]
    classes = pd.read_csv(CLASSIFICATION_SEED, dtype=str, keep_default_na=False)
    flags = classes[["commune_code", "especially_difficult", "border"]].assign(
        especially_difficult=lambda f: f["especially_difficult"] == "True",
        border=lambda f: f["border"] == "True",
    )
    poor_districts = set(pd.read_csv(POOR_DISTRICTS_SEED, dtype=str)["district_code"])
    table = units.merge(flags, on="commune_code", how="left")
    # Wards and townships are not in the classification: they are neither difficult nor border.
    for column in ("especially_difficult", "border"):
        table[column] = table[column].eq(True)
    table["in_30a_district"] = table["district_code"].isin(poor_districts)
    return Units(table.sort_values(["district_code", "commune_code"]).reset_index(drop=True))


def snapshot_for(year: int) -> str:
    return "2019-09-11" if year < 2020 else "2020-01-01"


# --- criteria -----------------------------------------------------------------------------------
@dataclass
class CriteriaPlan:
    """Per xã: recognition order, criteria met at each quarter end, and which criteria."""

    order: list[str]  # xã codes in the order they are recognised as NTM
    counts: dict[tuple[int, int], dict[str, int]] = field(default_factory=dict)
    recognised: dict[tuple[int, int], int] = field(default_factory=dict)
    recognition_year: dict[str, int] = field(default_factory=dict)
    criteria_order: dict[str, tuple[int, ...]] = field(default_factory=dict)


def _recognition_order(xa: pd.DataFrame, standing: dict[str, float], merged: set[str]) -> list[str]:
    """Best-standing xã first, with exactly two border xã among the first 33 (end-2018)."""
    ranked = sorted(xa["commune_code"], key=lambda c: -standing[c])
    border = set(xa.loc[xa["border"], "commune_code"])
    eligible = [c for c in ranked if c not in merged]
    first = [c for c in eligible if c in border][:2] + [c for c in eligible if c not in border][:31]
    first.sort(key=lambda c: -standing[c])
    rest = [c for c in eligible if c not in first]
    # Border xã are kept behind the end-2018 cohort; the merged xã are never recognised.
    return first + rest + [c for c in ranked if c in merged]


def _adjust_total(
    values: dict[str, int],
    target: int,
    bounds: Callable[[str], tuple[int, int]],
    rng: np.random.Generator,
) -> None:
    """Nudge values by ±1 within their bounds until they sum to ``target`` (in place)."""
    codes = sorted(values)
    while (gap := target - sum(values.values())) != 0:
        step = 1 if gap > 0 else -1
        movable = [c for c in codes if bounds(c)[0] <= values[c] + step <= bounds(c)[1]]
        if not movable:
            raise ValueError(f"cannot reach total {target}: bounds too tight")
        for code in rng.choice(movable, size=min(abs(gap), len(movable)), replace=False):
            values[str(code)] += step


def plan_criteria(units_by_year: dict[int, Units], rng: np.random.Generator) -> CriteriaPlan:
    xa_2019 = units_by_year[2019].xa
    merged = set(xa_2019["commune_code"]) - set(units_by_year[2020].xa["commune_code"])
    standing = {
        row.commune_code: rng.normal()
        - 0.7 * row.especially_difficult
        - 0.4 * row.in_30a_district
        + 1.2 * (row.district_code == "024")
        for row in xa_2019.itertuples()
    }
    order = _recognition_order(xa_2019, standing, merged)
    plan = CriteriaPlan(order=order)
    position = {code: i for i, code in enumerate(order)}

    # Recognised count at every quarter end, from the year-end anchors.
    previous = cal.YEAR_ENDS[FIRST_YEAR - 1].ntm_communes
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        steps = cal.quarter_steps(previous, cal.YEAR_ENDS[year].ntm_communes)
        for q, count in enumerate(steps, start=1):
            plan.recognised[(year, q)] = count
        previous = cal.YEAR_ENDS[year].ntm_communes
    # Year each xã was recognised: the first 11 before the demo period.
    early_years = [2013, 2013, 2014, 2014, 2014, 2015, 2015, 2015, 2015, 2015, 2015]
    for i, code in enumerate(order[: cal.YEAR_ENDS[FIRST_YEAR - 1].ntm_communes]):
        plan.recognition_year[code] = early_years[i]
    for (year, _quarter), count in sorted(plan.recognised.items()):
        for code in order[:count]:
            plan.recognition_year.setdefault(code, year)

    year_end = _year_end_counts(order, position, units_by_year, rng)
    _interpolate_quarters(plan, year_end, units_by_year)

    for code in order:
        noise = rng.normal(0, 2.5, CRITERIA_COUNT)
        ranks = {c: i + noise[i] for i, c in enumerate(CRITERIA_EASE_ORDER)}
        plan.criteria_order[code] = tuple(sorted(ranks, key=ranks.__getitem__))
    return plan


def _year_end_counts(
    order: list[str],
    position: dict[str, int],
    units_by_year: dict[int, Units],
    rng: np.random.Generator,
) -> dict[int, dict[str, int]]:
    """Criteria met by every xã at the end of 2015..2020, hitting every anchored total."""
    xa_codes = {
        year: set(units_by_year[max(year, FIRST_YEAR)].xa["commune_code"])
        for year in range(FIRST_YEAR - 1, LAST_YEAR + 1)
    }
    counts: dict[int, dict[str, int]] = {}

    # End-2016 first: it is the year with published bands.
    n16 = cal.YEAR_ENDS[2016].ntm_communes
    y16 = {code: 19 for code in order[:n16]}
    band_of: dict[str, tuple[int, int]] = {}
    cursor = n16
    for low, high, size in cal.BANDS_2016:
        members = order[cursor : cursor + size]
        for rank, code in enumerate(members):
            y16[code] = round(high - (high - low) * rank / max(1, size - 1))
            band_of[code] = (low, high)
        cursor += size
    _adjust_total(
        y16, cal.YEAR_ENDS[2016].criteria_met_total, lambda c: band_of.get(c, (19, 19)), rng
    )
    counts[2016] = y16

    # End-2015: fewer criteria, the first 11 recognised.
    n15 = cal.YEAR_ENDS[2015].ntm_communes
    y15 = {
        code: (19 if position[code] < n15 else max(0, value - int(rng.integers(0, 2))))
        for code, value in y16.items()
    }
    _adjust_total(
        y15,
        cal.YEAR_ENDS[2015].criteria_met_total,
        lambda c: (19, 19) if position[c] < n15 else (max(0, y16[c] - 4), y16[c]),
        rng,
    )
    counts[2015] = y15

    for year in range(2017, LAST_YEAR + 1):
        before = counts[year - 1]
        n = cal.YEAR_ENDS[year].ntm_communes
        current: dict[str, int] = {}
        for code in sorted(xa_codes[year], key=position.__getitem__):
            if position[code] < n:
                current[code] = 19
            else:
                # Better-standing xã progress faster; nobody loses criteria at a year end here.
                pace = 1.6 if position[code] < n + 25 else 0.7
                current[code] = min(18, before[code] + int(rng.poisson(pace)))
        target = cal.YEAR_ENDS[year].criteria_met_total
        _adjust_total(
            current,
            target,
            lambda c, n=n, before=before: (19, 19) if position[c] < n else (before[c], 18),
            rng,
        )
        counts[year] = current
    return counts


def _interpolate_quarters(
    plan: CriteriaPlan, year_end: dict[int, dict[str, int]], units_by_year: dict[int, Units]
) -> None:
    position = {code: i for i, code in enumerate(plan.order)}
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        xa_now = set(units_by_year[year].xa["commune_code"])
        for q in range(1, 5):
            share = cal.QUARTER_PROGRESS[q - 1]
            recognised = plan.recognised[(year, q)]
            plan.counts[(year, q)] = {
                code: 19
                if position[code] < recognised
                else min(
                    18,
                    round(
                        year_end[year - 1][code]
                        + (year_end[year][code] - year_end[year - 1][code]) * share
                    ),
                )
                for code in xa_now
            }


# --- households ---------------------------------------------------------------------------------
@dataclass
class HouseholdProfile:
    weight: dict[str, float]
    poor_propensity: dict[str, float]
    near_poor_propensity: dict[str, float]
    minority_share: dict[str, float]


def household_profile(units: Units, rng: np.random.Generator) -> HouseholdProfile:
    weight, poor, near, minority = {}, {}, {}, {}
    for row in units.table.itertuples():
        kind = row.commune_type
        base_size = {"Xã": 950, "Thị trấn": 1900, "Phường": 2600}[kind]
        weight[row.commune_code] = base_size * float(rng.lognormal(0, 0.3))
        factor = {"Xã": 1.0, "Thị trấn": 0.35, "Phường": 0.12}[kind]
        factor *= 1.45 if row.especially_difficult else 1.0
        factor *= 1.3 if row.in_30a_district else 1.0
        poor[row.commune_code] = factor * float(rng.lognormal(0, 0.2))
        near[row.commune_code] = float(rng.lognormal(0, 0.25)) * (0.8 if kind != "Xã" else 1.0)
        minority[row.commune_code] = float(
            rng.uniform(0.86, 1.0) if kind == "Xã" else rng.uniform(0.5, 0.85)
        )
    return HouseholdProfile(weight, poor, near, minority)


def household_rows(
    units: Units, profile: HouseholdProfile, households: int, poor: int, near_poor: int
) -> dict[str, dict[str, int]]:
    codes = list(units.table["commune_code"])
    sizes = cal.largest_remainder([profile.weight[c] for c in codes], households)
    poor_counts = cal.fit_counts([profile.poor_propensity[c] for c in codes], sizes, poor, 0.9)
    room = [s - p for s, p in zip(sizes, poor_counts, strict=True)]
    near_counts = cal.fit_counts(
        [profile.near_poor_propensity[c] for c in codes], room, near_poor, 0.9
    )
    return {
        code: {
            "households": size,
            "poor_households": p,
            "near_poor_households": n,
            "poor_ethnic_minority_households": int(p * profile.minority_share[code]),
        }
        for code, size, p, n in zip(codes, sizes, poor_counts, near_counts, strict=True)
    }


def _quarter_anchor(year: int, q: int, attribute: str) -> int:
    steps = cal.quarter_steps(
        getattr(cal.YEAR_ENDS[year - 1], attribute), getattr(cal.YEAR_ENDS[year], attribute)
    )
    return steps[q - 1]


# --- funding ------------------------------------------------------------------------------------
def funding_rows(
    district_code: str, xa_codes: list[str], units: Units, year: int, q: int, rng_seed: int
) -> list[dict[str, object]]:
    """Plan and cumulative actual per line; deterministic per (seed, district, year)."""
    rng = np.random.default_rng([rng_seed, int(district_code), year])
    table = units.table.set_index("commune_code")
    in_30a = bool(
        units.table.loc[units.table["district_code"] == district_code, "in_30a_district"].any()
    )
    has_135 = bool(table.loc[xa_codes, "especially_difficult"].any()) if xa_codes else False
    budget = float(rng.uniform(18_000, 42_000)) * 1.08 ** (year - FIRST_YEAR)
    progress = SPENDING_PROGRESS[q - 1]
    rows: list[dict[str, object]] = []

    def line(commune: str | None, programme: str, source: str, amount: float) -> None:
        plan = round(amount, 1)
        actual = round(plan * min(1.0, progress * float(rng.uniform(0.9, 1.08))), 1)
        rows.append(
            {
                "commune_code": commune,
                "programme_code": programme,
                "funding_source_code": source,
                "plan_million_vnd": plan,
                "actual_ytd_million_vnd": actual,
            }
        )

    for programme, source, share in DISTRICT_FUNDING_LINES:
        if (programme == "GNBV_30A" and not in_30a) or (programme == "GNBV_135" and not has_135):
            continue
        line(None, programme, source, budget * share * float(rng.uniform(0.8, 1.2)))
    for code in xa_codes:
        for programme, source, share in COMMUNE_FUNDING_LINES:
            line(
                code,
                programme,
                source,
                budget * share / len(xa_codes) * float(rng.uniform(0.6, 1.4)),
            )
    # Bắc Mê overstated one line in 2018Q2 and corrected it in Q3: the cumulative falls.
    if district_code == "031" and year == 2018 and q == 2:
        rows[2]["actual_ytd_million_vnd"] = round(float(rows[2]["plan_million_vnd"]) * 0.7, 1)
    return rows


# --- assembling workbooks -----------------------------------------------------------------------
@dataclass(frozen=True)
class DemoWorkbook:
    district_code: str
    year: int
    quarter: int
    content: WorkbookContent
    style: WriteStyle

    @property
    def file_name(self) -> str:
        quarter = quarter_label(self.year, self.quarter)
        return f"NTM_{PROVINCE_CODE}-{self.district_code}_{quarter}.xlsx"


def _cover(district_code: str, district_name: str, year: int, q: int) -> dict[str, object]:
    # Some offices write the quarter the Vietnamese way; the contract accepts both.
    period = (
        f"Quý {ROMAN_QUARTERS[q - 1]}/{year}" if district_code in ("029", "033") else f"{year}-Q{q}"
    )
    return {
        "province_code": PROVINCE_CODE,
        "province_name": PROVINCE_NAME,
        "district_code": district_code,
        "district_name": district_name.removeprefix("Huyện ").removeprefix("Thành phố "),
        "quarter": period,
        "prepared_on": quarter_end(quarter_label(year, q))
        + timedelta(days=4 + int(district_code) % 9),
        "prepared_by": f"Phòng Nông nghiệp và PTNT {district_name}",
        "criteria_set": CRITERIA_SET,
        "poverty_standard": POVERTY_STANDARD,
    }


def _criteria_record(
    code: str, name: str, met_count: int, plan: CriteriaPlan, year: int, q: int
) -> dict[str, object]:
    met = set(plan.criteria_order[code][:met_count])
    record: dict[str, object] = {"commune_code": code, "commune_name": name}
    is_recognised = code in plan.order[: plan.recognised[(year, q)]]
    # A recognised xã can fall below a criterion: the first one recognised misses the poverty
    # criterion at the end of 2020 (recognition stays, attainment drops).
    if (year, q) == (2020, 4) and code == plan.order[3]:
        met.discard(11)
    for number, field_name in enumerate(CRITERION_FIELDS, start=1):
        record[field_name] = number in met
    record["criteria_met_reported"] = len(met)
    if is_recognised:
        record["recognition_year"] = plan.recognition_year[code]
        advanced = code == plan.order[0] and (year, q) >= (2019, 4)
        record["ntm_level"] = "NTM nâng cao" if advanced else "NTM"
    return record


def build_workbooks(seed: int = DEFAULT_SEED) -> Iterator[DemoWorkbook]:
    rng = np.random.default_rng(seed)
    units_by_year = {year: load_units(snapshot_for(year)) for year in range(FIRST_YEAR, 2021)}
    plan = plan_criteria(units_by_year, rng)
    profiles = {
        snap: household_profile(load_units(snap), np.random.default_rng([seed, i]))
        for i, snap in enumerate(("2019-09-11", "2020-01-01"))
    }

    for year, q in quarters():
        units = units_by_year[year]
        profile = profiles[snapshot_for(year)]
        households = household_rows(
            units,
            profile,
            _quarter_anchor(year, q, "households"),
            _quarter_anchor(year, q, "poor_households"),
            _quarter_anchor(year, q, "near_poor_households"),
        )
        counts = plan.counts[(year, q)]
        for district_code, group in units.table.groupby("district_code", sort=True):
            xa = group[group["commune_type"] == "Xã"]
            content = WorkbookContent(
                cover=_cover(district_code, group["district_name"].iloc[0], year, q),
                criteria=[
                    _criteria_record(
                        r.commune_code, r.commune_name, counts[r.commune_code], plan, year, q
                    )
                    for r in xa.itertuples()
                ],
                households=[
                    {
                        "commune_code": r.commune_code,
                        "commune_name": r.commune_name,
                        **households[r.commune_code],
                    }
                    for r in group.itertuples()
                ],
                funding=funding_rows(district_code, list(xa["commune_code"]), units, year, q, seed),
            )
            yield DemoWorkbook(
                district_code, year, q, content, DISTRICT_STYLES.get(district_code, WriteStyle())
            )


def write_demo_data(
    out_dir: Path, seed: int = DEFAULT_SEED, progress: Callable[[DemoWorkbook], None] | None = None
) -> list[Path]:
    """Write the demo's landing folder into ``out_dir``: the workbooks as the story of
    `sources.demo.story` delivers them (one missing, one rejected then corrected, arrival times as
    file modification times); returns their paths."""
    from sources.demo.story import write_story  # the story builds on this module's workbooks

    return write_story(out_dir, seed, progress)
