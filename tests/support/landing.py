"""A landing folder with one entry of each kind the scan must skip without opening it (links,
a fifo, a directory) beside a good workbook and one padded past the size limit."""

from __future__ import annotations

import os
from pathlib import Path

from tests.support.factories import land, sheets_for, write_xlsx

SECRET = b"root:x:0:0:root:/root:/bin/bash\n" * 50


SIZE_LIMIT = 60_000  # NTM_GUARD_MAX_FILE_BYTES for these tests: a test workbook is ~10 KB


def make_landing(settings, outside: Path) -> dict[str, Path]:
    """A landing folder with one of each kind of entry; returns them by role."""
    outside.mkdir(exist_ok=True)
    secret = outside / "passwd"
    secret.write_bytes(SECRET)
    elsewhere = write_xlsx(outside / "NTM_02-026_2019Q2.xlsx", sheets_for("2019Q2"))
    landing = settings.landing_dir
    entries = {
        "good": land(settings, "2019Q1"),
        "link_outside": landing / "NTM_02-026_2019Q3.xlsx",
        "link_workbook": landing / "NTM_02-026_2019Q2.xlsx",
        "fifo": landing / "NTM_02-026_2020Q1.xlsx",
        "directory": landing / "NTM_02-026_2020Q2.xlsx",
        "oversized": landing / "NTM_02-026_2019Q4.xlsx",
    }
    entries["link_outside"].symlink_to(secret)
    entries["link_workbook"].symlink_to(elsewhere)
    os.mkfifo(entries["fifo"])
    entries["directory"].mkdir()
    # A real workbook padded past the limit (a zip ignores trailing bytes after its directory).
    write_xlsx(entries["oversized"], sheets_for("2019Q4"))
    with entries["oversized"].open("ab") as handle:
        handle.write(os.urandom(SIZE_LIMIT))
    return entries


SKIPPED = {
    "NTM_02-026_2019Q3.xlsx": "symlink",
    "NTM_02-026_2019Q2.xlsx": "symlink",
    "NTM_02-026_2020Q1.xlsx": "fifo",
    "NTM_02-026_2020Q2.xlsx": "directory",
}
