"""`ntm trace` on the demo warehouse (`demo_run`, read-only): every numeric column of every
reporting view recomputes exactly from its contributing cells, the cells are the archived
workbooks' cells, the command's exit codes, and the example of the issue."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support.fixtures import query
from tests.support.trace_cli import _invoke
from warehouse.trace import trace
from warehouse.trace_recipes import RECIPES

ISSUE_WHERE = "quarter = '2018Q4' and district_code = '026'"

# (view, where) pairs: a district row and a province row of each view (the audit: a version).
ROWS = {
    "rpt_attainment": [ISSUE_WHERE, "quarter = '2018Q4' and district_code is null"],
    "rpt_criteria_progress": [
        "quarter = '2019Q4' and district_code = '031' and criterion_no = 5",
        "quarter = '2017Q2' and district_code is null and criterion_no = 17",
    ],
    "rpt_poverty": [
        "quarter = '2019Q4' and district_code = '026'",
        "quarter = '2019Q4' and district_code is null",
    ],
    "rpt_funding_integration": [
        "quarter = '2018Q3' and district_code = '031'",
        "quarter = '2019Q2' and district_code is null",
    ],
    "rpt_reporting_status": [
        "quarter = '2020Q1' and district_code = '030'",
        "quarter = '2020Q1' and district_code is null",
    ],
    "rpt_commune_status": [
        "quarter = '2019Q4' and commune_code = '00715'",
        "quarter = '2019Q4' and commune_code = '00688' and is_default_unit",
    ],
    "rpt_targets": [
        "year = 2019 and target = 'new_ntm_communes'",
        "year = 2019 and target = 'avg_criteria_met'",
        "year = 2019 and target = 'ntm_advanced_communes'",
        "year = 2019 and target = 'poor_rate_reduction_pp'",
        "year = 2019 and target = 'poor_rate_reduction_pp_30a_districts'",
    ],
}


def _cases():
    for view, wheres in ROWS.items():
        for where in wheres:
            for column in RECIPES[view].measures:
                yield pytest.param(view, where, column, id=f"{view}:{column}:{where}")


def test_every_view_and_numeric_column_has_a_recipe(demo_run) -> None:
    settings, _ = demo_run
    numeric = ("bigint", "integer", "double", "decimal", "hugeint")
    views = query(
        settings,
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = 'reporting' order by table_name, ordinal_position",
    )
    expected: dict[str, set[str]] = {}
    for r in views:
        if r["data_type"].lower().startswith(numeric):
            expected.setdefault(r["table_name"], set()).add(r["column_name"])
    # keys are not figures: criterion_no, year
    expected["rpt_criteria_progress"].discard("criterion_no")
    expected["rpt_targets"].discard("year")
    assert {v: set(RECIPES[v].measures) for v in expected} == expected
    assert set(ROWS) | {"rpt_workbook_audit"} == set(RECIPES)


@pytest.mark.parametrize(("view", "where", "column"), list(_cases()))
def test_trace_recomputes_the_figure_exactly(demo_run, view, where, column) -> None:
    settings, report = demo_run
    assert report.success, report.failure
    result = trace(settings.warehouse_db, view, where, column, on_time_days=settings.on_time_days)
    assert result.matches, (result.figure, result.recomputed)
    assert result.recomputed == result.figure
    payload = json.loads(json.dumps(result.to_dict(), default=str))
    assert payload["figure"] == payload["recomputed"]


def test_workbook_audit_rows_trace(demo_run) -> None:
    settings, _ = demo_run
    audit = query(
        settings,
        "select workbook_sha256, status, is_current, superseded_by_sha256, in_force_sha256, "
        "archive_path from reporting.rpt_workbook_audit order by received_at, file_name",
    )
    # the demo's 219 workbooks in force and Hoàng Su Phì's rejected first 2019Q4 version
    assert len(audit) == 220
    accepted = [r for r in audit if r["status"] == "accepted"]
    assert len(accepted) == 219
    assert all(r["is_current"] for r in accepted)
    assert all(r["in_force_sha256"] == r["workbook_sha256"] for r in accepted)
    [rejected] = [r for r in audit if r["status"] == "rejected"]
    assert not rejected["is_current"]
    assert rejected["in_force_sha256"] in {r["workbook_sha256"] for r in accepted}
    assert all(Path(r["archive_path"]).exists() for r in audit)
    for column in RECIPES["rpt_workbook_audit"].measures:
        result = trace(
            settings.warehouse_db,
            "rpt_workbook_audit",
            f"workbook_sha256 = '{audit[7]['workbook_sha256']}'",
            column,
            on_time_days=settings.on_time_days,
        )
        assert result.matches, (column, result.figure, result.recomputed)


def test_issue_example_text_and_json(demo_run) -> None:
    settings, _ = demo_run
    args = ("--view", "rpt_attainment", "--where", ISSUE_WHERE, "--column", "ntm_communes")
    figure = query(
        settings, f"select ntm_communes from reporting.rpt_attainment where {ISSUE_WHERE}"
    )[0]["ntm_communes"]

    text = _invoke(*args, db=settings.warehouse_db)
    assert text.exit_code == 0, text.output
    assert f"figure:      {figure}" in text.output
    assert "Số xã đạt chuẩn NTM" in text.output
    assert "MISMATCH" not in text.output

    result = _invoke(*args, "--format", "json", db=settings.warehouse_db)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["figure"] == payload["recomputed"] == figure
    assert payload["matches"] is True
    # the row's key is the view's grain: a district's quarter under one criteria set
    assert payload["row"] == {
        "quarter": "2018Q4",
        "province_code": "02",
        "district_code": "026",
        "criteria_set": "QD1980_2016",
    }
    contributions = [c for s in payload["sources"] for c in s["contributions"]]
    assert len(contributions) == figure
    for source in payload["sources"]:
        assert source["file_name"].startswith("NTM_02-026_2018Q4")
        assert re.fullmatch(r"[0-9a-f]{64}", source["workbook_sha256"])
        assert source["received_at"]
        for c in source["contributions"]:
            level = [cell for cell in c["cells"] if cell["field"] == "ntm_level"]
            assert level and re.fullmatch(r"[A-Z]+\d+", level[0]["cell"])
            assert level[0]["value"] in ("NTM", "NTM nâng cao", "NTM kiểu mẫu")


def _archived_value(archive_path: str, sheet: str, cell: str):
    from python_calamine import CalamineWorkbook

    letters, row = re.fullmatch(r"([A-Z]+)(\d+)", cell).groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - ord("A") + 1
    rows = (
        CalamineWorkbook.from_path(archive_path)
        .get_sheet_by_name(sheet)
        .to_python(skip_empty_area=False)
    )
    return rows[int(row) - 1][column - 1]


def _same(raw: str, archived) -> bool:
    if isinstance(archived, int | float) and not isinstance(archived, bool):
        return float(raw) == float(archived)
    text = str(archived).strip()
    try:  # numbers typed as Vietnamese text: '1.234' or '1.234,5'
        return float(raw) == float(text.replace(".", "").replace(",", "."))
    except ValueError:
        return raw == text


@pytest.mark.parametrize(
    ("view", "where", "column", "field"),
    [
        ("rpt_poverty", "quarter = '2019Q4' and district_code = '026'", "households", "households"),
        (
            "rpt_poverty",
            "quarter = '2018Q4' and district_code = '030'",
            "poor_households",
            "poor_households",
        ),
        (
            "rpt_funding_integration",
            "quarter = '2018Q3' and district_code = '031'",
            "actual_ytd_million_vnd",
            "actual_ytd_million_vnd",
        ),
        (
            "rpt_attainment",
            "quarter = '2020Q4' and district_code = '024'",
            "ntm_communes",
            "ntm_level",
        ),
    ],
)
def test_cells_are_the_archived_workbooks_cells(demo_run, view, where, column, field) -> None:
    settings, _ = demo_run
    payload = trace(
        settings.warehouse_db, view, where, column, on_time_days=settings.on_time_days
    ).to_dict()
    checked = 0
    for source in payload["sources"]:
        assert Path(source["archive_path"]).name.startswith(source["workbook_sha256"])
        for c in source["contributions"][:5]:
            cell = next(x for x in c["cells"] if x["field"] == field)
            archived = _archived_value(source["archive_path"], c["sheet_name"], cell["cell"])
            assert _same(cell["value"], archived), (source["file_name"], cell, archived)
            checked += 1
    assert checked > 0


def test_quarter_figure_reads_the_previous_quarters_cell(demo_run) -> None:
    """A correction (Bắc Mê, 2018Q3): the line's cumulative minus the 2018Q2 cumulative cell."""
    settings, _ = demo_run
    where = "quarter = '2018Q3' and district_code = '031'"
    payload = trace(
        settings.warehouse_db,
        "rpt_funding_integration",
        where,
        "correction_lines",
        on_time_days=settings.on_time_days,
    )
    data = payload.to_dict()
    assert data["figure"] == data["recomputed"] == 1
    (source,) = data["sources"]
    (line,) = source["contributions"]
    current, previous = line["cells"]
    assert previous["field"].startswith("previous actual_ytd_million_vnd (NTM_02-031_2018Q2")
    assert float(current["value"]) < float(previous["value"])
    archive = query(
        settings,
        "select archive_path from reporting.rpt_workbook_audit "
        "where district_code = '031' and quarter = '2018Q2'",
    )[0]["archive_path"]
    sheet = previous["field"].split(", ")[-1].rstrip(")")
    assert _same(previous["value"], _archived_value(archive, sheet, previous["cell"]))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--view", "rpt_nothing", "--where", "true", "--column", "x"), "unknown view"),
        (("--view", "rpt_attainment", "--where", ISSUE_WHERE, "--column", "quarter"), "not a"),
        (
            ("--view", "rpt_attainment", "--where", "quarter = '1999Q4'", "--column", "xa_count"),
            "no row",
        ),
        (
            ("--view", "rpt_attainment", "--where", "quarter = '2018Q4'", "--column", "xa_count"),
            "several",
        ),
        (
            ("--view", "rpt_attainment", "--where", "true); select (1", "--column", "xa_count"),
            "one",
        ),
        (("--view", "rpt_attainment", "--where", "quarter = ", "--column", "xa_count"), "parse"),
        (
            (
                "--view",
                "rpt_attainment",
                "--where",
                "exists (select * from read_csv('/etc/hosts'))",
                "--column",
                "xa_count",
            ),
            "failed",
        ),
    ],
)
def test_usage_errors_exit_2(demo_run, args, message) -> None:
    settings, _ = demo_run
    result = _invoke(*args, db=settings.warehouse_db)
    assert result.exit_code == 2, result.output
    assert message in result.output
