"""How the warehouse calls dbt: one command line, and the scope of each build.

**The command line.** Every dbt command that opens the build (the pipeline's `dbt build`, `ntm
prepare`'s parse of a working area, `ntm docs`, the tests) names the project, its profiles, a
target folder and the settings as `--vars` the same way: `dbt_command`.

**The scope of a build.** A run's new data can only change what lies downstream of the raw layer
(the dbt selector `raw_changed` in `dbt_project/selectors.yml`: `source:raw+`, with the tests of
those nodes). The seeds, their staging views and the dimensions built from them alone (138 of the
338 nodes with their tests) depend on the project's files and the run's vars only. So a build is

- **full** on the working area's first build, when the project's files (models, seeds, macros,
  tests, profiles, selectors), the vars or dbt's version differ from those of the last full build
  that succeeded, or when the run asks for it (`ntm run --rebuild`);
- **raw_changed** otherwise: the nodes the new data can change are rebuilt and tested; the others
  are the tables that last full build made from the same files and vars, so they are what a full
  build would make again (`tests/e2e/test_resubmission.py` compares every reporting view of such a
  build with a full rebuild's, row for row).

The fingerprint of the last full build that succeeded is kept in the build itself
(`audit.dbt_full_builds`, append-only), so a build file that is deleted or replaced takes its
record with it and the next build is full again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from sources.digest import file_sha256
from sources.paths import DBT_PROJECT_DIR, dbt_executable
from warehouse.locks import DEFAULT_LOCK_TIMEOUT_SECONDS, Log, connect_with_wait
from warehouse.settings import Settings, dbt_vars

# The profile's target of the builds (profiles.yml); `parse` opens no database.
BUILD_TARGET = "dev"
FULL, RAW_CHANGED = "full", "raw_changed"
# The YAML selector of a raw_changed build (dbt_project/selectors.yml).
RAW_CHANGED_SELECTOR = "raw_changed"
# What dbt writes into the project folder, not what it reads.
NOT_PROJECT_FILES = frozenset({"target", "logs", "dbt_packages", "__pycache__"})
FULL_BUILDS_TABLE = "audit.dbt_full_builds"
DBT_ENVIRONMENT = {"DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}


def dbt_vars_argument(settings: Settings, **overrides: object) -> list[str]:
    """`--vars` with what dbt reads from the settings (``overrides`` replace some of them)."""
    return ["--vars", json.dumps({**dbt_vars(settings), **overrides}, sort_keys=True)]


def dbt_command(
    settings: Settings,
    *arguments: str,
    target_path: Path,
    log_path: Path | None = None,
    target: str | None = None,
    **var_overrides: object,
) -> list[str]:
    """A dbt command on this project for the settings' working area: ``arguments`` (`build`,
    `parse`, `docs generate` ...), the project and profiles folder, the target folder, the
    profile's ``target`` when given, and the vars."""
    command = [
        dbt_executable(),
        *arguments,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(target_path),
    ]
    if log_path is not None:
        command += ["--log-path", str(log_path)]
    if target is not None:
        command += ["--target", target]
    return command + dbt_vars_argument(settings, **var_overrides)


def project_fingerprint(
    vars_: dict[str, object], project_dir: Path = DBT_PROJECT_DIR, dbt_version: str | None = None
) -> str:
    """The sha256 of what a build's result depends on besides the raw layer: every file of the
    dbt project (path and bytes), the vars and dbt's version."""
    digest = hashlib.sha256()
    for path in _project_files(project_dir):
        relative = path.relative_to(project_dir).as_posix()
        digest.update(f"{relative}\0{file_sha256(path)}\n".encode())
    digest.update(json.dumps(vars_, sort_keys=True).encode())
    digest.update((dbt_version or version("dbt-core")).encode())
    return digest.hexdigest()


def _project_files(project_dir: Path) -> list[Path]:
    found = []
    for path in sorted(project_dir.rglob("*")):
        parts = path.relative_to(project_dir).parts
        if any(part in NOT_PROJECT_FILES or part.startswith(".") for part in parts):
            continue
        if path.is_file():
            found.append(path)
    return found


@dataclass(frozen=True)
class BuildScope:
    scope: str  # FULL or RAW_CHANGED
    reason: str
    fingerprint: str

    @property
    def selection(self) -> list[str]:
        """The dbt arguments that select the scope's nodes (a full build selects everything)."""
        return ["--selector", RAW_CHANGED_SELECTOR] if self.scope == RAW_CHANGED else []


def last_full_build(
    build_db: Path, lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_SECONDS, log: Log = print
) -> str | None:
    """The fingerprint of the build file's last successful full build (None: none recorded).
    A build another process holds is waited for, the wait told to ``log``."""
    if not build_db.exists():
        return None
    schema, table = FULL_BUILDS_TABLE.split(".")
    with connect_with_wait(build_db, read_only=True, timeout_s=lock_timeout_s, log=log) as con:
        present = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
        if not present:
            return None
        row = con.execute(
            f"select fingerprint from {FULL_BUILDS_TABLE} order by built_at desc limit 1"
        ).fetchone()
    return row[0] if row else None


def build_scope(
    build_db: Path,
    fingerprint: str,
    rebuild: bool = False,
    lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_SECONDS,
    log: Log = print,
) -> BuildScope:
    """Full or raw_changed, and why (see the module's docstring)."""
    if rebuild:
        return BuildScope(FULL, "a full rebuild was asked for", fingerprint)
    last = last_full_build(build_db, lock_timeout_s, log)
    if last is None:
        return BuildScope(FULL, "no full build of this build file is recorded", fingerprint)
    if last != fingerprint:
        return BuildScope(
            FULL,
            "the dbt project, its vars or dbt's version changed since the last full build",
            fingerprint,
        )
    return BuildScope(
        RAW_CHANGED,
        "project, vars and dbt unchanged since the last full build: only what the raw layer "
        f"feeds is built (selector {RAW_CHANGED_SELECTOR})",
        fingerprint,
    )


def scope_of_next_build(settings: Settings, rebuild: bool = False, log: Log = print) -> BuildScope:
    """The scope of the next build of the settings' working area (`ntm run` plans its run with it,
    and the dbt step decides with it again when the build starts)."""
    return build_scope(
        settings.build_db,
        project_fingerprint(dbt_vars(settings)),
        rebuild=rebuild,
        lock_timeout_s=settings.lock_timeout_seconds,
        log=log,
    )


def record_full_build(
    build_db: Path,
    fingerprint: str,
    run_id: str | None,
    lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_SECONDS,
    log: Log = print,
) -> None:
    """Append a successful full build to the build's `audit.dbt_full_builds` (a wait for the
    file told to ``log``)."""
    schema = FULL_BUILDS_TABLE.split(".")[0]
    with connect_with_wait(build_db, read_only=False, timeout_s=lock_timeout_s, log=log) as con:
        con.execute(f"create schema if not exists {schema}")
        con.execute(
            f"create table if not exists {FULL_BUILDS_TABLE} ("
            "fingerprint varchar not null, dbt_version varchar not null, "
            "built_at timestamp not null, run_id varchar)"
        )
        con.execute(
            f"insert into {FULL_BUILDS_TABLE} values (?, ?, ?, ?)",
            [fingerprint, version("dbt-core"), datetime.now(UTC).replace(tzinfo=None), run_id],
        )
