"""`ntm template --commune`: the commune workbook (quarters from 2025Q3) as the writer lays it out,
read back with openpyxl: cover labels and values, the long criteria sheet, one households row,
drop-downs; and the usage errors that keep each kind of workbook to its quarters."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from ntm.cli import main
from sources.contract import (
    COMMUNE_COVER_FIELDS,
    COMMUNE_CRITERIA_COLUMNS,
    COMMUNE_WORKBOOK,
    CRITERIA_QD51_2025,
    HOUSEHOLD_COLUMNS,
    SHEET_TITLES,
)
from sources.template import TemplateError, write_commune_template, write_template
from sources.writer import WorkbookContent, WriteStyle, write_workbook

COVER, CRITERIA, HOUSEHOLDS, FUNDING = SHEET_TITLES.values()


def _template(tmp_path: Path, commune: str = "08-00691", quarter: str = "2026Q1") -> Path:
    out = tmp_path / f"NTM_{commune}_{quarter}.xlsx"
    result = CliRunner().invoke(
        main, ["template", "--commune", commune, "--quarter", quarter, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


def _cover(book: openpyxl.Workbook) -> dict[str, object]:
    sheet = book[COVER]
    return {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(1, sheet.max_row + 1)}


def _table(book: openpyxl.Workbook, title: str, key_header: str) -> tuple[list, list[tuple]]:
    """(header row, data rows with a value in the key column) of a data sheet."""
    rows = list(book[title].iter_rows(values_only=True))
    at = next(i for i, row in enumerate(rows) if key_header in row)
    key = rows[at].index(key_header)
    return list(rows[at]), [row for row in rows[at + 1 :] if row[key] is not None]


def test_cover_has_the_commune_fields_in_order(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(_template(tmp_path))
    assert book.sheetnames == list(SHEET_TITLES.values())
    sheet = book[COVER]
    labels = [sheet.cell(r, 1).value for r in range(1, len(COMMUNE_COVER_FIELDS) + 1)]
    assert labels == [c.header for c in COMMUNE_COVER_FIELDS]
    assert "Mã huyện" not in labels  # the reader tells the kinds apart by this label
    cover = _cover(book)
    assert cover["Mã tỉnh"] == "08" and cover["Tên tỉnh"] == "Tỉnh Tuyên Quang"
    assert cover["Mã xã"] == "00691" and cover["Tên xã"] == "Phường Hà Giang 2"
    assert cover["Kỳ báo cáo"] == "2026-Q1"
    assert cover["Bộ tiêu chí"] == "QD51_2025" and cover["Chuẩn nghèo"] == "ND07_2021"
    assert cover["Nhóm xã"] is None and cover["Tổng số tiêu chí đạt"] is None


def test_criteria_sheet_lists_qd51s_ten_criteria(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(_template(tmp_path))
    header, rows = _table(book, CRITERIA, "Mã tiêu chí")
    assert header == [c.header for c in COMMUNE_CRITERIA_COLUMNS]
    assert [r[1] for r in rows] == [str(n) for n in range(1, 11)]
    assert [r[2] for r in rows] == [names[0] for names in CRITERIA_QD51_2025.values()]
    assert all(r[3] is None for r in rows)  # Kết quả is the commune's to fill in


def test_2025_quarter_carries_qd318s_nineteen_criteria(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(_template(tmp_path, "08-02266", "2025Q3"))
    assert _cover(book)["Bộ tiêu chí"] == "QD318_2022"
    assert _cover(book)["Tên xã"] == "Xã Lâm Bình"
    _, rows = _table(book, CRITERIA, "Mã tiêu chí")
    assert [r[1] for r in rows] == [str(n) for n in range(1, 20)]
    names = {int(r[1]): r[2] for r in rows}
    assert (names[2], names[3], names[11]) == (
        "Giao thông",
        "Thủy lợi và phòng, chống thiên tai",  # QĐ 318's name (QĐ 1980: Thủy lợi)
        "Nghèo đa chiều",
    )


def test_households_sheet_has_the_commune_alone(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(_template(tmp_path))
    header, rows = _table(book, HOUSEHOLDS, "Mã xã")
    assert header == [c.header for c in HOUSEHOLD_COLUMNS]
    assert [(r[1], r[2]) for r in rows] == [("00691", "Phường Hà Giang 2")]
    _, funding = _table(book, FUNDING, "Mã xã")
    assert funding == []


def test_dropdowns_for_set_group_standard_and_status(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(_template(tmp_path))
    rows = {c.field: i for i, c in enumerate(COMMUNE_COVER_FIELDS, start=1)}
    cover = {str(v.sqref): v.formula1 for v in book[COVER].data_validations.dataValidation}
    assert "QD51_2025" in cover[f"B{rows['criteria_set']}"]
    assert cover[f"B{rows['commune_group']}"] == '"1,2,3"'
    assert "MDP_2027" in cover[f"B{rows['poverty_standard']}"]
    criteria = book[CRITERIA].data_validations.dataValidation
    assert any(v.formula1 == '"Đạt,Chưa đạt"' and "D" in str(v.sqref) for v in criteria)
    funding = " ".join(v.formula1 or "" for v in book[FUNDING].data_validations.dataValidation)
    assert "MTQG_2026" in funding


def test_writer_flags_and_indicator_codes(tmp_path: Path) -> None:
    content = WorkbookContent(
        cover={"province_code": "08", "commune_code": "00694", "criteria_met_reported": 1},
        criteria=[
            {"criterion_code": "6", "criterion_name": "Giảm nghèo", "is_met": True},
            {"criterion_code": "6.1", "criterion_name": "Tỷ lệ hộ nghèo", "is_met": False},
        ],
        kind=COMMUNE_WORKBOOK,
    )
    path = write_workbook(content, tmp_path / "c.xlsx", WriteStyle(flag_met="x", comments="DEMO"))
    book = openpyxl.load_workbook(path)
    _, rows = _table(book, CRITERIA, "Mã tiêu chí")
    assert [(r[1], r[3]) for r in rows] == [("6", "x"), ("6.1", "Chưa đạt")]
    assert _cover(book)["Tổng số tiêu chí đạt"] == 1  # a number, not text
    assert book.properties.description == "DEMO"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--commune", "08-00691", "--quarter", "2025Q2"], "before 2025Q3"),
        (["--district", "02-026", "--quarter", "2025Q4"], "no districts"),
        (["--commune", "8-691", "--quarter", "2026Q1"], "08-00691"),
        (["--commune", "08-99999", "--quarter", "2026Q1"], "no commune 08-99999"),
        (["--commune", "02-00691", "--quarter", "2026Q1"], "no commune 02-00691"),
        (["--district", "02-026", "--commune", "08-00691", "--quarter", "2026Q1"], "either"),
        (["--quarter", "2026Q1"], "either"),
    ],
)
def test_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "t.xlsx"
    result = CliRunner().invoke(main, ["template", *args, "--out", str(out)])
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()


def test_usage_errors_are_template_errors(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="before 2025Q3"):
        write_commune_template("08-00691", "2025Q2", tmp_path / "c.xlsx")
    with pytest.raises(TemplateError, match="after 2025Q2"):
        write_template("02-026", "2025Q3", tmp_path / "d.xlsx")
    assert not list(tmp_path.iterdir())
