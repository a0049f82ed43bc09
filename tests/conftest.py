"""Shared fixtures. The dbt manifest is prepared once per session, before any test imports the
Dagster definitions (`@dbt_assets` reads it at import)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ntm.settings import Settings, export_environment, load_settings


@pytest.fixture(scope="session", autouse=True)
def dbt_manifest() -> Path:
    from ntm.runner import prepare_dbt_manifest

    return prepare_dbt_manifest(force=True)


def make_home(root: Path, monkeypatch: pytest.MonkeyPatch | None = None) -> Settings:
    """A fresh working area under ``root``, exported to the environment like the CLI does."""
    env = {"NTM_HOME": str(root / "ntm_home"), "DAGSTER_HOME": str(root / "ntm_home" / "dagster")}
    settings = load_settings(env)
    settings.ensure_dirs()
    if monkeypatch is not None:
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("NTM_BUILD_DB", str(settings.build_db))
    export_environment(settings)
    return settings


@pytest.fixture
def ntm_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    return make_home(tmp_path, monkeypatch)
