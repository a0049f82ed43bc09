"""When and how Hà Giang's demo workbooks arrive: a realistic reporting year, fixed by design.

The data of every quarter come from `generate.build_workbooks`; this module decides what the
landing folder receives and when. A file's arrival is its modification time (`os.utime`), which
`ntm run --received-from-mtime` takes as its received time. The story (the same for every seed;
the seed only moves arrival times within office hours and by a day or two):

- most districts send their workbook on time, 0-2 days after the cover's preparation date, at
  most 14 days after the quarter's end (on time is within `NTM_ON_TIME_DAYS` = 15 days);
- a few send it late (`LATE`, days after the quarter's end);
- Vị Xuyên (030) never sends 2019Q3 (`MISSING`): no file is written. A mid-year quarter, so no
  year-end figure changes (the year-end anchors live in the Q4 workbooks);
- Hoàng Su Phì (032) sends 2019Q4 with one commune's household total typed without its last
  digit, so its poor and near-poor households exceed its households (rule HH-003): rejected.
  Four days later the corrected workbook arrives under a new name and is accepted; its data are
  the generated quarter's, so the published end-2019 figures are the corrected ones.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TypeVar

import numpy as np

from sources.demo.generate import DEFAULT_SEED, PROVINCE_CODE, DemoWorkbook, build_workbooks
from sources.quarters import quarter_end, quarter_label
from sources.writer import WorkbookContent, WriteStyle, write_workbook

# a demo workbook of either era (a dataclass with `content` and `file_name`)
W = TypeVar("W")

# The default of NTM_ON_TIME_DAYS: accepted within this many days of the quarter's end is on time.
ON_TIME_DAYS = 15

# (district_code, year, quarter): the one workbook that never arrives (not a Q4).
MISSING = ("030", 2019, 3)

# (district_code, year, quarter) → days after the quarter's end the workbook arrives (> 15).
LATE: dict[tuple[str, int, int], int] = {
    ("033", 2019, 1): 22,  # Xín Mần
    ("026", 2019, 2): 27,  # Đồng Văn
    ("030", 2019, 4): 19,  # Vị Xuyên, after skipping 2019Q3
    ("027", 2020, 4): 18,  # Mèo Vạc, in the latest quarter
}

# (district_code, year, quarter) of the workbook rejected first and then corrected, the days after
# the quarter's end each version arrives, and the rule the first version breaks.
REJECTED = ("032", 2019, 4)
REJECTED_DAYS, CORRECTED_DAYS = 9, 13
REJECTED_RULE = "HH-003"


@dataclass(frozen=True)
class Submission:
    """One file the landing folder receives: a workbook version and when it arrives."""

    workbook: DemoWorkbook
    file_name: str
    arrives_at: datetime
    expected_status: str  # accepted | rejected

    @property
    def days_after_quarter_end(self) -> int:
        end = quarter_end(quarter_label(self.workbook.year, self.workbook.quarter))
        return (self.arrives_at.date() - end).days


def _key(workbook: DemoWorkbook) -> tuple[str, int, int]:
    return (workbook.district_code, workbook.year, workbook.quarter)


def office_hours(day: date, rng: np.random.Generator) -> datetime:
    """A time between 07:30 and 16:30 on ``day`` (naive local time, like a file's mtime)."""
    minutes = int(rng.integers(7 * 60 + 30, 16 * 60 + 30))
    return datetime.combine(day, time(minutes // 60, minutes % 60))


def on_time_day(prepared: date, end: date, rng: np.random.Generator) -> date:
    """Sent 0-2 days after the cover's preparation date (itself 4-12 days after the quarter),
    at most 14 days after the quarter's ``end``."""
    return min(prepared + timedelta(days=int(rng.integers(0, 3))), end + timedelta(days=14))


def broken_households(content: WorkbookContent) -> tuple[WorkbookContent, str]:
    """The content with one commune's household total typed without its last digit (HH-003).

    Returns the broken copy and the commune code: the first unit whose poor and near-poor
    households then exceed its households.
    """
    broken = copy.deepcopy(content)
    for row in broken.households:
        typo = row["households"] // 10
        if row["poor_households"] + row["near_poor_households"] > typo:
            row["households"] = typo
            return broken, row["commune_code"]
    raise ValueError("no commune where a dropped digit breaks HH-003")


def submissions(seed: int = DEFAULT_SEED) -> Iterator[Submission]:
    """Every file of the demo's landing folder, in the generator's order (quarter, district)."""
    for workbook in build_workbooks(seed):
        key = _key(workbook)
        if key == MISSING:
            continue
        rng = np.random.default_rng([seed, int(workbook.district_code), workbook.year, key[2]])
        end = quarter_end(quarter_label(workbook.year, workbook.quarter))
        for arrival in arrivals(
            workbook,
            end,
            rng,
            prepared_on=workbook.content.cover["prepared_on"],
            late_days=LATE.get(key),
            resubmit_days=(REJECTED_DAYS, CORRECTED_DAYS) if key == REJECTED else None,
        ):
            yield Submission(*arrival)


def arrivals(
    workbook: W,
    end: date,
    rng: np.random.Generator,
    *,
    prepared_on: date,
    late_days: int | None = None,
    resubmit_days: tuple[int, int] | None = None,
) -> Iterator[tuple[W, str, datetime, str]]:
    """How one workbook (anything with ``content`` and ``file_name``) reaches the landing
    folder, as (workbook, file name, arrival, expected status): rejected and then corrected as a
    ``_v2`` file (``resubmit_days``: days after the quarter's ``end``), late (``late_days``
    after it), or on time, some days after it was prepared. The generator draws from ``rng`` in
    that order, so a demo is the same for a seed."""
    if resubmit_days is not None:
        (broken, broken_at), (corrected, corrected_at) = resubmission(
            workbook.content, end, rng, *resubmit_days
        )
        yield replace(workbook, content=broken), workbook.file_name, broken_at, "rejected"
        corrected_name = workbook.file_name.replace(".xlsx", "_v2.xlsx")
        yield replace(workbook, content=corrected), corrected_name, corrected_at, "accepted"
        return
    if late_days is not None:
        day = end + timedelta(days=late_days)
    else:
        day = on_time_day(prepared_on, end, rng)
    yield workbook, workbook.file_name, office_hours(day, rng), "accepted"


def resubmission(
    content: WorkbookContent,
    end: date,
    rng: np.random.Generator,
    rejected_days: int,
    corrected_days: int,
) -> tuple[tuple[WorkbookContent, datetime], tuple[WorkbookContent, datetime]]:
    """A workbook sent with a dropped digit (HH-003) ``rejected_days`` after the quarter's
    ``end``, then corrected ``corrected_days`` after it: (content, arrival) of each version. The
    corrected workbook is prepared again the day it is sent (it goes under a new name)."""
    broken, _ = broken_households(content)
    broken_at = office_hours(end + timedelta(days=rejected_days), rng)
    corrected_on = end + timedelta(days=corrected_days)
    corrected = replace(content, cover={**content.cover, "prepared_on": corrected_on})
    return (broken, broken_at), (corrected, office_hours(corrected_on, rng))


def write_arriving(
    content: WorkbookContent, path: Path, style: WriteStyle, arrives_at: datetime
) -> Path:
    """Write one workbook and set its modification time to its arrival."""
    path = write_workbook(content, path, style)
    stamp = arrives_at.timestamp()  # naive: the machine's local time
    os.utime(path, (stamp, stamp))
    return path


def write_story(
    out_dir: Path, seed: int = DEFAULT_SEED, progress: Callable[[DemoWorkbook], None] | None = None
) -> list[Path]:
    """Write the demo's landing folder: every submission, its mtime set to its arrival."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for submission in submissions(seed):
        path = write_arriving(
            submission.workbook.content,
            out_dir / submission.file_name,
            submission.workbook.style,
            submission.arrives_at,
        )
        written.append(path)
        if progress:
            progress(submission.workbook)
    return written


def story_summary() -> list[str]:
    """The story in a few lines, for `ntm demo-data` (the same for every seed)."""
    late = ", ".join(f"{d} {y}Q{q} (+{days} d)" for (d, y, q), days in sorted(LATE.items()))
    d, y, q = MISSING
    r, ry, rq = REJECTED
    return [
        f"  on time: most workbooks arrive within {ON_TIME_DAYS} days of the quarter's end",
        f"  late: {late}",
        f"  missing: {PROVINCE_CODE}-{d} {y}Q{q} (no file)",
        f"  rejected then corrected: {PROVINCE_CODE}-{r} {ry}Q{rq} ({REJECTED_RULE} on day "
        f"{REJECTED_DAYS}, corrected _v2 on day {CORRECTED_DAYS})",
        "  arrival times are the files' modification times: `ntm run --received-from-mtime`",
    ]
