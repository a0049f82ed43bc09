"""The scope of a dbt build: full on a new build file, after a project, vars or dbt change, and when
asked; otherwise only what the raw layer feeds (warehouse/dbt_build.py)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from warehouse.dbt_build import (
    FULL,
    FULL_BUILDS_TABLE,
    RAW_CHANGED,
    RAW_CHANGED_SELECTOR,
    build_scope,
    dbt_command,
    project_fingerprint,
    record_full_build,
)
from warehouse.settings import dbt_vars, settings_from

VARS = {"build_db": "/area/build.duckdb", "on_time_days": 15}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "models" / "marts").mkdir(parents=True)
    (root / "seeds").mkdir()
    (root / "dbt_project.yml").write_text("name: ntm\n")
    (root / "models" / "marts" / "dim_x.sql").write_text("select 1 as x\n")
    (root / "seeds" / "codes.csv").write_text("code\n01\n")
    return root


def _fingerprint(project: Path, vars_: dict | None = None, dbt_version: str = "1.11.0") -> str:
    return project_fingerprint(vars_ or VARS, project, dbt_version)


def test_the_fingerprint_changes_with_every_input_of_a_build(project: Path) -> None:
    first = _fingerprint(project)
    assert _fingerprint(project) == first

    (project / "seeds" / "codes.csv").write_text("code\n01\n02\n")  # a seed's content
    edited_seed = _fingerprint(project)
    (project / "models" / "marts" / "dim_y.sql").write_text("select 2 as y\n")  # a new model
    new_model = _fingerprint(project)
    (project / "models" / "marts" / "dim_y.sql").rename(project / "models" / "dim_y.sql")
    moved_model = _fingerprint(project)  # same bytes, another folder (another schema)
    other_vars = _fingerprint(project, {**VARS, "on_time_days": 30})
    other_dbt = _fingerprint(project, dbt_version="1.11.1")

    found = [first, edited_seed, new_model, moved_model, other_vars, other_dbt]
    assert len(set(found)) == len(found)


def test_what_dbt_writes_into_the_project_is_not_part_of_it(project: Path) -> None:
    before = _fingerprint(project)
    for written in ("target/manifest.json", "logs/dbt.log", ".user.yml", "macros/.cache"):
        (project / written).parent.mkdir(parents=True, exist_ok=True)
        (project / written).write_text("{}")
    assert _fingerprint(project) == before
    (project / "macros" / "cast.sql").write_text("{% macro c() %}{% endmacro %}")
    assert _fingerprint(project) != before  # a macro is the project's


def test_scope_is_full_until_a_full_build_of_the_same_project_is_recorded(
    project: Path, tmp_path: Path
) -> None:
    build_db = tmp_path / "build.duckdb"
    fingerprint = _fingerprint(project)

    scope = build_scope(build_db, fingerprint)  # no build file yet
    assert (scope.scope, scope.selection) == (FULL, [])
    duckdb.connect(str(build_db)).close()  # a build file without the record
    assert build_scope(build_db, fingerprint).scope == FULL

    record_full_build(build_db, fingerprint, run_id="run-1")
    scope = build_scope(build_db, fingerprint)
    assert scope.scope == RAW_CHANGED
    assert scope.selection == ["--selector", RAW_CHANGED_SELECTOR]
    assert build_scope(build_db, fingerprint, rebuild=True).scope == FULL

    (project / "seeds" / "codes.csv").write_text("code\n01\n02\n")
    changed = _fingerprint(project)
    scope = build_scope(build_db, changed)
    assert scope.scope == FULL and "changed" in scope.reason

    record_full_build(build_db, changed, run_id="run-2")  # the latest full build counts
    assert build_scope(build_db, changed).scope == RAW_CHANGED
    assert build_scope(build_db, fingerprint).scope == FULL
    with duckdb.connect(str(build_db), read_only=True) as con:
        runs = con.execute(f"select run_id from {FULL_BUILDS_TABLE} order by built_at").fetchall()
    assert runs == [("run-1",), ("run-2",)]


def test_the_selector_is_the_project_s(tmp_path: Path) -> None:
    from sources.paths import DBT_PROJECT_DIR

    selectors = (DBT_PROJECT_DIR / "selectors.yml").read_text()
    assert f"name: {RAW_CHANGED_SELECTOR}\n" in selectors


def test_one_command_line_for_every_dbt_call(tmp_path: Path) -> None:
    settings = settings_from({"NTM_HOME": str(tmp_path)})
    command = dbt_command(
        settings, "docs", "generate", target_path=tmp_path / "t", target="dev", build_db="x"
    )
    assert command[1:3] == ["docs", "generate"]
    assert command[command.index("--target-path") + 1] == str(tmp_path / "t")
    assert command[command.index("--target") + 1] == "dev"
    assert "--log-path" not in command
    given = json.loads(command[command.index("--vars") + 1])
    assert given == {**dbt_vars(settings), "build_db": "x"}
