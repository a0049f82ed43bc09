"""`ntm check` rejects a cover saying `2015-Q4`, before the warehouse's first quarter (issue 12,
item 1; the whole run: e2e/test_quarter_outside_partitions.py)."""

from __future__ import annotations

from click.testing import CliRunner

from ntm.cli import main
from tests.support.factories import sheets_with_quarter_text, write_xlsx


def test_ntm_check_rejects_a_quarter_before_the_first(tmp_path) -> None:
    path = write_xlsx(tmp_path / "NTM_02-026_2015Q4.xlsx", sheets_with_quarter_text("2015-Q4"))
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1, result.output
    assert "COV-013" in result.output and "2016Q1" in result.output
