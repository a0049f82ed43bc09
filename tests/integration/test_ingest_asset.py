"""The ingest asset alone, through Dagster's own `materialize`, on real files in a temp landing."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.support.factories import CRITERIA, valid_sheets, valid_workbook, write_xlsx
from warehouse.settings import Settings

PARTITION_2019Q1 = "2019-01-01"


def _materialize_ingest(settings: Settings) -> dg.ExecuteInProcessResult:

    from orchestration.defs.ingest.assets import ingest_district_workbooks
    from orchestration.defs.resources import WarehouseHome, build_resources

    return dg.materialize(
        [ingest_district_workbooks],
        partition_key=PARTITION_2019Q1,
        resources=build_resources(WarehouseHome.of(settings)),
    )


def _workbook_metadata(result: dg.ExecuteInProcessResult) -> dict[str, object]:
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        if materialization.asset_key == dg.AssetKey(["raw", "workbook_versions"]):
            return {k: v.value for k, v in materialization.metadata.items()}
    raise AssertionError("no materialization of raw/workbook_versions")


def _broken_flag_workbook(path: Path) -> Path:
    sheets = valid_sheets()
    sheets[CRITERIA][3][5] = "có lẽ"  # row 4 of 'Tieu chi', column TC3: neither met nor not met
    return write_xlsx(path, sheets)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def landing(ntm_home: Settings) -> dict[str, Path]:
    good = valid_workbook(ntm_home.landing_dir / "NTM_02-026_2019Q1.xlsx")
    bad = _broken_flag_workbook(ntm_home.landing_dir / "NTM_02-026_2019Q1_v2.xlsx")
    return {"good": good, "bad": bad}


def test_accepts_the_good_rejects_the_bad_and_keeps_both(ntm_home, landing):
    before = {name: _digest(path) for name, path in landing.items()}
    result = _materialize_ingest(ntm_home)
    assert result.success
    metadata = _workbook_metadata(result)
    assert (metadata["accepted"], metadata["rejected"]) == (1, 1)

    with duckdb.connect(str(ntm_home.build_db), read_only=True) as con:
        versions = dict(
            con.execute("select file_name, status from raw.workbook_versions").fetchall()
        )
        criteria = con.execute(
            "select count(*), count(distinct workbook_sha256) from raw.criteria_rows"
        ).fetchone()
        rejection = con.execute(
            "select sheet_name, excel_row, column_name, cell_ref, value, rule_id "
            "from raw.rejections where severity = 'error'"
        ).fetchall()
    assert versions == {
        "NTM_02-026_2019Q1.xlsx": "accepted",
        "NTM_02-026_2019Q1_v2.xlsx": "rejected",
    }
    assert criteria == (17, 1)  # Đồng Văn's 17 xã, from the accepted file only
    assert rejection == [("Tieu chi", 4, "TC3", "F4", "có lẽ", "TC-001")]

    # Originals untouched; the accepted file archived by content, the rejected one quarantined
    # with a report in both languages.
    assert {name: _digest(path) for name, path in landing.items()} == before
    assert (ntm_home.archive_dir / f"{before['good']}.xlsx").exists()
    report = next((ntm_home.rejected_dir / before["bad"]).glob("*.errors.csv"))
    with report.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["rule_id"], r["cell_ref"]) for r in rows if r["severity"] == "error"] == [
        ("TC-001", "F4")
    ]
    assert rows[0]["message_vi"] and rows[0]["message_en"]


def test_the_same_bytes_are_processed_once(ntm_home, landing):
    _materialize_ingest(ntm_home)
    copy = ntm_home.landing_dir / "copy of NTM_02-026_2019Q1.xlsx"
    copy.write_bytes(landing["good"].read_bytes())
    again = _workbook_metadata(_materialize_ingest(ntm_home))
    assert (again["accepted"], again["rejected"], again["already_loaded"]) == (0, 0, 3)
    with duckdb.connect(str(ntm_home.build_db), read_only=True) as con:
        assert con.execute("select count(*) from raw.workbook_versions").fetchone()[0] == 2
        assert con.execute("select count(*) from raw.criteria_rows").fetchone()[0] == 17


def test_other_quarters_wait_for_their_partition(ntm_home):
    sheets = valid_sheets()
    sheets["Thong tin"][4][1] = "2019-Q2"
    write_xlsx(ntm_home.landing_dir / "NTM_02-026_2019Q2.xlsx", sheets)
    metadata = _workbook_metadata(_materialize_ingest(ntm_home))
    assert (metadata["accepted"], metadata["rejected"]) == (0, 0)
    with duckdb.connect(str(ntm_home.build_db), read_only=True) as con:
        assert con.execute("select count(*) from raw.workbook_versions").fetchone()[0] == 0
