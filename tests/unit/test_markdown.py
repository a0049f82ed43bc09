"""The one markdown-table helper: the escaping rule every table of the project shares."""

from __future__ import annotations

from sources.markdown import markdown_cell, markdown_row, markdown_table


def test_a_cell_never_breaks_the_table() -> None:
    assert markdown_cell("a|b") == "a\\|b"
    assert markdown_cell("line one\r\nline two\nthree") == "line one  line two three"
    assert markdown_cell(None) == ""
    assert markdown_cell(12.5) == "12.5"
    assert markdown_cell("**rejected** `x.xlsx`") == "**rejected** `x.xlsx`"  # inline markdown kept


def test_width_cuts_the_escaped_text() -> None:
    assert markdown_cell("abcdef", width=3) == "abc"
    assert markdown_cell("a|bcd", width=3) == "a\\|"


def test_table_has_a_header_rule_and_one_line_per_row() -> None:
    table = markdown_table(["view", "rows"], [("rpt_a", 3), ("pipe|name", None)])
    assert table.splitlines() == [
        "| view | rows |",
        "|---|---|",
        "| rpt_a | 3 |",
        "| pipe\\|name |  |",
    ]
    assert markdown_row(["x\ny"]) == "| x y |"


def test_an_empty_table_is_its_header() -> None:
    assert markdown_table(["a"], []) == "| a |\n|---|"
