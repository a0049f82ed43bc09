"""The trace engine on a tiny hand-made DuckDB: a declared measure becomes the query of its
contributions (one per source row of the selected area, with its cells) and the figure is
recomputed with the views' arithmetic (sums per district, guards, ratios, DuckDB's rounding)."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from warehouse.trace import contributions_of
from warehouse.trace_recipes.engine import (
    Agg,
    ByKey,
    Measure,
    Ratio,
    Recipe,
    Source,
    Total,
    cell,
    count,
    ledger_cell,
)


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        """
        create table workbooks as select * from (values
            ('a1', 'NTM_02-024_2019Q4.xlsx', timestamp '2020-01-05', '/archive/a1.xlsx'),
            ('b1', 'NTM_02-026_2019Q4.xlsx', timestamp '2020-01-09', '/archive/b1.xlsx')
        ) as t(workbook_sha256, file_name, received_at, archive_path);
        create table lines as select * from (values
            ('02', '024', '2019Q4', 'a1', 7, 1.25::double, 'E7', true),
            ('02', '024', '2019Q4', 'a1', 8, 2.5, 'E8', false),
            ('02', '026', '2019Q4', 'b1', 7, 0.125, 'E7', true),
            ('02', '026', '2019Q3', 'b1', 7, 99.0, 'E7', true),
            ('03', '040', '2019Q4', 'b1', 7, 50.0, 'E7', true)
        ) as t(province_code, district_code, quarter, workbook_sha256, excel_row, amount,
               amount_cell, is_ntm);
        create table reports as select * from (values
            ('02', '024', '2019Q4', true), ('02', '026', '2019Q4', true),
            ('02', '027', '2019Q4', false)
        ) as t(province_code, district_code, quarter, has_report);
        """
    )
    return con


LINES = Source(
    name="lines",
    relation="lines as l inner join workbooks as w on l.workbook_sha256 = w.workbook_sha256",
    item="'line ' || l.excel_row",
    district="l.district_code",
    quarter="l.quarter",
    sheet="'Nguon von'",
    excel_row="l.excel_row",
    cells={"amount": cell("l", "amount")},
    terms={"amount": "l.amount", "ntm": "case when l.is_ntm then 1 else 0 end", "line": "1"},
    area="l",
    where="l.quarter = sel.quarter",
    order="l.district_code, l.excel_row",
)
DISTRICTS = Source(
    name="districts",
    relation="reports as r",
    origin="'reference' as source_type, 'reports' as file_name, null as workbook_sha256, "
    "null as received_at, null as archive_path",
    item="'district ' || r.district_code",
    district="r.district_code",
    quarter="r.quarter",
    cells={"has_report": ledger_cell("has_report", "r.has_report")},
    terms={"reporting": "case when r.has_report then 1 else 0 end"},
    area="r",
    where="r.quarter = sel.quarter",
)


def measure(figure, *reads, **options) -> Measure:
    return Measure("label", "nhãn", "formula", reads or (LINES.read("amount"),), figure, **options)


RECIPE = Recipe(
    view="rpt_lines",
    keys=("quarter", "province_code", "district_code"),
    measures={
        "amount": measure(Total("amount", digits=1)),
        "by_kind": ByKey(
            "kind",
            {
                "all": measure(count("line")),
                "ntm": measure(count("ntm"), LINES.read("amount", where="l.is_ntm")),
            },
        ),
    },
)
PROVINCE = {"quarter": "2019Q4", "province_code": "02", "district_code": None}
DISTRICT = {**PROVINCE, "district_code": "026"}


def figure(con, m: Measure, row: dict[str, Any], context=None) -> tuple[Any, list[dict]]:
    rows = contributions_of(con, RECIPE, m, row)
    return m.compute(Agg(rows, con, context)), rows


def test_contributions_are_the_source_rows_of_the_selected_area(con) -> None:
    value, rows = figure(con, RECIPE.measure("amount", PROVINCE), PROVINCE)
    assert [(r["district_code"], r["excel_row"]) for r in rows] == [
        ("024", 7),
        ("024", 8),
        ("026", 7),
    ]
    assert rows[0]["source_type"] == "workbook"
    assert rows[0]["file_name"] == "NTM_02-024_2019Q4.xlsx"
    assert rows[0]["cells"] == [{"field": "amount", "cell": "E7", "value": "1.25"}]
    assert value == 3.9  # DuckDB's round(3.875, 1)

    value, rows = figure(con, RECIPE.measure("amount", DISTRICT), DISTRICT)
    assert [r["district_code"] for r in rows] == ["026"]
    assert value == 0.1


def test_a_column_may_depend_on_the_row(con) -> None:
    assert figure(con, RECIPE.measure("by_kind", {**PROVINCE, "kind": "all"}), PROVINCE)[0] == 3
    assert figure(con, RECIPE.measure("by_kind", {**PROVINCE, "kind": "ntm"}), PROVINCE)[0] == 2


def test_ratio_sums_per_district_then_divides(con) -> None:
    share = measure(Ratio("ntm", ("line",)))
    assert share.terms == ("ntm", "line")
    assert figure(con, share, PROVINCE)[0] == 66.67
    average = measure(Ratio("amount", ("line", "ntm"), percent=False, digits=3))
    assert figure(con, average, PROVINCE)[0] == 0.775  # 3.875 / (3 + 2)


def test_several_sources_are_unioned_in_order_and_guard_the_figure(con) -> None:
    amount = measure(
        Total("amount", empty=0.0),
        LINES.read("amount", where="not l.is_ntm"),
        DISTRICTS.read("has_report"),
        order="district_code, excel_row nulls first",
        null_unless="reporting",
    )
    assert amount.terms == ("amount", "reporting")
    value, rows = figure(con, amount, PROVINCE)
    assert [(r["source_type"], r["district_code"]) for r in rows] == [
        ("reference", "024"),
        ("workbook", "024"),
        ("reference", "026"),
        ("reference", "027"),
    ]
    assert rows[0]["cells"] == [{"field": "has_report", "cell": None, "value": "true"}]
    assert value == 2.5
    no_report = {**PROVINCE, "district_code": "027"}
    assert figure(con, amount, no_report)[0] is None

    blank_if_ntm = measure(Total("amount"), null_if="ntm")
    assert figure(con, blank_if_ntm, PROVINCE)[0] is None


def test_reported_only_rows_are_null_whatever_the_sources_hold(con) -> None:
    lines = measure(count("line"), reported_only=True)
    assert figure(con, lines.for_row({**PROVINCE, "districts_reporting": 2}), PROVINCE)[0] == 3
    silent = lines.for_row({**PROVINCE, "districts_reporting": 0})
    assert silent.formula.endswith("null: no district of the row reported")
    assert silent.terms == lines.terms
    assert figure(con, silent, PROVINCE)[0] is None
