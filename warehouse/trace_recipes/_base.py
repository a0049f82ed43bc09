"""The shapes of a trace recipe: a view's keys and, per numeric column, a Measure.

A Measure's ``sql`` returns the contributing source rows of ONE selected view row. It reads the
row's values as named parameters (``$quarter``, ``$district_code``, ...: only the ones it names
are bound, always as parameters, never spliced into the text) and returns these columns, in any
order:

    source_type      'workbook' (a cell of a district workbook version), 'ledger' (a row of
                     raw.workbook_versions / raw.rejections: what the warehouse recorded about a
                     file) or 'reference' (a row of a reference seed)
    file_name        workbook file as received, or the seed / table the row comes from
    workbook_sha256  workbook version (null for references)
    received_at      when the warehouse first saw the file (null for references)
    archive_path     where the file is kept (null for references)
    district_code    district the row belongs to (null when none)
    source_quarter   quarter of the workbook (a year-ago or previous quarter for differences)
    sheet_name       sheet of the workbook (null for ledger and references)
    excel_row        Excel row (null for ledger and references)
    item             what the row is, for people: 'xã 00712 Xã Thuận Hòa', 'TC05', ...
    cells            list of {field, cell, value}: the cells read and their raw values as loaded
    <terms>          one numeric column per term the Measure's formula combines

``compute(agg)`` recomputes the view's figure from the terms exactly as the view does (same
grouping, same arithmetic, same rounding, through DuckDB's own ``round``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Measure:
    label_en: str
    label_vi: str
    formula: str  # in words, English
    sql: str
    terms: tuple[str, ...]
    compute: Callable[[Any], Any]
    kind: str = "sum"  # count | sum | ratio | share | difference | lookup | max | rank


@dataclass(frozen=True)
class Recipe:
    view: str
    keys: tuple[str, ...]
    # column -> Measure, or a function of the selected row giving the Measure (rpt_targets: the
    # actual's recipe depends on the row's target)
    measures: Mapping[str, Measure | Callable[[Mapping[str, Any]], Measure]] = field(
        default_factory=dict
    )

    def measure(self, column: str, row: Mapping[str, Any]) -> Measure:
        found = self.measures[column]
        return found if isinstance(found, Measure) else found(row)


# --- SQL fragments shared by the recipes (constant text, never user input) --------------------

# The selected row's keys, typed (a NULL parameter has no type of its own).
SELECTED_AREA = """
    sel as (
        select
            cast($quarter as varchar) as quarter,
            cast($province_code as varchar) as province_code,
            cast($district_code as varchar) as district_code
    )
"""

# A district row takes its own district; a province row (district_code null) every district.
IN_AREA = """
    {alias}.province_code = sel.province_code
    and (sel.district_code is null or {alias}.district_code = sel.district_code)
"""


def in_area(alias: str) -> str:
    return IN_AREA.format(alias=alias)


def workbook_source(workbook_alias: str = "w") -> str:
    """The file columns of a contribution read from a workbook (join marts.dim_source_workbook)."""
    return f"""
        'workbook' as source_type,
        {workbook_alias}.file_name,
        {workbook_alias}.workbook_sha256,
        {workbook_alias}.received_at,
        {workbook_alias}.archive_path
    """


def reference_source(seed: str) -> str:
    return f"""
        'reference' as source_type,
        'dbt_project/seeds/reference/{seed}.csv' as file_name,
        cast(null as varchar) as workbook_sha256,
        cast(null as timestamp) as received_at,
        cast(null as varchar) as archive_path,
        cast(null as varchar) as sheet_name,
        cast(null as integer) as excel_row
    """
