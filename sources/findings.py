"""A finding: one broken rule at one place in one workbook, said in Vietnamese and English."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One problem found in a workbook.

    ``row`` is the row number as Excel shows it (1-based) and ``column`` the header as written in
    the file (or the canonical label when the column is missing); both are None for file-level
    findings. ``rule_id`` is stable (e.g. ``TC-003``) so reports and tests can rely on it.
    """

    file_name: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    rule_id: str
    severity: Severity
    message_vi: str
    message_en: str
    cell_ref: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def as_record(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        """One line a district officer can act on, both languages."""
        where = " ".join(
            part
            for part in (
                f"sheet '{self.sheet}'" if self.sheet else "",
                f"row {self.row}" if self.row is not None else "",
                f"column '{self.column}'" if self.column else "",
                f"({self.cell_ref})" if self.cell_ref else "",
            )
            if part
        )
        value = f" value={self.value!r}" if self.value not in (None, "") else ""
        return (
            f"{self.file_name}: {where}{value} [{self.rule_id} {self.severity}] "
            f"{self.message_vi} / {self.message_en}"
        )


def display_value(value: Any) -> str | None:
    """A cell value as text for a report; None stays None."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
