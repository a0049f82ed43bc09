"""Commune workbooks through the warehouse's ingest into a real DuckDB raw layer, beside district
workbooks: the kind follows the quarter (COV-016/COV-017), rows land in raw.criterion_rows, every
cover value's cell in raw.cover_cells, every finding in raw.rejections."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from sources.demo.national import national_jobs, write_district
from tests.support import commune as c
from tests.support import factories as f
from tests.support.fixtures import make_home
from warehouse import ingest
from warehouse.raw_store import ensure_raw_tables

TODAY = date(2026, 6, 1)
GOOD = c.FILE_NAME
DISTRICT_2025Q4 = "NTM_02-026_2025Q4.xlsx"
COMMUNE_2025Q1 = "NTM_08-00691_2025Q1.xlsx"
MISSING_CRITERION = "NTM_08-00694_2026Q1_missing.xlsx"
DUPLICATE_CODE = "NTM_08-00694_2026Q1_twice.xlsx"
WRONG_HOUSEHOLDS = "NTM_08-00694_2026Q1_households.xlsx"


def _other_commune() -> c.Sheets:
    """The baseline for 00694 Phường Hà Giang 1 (another commune of Tuyên Quang)."""
    sheets = c.commune_sheets()
    c.set_cover(sheets, "commune_code", c.OTHER_COMMUNE)
    c.set_cover(sheets, "commune_name", "Phường Hà Giang 1")
    sheets[c.HOUSEHOLDS][1][1:3] = [c.OTHER_COMMUNE, "Phường Hà Giang 1"]
    sheets[c.FUNDING][2][1] = c.OTHER_COMMUNE
    return sheets


def _messy() -> dict[str, c.Sheets]:
    missing = _other_commune()
    missing[c.CRITERIA].remove(c.criterion_row(missing, "7"))
    twice = _other_commune()
    c.criterion_row(twice, "4")[1] = "5"
    households = _other_commune()
    households[c.HOUSEHOLDS][1][1] = c.COMMUNE
    return {MISSING_CRITERION: missing, DUPLICATE_CODE: twice, WRONG_HOUSEHOLDS: households}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory):
    """One batch: a good commune workbook, the messy ones, a district workbook for 2025Q4, a
    commune workbook for 2025Q1 and another district's accepted 2019Q4 workbook."""
    root = tmp_path_factory.mktemp("commune_ingest")
    settings = make_home(root)
    landing = settings.landing_dir
    c.commune_workbook(landing)
    sheets = c.set_cover(c.commune_sheets(), "quarter", "2025-Q1")
    c.commune_workbook(landing, sheets, COMMUNE_2025Q1)
    for name, messy in _messy().items():
        c.commune_workbook(landing, messy, name)
    f.write_xlsx(landing / DISTRICT_2025Q4, f.sheets_for("2025Q4"))
    district_2019 = write_district(national_jobs(root / "national", [(2019, 4)], seed=7)[-1])
    (landing / district_2019.name).write_bytes(district_2019.read_bytes())
    with duckdb.connect(str(settings.build_db)) as con:
        ensure_raw_tables(con)
        summary = ingest.ingest_landing(con, settings, load_id="load", today=TODAY, workers=1)
        versions = {
            row[0]: row[1:]
            for row in con.execute(
                "select file_name, status, workbook_kind, province_code, district_code, "
                "commune_code, commune_name, commune_group, criteria_met_reported, quarter "
                "from raw.workbook_versions"
            ).fetchall()
        }
        rules = {}
        for name, rule_id in con.execute(
            "select file_name, rule_id from raw.rejections"
        ).fetchall():
            rules.setdefault(name, set()).add(rule_id)
        criterion_rows = con.execute(
            "select criterion_code, criterion_no, indicator_no, is_met, excel_row, sheet_name "
            "from raw.criterion_rows r join raw.workbook_versions v using (workbook_sha256) "
            "where v.file_name = ? order by excel_row",
            [GOOD],
        ).fetchall()
        tables = {
            table: con.execute(
                f"select count(*) from raw.{table} t join raw.workbook_versions v "
                "using (workbook_sha256) where v.file_name = ?",
                [GOOD],
            ).fetchone()[0]
            for table in ("criteria_rows", "household_rows", "funding_rows")
        }
        columns = dict(
            con.execute(
                "select field, column_letter from raw.sheet_columns s join raw.workbook_versions v "
                "using (workbook_sha256) where v.file_name = ? and s.sheet_name = 'Tieu chi'",
                [GOOD],
            ).fetchall()
        )
        cover_cells = {
            (name, field): cell
            for name, field, cell in con.execute(
                "select v.file_name, c.field, c.cell_ref from raw.cover_cells c "
                "join raw.workbook_versions v using (workbook_sha256)"
            ).fetchall()
        }
    return {
        "summary": summary,
        "versions": versions,
        "rules": rules,
        "criterion_rows": criterion_rows,
        "tables": tables,
        "columns": columns,
        "cover_cells": cover_cells,
        "district_2019": district_2019.name,
    }


def test_accepted_commune_workbook_loads_its_rows(loaded) -> None:
    status, kind, province, district, commune, name, group, met, quarter = loaded["versions"][GOOD]
    assert (status, kind, province, district, commune) == (
        "accepted",
        "commune",
        "08",
        None,
        "00691",
    )
    assert (name, group, met, quarter) == (c.COMMUNE_NAME, "1", 7, "2026Q1")
    rows = loaded["criterion_rows"]
    assert len(rows) == 12  # ten criteria and two indicator rows
    assert rows[0] == ("1", 1, None, True, 3, "Tieu chi")
    assert rows[1][:3] == ("1.1", 1, 1)
    assert sum(1 for row in rows if row[2] is None and row[3]) == 7
    assert loaded["tables"] == {"criteria_rows": 0, "household_rows": 1, "funding_rows": 3}
    assert loaded["columns"]["is_met"] == "D" and loaded["columns"]["criterion_code"] == "B"
    assert loaded["cover_cells"][(GOOD, "commune_group")] == "B9"
    assert loaded["cover_cells"][(GOOD, "criteria_met_reported")] == "B11"
    assert GOOD not in loaded["rules"]


def test_district_workbook_after_the_reform_is_rejected_beside_an_accepted_one(loaded) -> None:
    versions, rules = loaded["versions"], loaded["rules"]
    assert versions[DISTRICT_2025Q4][:2] == ("rejected", "district")
    assert "COV-016" in rules[DISTRICT_2025Q4]
    # the district no longer exists: its old communes are not listed as "missing" on top
    assert not {"XREF-002", "HH-005"} & set(rules[DISTRICT_2025Q4])
    old = versions[loaded["district_2019"]]
    assert old[:2] == ("accepted", "district") and old[-1] == "2019Q4" and old[4] is None
    assert (loaded["district_2019"], "district_code") in loaded["cover_cells"]


def test_commune_workbook_before_the_reform_is_rejected(loaded) -> None:
    assert loaded["versions"][COMMUNE_2025Q1][:2] == ("rejected", "commune")
    assert "COV-017" in loaded["rules"][COMMUNE_2025Q1]


@pytest.mark.parametrize(
    ("name", "rule_id"),
    [(MISSING_CRITERION, "TC-014"), (DUPLICATE_CODE, "TC-015"), (WRONG_HOUSEHOLDS, "HH-007")],
)
def test_messy_commune_workbooks_are_rejected(loaded, name: str, rule_id: str) -> None:
    assert loaded["versions"][name][:2] == ("rejected", "commune")
    assert rule_id in loaded["rules"][name]
    summary = loaded["summary"]
    rejected = {o.file.file_name: o for o in summary.rejected}
    assert rejected[name].reporter_key == "08-00694"
    assert summary.reports[rejected[name].file.sha256].exists()
