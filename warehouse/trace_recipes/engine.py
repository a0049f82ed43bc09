"""The one engine of the trace recipes: a view's columns are declared (which source relations a
figure reads, the cells and terms it takes from each row, the filters, the aggregation) and the
engine builds the query of the contributions and recomputes the figure from them.

Every query returns one row per contribution with these columns:

    source_type      'workbook' (a cell of a district workbook version), 'ledger' (a row of
                     raw.workbook_versions / raw.rejections: what the warehouse recorded about a
                     file) or 'reference' (a row of a reference seed)
    file_name, workbook_sha256, received_at, archive_path    the file (see `Source.origin`)
    district_code    district the row belongs to (null when none)
    source_quarter   quarter of the workbook (a year-ago or previous quarter for differences)
    sheet_name, excel_row    where in the workbook (null for ledger and references)
    item             what the row is, for people: 'xã 00712 Xã Thuận Hòa', 'TC05', ...
    cells            list of {field, cell, value}: the cells read and their raw values as loaded
    <terms>          one numeric column per term of the source

The selected view row's values are bound as named parameters (``$quarter``, ...), never spliced
into the text; the declarations are constant text, never user input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import duckdb

# --- the selected row ------------------------------------------------------------------------

# The selected row's keys, typed (a NULL parameter has no type of its own).
SELECTED_AREA = """sel as (
    select
        cast($quarter as varchar) as quarter,
        cast($province_code as varchar) as province_code,
        cast($district_code as varchar) as district_code
)"""


def in_area(alias: str) -> str:
    """A district row takes its own district; a province row (district_code null) every
    district of the province."""
    return (
        f"{alias}.province_code = sel.province_code\n"
        f"    and (sel.district_code is null or {alias}.district_code = sel.district_code)"
    )


# --- the file a contribution comes from (the five file columns) -----------------------------
def workbook_origin(alias: str = "w") -> str:
    """A cell of a workbook version (``alias``: marts.dim_source_workbook)."""
    return (
        f"'workbook' as source_type, {alias}.file_name, {alias}.workbook_sha256, "
        f"{alias}.received_at, {alias}.archive_path"
    )


WORKBOOK = workbook_origin()


def reference_origin(seed: str) -> str:
    return (
        f"'reference' as source_type, 'dbt_project/seeds/reference/{seed}.csv' as file_name, "
        "cast(null as varchar) as workbook_sha256, cast(null as timestamp) as received_at, "
        "cast(null as varchar) as archive_path"
    )


def ledger_origin(alias: str) -> str:
    """A row of the warehouse's ledger about a file (``alias``: stg_raw__workbook_versions)."""
    return (
        f"'ledger' as source_type, {alias}.file_name, {alias}.workbook_sha256, "
        f"{alias}.received_at, {alias}.archive_path"
    )


# --- cells ---------------------------------------------------------------------------------------
def cell(alias: str, name: str) -> str:
    """The loaded cell ``alias.name`` with its Excel reference ``alias.name_cell``."""
    return (
        f"{{'field': '{name}', 'cell': {alias}.{name}_cell, "
        f"'value': cast({alias}.{name} as varchar)}}"
    )


def ledger_cell(name: str, value: str) -> str:
    """A value the ledger recorded (no Excel cell)."""
    return (
        f"{{'field': '{name}', 'cell': cast(null as varchar), 'value': cast({value} as varchar)}}"
    )


# --- sources ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Source:
    """A relation contributions are read from: one contribution per row of ``relation`` (the
    engine adds ``cross join sel`` when the view selects an area) that passes ``where`` and,
    with ``area`` (an alias), lies in the selected row's area."""

    name: str  # its name in the query when a measure reads several sources
    relation: str
    item: str
    terms: Mapping[str, str]
    origin: str = WORKBOOK
    district: str = "cast(null as varchar)"
    quarter: str = "cast(null as varchar)"  # source_quarter
    cells: Mapping[str, str] = field(default_factory=dict)  # name -> struct {field, cell, value}
    cell_list: str | None = None  # a list of cells appended to the named ones
    cells_when: str | None = None  # no cells (null) where this does not hold
    sheet: str = "cast(null as varchar)"
    excel_row: str = "cast(null as integer)"
    area: str | None = None
    where: str = "true"
    ctes: tuple[str, ...] = ()  # 'name as (...)', after sel
    order: str | None = None  # over the relation, when the source is read alone

    def read(self, *cells: str, where: str = "true") -> Read:
        return Read(self, cells, where)


@dataclass(frozen=True)
class Read:
    """What a measure reads from a source: the rows passing ``where``, showing ``cells``."""

    source: Source
    cells: tuple[str, ...] = ()
    where: str = "true"

    def select(self, selection: str | None) -> str:
        s = self.source
        cells = "[" + ", ".join(s.cells[c] for c in self.cells) + "]" if self.cells else "null"
        if s.cell_list is not None:
            cells = f"list_concat({cells}, {s.cell_list})"
        if s.cells_when is not None:
            cells = f"case when {s.cells_when} then {cells} end"
        terms = "".join(f",\n    {sql} as {name}" for name, sql in s.terms.items())
        filters = [s.where, self.where]
        if s.area is not None:
            filters.insert(0, in_area(s.area))
        return (
            f"select\n    {s.origin},\n    {s.district} as district_code,\n"
            f"    {s.quarter} as source_quarter,\n    {s.sheet} as sheet_name,\n"
            f"    {s.excel_row} as excel_row,\n    {s.item} as item,\n"
            f"    {cells} as cells{terms}\n"
            f"from {s.relation}{' cross join sel' if selection else ''}\n"
            f"where " + "\n  and ".join(f"({f})" for f in filters)
        )


def query(selection: str | None, reads: tuple[Read, ...], order: str | None) -> str:
    """The contributions of a measure: one source read alone, in the source's order, or several
    (each a named part) unioned by name in ``order`` (over the output columns)."""
    ctes = [selection] if selection else []
    for read in reads:
        ctes.extend(cte for cte in read.source.ctes if cte not in ctes)
    if len(reads) == 1:
        (read,) = reads
        body = read.select(selection)
        if read.source.order:
            body += f"\norder by {read.source.order}"
    else:
        ctes.extend(f"{r.source.name} as (\n{r.select(selection)}\n)" for r in reads)
        body = "\nunion all by name\n".join(f"select * from {r.source.name}" for r in reads)
        body += f"\norder by {order}"
    return ("with\n" + ",\n".join(ctes) + "\n" if ctes else "") + body


# --- recomputing ---------------------------------------------------------------------------------
class Agg:
    """The contributions of one trace, with the arithmetic the views use.

    Sums are taken per district first, then over districts, as the views build a province row
    from its district rows; SQL semantics: nulls are skipped, a sum of nothing is null.
    ``context`` holds the settings a figure depends on (the on-time window).
    """

    def __init__(
        self,
        rows: list[dict[str, Any]],
        con: duckdb.DuckDBPyConnection | None,
        context: Mapping[str, Any] | None = None,
    ):
        self.rows = rows
        self.con = con
        self.context: dict[str, Any] = dict(context or {})

    def where(self, predicate: Callable[[dict[str, Any]], bool]) -> Agg:
        return Agg([r for r in self.rows if predicate(r)], self.con, self.context)

    def by(self, key: str) -> dict[Any, Agg]:
        groups: dict[Any, list[dict[str, Any]]] = {}
        for row in self.rows:
            groups.setdefault(row[key], []).append(row)
        return {k: Agg(v, self.con, self.context) for k, v in groups.items()}

    @staticmethod
    def _sum(values: Iterable[Any]) -> Any:
        present = [v for v in values if v is not None]
        if not present:
            return None
        total = present[0]
        for value in present[1:]:
            total = total + value
        return total

    def total(self, term: str, empty: Any = None) -> Any:
        districts: dict[Any, list[Any]] = {}
        for row in self.rows:
            districts.setdefault(row["district_code"], []).append(row[term])
        order = sorted(districts, key=lambda d: (d is None, d or ""))
        value = self._sum(self._sum(districts[d]) for d in order)
        return empty if value is None else value

    @staticmethod
    def div(numerator: Any, denominator: Any) -> float | None:
        """ntm.safe_divide: cast both to double; null when either is null or the divisor is 0."""
        if numerator is None or denominator is None or float(denominator) == 0:
            return None
        return float(numerator) / float(denominator)

    def pct(self, numerator: Any, denominator: Any) -> float | None:
        """100 * safe_divide(numerator, denominator), in that order (as the views write it)."""
        ratio = self.div(numerator, denominator)
        return None if ratio is None else 100 * ratio

    def round(self, value: Any, digits: int) -> float | None:
        """DuckDB's round(double, digits): the views' rounding, bit for bit."""
        if value is None:
            return None
        assert self.con is not None
        return self.con.execute(
            "select cast(round(cast($value as double), $digits) as double)",
            {"value": float(value), "digits": digits},
        ).fetchone()[0]


# --- aggregations --------------------------------------------------------------------------------
class Figure(Protocol):
    terms: tuple[str, ...]
    kind: str

    def compute(self, agg: Agg) -> Any: ...


@dataclass(frozen=True)
class Total:
    """Σ term (per district, then over districts), ``empty`` when there is none, rounded."""

    term: str
    empty: Any = None
    digits: int | None = None
    kind: str = "sum"

    @property
    def terms(self) -> tuple[str, ...]:
        return (self.term,)

    def compute(self, agg: Agg) -> Any:
        value = agg.total(self.term, empty=self.empty)
        return value if self.digits is None else agg.round(value, self.digits)


def count(term: str) -> Total:
    """A count: Σ of a 0/1 term, 0 over no contribution."""
    return Total(term, empty=0, kind="count")


def lookup(term: str) -> Total:
    """A value looked up in a reference or the ledger (one contribution)."""
    return Total(term, kind="lookup")


@dataclass(frozen=True)
class Ratio:
    """round(Σ numerator / Σ denominator(s), digits), × 100 when ``percent``; null when the
    divisor is 0 or null (ntm.safe_divide). Several denominator terms are added up."""

    numerator: str
    denominator: tuple[str, ...]
    percent: bool = True
    digits: int = 2
    empty: Any = 0
    kind: str = "ratio"

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.numerator, *self.denominator)))

    def compute(self, agg: Agg) -> Any:
        numerator = agg.total(self.numerator, empty=self.empty)
        totals = [agg.total(term, empty=self.empty) for term in self.denominator]
        denominator = None if None in totals else sum(totals[1:], start=totals[0])
        ratio = (agg.pct if self.percent else agg.div)(numerator, denominator)
        return agg.round(ratio, self.digits)


@dataclass(frozen=True)
class Custom:
    """Bespoke arithmetic: a named function of the contributions."""

    terms: tuple[str, ...]
    function: Callable[[Agg], Any]
    kind: str

    def compute(self, agg: Agg) -> Any:
        return self.function(agg)


@dataclass(frozen=True)
class Null:
    """The figure of a row none of whose districts reported: null, whatever the sources hold."""

    terms: tuple[str, ...]
    kind: str

    def compute(self, agg: Agg) -> Any:
        return None


# --- measures and recipes ------------------------------------------------------------------------
@dataclass(frozen=True)
class Measure:
    """One numeric column of a view: what it reads and how the figure is recomputed.

    ``null_unless``: the figure is null unless Σ of that term (a district of the area reports)
    is above 0; ``null_if``: null when Σ of that term is above 0 (a blank cell, a previous
    quarter not in force). ``reported_only``: the view's row is null, not 0, when its
    districts_reporting is 0 (the districts reporting are traced on their own).
    """

    label_en: str
    label_vi: str
    formula: str  # in words, English
    reads: tuple[Read, ...]
    figure: Figure
    order: str | None = None  # of the union, when several sources are read
    null_unless: str | None = None
    null_if: str | None = None
    reported_only: bool = False

    @property
    def kind(self) -> str:
        return self.figure.kind

    @property
    def terms(self) -> tuple[str, ...]:
        guards = (t for t in (self.null_unless, self.null_if) if t is not None)
        return (*self.figure.terms, *guards)

    def for_row(self, row: Mapping[str, Any]) -> Measure:
        if self.reported_only and not row.get("districts_reporting"):
            return replace(
                self,
                formula=self.formula + "; null: no district of the row reported",
                figure=Null(self.figure.terms, self.kind),
            )
        return self

    def compute(self, agg: Agg) -> Any:
        if self.null_unless is not None and not agg.total(self.null_unless, empty=0) > 0:
            return None
        if self.null_if is not None and agg.total(self.null_if, empty=0) > 0:
            return None
        return self.figure.compute(agg)


@dataclass(frozen=True)
class ByKey:
    """A column whose measure depends on the selected row's ``key`` (rpt_targets: the target)."""

    key: str
    measures: Mapping[str, Measure]


@dataclass(frozen=True)
class Recipe:
    """A reporting view: its keys, the area its rows select (None: no area) and its measures."""

    view: str
    keys: tuple[str, ...]
    measures: Mapping[str, Measure | ByKey]
    selection: str | None = SELECTED_AREA

    def measure(self, column: str, row: Mapping[str, Any]) -> Measure:
        found = self.measures[column]
        measure = found.measures[row[found.key]] if isinstance(found, ByKey) else found
        return measure.for_row(row)

    def sql(self, measure: Measure) -> str:
        return query(self.selection, measure.reads, measure.order)
