"""Issue 11 item 1: a recognition year with a blank level is taken as 'NTM', as rule TC-007 says.

A test-made workbook (Đồng Văn 2019Q1) where one commune has a recognition year and a blank level
(Mức độ) goes through the real `ntm run` in a fresh area: it is accepted with the TC-007 warning,
the post-load `criteria_rows_pandera` check judges its rows as the ingest did (the same model, the
same severities: passed, the warning listed), the warehouse is published on the first run, and the
commune counts in `ntm_communes` with `level_inferred` true on the fact.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.defs.ingest.checks import judge_loaded_rows
from schemas.models import CriteriaModel, errors_of
from tests.support import factories as f
from tests.support.factories import INFERRED, INFERRED_EXCEL_ROW, WRITTEN, blank_level_workbook

NTM = str(Path(sys.executable).parent / "ntm")


RUN_TIMEOUT = 900


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NTM_", "DAGSTER_"))}
    env.update(
        NTM_HOME=str(home),
        DAGSTER_HOME=str(home / "dagster"),
    )
    return env


def _check_evaluations(home: Path) -> dict[str, object]:
    with dg.DagsterInstance.from_config(str(home / "dagster")) as instance:
        run = instance.get_runs(limit=1)[0]
        assert run.status == dg.DagsterRunStatus.SUCCESS
        evaluations = {}
        for entry in instance.all_logs(run.run_id):
            event = entry.dagster_event
            if event is not None and event.event_type_value == "ASSET_CHECK_EVALUATION":
                evaluation = event.event_specific_data
                evaluations[evaluation.check_name] = evaluation
        return evaluations


def test_blank_level_publishes_on_the_first_run_with_the_commune_counted(tmp_path: Path) -> None:
    home = tmp_path / "fresh"
    blank_level_workbook(home / "landing")
    env = _env(home)
    prepared = subprocess.run([NTM, "prepare"], env=env, capture_output=True, text=True)
    assert prepared.returncode == 0, prepared.stdout + prepared.stderr
    result = subprocess.run(
        [NTM, "run"], env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 accepted, 0 rejected; warehouse published" in result.stdout
    # `ntm prepare` left the area's dbt parse state: its first build parses nothing anew.
    log = (home / "dbt" / "target" / "dbt.log").read_text(encoding="utf-8", errors="replace")
    assert "Partial parsing enabled" in log and "Unable to do partial parsing" not in log

    # The post-load check passed and lists the warning the ingest accepted.
    evaluations = _check_evaluations(home)
    check = evaluations["criteria_rows_pandera"]
    assert check.passed
    metadata = {k: v.value for k, v in check.metadata.items()}
    assert metadata["warning_rules"] == "TC-007"
    assert metadata["rows_with_warnings"] == 1
    assert "failure_count" not in metadata
    assert all(e.passed for e in evaluations.values() if e.check_name.endswith("_pandera"))

    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        attainment = con.execute(
            "select district_code, ntm_communes, xa_count from reporting.rpt_attainment "
            "where quarter = '2019Q1' and has_report order by district_code nulls last"
        ).fetchall()
        facts = con.execute(
            "select commune_code, ntm_level, is_ntm_recognised, level_inferred, recognition_year "
            "from marts.fct_commune_recognition where quarter = '2019Q1' and is_ntm_recognised "
            "order by commune_code"
        ).fetchall()
        not_inferred = con.execute(
            "select count(*) from marts.fct_commune_recognition "
            "where quarter = '2019Q1' and not level_inferred"
        ).fetchone()[0]
        loaded = con.execute("select * from raw.criteria_rows").df()
    # Both recognised communes count: the written one and the one taken as 'NTM'.
    assert [(d, n) for d, n, _ in attainment] == [("026", 2), (None, 2)]
    assert facts == [
        (WRITTEN.code, "NTM", True, False, 2018),
        (INFERRED.code, "NTM", True, True, 2018),
    ]
    assert not_inferred == len(f.xa_units()) - 1

    # The rows as they now sit in DuckDB are judged exactly as the ingest judged the workbook.
    cases = judge_loaded_rows(loaded, CriteriaModel)
    assert errors_of(cases).empty
    warned_rows = set(loaded.loc[cases["index"].dropna().astype(int), "excel_row"])
    assert set(cases["rule_id"]) == {"TC-007"} and warned_rows == {INFERRED_EXCEL_ROW}

    # A version loaded but never published (its run's check failed, say) is judged again by the
    # next run, which then refuses to publish it: a blocking check is not skipped by re-running.
    _load_unpublished_bad_version(home / "build.duckdb")
    rerun = subprocess.run(
        [NTM, "run"], env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT
    )
    assert rerun.returncode == 1, rerun.stdout + rerun.stderr
    assert "NOT published" in rerun.stdout
    with dg.DagsterInstance.from_config(str(home / "dagster")) as instance:
        run = instance.get_runs(limit=1)[0]
        failed = [
            entry.dagster_event.event_specific_data
            for entry in instance.all_logs(run.run_id)
            if entry.dagster_event is not None
            and entry.dagster_event.event_type_value == "ASSET_CHECK_EVALUATION"
            and not entry.dagster_event.event_specific_data.passed
        ]
    assert [e.check_name for e in failed] == ["criteria_rows_pandera"]
    assert "TC-003" in failed[0].metadata["failures"].value


def _load_unpublished_bad_version(build_db: Path) -> None:
    """An accepted version of district 027 whose row reports 25 criteria met (TC-003, an error),
    written straight into the build as if an earlier, failed run had loaded it."""
    from tests.support.dbt_support import insert

    with duckdb.connect(str(build_db)) as con:
        insert(
            con,
            "workbook_versions",
            {
                "workbook_sha256": "bad0",
                "load_id": "an-earlier-run",
                "file_name": "02-027_2019Q1.xlsx",
                "file_size_bytes": 1000,
                "received_at": datetime(2019, 4, 10, 8),
                "file_modified_at": datetime(2019, 4, 10, 8),
                "status": "accepted",
                "error_count": 0,
                "warning_count": 0,
                "province_code": "02",
                "district_code": "027",
                "quarter": "2019Q1",
                "criteria_set": "QD1980_2016",
                "poverty_standard": "QD59_2015",
            },
        )
        insert(
            con,
            "criteria_rows",
            {
                "workbook_sha256": "bad0",
                "load_id": "an-earlier-run",
                "file_name": "02-027_2019Q1.xlsx",
                "sheet_name": "Tieu chi",
                "excel_row": 2,
                "commune_code": "00739",
                **{f"tc{n:02d}": False for n in range(1, 20)},
                "criteria_met_reported": 25,
            },
        )
