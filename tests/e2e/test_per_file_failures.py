"""One file's failure is that file's finding, never the run's (issue 12, item 2).

A rejected workbook with a valid 249-byte landing name used to fail every `ntm run`: its report
`<stem>.errors.xlsx` passed the file system's 255-byte limit. Report names are now bounded, and any
exception while processing one file (guards, reading, validating, archiving, quarantining, writing
its reports, building its raw rows) is a FILE-012 finding on that file, which is quarantined,
while the other workbooks of the same run are published.

The failures are injected by monkeypatching the step functions from the test (the run executes in
this process); the product code carries no test hook.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

import sources.reader as reader
import warehouse.ingest as ingest
from ntm.runner import run_pipeline
from tests.support.factories import land
from tests.support.fixtures import query

NAME_LIMIT = 255  # bytes per file name (ext4, xfs, tmpfs ...)


def long_name() -> str:
    """A valid 249-byte name: about 100 Vietnamese characters."""
    phrase = "Báo cáo nông thôn mới huyện Đồng Văn tỉnh Hà Giang quý một năm hai nghìn mười chín "
    stem = ""
    for ch in phrase * 4:
        if len((stem + ch).encode()) > 244:
            break
        stem += ch
    stem = stem.rstrip() + "_" * (244 - len(stem.rstrip().encode()))
    name = f"{stem}.xlsx"
    assert len(name.encode()) == 249 and len(name) < 200
    return name


def versions(settings) -> dict[str, dict]:
    rows = query(settings, "select file_name, workbook_sha256, status from raw.workbook_versions")
    return {r["file_name"]: r for r in rows}


def rules_of(settings, file_name: str) -> list[tuple[str, str]]:
    rows = query(
        settings,
        "select rule_id, message_en from raw.rejections where file_name = ? order by rule_id",
        [file_name],
    )
    return [(r["rule_id"], r["message_en"]) for r in rows]


def reported_quarters(settings) -> list[str]:
    rows = query(
        settings,
        "select quarter from reporting.rpt_attainment "
        "where district_code = '026' and has_report order by quarter",
    )
    return [r["quarter"] for r in rows]


def test_a_long_landing_name_is_rejected_alone_with_bounded_report_names(ntm_home) -> None:
    name = long_name()
    land(ntm_home, "2019Q2", broken=True, name=name)
    land(ntm_home, "2019Q1")

    report = run_pipeline(ntm_home, echo=lambda _: None)

    assert report.success and report.published, report.summary()
    assert (report.accepted, report.rejected) == (1, 1), report.summary()
    assert reported_quarters(ntm_home) == ["2019Q1"]
    kept = versions(ntm_home)[name]
    assert kept["status"] == "rejected"
    assert "TC-001" in [rule for rule, _ in rules_of(ntm_home, name)]
    folder = ntm_home.rejected_dir / kept["workbook_sha256"]
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 3, names  # the file and its two reports, no partial copy left
    assert all(len(n.encode()) <= 120 + len(".errors.xlsx") for n in names), names
    assert all(
        n.endswith(f"~{kept['workbook_sha256'][:8]}" + s)
        for n, s in zip(names, (".errors.csv", ".errors.xlsx", ".xlsx"), strict=True)
    ), names
    # The original name is inside the report, whole.
    (csv_report,) = folder.glob("*.errors.csv")
    with csv_report.open(encoding="utf-8-sig") as handle:
        assert {row["file_name"] for row in csv.DictReader(handle)} == {name}

    again = run_pipeline(ntm_home, echo=lambda _: None)  # never a failing run, every run
    assert again.success and (again.accepted, again.rejected) == (0, 0), again.summary()


GOOD = ("2019Q1", "2019Q2")
# file quarter → the step whose failure is injected (two of them are rejected workbooks anyway)
FAILING = {
    "2019Q3": "guards",
    "2019Q4": "reading",
    "2020Q1": "validating",
    "2020Q2": "archiving",
    "2020Q3": "building its raw rows",
    "2020Q4": "writing its report (xlsx)",
    "2018Q4": "quarantining",
}
BROKEN = {"2020Q4", "2018Q4"}


def file_of(quarter: str) -> str:
    return f"NTM_02-026_{quarter}.xlsx"


def inject_failures(monkeypatch: pytest.MonkeyPatch, settings) -> None:
    """Make each step raise for its one file (and only for it)."""
    bad = {step: file_of(quarter) for quarter, step in FAILING.items()}

    def boom(step: str) -> RuntimeError:
        return RuntimeError(f"injected failure while {step}")

    check_file = reader.check_file

    def guards(path, limits=None):
        if Path(path).name == bad["guards"]:
            raise boom("guards")
        return check_file(path, limits) if limits is not None else check_file(path)

    read_workbook = ingest.read_workbook

    def reading(path, **kwargs):
        if kwargs.get("file_name") == bad["reading"]:
            raise boom("reading")
        return read_workbook(path, **kwargs)

    validate_workbooks = ingest.validate_workbooks

    def validating(extracts, **kwargs):
        if any(e.file_name == bad["validating"] for e in extracts):
            raise boom("validating")
        return validate_workbooks(extracts, **kwargs)

    copy = ingest._copy_verified

    def copying(landing_file, target):
        if landing_file.file_name == bad["archiving"] and target.parent == settings.archive_dir:
            raise boom("archiving")
        if landing_file.file_name == bad["quarantining"]:
            raise boom("quarantining")
        return copy(landing_file, target)

    sheet_rows = ingest._sheet_rows

    def building(outcomes, *args):
        if any(o.file.file_name == bad["building its raw rows"] for o in outcomes):
            raise boom("building")
        return sheet_rows(outcomes, *args)

    write_workbook = ingest.write_rejection_workbook

    def writing(findings, path):
        if any(f.file_name == bad["writing its report (xlsx)"] for f in findings):
            raise boom("writing the report")
        return write_workbook(findings, path)

    monkeypatch.setattr(reader, "check_file", guards)
    monkeypatch.setattr(ingest, "read_workbook", reading)
    monkeypatch.setattr(ingest, "validate_workbooks", validating)
    monkeypatch.setattr(ingest, "_copy_verified", copying)
    monkeypatch.setattr(ingest, "_sheet_rows", building)
    monkeypatch.setattr(ingest, "write_rejection_workbook", writing)
    # Nine files would be read in worker processes, where the test's patches do not reach.
    monkeypatch.setattr(ingest, "PARALLEL_THRESHOLD", 1000)


def test_a_failure_at_each_per_file_step_rejects_that_file_alone(ntm_home, monkeypatch) -> None:
    for quarter in GOOD:
        land(ntm_home, quarter)
    for quarter in FAILING:
        land(ntm_home, quarter, broken=quarter in BROKEN)
    inject_failures(monkeypatch, ntm_home)

    report = run_pipeline(ntm_home, echo=lambda _: None)

    assert report.success and report.published, report.summary()
    assert (report.accepted, report.rejected) == (len(GOOD), len(FAILING)), report.summary()
    # The other workbooks of the same run are published ...
    assert reported_quarters(ntm_home) == list(GOOD)
    kept = versions(ntm_home)
    for quarter in GOOD:
        version = kept[file_of(quarter)]
        assert version["status"] == "accepted"
        assert (ntm_home.archive_dir / f"{version['workbook_sha256']}.xlsx").exists()
    # ... and each failing one is rejected with FILE-012 naming its step, and quarantined.
    for quarter, step in FAILING.items():
        name = file_of(quarter)
        version = kept[name]
        assert version["status"] == "rejected", name
        failures = [msg for rule, msg in rules_of(ntm_home, name) if rule == "FILE-012"]
        assert any(f"at step '{step}'" in m and "RuntimeError" in m for m in failures), (
            name,
            failures,
        )
        sha = version["workbook_sha256"]
        folder = ntm_home.rejected_dir / sha
        assert (folder / name).exists() == (step != "quarantining"), name
        assert (folder / name.replace(".xlsx", ".errors.csv")).exists(), name
        assert (folder / name.replace(".xlsx", ".errors.xlsx")).exists() == (
            step != "writing its report (xlsx)"
        ), name
        assert not (ntm_home.archive_dir / f"{sha}.xlsx").exists(), name  # archive: accepted only
    for quarter in BROKEN:
        assert "TC-001" in [rule for rule, _ in rules_of(ntm_home, file_of(quarter))]

    # Nothing accepted is lost: the raw rows are the accepted workbooks', all of them.
    with duckdb.connect(str(ntm_home.warehouse_db), read_only=True) as con:
        loaded = con.execute(
            "select distinct v.file_name from raw.criteria_rows r "
            "join raw.workbook_versions v using (workbook_sha256) order by 1"
        ).fetchall()
    assert [name for (name,) in loaded] == [file_of(q) for q in GOOD]

    again = run_pipeline(ntm_home, echo=lambda _: None)  # nothing new, and nothing fails
    assert again.success and (again.accepted, again.rejected) == (0, 0), again.summary()
