"""Markdown tables, built one way: the Dagster metadata tables and the benchmark's results.

One escaping rule for every cell: a pipe would end the cell and a line break the row, so a pipe is
escaped (``\\|``) and a line break becomes a space. Cells may still carry inline markdown
(``**rejected**``, a path in backticks).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def markdown_cell(value: object, width: int | None = None) -> str:
    """``value`` as text safe inside a table cell (None is empty), cut to ``width`` characters."""
    text = "" if value is None else str(value)
    text = text.replace("|", "\\|").replace("\r", " ").replace("\n", " ")
    return text if width is None else text[:width]


def markdown_row(cells: Iterable[object], width: int | None = None) -> str:
    """One table row: every cell escaped (see `markdown_cell`)."""
    return "| " + " | ".join(markdown_cell(cell, width) for cell in cells) + " |"


def markdown_table(
    header: Sequence[str], rows: Iterable[Sequence[object]], width: int | None = None
) -> str:
    """A whole table: the header, its rule, then one row per item of ``rows``."""
    lines = [markdown_row(header), "|" + "---|" * len(header)]
    lines += [markdown_row(row, width) for row in rows]
    return "\n".join(lines)
