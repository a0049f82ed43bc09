"""Publishing one build, without Dagster: the copy, the audit log, the exports, crash leftovers."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest

import warehouse.publish as publish
from sources.digest import file_sha256

ROWS = [
    ("2018Q4", "02", "026", 17, 2, '=HYPERLINK("http://evil","x")'),
    ("2018Q4", "02", "027", 17, 3, "-2+3"),
    ("2018Q4", "02", None, 34, 5, "@SUM(A1)"),
]


def _write_build(db: Path, rows=ROWS) -> None:
    with duckdb.connect(str(db)) as con:
        con.execute("create schema if not exists marts")
        con.execute("create schema if not exists reporting")
        con.execute(
            "create or replace table marts.attainment (quarter varchar, province_code varchar, "
            "district_code varchar, xa_count bigint, ntm_communes bigint, note varchar)"
        )
        con.executemany("insert into marts.attainment values (?, ?, ?, ?, ?, ?)", rows)
        con.execute(
            "create or replace view reporting.rpt_attainment as select * from marts.attainment"
        )


@pytest.fixture
def home(tmp_path: Path):
    build, warehouse, exports = (
        tmp_path / "build.duckdb",
        tmp_path / "warehouse.duckdb",
        tmp_path / "exports",
    )
    _write_build(build)
    return build, warehouse, exports


def test_publish_writes_warehouse_log_and_exports(home):
    build, warehouse, exports = home
    result = publish.publish_warehouse(build, warehouse, exports, run_id="run-1")
    assert result.views == {"rpt_attainment": 3}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        log = con.execute(
            "select publish_id, run_id, build_sha256 from audit.publish_log"
        ).fetchall()
        assert con.execute("select count(*) from reporting.rpt_attainment").fetchone() == (3,)
    assert log == [(result.publish_id, "run-1", result.build_sha256)]
    folder = exports / result.publish_id
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["publish_id"] == result.publish_id
    assert manifest["reporting_rows"] == {"rpt_attainment": 3}
    assert manifest["warehouse_sha256"] == file_sha256(warehouse)
    assert set(manifest["files"]) == {"rpt_attainment.parquet", "rpt_attainment.csv"}
    assert (exports / "LATEST").read_text().strip() == result.publish_id
    parquet = folder / "rpt_attainment.parquet"
    assert duckdb.sql(f"select count(*) from '{parquet}'").fetchall() == [(3,)]
    # Nothing staged is left beside the warehouse or in exports.
    assert sorted(p.name for p in warehouse.parent.iterdir() if p.name.startswith(".")) == []
    assert [p.name for p in exports.iterdir() if p.name.startswith(".")] == []


def test_csv_export_neutralises_formulas(home):
    build, warehouse, exports = home
    result = publish.publish_warehouse(build, warehouse, exports)
    raw = result.csv_exports["rpt_attainment"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    with result.csv_exports["rpt_attainment"].open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["note"] for r in rows] == [
        '\'=HYPERLINK("http://evil","x")',
        "'-2+3",
        "'@SUM(A1)",
    ]
    assert rows[0]["xa_count"] == "17"  # numbers untouched
    for row in rows:
        assert not any(v.startswith(("=", "+", "-", "@")) for v in row.values())


def test_the_log_keeps_every_publish(home):
    build, warehouse, exports = home
    first = publish.publish_warehouse(build, warehouse, exports, run_id="run-1")
    _write_build(build, ROWS[:2])
    second = publish.publish_warehouse(build, warehouse, exports, run_id="run-2")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        log = con.execute(
            "select publish_id, run_id, reporting_rows::varchar from audit.publish_log "
            "order by published_at, run_id"
        ).fetchall()
    assert [(p, r) for p, r, _ in log] == [
        (first.publish_id, "run-1"),
        (second.publish_id, "run-2"),
    ]
    assert json.loads(log[1][2]) == {"rpt_attainment": 2}
    assert first.build_sha256 != second.build_sha256
    assert (exports / first.publish_id).is_dir() and (exports / second.publish_id).is_dir()
    # The build itself never gets the audit schema: only published copies carry it.
    with duckdb.connect(str(build), read_only=True) as con:
        schemas = {r[0] for r in con.execute("select schema_name from duckdb_schemas()").fetchall()}
    assert "audit" not in schemas


def test_leftovers_of_a_crashed_publish_are_removed(home):
    build, warehouse, exports = home
    leftovers = [
        warehouse.with_name(".warehouse.20200101T000000Z-dead00.tmp"),
        warehouse.with_name(".warehouse.20200101T000000Z-dead00.tmp.wal"),
    ]
    for path in leftovers:
        path.write_bytes(b"half a file")
    staged = exports / ".20200101T000000Z-dead00.tmp"
    staged.mkdir(parents=True)
    (staged / "rpt_attainment.parquet").write_bytes(b"half")
    result = publish.publish_warehouse(build, warehouse, exports)
    assert {p.name for p in result.removed_leftovers} == {p.name for p in [*leftovers, staged]}
    assert not any(p.exists() for p in [*leftovers, staged])


def test_a_build_without_reporting_views_is_not_published(tmp_path):
    build, warehouse = tmp_path / "build.duckdb", tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(build)) as con:
        con.execute("create table t as select 1 as x")
    warehouse.write_bytes(b"the previous published warehouse")
    with pytest.raises(RuntimeError, match="nothing to publish"):
        publish.publish_warehouse(build, warehouse, tmp_path / "exports")
    assert warehouse.read_bytes() == b"the previous published warehouse"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build.duckdb", "warehouse.duckdb"]


@pytest.mark.parametrize(
    "point", ["publish-before-copy", "publish-mid-copy", "publish-before-rename"]
)
def test_a_failure_before_the_rename_changes_nothing(home, point):
    build, warehouse, exports = home
    publish.publish_warehouse(build, warehouse, exports)
    before = warehouse.read_bytes()
    _write_build(build, ROWS[:1])

    def fail_at(name: str) -> None:
        if name == point:
            raise OSError(f"disk full at {name}")

    with pytest.raises(OSError, match="disk full"):
        publish.publish_warehouse(build, warehouse, exports, crash_point=fail_at)
    assert warehouse.read_bytes() == before
    assert [p.name for p in warehouse.parent.iterdir() if p.name.startswith(".warehouse")] == []
    assert [p.name for p in exports.iterdir() if p.name.endswith(".tmp")] == []
    result = publish.publish_warehouse(build, warehouse, exports)
    assert result.views == {"rpt_attainment": 1}
