"""`ntm template`: a blank workbook in the contract's shape, accepted once filled in."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from ntm.cli import main
from sources.reader import read_workbook
from sources.template import TemplateError, template_content, write_template
from tests.support import factories as f


def _template(tmp_path: Path, quarter: str = "2019Q1") -> Path:
    out = tmp_path / f"NTM_02-026_{quarter}.xlsx"
    result = CliRunner().invoke(
        main, ["template", "--district", "02-026", "--quarter", quarter, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


def test_template_lists_the_district_communes(tmp_path: Path) -> None:
    extract = read_workbook(_template(tmp_path))
    assert extract.findings == []
    assert (extract.province_code, extract.district_code, extract.quarter) == (
        "02",
        "026",
        "2019Q1",
    )
    assert extract.cover["quarter"].raw_value == "2019-Q1"
    assert extract.cover_value("criteria_set") == "QD1980_2016"
    assert extract.cover_value("poverty_standard") == "QD59_2015"
    assert extract.cover_value("district_name") == "Huyện Đồng Văn"
    assert list(extract.criteria.frame["commune_code"]) == [u.code for u in f.xa_units()]
    assert sorted(extract.households.frame["commune_code"]) == sorted(
        u.code for u in f.district_units()
    )
    assert extract.funding.frame.empty


def test_template_has_dropdowns(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(_template(tmp_path))
    criteria = book["Tieu chi"].data_validations.dataValidation
    assert any('"Đạt,Chưa đạt"' in (v.formula1 or "") for v in criteria)
    funding = book["Nguon von"].data_validations.dataValidation
    formulas = " ".join(v.formula1 or "" for v in funding)
    assert "GNBV_30A" in formulas and "NSTW_DTPT" in formulas


@pytest.mark.parametrize(
    ("quarter", "criteria_set", "standard"),
    [
        ("2020Q4", "QD1980_2016", "QD59_2015"),
        ("2021Q1", "QD318_2022", "QD59_2015"),
        ("2022Q1", "QD318_2022", "ND07_2021"),
    ],
)
def test_template_cover_follows_the_period(quarter: str, criteria_set: str, standard: str) -> None:
    content = template_content("02", "026", quarter)
    assert (content.cover["criteria_set"], content.cover["poverty_standard"]) == (
        criteria_set,
        standard,
    )


def test_filled_template_is_accepted_and_blank_one_rejected(tmp_path: Path) -> None:
    blank = _template(tmp_path)
    runner = CliRunner()
    rejected = runner.invoke(main, ["check", str(blank)])
    assert rejected.exit_code == 1
    assert "CELL-003" in rejected.output and "HH-002" in rejected.output

    # An officer fills it in with Excel: flags from the drop-down, the count, the households.
    book = openpyxl.load_workbook(blank)
    criteria, households = book["Tieu chi"], book["Ho ngheo"]
    header = next(r for r in range(1, 10) if criteria.cell(r, 2).value == "Mã xã")
    for row in range(header + 1, header + 1 + len(f.xa_units())):
        for col in range(4, 23):
            criteria.cell(row, col, "Đạt")
        criteria.cell(row, 23, 19)
    for offset in range(len(f.district_units())):
        row = header + 1 + offset
        for col, value in zip(range(4, 8), (1000, 300, 100, 250), strict=True):
            households.cell(row, col, value)
    funding = book["Nguon von"]
    for col, value in enumerate(("", "NTM", "NSTW_DTPT", 1500, 200.5), start=2):
        funding.cell(header + 1, col, value or None)
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    accepted = runner.invoke(main, ["check", str(filled)])
    assert accepted.exit_code == 0, accepted.output
    assert "ACCEPTED" in accepted.output


@pytest.mark.parametrize(
    ("district", "quarter", "message"),
    [
        ("2-26", "2019Q1", "02-026"),
        ("02-999", "2019Q1", "no district"),
        ("02-026", "2019Q5", "quarter"),
    ],
)
def test_template_usage_errors(tmp_path: Path, district: str, quarter: str, message: str) -> None:
    out = tmp_path / "t.xlsx"
    result = CliRunner().invoke(
        main, ["template", "--district", district, "--quarter", quarter, "--out", str(out)]
    )
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()
    with pytest.raises(TemplateError):
        write_template(district, quarter, out)
