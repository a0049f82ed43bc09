"""The fixtures the levels share (a plugin: tests/conftest.py loads it) and the helpers behind them.

`dbt_manifest` is requested by tests/conftest.py only for a session with integration or e2e tests.
Fixtures used by two levels of one topic (the corpus, the national districts) live here too."""

from __future__ import annotations

from pathlib import Path

import pytest

from ntm.settings import load_settings
from sources.demo.national import national_jobs, write_district
from tests.support.corpus import CORPUS
from warehouse.settings import Settings


@pytest.fixture(scope="session")
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


# The demo story's files (sources.demo.story), as the demo tests name them.
DISTRICTS = ("024", "026", "027", "028", "029", "030", "031", "032", "033", "034", "035")
MISSING_FILE = "NTM_02-030_2019Q3.xlsx"
REJECTED_FILE, CORRECTED_FILE = "NTM_02-032_2019Q4.xlsx", "NTM_02-032_2019Q4_v2.xlsx"


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


@pytest.fixture(scope="session")
def both_eras(tmp_path_factory: pytest.TempPathFactory):
    """Both eras through the real pipeline, as `make demo` runs them: the demo's landing (see
    `demo_run`) run first, then Tuyên Quang's commune workbooks of the new era's demo quarters
    added and run: (settings, first RunReport, second RunReport)."""
    from ntm.runner import run_pipeline
    from sources.demo.generate import DEFAULT_SEED, write_demo_data
    from sources.demo.national import parse_quarter_range
    from sources.demo.new_era import DEFAULT_QUARTERS, write_new_era
    from sources.quarters import quarter_label

    patch = pytest.MonkeyPatch()
    settings = make_home(tmp_path_factory.mktemp("eras"), patch)
    write_demo_data(settings.landing_dir)
    first = run_pipeline(settings, echo=lambda _: None, received_from_mtime=True)
    quarters = [quarter_label(*p) for p in parse_quarter_range(DEFAULT_QUARTERS)]
    write_new_era(settings.landing_dir, quarters, DEFAULT_SEED)
    second = run_pipeline(settings, echo=lambda _: None, received_from_mtime=True)
    yield settings, first, second
    patch.undo()


def query(settings: Settings, sql: str, params: list | None = None) -> list[dict]:
    """Rows of a query on the published warehouse, as dicts (read-only, like a BI tool)."""
    import duckdb

    with duckdb.connect(str(settings.warehouse_db), read_only=True) as con:
        cursor = con.execute(sql, params or [])
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every file of the corpus (tests.support.corpus), written once per module."""
    folder = tmp_path_factory.mktemp("corpus")
    return {
        name: build(folder / f"NTM_02-026_2019Q1_{name}.{suffix}")
        for name, suffix, build, _, _ in CORPUS
    }


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL cluster on loopback for the session (tests.support.postgres)."""
    from tests.support.postgres import postgres_cluster

    with postgres_cluster() as cluster:
        yield cluster


@pytest.fixture(scope="module")
def three_districts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three districts of the national demo, one quarter (the benchmark's smoke tests)."""
    folder = tmp_path_factory.mktemp("national")
    for job in national_jobs(folder, [(2019, 4)], seed=2019)[:3]:
        write_district(job)
    return folder
