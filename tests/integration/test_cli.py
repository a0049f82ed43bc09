"""`ntm check`'s parse state: dbt's partial parse is seeded only into the area it was made for."""

from __future__ import annotations


def test_parse_state_is_seeded_only_for_the_area_it_was_parsed_for(ntm_home, monkeypatch):
    """dbt reuses a parse only under the same profile (which names build.duckdb): the prepared
    state is copied into a working area only when dbt parsed with that area's NTM_BUILD_DB."""
    from ntm.runner import MANIFEST, seed_parse_state

    assert (MANIFEST.parent / "partial_parse.msgpack").exists()  # the session's `dbt parse`
    copied = seed_parse_state(ntm_home)
    assert copied == ntm_home.dbt_target_dir / "partial_parse.msgpack" and copied.exists()
    copied.unlink()
    monkeypatch.setenv("NTM_BUILD_DB", str(ntm_home.home / "elsewhere.duckdb"))
    assert seed_parse_state(ntm_home) is None
    assert not copied.exists()
