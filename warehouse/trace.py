"""`ntm trace`: follow a figure of a reporting view back to the cells it was computed from.

    ntm trace --view rpt_attainment --where "quarter = '2018Q4' and district_code = '026'" \\
              --column ntm_communes [--format text|json] [--db PATH]

1. The warehouse (default ``$NTM_HOME/warehouse.duckdb``, the published copy) is opened READ-ONLY
   with external access disabled (no file or network reads or writes from SQL).
2. ``--where`` selects exactly one row of ``reporting.<view>``. It is the only text given by the
   user that reaches SQL: it must parse, together with the view's select, as ONE select
   statement, and it runs on that read-only, sandboxed connection. ``--view`` and ``--column``
   are checked against the recipes (warehouse/trace_recipes/) and never reach SQL as text.
3. The recipe of (view, column), a declaration the engine (trace_recipes/engine.py) turns into
   a query, returns the contributing source rows: workbook file, version (sha256), received
   time, sheet, cell references and raw values, and the terms the formula combines; the
   selected row's values are bound as parameters.
4. The figure is recomputed from the contributions with the view's own arithmetic and rounding
   (and the settings it was built with: the on-time window), independently of the view, and
   printed next to the view's figure; a difference is reported as MISMATCH (exit code 1).

Exit codes: 0 the figure is traced and recomputes exactly; 1 MISMATCH; 2 usage error (unknown
view or column, a where clause that is not one select condition or that matches 0 or >1 rows,
no warehouse).
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from sources.paths import REPORTING_SCHEMA
from warehouse.trace_recipes import RECIPES
from warehouse.trace_recipes.engine import Agg, Measure, Recipe

PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")


class TraceError(Exception):
    """A usage error: unknown view or column, a bad where clause, 0 or several rows."""


# --- the trace ------------------------------------------------------------------------------------
@dataclass
class Trace:
    view: str
    column: str
    where: str
    row: dict[str, Any]
    keys: dict[str, Any]
    measure: Measure
    figure: Any
    recomputed: Any
    contributions: list[dict[str, Any]]
    elapsed_s: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return same_value(self.figure, self.recomputed)

    def term_totals(self) -> dict[str, Any]:
        agg = Agg(self.contributions, None)
        return {term: agg.total(term) for term in self.measure.terms}

    def sources(self) -> list[dict[str, Any]]:
        """Contributions grouped by source file (workbook version, ledger or reference)."""
        groups: dict[tuple, dict[str, Any]] = {}
        for c in self.contributions:
            key = (c["source_type"], c["file_name"], c["workbook_sha256"])
            group = groups.get(key)
            if group is None:
                group = groups[key] = {
                    "source_type": c["source_type"],
                    "file_name": c["file_name"],
                    "workbook_sha256": c["workbook_sha256"],
                    "received_at": c["received_at"],
                    "archive_path": c["archive_path"],
                    "district_code": c["district_code"],
                    "quarter": c["source_quarter"],
                    "contributions": [],
                }
            group["contributions"].append(
                {
                    "sheet_name": c["sheet_name"],
                    "excel_row": c["excel_row"],
                    "item": c["item"],
                    "cells": [dict(cell) for cell in c["cells"] or []],
                    "terms": {t: c[t] for t in self.measure.terms},
                }
            )
        return list(groups.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "view": f"{REPORTING_SCHEMA}.{self.view}",
            "column": self.column,
            "label_en": self.measure.label_en,
            "label_vi": self.measure.label_vi,
            "where": self.where,
            "row": self.keys,
            "figure": self.figure,
            "recomputed": self.recomputed,
            "matches": self.matches,
            "formula": self.measure.formula,
            "formula_kind": self.measure.kind,
            "terms": self.term_totals(),
            "contribution_count": len(self.contributions),
            "source_count": len(self.sources()),
            "sources": self.sources(),
            "notes": self.notes,
            "elapsed_s": round(self.elapsed_s, 3),
        }


def same_value(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        return float(a) == float(b) or (math.isnan(float(a)) and math.isnan(float(b)))
    return a == b


def connect(db_path: Path) -> duckdb.DuckDBPyConnection:
    if not db_path.exists():
        raise TraceError(f"no warehouse at {db_path} (run `ntm run` first, or pass --db)")
    return duckdb.connect(str(db_path), read_only=True, config={"enable_external_access": False})


def recipe_for(view: str) -> Recipe:
    name = view.removeprefix(f"{REPORTING_SCHEMA}.")
    if name not in RECIPES:
        raise TraceError(f"unknown view {view!r}; traceable views: {', '.join(sorted(RECIPES))}")
    return RECIPES[name]


def select_row(con: duckdb.DuckDBPyConnection, recipe: Recipe, where: str) -> dict[str, Any]:
    """The one row of the view the where clause selects (TraceError on 0 or several)."""
    sql = f'select * from {REPORTING_SCHEMA}."{recipe.view}" where ({where})'
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as error:
        raise TraceError(f"--where does not parse: {error}") from error
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
        raise TraceError("--where must be one condition of a select, not several statements")
    try:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchmany(2)
        cursor.fetchall()
    except duckdb.Error as error:
        raise TraceError(f"--where failed on {recipe.view}: {error}") from error
    if not rows:
        raise TraceError(f"--where matches no row of {recipe.view}: {where}")
    if len(rows) > 1:
        raise TraceError(
            f"--where matches several rows of {recipe.view}; narrow it to one with its keys "
            f"({', '.join(recipe.keys)}; a province row has district_code is null)"
        )
    return dict(zip(names, rows[0], strict=True))


def contributions_of(
    con: duckdb.DuckDBPyConnection, recipe: Recipe, measure: Measure, row: Mapping[str, Any]
) -> list[dict[str, Any]]:
    sql = recipe.sql(measure)
    names = sorted(set(PARAMETER.findall(sql)))
    missing = [n for n in names if n not in row]
    if missing:  # a recipe bug, not a user error
        raise RuntimeError(f"recipe parameters {missing} are not columns of the view")
    cursor = con.execute(sql, {n: row[n] for n in names})
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]


def trace(
    db_path: Path,
    view: str,
    where: str,
    column: str,
    *,
    on_time_days: int,
) -> Trace:
    """Trace ``column`` of the one row of ``view`` that ``where`` selects. ``on_time_days`` is
    the on-time window the warehouse was built with (NTM_ON_TIME_DAYS: rpt_reporting_status)."""
    started = time.perf_counter()
    recipe = recipe_for(view)
    if column not in recipe.measures:
        raise TraceError(
            f"{column!r} is not a traceable numeric column of {recipe.view}; "
            f"columns: {', '.join(recipe.measures)}"
        )
    with connect(db_path) as con:
        row = select_row(con, recipe, where)
        measure = recipe.measure(column, row)
        rows = contributions_of(con, recipe, measure, row)
        recomputed = measure.compute(Agg(rows, con, {"on_time_days": on_time_days}))
    result = Trace(
        view=recipe.view,
        column=column,
        where=where,
        row=row,
        keys={k: row[k] for k in recipe.keys},
        measure=measure,
        figure=row[column],
        recomputed=recomputed,
        contributions=rows,
    )
    result.elapsed_s = time.perf_counter() - started
    return result


# --- output ---------------------------------------------------------------------------------------
def as_text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return str(value)


def render_json(result: Trace) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=_json_default)


def render_text(result: Trace) -> str:
    m = result.measure
    keys = ", ".join(f"{k} = {as_text(v)}" for k, v in result.keys.items())
    lines = [
        f"{REPORTING_SCHEMA}.{result.view}.{result.column}  ({keys})",
        f"  {m.label_en} ({m.label_vi})",
        f"  figure:      {as_text(result.figure)}",
        f"  recomputed:  {as_text(result.recomputed)} from {len(result.contributions)} "
        f"contribution(s) in {len(result.sources())} source(s)"
        + ("" if result.matches else "   <<< MISMATCH: the sources do not give the figure >>>"),
        f"  formula:     {m.formula}",
        "  terms:       "
        + ", ".join(f"Σ {t} = {as_text(v)}" for t, v in result.term_totals().items()),
    ]
    lines.extend(f"  note:        {note}" for note in result.notes)
    lines.append("")
    for source in result.sources():
        if source["source_type"] == "workbook":
            lines.append(
                f"{source['file_name']}  sha256 {source['workbook_sha256'][:12]}…  "
                f"received {as_text(source['received_at'])}  (district {source['district_code']}, "
                f"{source['quarter']})"
            )
        elif source["source_type"] == "ledger":
            sha = source["workbook_sha256"]
            version = f", sha256 {sha[:12]}…" if sha else ""
            lines.append(
                f"{source['file_name']}  (warehouse ledger: raw.workbook_versions{version})"
            )
        else:
            lines.append(f"{source['file_name']}  (reference data)")
        for c in source["contributions"]:
            where = f"{c['sheet_name']}!row {c['excel_row']}" if c["sheet_name"] is not None else ""
            cells = " ".join(
                f"{cell['cell'] or cell['field']}={as_text(cell['value'])}" for cell in c["cells"]
            )
            terms = " ".join(f"{t}={as_text(v)}" for t, v in c["terms"].items())
            lines.append(f"    {where:<20} {c['item'] or '':<34} {cells}   → {terms}")
        lines.append("")
    lines.append(f"(traced in {result.elapsed_s:.2f} s, warehouse opened read-only)")
    return "\n".join(lines)


__all__ = ["Trace", "TraceError", "render_json", "render_text", "trace"]
