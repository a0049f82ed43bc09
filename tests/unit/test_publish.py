"""What the publish relies on without DuckDB: crash points pause only where asked, and every
CSV writer neutralises formulas (the publish itself: integration/test_publish.py)."""

from __future__ import annotations

import pytest

from sources.findings import Finding
from sources.safe_text import neutralise_formula, write_safe_csv
from tests.support import faults
from warehouse.crash_points import no_crash
from warehouse.ingest import write_rejection_report


def test_crash_points_pause_only_where_asked(tmp_path):
    no_crash("publish-before-rename")  # production's hook: returns at once
    crash_point = faults.pausing_at(
        tmp_path, faults.requested("pause:publish-before-rename"), seconds=0
    )
    crash_point("publish-before-copy")  # not requested
    assert not faults.marker_path(tmp_path, "publish-before-copy").exists()
    crash_point("publish-before-rename")
    assert faults.marker_path(tmp_path, "publish-before-rename").read_text().isdigit()
    with pytest.raises(ValueError, match="unknown fault"):
        faults.requested("crash:everywhere")


def test_neutralise_formula():
    assert neutralise_formula("=1+1") == "'=1+1"
    assert neutralise_formula("+84 912") == "'+84 912"
    assert neutralise_formula("\t=cmd") == "'\t=cmd"
    assert neutralise_formula("Xã Lũng Cú") == "Xã Lũng Cú"
    assert neutralise_formula(-5) == -5
    assert neutralise_formula(None) is None


def test_every_csv_writer_neutralises(tmp_path):
    assert write_safe_csv(tmp_path / "a.csv", ["=h"], [["=x", 1, None]]) == 1
    assert (tmp_path / "a.csv").read_text(encoding="utf-8-sig").splitlines() == ["'=h", "'=x,1,"]
    finding = Finding(
        rule_id="R1",
        severity="error",
        message_vi="sai",
        message_en="wrong",
        file_name="=evil.xlsx",
        sheet="Tieu chi",
        row=5,
        column="C",
        cell_ref="C5",
        value="@SUM(1)",
    )
    report = write_rejection_report([finding], tmp_path / "r.errors.csv")
    text = report.read_text(encoding="utf-8-sig")
    assert "'=evil.xlsx" in text and "'@SUM(1)" in text
