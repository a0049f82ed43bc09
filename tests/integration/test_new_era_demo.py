"""`ntm demo-data --province 08`: Tuyên Quang's commune workbooks of 2025Q3-2026Q2 as the landing
folder receives them: 124 units a quarter, the same bytes on every run, and the story's messy
cases (sources/demo/new_era.py) present."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from ntm.cli import main
from sources.contract import CRITERIA_SET_COUNTS, SHEET_TITLES, name_quarter
from sources.demo import new_era
from sources.quarters import quarter_end
from sources.reference import load_current_units

QUARTERS = ("2025Q3", "2025Q4", "2026Q1", "2026Q2")
COVER, CRITERIA, HOUSEHOLDS, FUNDING = SHEET_TITLES.values()


def _write(out: Path) -> Path:
    result = CliRunner().invoke(
        main, ["demo-data", "--province", "08", "--quarters", "2025Q3:2026Q2", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "DEMO" in result.output
    return out


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("new_era"))


def _file(landing: Path, code: str, quarter: str, suffix: str = "") -> Path:
    return landing / f"NTM_08-{code}_{quarter}{suffix}.xlsx"


def _cover(path: Path) -> dict[str, object]:
    sheet = openpyxl.load_workbook(path, read_only=True)[COVER]
    return {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}


def _data_rows(path: Path, title: str, key_header: str) -> list[tuple]:
    rows = list(openpyxl.load_workbook(path, read_only=True)[title].iter_rows(values_only=True))
    at = next(i for i, row in enumerate(rows) if key_header in row)
    key = rows[at].index(key_header)
    return [row for row in rows[at + 1 :] if row[key] is not None]


def test_one_workbook_per_current_unit_and_quarter(landing: Path) -> None:
    units = load_current_units()
    codes = set(units.loc[units["province_code"] == "08", "commune_code"])
    assert len(codes) == 124
    for quarter in QUARTERS:
        written = {p.name[7:12] for p in landing.glob(f"NTM_08-?????_{quarter}.xlsx")}
        expected = codes - ({new_era.MISSING[0]} if quarter == new_era.MISSING[1] else set())
        assert written == expected, quarter


def test_same_bytes_on_every_run(landing: Path, tmp_path: Path) -> None:
    again = _write(tmp_path / "again")

    def digests(folder: Path) -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}

    assert digests(again) == digests(landing)


def test_the_story_is_in_the_landing_folder(landing: Path) -> None:
    missing_code, missing_quarter = new_era.MISSING
    assert not _file(landing, missing_code, missing_quarter).exists()

    (late_code, late_quarter), days = next(iter(new_era.LATE.items()))
    arrived = datetime.fromtimestamp(_file(landing, late_code, late_quarter).stat().st_mtime)
    assert arrived.date() == quarter_end(late_quarter) + timedelta(days=days)

    code, quarter = new_era.CORRECTED
    first, second = _file(landing, code, quarter), _file(landing, code, quarter, "_v2")
    assert first.stat().st_mtime < second.stat().st_mtime
    (broken,) = _data_rows(first, HOUSEHOLDS, "Mã xã")
    (fixed,) = _data_rows(second, HOUSEHOLDS, "Mã xã")
    assert broken[4] + broken[5] > broken[3]  # HH-003: poor and near-poor exceed households
    assert fixed[4] + fixed[5] <= fixed[3] and fixed[3] // 10 == broken[3]

    district, old_quarter = new_era.OLD_FORM
    old_form = landing / f"NTM_08-{district}_{old_quarter}.xlsx"
    cover = _cover(old_form)
    assert cover["Mã huyện"] == district and name_quarter(old_form.name) == old_quarter


def test_commune_workbooks_follow_the_era(landing: Path) -> None:
    for quarter, criteria_set in zip(
        QUARTERS, ("QD318_2022", "QD318_2022", "QD51_2025", "QD51_2025"), strict=True
    ):
        path = _file(landing, "00691", quarter)
        cover = _cover(path)
        assert "Mã huyện" not in cover
        assert (cover["Mã xã"], cover["Bộ tiêu chí"], cover["Nhóm xã"]) == (
            "00691",
            criteria_set,
            "1",  # a phường
        )
        criteria = _data_rows(path, CRITERIA, "Mã tiêu chí")
        assert [r[1] for r in criteria] == [
            str(n) for n in range(1, CRITERIA_SET_COUNTS[criteria_set] + 1)
        ]
        assert cover["Tổng số tiêu chí đạt"] == sum(r[3] == "Đạt" for r in criteria)
        (household,) = _data_rows(path, HOUSEHOLDS, "Mã xã")
        assert household[1:3] == ("00691", "Phường Hà Giang 2")
        programmes = {r[2] for r in _data_rows(path, FUNDING, "Chương trình")}
        assert programmes == ({"MTQG_2026"} if quarter >= "2026Q1" else {"NTM"})
        assert openpyxl.load_workbook(path).properties.description == new_era.DEMO_LABEL


def test_mountain_xa_are_group_3_with_old_programmes(landing: Path) -> None:
    path = _file(landing, "00715", "2025Q3")  # Xã Lũng Cú, old Hà Giang
    assert _cover(path)["Nhóm xã"] == "3"
    programmes = {r[2] for r in _data_rows(path, FUNDING, "Chương trình")}
    assert programmes == {"NTM", "GNBV_135", "DTTS_MN"}
    lines = [r[2:4] for r in _data_rows(_file(landing, "00715", "2026Q1"), FUNDING, "Chương trình")]
    assert len(lines) == len(set(lines))  # one line per (programme, source): FUND-004
    assert _cover(_file(landing, "00715", "2026Q1"))["Năm công nhận"] is None  # none under QĐ 51


def test_indicator_rows_under_their_criterion(landing: Path) -> None:
    (code,) = new_era.INDICATOR_COMMUNES
    codes = [r[1] for r in _data_rows(_file(landing, code, "2026Q1"), CRITERIA, "Mã tiêu chí")]
    assert codes[codes.index("6") : codes.index("7")] == ["6", "6.1", "6.2"]
    assert len([c for c in codes if "." not in c]) == 10
