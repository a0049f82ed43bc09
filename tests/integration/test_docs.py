"""`ntm docs`: the dbt documentation site under $NTM_HOME, with lineage and descriptions."""

from __future__ import annotations

import json

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
