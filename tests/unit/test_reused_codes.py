"""Issue 11 item 7, the ingest side: a workbook row with the reused code 01117 is judged against
the unit of its quarter (the dbt side: integration/test_reused_codes.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path


def test_ingest_judges_01117_against_the_unit_of_the_quarter(tmp_path: Path) -> None:
    # 2019Q4: Ngán Chiên is listed by the catalogue; nothing to say about it
    path = xin_man_workbook(tmp_path / "a", "2019Q4")
    assert _findings_for(path, "01117") == (True, [])
    # 2022Q4, in the gap: no unit has the code, the row would attach to nothing
    path = xin_man_workbook(tmp_path / "b", "2022Q4", (("01117", "Xã Ngán Chiên"),))
    assert _findings_for(path, "01117") == (False, ["XREF-001"])
    # 2025Q1: the code is Trung Thịnh's; Ngán Chiên's name is flagged as not the code's name
    path = xin_man_workbook(tmp_path / "c", "2025Q1")
    assert _findings_for(path, "01117") == (True, [])
    path = xin_man_workbook(tmp_path / "d", "2025Q1", names={"01117": "Xã Ngán Chiên"})
    accepted, rules = _findings_for(path, "Xã Ngán Chiên")
    assert accepted and rules == ["XREF-004", "XREF-004"]  # criteria and households sheets


# --- the ingest side: a workbook row is judged against the unit of its quarter -----------------
def xin_man_workbook(
    folder: Path,
    quarter: str,
    extra: tuple[tuple[str, str], ...] = (),
    names: dict[str, str] | None = None,
) -> Path:
    """A valid Xín Mần (02-033) workbook for ``quarter``: its units in the snapshot in force on
    the quarter's last day (names overridden by ``names``), plus ``extra`` (code, name) xã."""
    from sources.quarters import quarter_end
    from sources.reference import load_admin_units
    from tests.support import factories as f

    units = load_admin_units().units_at("02", "033", quarter_end(quarter))
    listed = [
        (code, (names or {}).get(code, name), kind)
        for code, name, kind in zip(
            units["commune_code"], units["commune_name"], units["commune_type"], strict=True
        )
    ]
    year = int(quarter[:4])
    sheets = f.valid_sheets()
    cover = dict((row[0], row) for row in sheets[f.COVER])
    cover["Mã huyện"][1] = "033"
    cover["Tên huyện"][1] = "Xín Mần"
    cover["Kỳ báo cáo"][1] = f"{quarter[:4]}-Q{quarter[-1]}"
    cover["Ngày lập"][1] = quarter_end(quarter)
    cover["Bộ tiêu chí"][1] = "QD1980_2016" if year <= 2020 else "QD318_2022"
    cover["Chuẩn nghèo"][1] = "QD59_2015" if year <= 2021 else "ND07_2021"
    criteria = [sheets[f.CRITERIA][0]]
    xa = [(code, name) for code, name, kind in listed if kind == "Xã"] + list(extra)
    for position, (code, name) in enumerate(xa):
        criteria.append([position + 1, code, name, *["Chưa đạt"] * 19, 0, None, None, None])
    households = [sheets[f.HOUSEHOLDS][0]]
    for position, (code, name, _) in enumerate(listed):
        households.append([position + 1, code, name, *f.household_numbers(position), None])
    funding = [sheets[f.FUNDING][0], [1, None, "NTM", "NSTW_DTPT", 1000.0, 10.0, None]]
    sheets.update({f.CRITERIA: criteria, f.HOUSEHOLDS: households, f.FUNDING: funding})
    folder.mkdir(parents=True, exist_ok=True)
    return f.write_xlsx(folder / f"02-033_{quarter}.xlsx", sheets)


def _findings_for(path: Path, code: str) -> tuple[bool, list[str]]:
    from schemas.validate import validate_workbook
    from sources.reader import read_workbook

    result = validate_workbook(read_workbook(path), today=date(2026, 1, 1))
    return result.accepted, [x.rule_id for x in result.findings if x.value == code]
