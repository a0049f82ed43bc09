"""National-scale demo workbooks: every district of the 2019-09-11 GSO snapshot, for some quarters.

Used to measure the warehouse at the ministry's scale (63 provinces, 713 districts, 8,913 xã). The
figures are plausible, not calibrated to publications: criteria met per xã spread around the 2018
national picture (about 42% of xã recognised), poverty rates by region, money in the national
proportions. Every workbook is generated from (seed, district, quarter) alone, so files can be
written in parallel processes and are the same whatever the order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from sources.contract import CRITERION_FIELDS
from sources.demo.generate import (
    COMMUNE_FUNDING_LINES,
    CRITERIA_EASE_ORDER,
    CRITERIA_SET,
    DISTRICT_FUNDING_LINES,
    POVERTY_STANDARD,
    SPENDING_PROGRESS,
)
from sources.paths import ADMIN_UNITS_SEED
from sources.quarters import following, quarter_end, quarter_label
from sources.writer import WorkbookContent, write_workbook

SNAPSHOT = "2019-09-11"
QUARTER_RANGE = re.compile(r"^(\d{4})Q([1-4])(?::(\d{4})Q([1-4]))?$")


def parse_quarter_range(text: str) -> list[tuple[int, int]]:
    """`2019Q1:2019Q4` → [(2019, 1), ..., (2019, 4)]; a single `2019Q2` is one quarter."""
    match = QUARTER_RANGE.match(text.strip())
    if not match:
        raise ValueError(f"not a quarter range like 2019Q1:2019Q4: {text!r}")
    start = (int(match.group(1)), int(match.group(2)))
    end = (int(match.group(3)), int(match.group(4))) if match.group(3) else start
    if end < start:
        raise ValueError(f"quarter range ends before it starts: {text!r}")
    quarters = []
    year, quarter = start
    while (year, quarter) <= end:
        quarters.append((year, quarter))
        year, quarter = following(year, quarter)
    return quarters


@lru_cache(maxsize=1)
def national_units() -> pd.DataFrame:
    admin = pd.read_csv(ADMIN_UNITS_SEED, dtype=str, keep_default_na=False)
    units = admin[admin["snapshot_date"] == SNAPSHOT]
    return units.sort_values(["province_code", "district_code", "commune_code"]).reset_index(
        drop=True
    )


@dataclass(frozen=True)
class DistrictJob:
    province_code: str
    district_code: str
    year: int
    quarter: int
    seed: int
    out_dir: Path

    @property
    def file_name(self) -> str:
        quarter = quarter_label(self.year, self.quarter)
        return f"NTM_{self.province_code}-{self.district_code}_{quarter}.xlsx"


def _commune_seed(seed: int, code: str) -> np.random.Generator:
    return np.random.default_rng([seed, int(code)])


def _criteria_met(code: str, seed: int, year: int, quarter: int, province_bias: float) -> int:
    """A xã's count of met criteria: a standing fixed per xã plus steady progress over time."""
    rng = _commune_seed(seed, code)
    standing = float(rng.normal(0.0, 1.0)) + province_bias
    elapsed = (year - 2019) * 4 + quarter - 1  # quarters since 2019Q1 (may be negative)
    value = 14.2 + 5.0 * standing + 0.25 * elapsed
    return int(np.clip(round(value), 0, 19))


def _district_content(job: DistrictJob) -> WorkbookContent:
    units = national_units()
    group = units[
        (units["province_code"] == job.province_code)
        & (units["district_code"] == job.district_code)
    ]
    rng = np.random.default_rng([job.seed, int(job.province_code), int(job.district_code)])
    province_bias = float(np.random.default_rng([job.seed, int(job.province_code)]).normal(0, 0.5))
    xa = group[group["commune_type"] == "Xã"]

    criteria = []
    for row in xa.itertuples():
        met_count = _criteria_met(row.commune_code, job.seed, job.year, job.quarter, province_bias)
        order = _commune_seed(job.seed + 1, row.commune_code).permutation(len(CRITERIA_EASE_ORDER))
        ranked = sorted(
            CRITERIA_EASE_ORDER, key=lambda n: CRITERIA_EASE_ORDER.index(n) + 3 * order[n - 1] / 19
        )
        met = set(ranked[:met_count])
        record: dict[str, object] = {
            "commune_code": row.commune_code,
            "commune_name": row.commune_name,
        }
        for number, field_name in enumerate(CRITERION_FIELDS, start=1):
            record[field_name] = number in met
        record["criteria_met_reported"] = len(met)
        if met_count == 19:
            record["recognition_year"] = min(job.year, 2012 + int(row.commune_code) % 7)
            record["ntm_level"] = "NTM"
        criteria.append(record)

    households = []
    poverty_bias = float(np.clip(0.05 - 0.03 * province_bias, 0.005, 0.3))
    for row in group.itertuples():
        unit_rng = _commune_seed(job.seed + 2, row.commune_code)
        size = int(unit_rng.integers(600, 2400) * (2 if row.commune_type != "Xã" else 1))
        rate = float(np.clip(unit_rng.lognormal(np.log(poverty_bias), 0.6), 0.0, 0.6))
        rate *= 1 - 0.04 * ((job.year - 2019) * 4 + job.quarter - 1)
        poor = int(size * max(rate, 0.0))
        near_poor = min(size - poor, int(size * float(unit_rng.uniform(0.02, 0.08))))
        households.append(
            {
                "commune_code": row.commune_code,
                "commune_name": row.commune_name,
                "households": size,
                "poor_households": poor,
                "near_poor_households": near_poor,
                "poor_ethnic_minority_households": int(poor * float(unit_rng.uniform(0, 1))),
            }
        )

    budget = float(rng.uniform(15_000, 60_000))
    progress = SPENDING_PROGRESS[job.quarter - 1]
    funding = []
    for programme, source, share in DISTRICT_FUNDING_LINES:
        plan = round(budget * share * float(rng.uniform(0.8, 1.2)), 1)
        funding.append(
            {
                "commune_code": None,
                "programme_code": programme,
                "funding_source_code": source,
                "plan_million_vnd": plan,
                "actual_ytd_million_vnd": round(plan * progress, 1),
            }
        )
    for code in xa["commune_code"]:
        for programme, source, share in COMMUNE_FUNDING_LINES:
            plan = round(budget * share / max(1, len(xa)) * float(rng.uniform(0.6, 1.4)), 1)
            funding.append(
                {
                    "commune_code": code,
                    "programme_code": programme,
                    "funding_source_code": source,
                    "plan_million_vnd": plan,
                    "actual_ytd_million_vnd": round(plan * progress, 1),
                }
            )

    first = group.iloc[0]
    cover = {
        "province_code": job.province_code,
        "province_name": first["province_name"],
        "district_code": job.district_code,
        "district_name": first["district_name"],
        "quarter": f"{job.year}-Q{job.quarter}",
        "prepared_on": quarter_end(quarter_label(job.year, job.quarter)) + timedelta(days=5),
        "prepared_by": f"Phòng Nông nghiệp {first['district_name']}",
        "criteria_set": CRITERIA_SET,
        "poverty_standard": POVERTY_STANDARD,
    }
    return WorkbookContent(cover=cover, criteria=criteria, households=households, funding=funding)


def write_district(job: DistrictJob) -> Path:
    return write_workbook(_district_content(job), job.out_dir / job.file_name)


def national_jobs(
    out_dir: Path, quarters: Sequence[tuple[int, int]], seed: int
) -> list[DistrictJob]:
    units = national_units()
    districts = units[["province_code", "district_code"]].drop_duplicates()
    return [
        DistrictJob(province, district, year, quarter, seed, out_dir)
        for year, quarter in quarters
        for province, district in districts.itertuples(index=False)
    ]


def write_national_demo(
    out_dir: Path,
    quarters: Sequence[tuple[int, int]],
    seed: int,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """One workbook per district of the 2019-09-11 snapshot per quarter, in parallel processes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = national_jobs(out_dir, quarters, seed)
    written: list[Path] = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for path in pool.map(write_district, jobs, chunksize=16):
            written.append(path)
            if progress and len(written) % 100 == 0:
                progress(len(written), len(jobs))
    return written
