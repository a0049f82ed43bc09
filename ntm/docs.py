"""`ntm docs`: the dbt documentation site (lineage graph, model and column descriptions).

`dbt docs generate --static` writes `$NTM_HOME/docs/dbt/static_index.html`, one self-contained
page that opens from disk without a web server (`index.html` beside it needs `dbt docs serve`).

The catalog (column types) is read from a private copy of the published warehouse, never from the
published file itself (dbt-duckdb opens its database read-write) nor from `build.duckdb` (a run
may be writing it). With nothing published yet, the site is built with an empty catalog: the
descriptions and the lineage come from the project, the column types are missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from warehouse.dbt_build import DBT_ENVIRONMENT, dbt_command
from warehouse.settings import Settings


def docs_dir(settings: Settings) -> Path:
    return settings.home / "docs" / "dbt"


def build_docs(settings: Settings) -> Path:
    """Generate the dbt docs site under ``$NTM_HOME/docs/dbt``; returns the static index page."""
    target = docs_dir(settings)
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ntm-docs-", dir=settings.home) as scratch:
        catalog_db = Path(scratch) / "catalog.duckdb"
        command = dbt_command(
            settings,
            "docs",
            "generate",
            "--static",
            target_path=target,
            log_path=settings.home / "dbt" / "logs",
            # The catalog is read from a copy of the published warehouse.
            build_db=str(catalog_db),
        )
        if settings.warehouse_db.exists():
            shutil.copyfile(settings.warehouse_db, catalog_db)
        else:
            command.append("--empty-catalog")
        completed = subprocess.run(
            command, capture_output=True, text=True, env={**os.environ, **DBT_ENVIRONMENT}
        )
        if completed.returncode != 0:
            raise RuntimeError(
                "dbt docs generate failed:\n" + (completed.stdout + completed.stderr)[-4000:]
            )
    index = target / "static_index.html"
    if not index.exists():
        raise RuntimeError(f"dbt docs generate wrote no {index}")
    return index
