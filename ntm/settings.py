"""The one Settings object, read from the environment once (here, at the top) and passed down.

Everything a run writes lives under ``NTM_HOME`` (default ``./var``; its folders in
`warehouse.area`), Dagster's instance under ``$NTM_HOME/dagster`` unless DAGSTER_HOME is set.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sources.quarters import QUARTER_KEY
from warehouse.area import WorkingArea
from warehouse.locks import DEFAULT_LOCK_TIMEOUT_SECONDS

DEFAULT_HOME = "./var"
DEFAULT_SCHEDULE_DAYS_AFTER_QUARTER = 15
DEFAULT_ON_TIME_DAYS = 15


@dataclass(frozen=True)
class Settings(WorkingArea):
    """Everything configurable, read once from the environment (`load_settings`) and passed
    down: the working area's paths (`WorkingArea`) and the run's policies."""

    dagster_home: Path
    # The quarterly schedule runs this many days after a quarter ends (1-28).
    schedule_days_after_quarter: int = DEFAULT_SCHEDULE_DAYS_AFTER_QUARTER
    # A district is on time when its accepted workbook arrived within this many days.
    on_time_days: int = DEFAULT_ON_TIME_DAYS
    # The reporting calendar runs at least to this quarter ('2026Q3'), so the quarters in which
    # nothing arrived yet are expected too; None: up to the last quarter a workbook declared.
    reporting_until: str | None = None
    # Seconds a run waits for a DuckDB file another process holds, then fails naming the holder.
    lock_timeout_seconds: int = DEFAULT_LOCK_TIMEOUT_SECONDS

    def ensure_dirs(self) -> None:
        super().ensure_dirs()
        self.dagster_home.mkdir(parents=True, exist_ok=True)


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Resolve the working area from ``NTM_HOME`` and ``DAGSTER_HOME`` (absolute paths)."""
    env = os.environ if environ is None else environ
    home = Path(env.get("NTM_HOME") or DEFAULT_HOME).expanduser().resolve()
    dagster_home = Path(env.get("DAGSTER_HOME") or home / "dagster").expanduser().resolve()
    days_after = int(
        env.get("NTM_SCHEDULE_DAYS_AFTER_QUARTER") or DEFAULT_SCHEDULE_DAYS_AFTER_QUARTER
    )
    if not 1 <= days_after <= 28:
        raise ValueError(f"NTM_SCHEDULE_DAYS_AFTER_QUARTER must be 1-28, not {days_after}")
    on_time_days = int(env.get("NTM_ON_TIME_DAYS") or DEFAULT_ON_TIME_DAYS)
    if on_time_days < 0:
        raise ValueError(f"NTM_ON_TIME_DAYS must be 0 or more, not {on_time_days}")
    lock_timeout = int(env.get("NTM_LOCK_TIMEOUT_SECONDS") or DEFAULT_LOCK_TIMEOUT_SECONDS)
    if lock_timeout < 0:
        raise ValueError(f"NTM_LOCK_TIMEOUT_SECONDS must be 0 or more, not {lock_timeout}")
    return Settings(
        home=home,
        dagster_home=dagster_home,
        schedule_days_after_quarter=days_after,
        on_time_days=on_time_days,
        reporting_until=parse_reporting_until(env.get("NTM_REPORTING_UNTIL")),
        lock_timeout_seconds=lock_timeout,
    )


def parse_reporting_until(value: str | None) -> str | None:
    """NTM_REPORTING_UNTIL as a quarter key ('2026Q3'); empty or unset: None."""
    text = (value or "").strip().upper()
    if not text:
        return None
    found = QUARTER_KEY.fullmatch(text)
    if found is None or not 2016 <= int(found.group(1)) <= 2100:
        raise ValueError(f"NTM_REPORTING_UNTIL must be a quarter like 2026Q3, not {value!r}")
    return text


def dbt_vars(settings: Settings) -> dict[str, object]:
    """The settings dbt's models read (`dbt build --vars`): the on-time window of
    rpt_reporting_status and the end of the reporting calendar (int_reporting_calendar)."""
    return {
        "on_time_days": settings.on_time_days,
        "reporting_until": settings.reporting_until or "",
    }


def export_environment(settings: Settings) -> None:
    """Make child processes (dbt, the Dagster webserver) see the same working area.

    dbt's profile reads NTM_BUILD_DB; Dagster reads DAGSTER_HOME. Called by the CLI and the code
    location at start-up, so a relative NTM_HOME means the same folder everywhere.
    """
    os.environ["NTM_HOME"] = str(settings.home)
    os.environ["NTM_BUILD_DB"] = str(settings.build_db)
    os.environ["NTM_ON_TIME_DAYS"] = str(settings.on_time_days)
    os.environ["NTM_LOCK_TIMEOUT_SECONDS"] = str(settings.lock_timeout_seconds)
    if settings.reporting_until:
        os.environ["NTM_REPORTING_UNTIL"] = settings.reporting_until
    os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home))
