"""The working area (``NTM_HOME``): every path a run reads and writes, derived from one folder.

    landing/            workbooks arrive here (never modified)
    archive/            accepted workbooks, by sha256
    rejected/           rejected workbooks and their reports
    build.duckdb        what a run writes (raw + dbt); only the run's process opens it
    warehouse.duckdb    the published copy that BI tools open read-only
    exports/            Parquet of the reporting views

The lower layers take a `WorkingArea` as a plain argument; `warehouse.settings.Settings` (resolved
once, at the top) is one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WorkingArea:
    home: Path

    @property
    def landing_dir(self) -> Path:
        return self.home / "landing"

    @property
    def archive_dir(self) -> Path:
        return self.home / "archive"

    @property
    def rejected_dir(self) -> Path:
        return self.home / "rejected"

    @property
    def build_db(self) -> Path:
        return self.home / "build.duckdb"

    @property
    def warehouse_db(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def exports_dir(self) -> Path:
        return self.home / "exports"

    @property
    def dbt_target_dir(self) -> Path:
        return self.home / "dbt" / "target"

    @property
    def dbt_log_dir(self) -> Path:
        return self.home / "dbt" / "logs"

    def ensure_dirs(self) -> None:
        for directory in (
            self.home,
            self.landing_dir,
            self.archive_dir,
            self.rejected_dir,
            self.exports_dir,
        ):
            directory.mkdir(parents=True, exist_ok=True)
