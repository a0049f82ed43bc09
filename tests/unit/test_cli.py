"""`ntm check`: exit codes and one complete line per finding."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from ntm.cli import main
from tests.support import factories as f


def _check(*args: str):
    return CliRunner().invoke(main, ["check", *args])


def test_valid_file_exit_0(tmp_path: Path) -> None:
    good = f.valid_workbook(tmp_path / "NTM_02-026_2019Q1.xlsx")
    result = _check(str(good))
    assert result.exit_code == 0, result.output
    assert "ACCEPTED / HỢP LỆ" in result.output


def test_any_rejected_exit_1_with_every_error_in_full(tmp_path: Path) -> None:
    good = f.valid_workbook(tmp_path / "good.xlsx")
    sheets = f.valid_sheets()
    sheets[f.CRITERIA][2][5] = "Có lẽ"  # F3
    sheets[f.HOUSEHOLDS][3][5] = -3  # F4
    bad = f.write_xlsx(tmp_path / "bad.xlsx", sheets)
    result = _check(str(good), str(bad))
    assert result.exit_code == 1
    assert "REJECTED / BỊ TỪ CHỐI" in result.output
    lines = [line for line in result.output.splitlines() if "[TC-001" in line or "[HH-001" in line]
    assert len(lines) == 2
    flag = next(line for line in lines if "TC-001" in line)
    # file, sheet, row, column, cell, value, rule id, severity, both languages
    assert re.search(
        r"bad\.xlsx: sheet 'Tieu chi' row 3 column 'TC3' \(F3\) value='Có lẽ' \[TC-001 error\] "
        r"Tiêu chí phải ghi .+ / A criterion must be",
        flag,
    ), flag
    assert "sheet 'Ho ngheo' row 4 column 'Số hộ cận nghèo' (F4) value='-3' [HH-001 error]" in (
        result.output
    )


def test_hostile_file_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"")
    result = _check(str(path))
    assert result.exit_code == 1
    assert "[FILE-001 error]" in result.output and "empty" in result.output


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert _check().exit_code == 2
    result = _check(str(tmp_path / "missing.xlsx"))
    assert result.exit_code == 2 and "not a file" in result.output
