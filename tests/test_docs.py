"""`ntm docs`: the dbt documentation site under $NTM_HOME, with lineage and descriptions."""

from __future__ import annotations

import json
import shutil

import pytest

from ntm.docs import build_docs


def test_docs_without_a_published_warehouse(ntm_home):
    index = build_docs(ntm_home)
    assert index == ntm_home.home / "docs" / "dbt" / "static_index.html"
    html = index.read_text(encoding="utf-8")
    assert "rpt_attainment" in html
    manifest = json.loads((index.parent / "manifest.json").read_text(encoding="utf-8"))
    model = manifest["nodes"]["model.ntm.rpt_attainment"]
    assert model["description"] and model["columns"]["ntm_share_pct"]["description"]
    # lineage: the reporting view depends on the marts, down to the raw sources
    assert any(n.startswith("model.ntm.") for n in model["depends_on"]["nodes"])
    assert not (ntm_home.home / "build.duckdb").exists()  # docs never create a build


@pytest.mark.e2e
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
