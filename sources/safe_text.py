"""Cell text that is safe to open in a spreadsheet (CSV/formula injection).

Excel, LibreOffice and Google Sheets run cell text that starts with ``=``, ``+``, ``-`` or ``@``
(or a tab or carriage return before one) as a formula. Every CSV or Excel file the warehouse
writes passes its text cells through :func:`neutralise_formula`: such text gets a leading
apostrophe, which spreadsheets show as plain text. Numbers are left alone (``-5`` as a number is
a number; ``"-5"`` as text gets the apostrophe).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: object) -> object:
    """Cell text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(text, str) and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def write_safe_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """A CSV for spreadsheet users: UTF-8 with BOM (Vietnamese shows right in Excel), every text
    cell neutralised, header included. Returns the number of data rows written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow([neutralise_formula(h) for h in header])
        for row in rows:
            writer.writerow([neutralise_formula(v) for v in row])
            count += 1
    return count


# File systems allow 255 bytes per name; a valid landing name can use 249 of them (about 100
# Vietnamese characters), so no name the warehouse writes may grow from a landing name.
MAX_STEM_BYTES = 120


def bounded_stem(stem: str, sha256: str, max_bytes: int = MAX_STEM_BYTES) -> str:
    """A file-name stem at most ``max_bytes`` UTF-8 bytes long, whatever the landing name's length.

    A short stem is kept as it is (an officer recognises their file); a long one is cut on a
    character boundary and ends with ``~`` and the first 8 hex digits of the file's sha256, so two
    long names that share their start stay apart. Control characters become ``_``. The original
    name is inside every report (its ``file_name`` column).
    """
    cleaned = "".join(ch if ch.isprintable() else "_" for ch in stem).strip() or "workbook"
    encoded = cleaned.encode("utf-8")
    if len(encoded) <= max_bytes:
        return cleaned
    tag = f"~{sha256[:8]}"
    cut = encoded[: max_bytes - len(tag)].decode("utf-8", "ignore").rstrip(" .")
    return f"{cut}{tag}"
