"""Levels follow folders: a test under tests/unit, tests/integration or tests/e2e carries that
marker, so `pytest tests/unit` and `pytest -m unit` select the same tests. A test outside a level
folder, or marked with another level than its folder's, stops the collection: where a test sits
says what it needs and how long it takes.

The integration and e2e levels build or import the Dagster definitions, whose `@dbt_assets` read
the dbt manifest at import: a session that collected any of their tests prepares it first (`dbt
parse`, fixture `dbt_manifest`); a unit session never does."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["tests.support.fixtures"]

LEVELS = ("unit", "integration", "e2e")
NEED_DBT_MANIFEST = {"integration", "e2e"}
TESTS = Path(__file__).parent


def _level_of(path: Path) -> str | None:
    folder = path.relative_to(TESTS).parts[0]
    return folder if folder in LEVELS else None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        level = _level_of(item.path)
        if level is None:
            raise pytest.UsageError(
                f"{item.nodeid}: a test belongs in tests/unit, tests/integration or tests/e2e"
            )
        others = {m.name for m in item.iter_markers() if m.name in LEVELS} - {level}
        if others:
            raise pytest.UsageError(f"{item.nodeid}: marked {sorted(others)} but sits in {level}/")
        item.add_marker(level)


@pytest.fixture(scope="session", autouse=True)
def _dbt_manifest_when_needed(request: pytest.FixtureRequest) -> None:
    if any(_level_of(item.path) in NEED_DBT_MANIFEST for item in request.session.items):
        request.getfixturevalue("dbt_manifest")
