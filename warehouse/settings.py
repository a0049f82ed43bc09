"""The one Settings object: the working area and the run's policies, each default defined here.

Environment-free: the two tops read the variables and hand their text to `settings_from`, the
command line (`ntm.settings.load_settings`, from the process environment) and the Dagster code
location (`orchestration.defs.resources.WarehouseHome`, from `dg.EnvVar`), so both resolve the
same variables to the same Settings. Below them, Settings is passed down as an argument.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from sources.guards import GuardLimits
from sources.quarters import QUARTER_KEY
from warehouse.area import WorkingArea
from warehouse.locks import DEFAULT_LOCK_TIMEOUT_SECONDS

DEFAULT_HOME = "./var"
DEFAULT_SCHEDULE_DAYS_AFTER_QUARTER = 15
DEFAULT_ON_TIME_DAYS = 15
# DuckDB takes 80 % of the machine's memory by default; the whole run (Dagster, dbt, the parse
# workers) must stay within a small machine's. Larger operators spill to disk.
DEFAULT_DUCKDB_MEMORY_LIMIT = "512MB"

# The variable that sets each field of Settings.
VARIABLES = {
    "home": "NTM_HOME",
    "dagster_home": "DAGSTER_HOME",
    "schedule_days_after_quarter": "NTM_SCHEDULE_DAYS_AFTER_QUARTER",
    "on_time_days": "NTM_ON_TIME_DAYS",
    "reporting_until": "NTM_REPORTING_UNTIL",
    "lock_timeout_seconds": "NTM_LOCK_TIMEOUT_SECONDS",
    "duckdb_memory_limit": "NTM_DUCKDB_MEMORY_LIMIT",
    "dagster_pg_url": "DAGSTER_PG_URL",
}
# What DAGSTER_PG_URL may start with (SQLAlchemy's and libpq's spellings of PostgreSQL).
POSTGRES_URL_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg2")


@dataclass(frozen=True)
class Settings(WorkingArea):
    """Everything configurable, resolved once at the top and passed down: the working area's
    paths (`WorkingArea`) and the run's policies."""

    # Dagster's instance: `$NTM_HOME/dagster` unless DAGSTER_HOME says otherwise.
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
    # dbt's DuckDB memory limit (a DuckDB size: '512MB', '2GB').
    duckdb_memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT
    # What the guards refuse before any parser opens a file (NTM_GUARD_<FIELD>, `GUARD_VARIABLES`).
    guard_limits: GuardLimits = field(default_factory=GuardLimits)
    # Dagster's runs, events and schedules in PostgreSQL (`postgresql://user:pass@host:port/db`)
    # instead of SQLite files under dagster_home; None: SQLite (one machine). Out of the repr:
    # the URL may hold a password.
    dagster_pg_url: str | None = field(default=None, repr=False)

    def ensure_dirs(self) -> None:
        super().ensure_dirs()
        self.dagster_home.mkdir(parents=True, exist_ok=True)


def settings_from(variables: Mapping[str, str | None]) -> Settings:
    """Settings from the text of their variables (`VARIABLES` and the guards' `GUARD_VARIABLES`;
    unset or empty: the default), validated; relative paths are resolved against the current
    folder."""

    def text(field: str) -> str:
        return (variables.get(VARIABLES[field]) or "").strip()

    home = Path(text("home") or DEFAULT_HOME).expanduser().resolve()
    dagster_home = Path(text("dagster_home") or home / "dagster").expanduser().resolve()
    return Settings(
        home=home,
        dagster_home=dagster_home,
        schedule_days_after_quarter=_whole_number(text, "schedule_days_after_quarter", 1, 28),
        on_time_days=_whole_number(text, "on_time_days", 0),
        reporting_until=parse_reporting_until(text("reporting_until")),
        lock_timeout_seconds=_whole_number(text, "lock_timeout_seconds", 0),
        duckdb_memory_limit=text("duckdb_memory_limit") or DEFAULT_DUCKDB_MEMORY_LIMIT,
        guard_limits=GuardLimits.from_variables(variables),
        dagster_pg_url=parse_postgres_url(text("dagster_pg_url"), VARIABLES["dagster_pg_url"]),
    )


def _whole_number(
    text: Callable[[str], str], field: str, least: int, most: int | None = None
) -> int:
    """The field's number, or its default (the dataclass's) when the variable is unset."""
    default = Settings.__dataclass_fields__[field].default
    value = int(text(field) or default)
    if value < least or (most is not None and value > most):
        span = f"{least}-{most}" if most is not None else f"{least} or more"
        raise ValueError(f"{VARIABLES[field]} must be {span}, not {value}")
    return value


def parse_reporting_until(value: str | None) -> str | None:
    """NTM_REPORTING_UNTIL as a quarter key ('2026Q3'); empty or unset: None."""
    text = (value or "").strip().upper()
    if not text:
        return None
    found = QUARTER_KEY.fullmatch(text)
    if found is None or not 2016 <= int(found.group(1)) <= 2100:
        raise ValueError(f"NTM_REPORTING_UNTIL must be a quarter like 2026Q3, not {value!r}")
    return text


def parse_postgres_url(value: str, variable: str) -> str | None:
    """A PostgreSQL URL (`postgresql://user:password@host:5432/db`); empty: None. The error
    never repeats the URL: it may hold a password."""
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in POSTGRES_URL_SCHEMES or not parts.hostname or not parts.path.strip("/"):
        raise ValueError(
            f"{variable} must be a PostgreSQL URL like "
            "postgresql://user:password@host:5432/database (scheme postgresql, a host and a "
            f"database); the value given has scheme {parts.scheme!r} and host {parts.hostname!r}"
        )
    return value


def variables_of(settings: Settings) -> dict[str, str]:
    """The variables that give back these Settings (`settings_from`): for a child process's
    environment, or a Dagster resource's configuration."""
    values = {
        field: getattr(settings, field)
        for field in VARIABLES
        if getattr(settings, field) is not None
    }
    return {
        **{VARIABLES[field]: str(value) for field, value in values.items()},
        **settings.guard_limits.variables(),
    }


def dbt_vars(settings: Settings) -> dict[str, object]:
    """What dbt reads from the settings (`--vars` on every dbt command that opens the build):
    the build file and its memory limit (profiles.yml), the on-time window of
    rpt_reporting_status and the end of the reporting calendar (int_reporting_calendar)."""
    return {
        "build_db": str(settings.build_db),
        "duckdb_memory_limit": settings.duckdb_memory_limit,
        "on_time_days": settings.on_time_days,
        "reporting_until": settings.reporting_until or "",
    }
