"""Rows for Excel on the office PC (issue 21): a row without merged cells is written with its height
but without `customHeight`, so that Excel fits it to TH SarabunPSK when it opens the file, while
LibreOffice, which never refits a row on load, keeps the height measured for its wider stand-in.
A row with merged cells, which Excel never fits, keeps `customHeight`."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from click.testing import CliRunner

from ita_workbook.cli import main
from seed import EXAMPLE_DIR
from workbooks import good, write_form

_ROW = re.compile(r"<row [^>]*>")


def _rows(path: Path, sheet: str = "xl/worksheets/sheet1.xml") -> dict[int, dict[str, str]]:
    xml = zipfile.ZipFile(path).read(sheet).decode()
    return {int(a["r"]): a for a in (dict(re.findall(r'(\w+)="([^"]*)"', row)) for row in _ROW.findall(xml))}


def _merged_rows(path: Path) -> set[int]:
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    rows = set()
    for first, last in re.findall(r'<mergeCell ref="[A-Z]+(\d+):[A-Z]+(\d+)"/>', xml):
        rows |= set(range(int(first), int(last) + 1))
    return rows


def _merge(folder: Path, target: Path, *args: str) -> None:
    done = CliRunner().invoke(main, ["merge", str(folder), "-o", str(target), "--date", "2023-03-22", *args])
    assert done.exit_code == 0, done.output


def test_the_masters_project_rows_are_left_to_excel_to_fit_and_merged_rows_keep_their_height(tmp_path: Path):
    target = tmp_path / "master.xlsx"
    _merge(EXAMPLE_DIR / "departments", target, "--config", str(EXAMPLE_DIR / "plan.toml"))
    rows, merged = _rows(target), _merged_rows(target)
    projects = [r for r in range(7, 48)]  # the example's 41 projects, one row each (test_line_count)
    assert all("ht" in rows[r] and "customHeight" not in rows[r] for r in projects)
    # titles, the header, the totals, the legend: merged across columns, heights kept
    assert all(rows[r].get("customHeight") == "1" for r in rows if r in merged)
    assert {r for r in rows if "customHeight" not in rows[r]} == set(projects)


def test_a_project_spread_over_rows_keeps_its_heights(tmp_path: Path):
    # Excel caps a row at 409 points: a longer project takes several rows, its short cells merged down them.
    folder = tmp_path / "in"
    folder.mkdir()
    long_text = " ".join(f"ตัวชี้วัดข้อที่ {i} ประชาชนมีความพึงพอใจต่อการให้บริการไม่น้อยกว่าร้อยละ ๘๐" for i in range(1, 41))
    write_form(folder / "กองคลัง.xlsx", [good(1), good(2, indicator=long_text), good(3)])
    target = tmp_path / "master.xlsx"
    _merge(folder, target, "--org", "เทศบาลตำบลทดสอบ", "--year", "2566")
    rows, merged = _rows(target), _merged_rows(target)
    spread = sorted(r for r in merged if r > 6 and "customHeight" in rows[r] and float(rows[r]["ht"]) > 100)
    assert len(spread) >= 2  # project ๒'s rows
    fitted = [r for r in rows if "customHeight" not in rows[r]]
    assert len(fitted) == 2 and not set(fitted) & merged  # projects ๑ and ๓


def test_the_reports_project_rows_are_left_to_excel_to_fit(tmp_path: Path):
    from seed import PLAN_TOML, load_example_script

    master = tmp_path / "master.xlsx"
    _merge(EXAMPLE_DIR / "departments", master, "--config", str(PLAN_TOML))
    forms, returned, report = tmp_path / "forms", tmp_path / "returned", tmp_path / "report.xlsx"
    done = CliRunner().invoke(main, ["report-template", "--plan", str(master), "--round", "6", "--config",
                                     str(PLAN_TOML), "-o", str(forms)])
    assert done.exit_code == 0, done.output
    load_example_script("fill_reports.py").fill_reports(forms, returned)
    done = CliRunner().invoke(main, ["report", str(returned), "--plan", str(master), "--round", "6", "--config",
                                     str(PLAN_TOML), "-o", str(report), "--date", "2023-04-05"])
    assert done.exit_code == 0, done.output
    rows, merged = _rows(report), _merged_rows(report)
    fitted = {r for r in rows if "customHeight" not in rows[r]}
    assert len(fitted) == 41 and not fitted & merged  # a row a project; the มิติ headings are merged
    assert all("ht" in rows[r] for r in fitted)
