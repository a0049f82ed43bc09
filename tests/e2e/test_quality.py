"""Every reporting view of the demo warehouse passes the Great Expectations checks."""

from __future__ import annotations

from warehouse.expectations import validate_reporting_views


def test_every_demo_reporting_view_passes(demo_run):
    settings, _ = demo_run
    results = validate_reporting_views(settings.warehouse_db, settings.home / "gx-test")
    assert "rpt_attainment" in results
    failed = {view: r.failures for view, r in results.items() if not r.success}
    assert failed == {}
