"""The whole corpus of broken and hostile workbooks (tests.support.corpus) through the real
ingest, as resubmissions of an accepted 02-026 2019Q1: it must leave the accepted rows untouched,
record every bad version as rejected with its findings, quarantine it with its reports — and
survive."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pandas as pd

from sources.digest import file_sha256
from tests.support.corpus import CASES, CORPUS, TODAY, valid_xlsx
from warehouse.ingest import ingest_landing
from warehouse.raw_store import ensure_raw_tables

# --- the whole corpus through the real ingest, as resubmissions ------------------------------
DATA_TABLES = ("criteria_rows", "household_rows", "funding_rows", "sheet_columns")


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    frame = con.execute(f"select * from raw.{table}").df()
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def test_ingest_rejects_the_corpus_and_keeps_the_accepted_version(
    ntm_home, corpus: dict[str, Path]
) -> None:
    good = valid_xlsx(ntm_home.landing_dir / "NTM_02-026_2019Q1.xlsx")
    con = duckdb.connect(str(ntm_home.build_db))
    ensure_raw_tables(con)
    first = ingest_landing(con, ntm_home, load_id="load-1", today=TODAY)
    assert [o.accepted for o in first.outcomes] == [True]
    before = {table: _rows(con, table) for table in DATA_TABLES}

    originals = {}
    for name, path in corpus.items():
        landed = ntm_home.landing_dir / path.name
        landed.write_bytes(path.read_bytes())
        originals[name] = (landed, file_sha256(landed))
    second = ingest_landing(con, ntm_home, load_id="load-2", today=TODAY)

    # The run survived every file, accepted none, and processed each once.
    assert len(second.outcomes) == len(CORPUS) and not second.accepted
    for table in DATA_TABLES:
        pd.testing.assert_frame_equal(_rows(con, table), before[table])
    versions = dict(
        con.execute("select workbook_sha256, status from raw.workbook_versions").fetchall()
    )
    assert versions[file_sha256(good)] == "accepted"
    for name, (landed, sha) in originals.items():
        rule_id = CASES[name][3]
        assert versions[sha] == "rejected", name
        rules = {
            r[0]
            for r in con.execute(
                "select rule_id from raw.rejections where workbook_sha256 = ?", [sha]
            ).fetchall()
        }
        assert rule_id in rules, name
        # Original untouched; quarantined with a CSV and an .xlsx report.
        assert file_sha256(landed) == sha
        folder = ntm_home.rejected_dir / sha
        assert (folder / landed.name).read_bytes() == landed.read_bytes()
        report = folder / f"{landed.stem}.errors.csv"
        with report.open(encoding="utf-8-sig") as handle:
            assert rule_id in {row["rule_id"] for row in csv.DictReader(handle)}, name
        assert (folder / f"{landed.stem}.errors.xlsx").exists()
    # The same bytes again are not processed again.
    third = ingest_landing(con, ntm_home, load_id="load-3", today=TODAY)
    assert third.outcomes == [] and third.already_loaded == len(CORPUS) + 1
    con.close()
