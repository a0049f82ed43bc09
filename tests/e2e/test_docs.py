"""`ntm docs` on the demo warehouse: the catalog is read from a private copy of the published
file (the site without a warehouse: integration/test_docs.py)."""

from __future__ import annotations

import json
import shutil

from ntm.docs import build_docs


def test_docs_catalog_from_the_published_warehouse(demo_run, ntm_home):
    settings, _ = demo_run
    shutil.copyfile(settings.warehouse_db, ntm_home.warehouse_db)  # demo_run stays untouched
    before = ntm_home.warehouse_db.read_bytes()
    index = build_docs(ntm_home)
    catalog = json.loads((index.parent / "catalog.json").read_text(encoding="utf-8"))
    columns = catalog["nodes"]["model.ntm.rpt_attainment"]["columns"]
    assert {"quarter", "district_code", "ntm_share_pct"} <= set(columns)
    html = index.read_text(encoding="utf-8")
    assert "ntm_share_pct" in html and "rpt_reporting_status" in html
    assert ntm_home.warehouse_db.read_bytes() == before  # read from a private copy
    assert [p.name for p in ntm_home.home.glob("ntm-docs-*")] == []
