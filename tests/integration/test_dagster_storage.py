"""The Dagster instance `ntm` opens: its SQLite databases commit without waiting for an fsync
when (and only when) they are in WAL mode."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from ntm.runner import _instance, _wal_synchronous_normal, ensure_dagster_home
from warehouse.settings import settings_from

FULL, NORMAL = 2, 1  # PRAGMA synchronous


def _synchronous(path: Path) -> int:
    engine = sa.create_engine(f"sqlite:///{path}", poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        return connection.exec_driver_sql("pragma synchronous").scalar_one()


def test_wal_databases_commit_without_fsync_and_others_keep_full(tmp_path: Path) -> None:
    if event.contains(Engine, "connect", _wal_synchronous_normal):  # an earlier test's run
        event.remove(Engine, "connect", _wal_synchronous_normal)
    wal, rollback = tmp_path / "wal.db", tmp_path / "rollback.db"
    sqlite3.connect(wal).execute("pragma journal_mode = wal").fetchone()
    sqlite3.connect(rollback).execute("create table t (x)")
    assert _synchronous(wal) == FULL  # SQLite's default, before `ntm` opens its instance

    settings = settings_from({"NTM_HOME": str(tmp_path / "home")})
    ensure_dagster_home(settings)
    with _instance(settings) as instance:
        assert instance.get_runs() == []
        runs_db = settings.dagster_home / "history" / "runs.db"
        assert sqlite3.connect(runs_db).execute("pragma journal_mode").fetchone() == ("wal",)
        assert _synchronous(runs_db) == NORMAL
    assert _synchronous(wal) == NORMAL
    assert _synchronous(rollback) == FULL  # a rollback journal needs FULL to stay consistent
