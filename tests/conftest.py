"""Shared fixtures. The dbt manifest is prepared once per session, before any test imports the
Dagster definitions (`@dbt_assets` reads it at import)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ntm.settings import load_settings
from warehouse.settings import Settings


@pytest.fixture(scope="session", autouse=True)
def dbt_manifest() -> Path:
    from ntm.runner import prepare_dbt_project

    return prepare_dbt_project(load_settings(), force=True)


def make_home(root: Path, monkeypatch: pytest.MonkeyPatch | None = None) -> Settings:
    """A fresh working area under ``root``; with ``monkeypatch``, also in the environment, for the
    tests that start `ntm` or read the settings as the code location does."""
    env = {"NTM_HOME": str(root / "ntm_home"), "DAGSTER_HOME": str(root / "ntm_home" / "dagster")}
    settings = load_settings(env)
    settings.ensure_dirs()
    if monkeypatch is not None:
        for key, value in env.items():
            monkeypatch.setenv(key, value)
    return settings


@pytest.fixture
def ntm_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    return make_home(tmp_path, monkeypatch)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory):
    """The demo's landing folder run once through the whole pipeline, received times taken from
    the files' modification times: (settings, RunReport). 220 files: 219 accepted workbooks
    (Vị Xuyên's 2019Q3 never arrives) and one rejected version, corrected by a resubmission.

    Tests that use it only read the published warehouse (or run idempotent reruns).
    """
    from ntm.runner import run_pipeline
    from sources.demo.generate import write_demo_data

    patch = pytest.MonkeyPatch()
    settings = make_home(tmp_path_factory.mktemp("demo"), patch)
    write_demo_data(settings.landing_dir)
    # The demo's files carry their arrival times as modification times (sources.demo.story).
    report = run_pipeline(settings, echo=lambda _: None, received_from_mtime=True)
    yield settings, report
    patch.undo()


def query(settings: Settings, sql: str, params: list | None = None) -> list[dict]:
    """Rows of a query on the published warehouse, as dicts (read-only, like a BI tool)."""
    import duckdb

    with duckdb.connect(str(settings.warehouse_db), read_only=True) as con:
        cursor = con.execute(sql, params or [])
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
