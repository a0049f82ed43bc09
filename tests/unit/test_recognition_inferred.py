"""Issue 11 item 1: a recognition year with a blank level is taken as 'NTM', as rule TC-007 says:
the workbook is accepted with the TC-007 warning, judged by the same model the post-load check
uses (the whole run: e2e/test_recognition_inferred.py)."""

from __future__ import annotations

from pathlib import Path

from orchestration.defs.ingest.checks import MODELS as LOADED_MODELS
from schemas.models import CriteriaModel, errors_of, judge_rows
from schemas.validate import validate_workbook
from sources.reader import read_workbook
from tests.support.factories import INFERRED_EXCEL_ROW, blank_level_workbook


def test_ingest_accepts_with_the_tc007_warning(tmp_path: Path) -> None:
    extract = read_workbook(blank_level_workbook(tmp_path))
    result = validate_workbook(extract)
    assert result.accepted, [e.message_en for e in result.errors]
    tc007 = [w for w in result.warnings if w.rule_id == "TC-007"]
    assert [(w.row, w.cell_ref) for w in tc007] == [(INFERRED_EXCEL_ROW, f"Y{INFERRED_EXCEL_ROW}")]
    # The one judgement: TC-007 is a case, but a warning, so not an error.
    cases = judge_rows(CriteriaModel, extract.criteria.frame)
    assert set(cases["rule_id"]) == {"TC-007"}
    assert set(cases["severity"]) == {"warning"}
    assert errors_of(cases).empty


def test_the_post_load_check_uses_the_ingest_model() -> None:
    """Same model classes on both sides: a row cannot be judged by two definitions."""
    from schemas.models import MODELS as INGEST_MODELS

    assert LOADED_MODELS["criteria_rows"] is INGEST_MODELS["criteria"]
    assert LOADED_MODELS["household_rows"] is INGEST_MODELS["households"]
    assert LOADED_MODELS["funding_rows"] is INGEST_MODELS["funding"]
