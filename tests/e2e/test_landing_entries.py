"""Landing entries that are not regular files, through the whole run (issue 12, item 8): skipped,
listed in the run's metadata, and never a failure, this run or the next."""

from __future__ import annotations

from tests.support.fixtures import query
from tests.support.landing import SIZE_LIMIT, SKIPPED, make_landing


def test_the_run_skips_them_and_publishes_the_others(ntm_home, tmp_path, monkeypatch) -> None:
    import dagster as dg

    from ntm.runner import run_pipeline
    from ntm.settings import load_settings

    # The limit as an operator sets it: a variable, read by the settings at the top.
    monkeypatch.setenv("NTM_GUARD_MAX_FILE_BYTES", str(SIZE_LIMIT))
    settings = load_settings()
    assert settings.home == ntm_home.home and settings.guard_limits.max_file_bytes == SIZE_LIMIT
    entries = make_landing(ntm_home, tmp_path / "outside")

    report = run_pipeline(settings, echo=lambda _: None)

    assert report.success and report.published, report.summary()
    assert (report.accepted, report.rejected) == (1, 1), report.summary()
    published = query(
        ntm_home,
        "select quarter from reporting.rpt_attainment "
        "where district_code = '026' and has_report order by quarter",
    )
    assert [r["quarter"] for r in published] == ["2019Q1"]  # not the linked 2019Q2 workbook
    names = {r["file_name"] for r in query(ntm_home, "select file_name from raw.rejections")}
    assert names == {entries["oversized"].name}
    with dg.DagsterInstance.from_config(str(ntm_home.dagster_home)) as instance:
        event = instance.get_latest_materialization_event(dg.AssetKey(["raw", "workbook_versions"]))
    metadata = event.asset_materialization.metadata
    assert metadata["skipped_entries"].value == len(SKIPPED)
    table = metadata["skipped"].value
    assert all(name in table for name in SKIPPED) and "FILE-013" in table

    # Still there next run: still skipped, never a failure.
    again = run_pipeline(ntm_home, echo=lambda _: None)
    assert again.success and (again.accepted, again.rejected) == (0, 0), again.summary()
