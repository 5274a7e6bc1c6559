"""The seed plan (เทศบาลตำบลโพทะเล 2566) as the tests and the example use it: the parsed rows, the
departments' workbooks written from them, and the committed example files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from ita_workbook.cells import parse_budget, parse_mark
from ita_workbook.config import load_config
from ita_workbook.form import COLUMNS, QUARTER_KEYS
from ita_workbook.thai import to_thai_digits
from seed import (CLERKS, EXAMPLE_DIR, PLAN_TOML, example, rows_by_department, seed_rows,
                  seed_stated_totals, write_department_workbooks, write_published_plan)

DEPARTMENTS = ["สำนักปลัด", "กองยุทธศาสตร์และงบประมาณ", "กองคลัง", "กองการศึกษา", "กองสวัสดิการสังคม",
               "หน่วยตรวจสอบภายใน", "ทุกส่วนราชการ"]


def test_the_seed_has_41_projects_numbered_in_order_with_every_form_column():
    rows = seed_rows()
    assert len(rows) == 41
    assert [r["no"] for r in rows] == [to_thai_digits(f"{i}.") for i in range(1, 42)]
    assert all(list(r) == [c.key for c in COLUMNS] for r in rows)


def test_page_one_rows_drop_their_extra_empty_field():
    first, second, third = seed_rows()[:3]
    assert (first["q1"], first["q2"], first["q3"], first["q4"], first["department"]) == ("", "/", "", "", "สำนักปลัดฯ")
    assert (second["q1"], second["q2"], second["department"]) == ("/", "/", "สำนักปลัดฯ")
    assert third["department"] == "กอง ยุทธศาสตร์ฯ"
    assert first["budget"] == "๑๐,๐๐๐" and first["quantity"] == "๔๐" and first["dimension"] == "๑"


def test_rows_keep_the_text_as_typed_in_the_pdf():
    rows = seed_rows()
    assert rows[1]["budget"] == "ไม่ใช้ งบประมาณ"
    assert rows[39]["unit"] == "๘๐"  # row ๔๐: a number typed as the unit
    assert rows[30]["quantity"] == "ทุกครั้งที่ ดำเนินการ"
    assert rows[36]["name"].startswith("ก ิ จ ก ร ร ม")
    assert rows[35]["department"] == "หน่วยงาน ตรวจสอบ ภายในฯ"
    assert "สม่ัครสมาน" in rows[9]["outcome"]


def test_projects_per_dimension():
    assert Counter(r["dimension"] for r in seed_rows()) == {"๑": 11, "๒": 19, "๓": 5, "๔": 6}


def test_budget_total_is_140000_from_five_projects():
    amounts = [parse_budget(r["budget"]) for r in seed_rows()]
    assert sum(a or 0 for a, _ in amounts) == 140_000
    assert sum(a is not None for a, _ in amounts) == 5
    assert sum(no_budget for _, no_budget in amounts) == 36


def test_marks_count_differs_from_the_stated_totals():
    rows = seed_rows()
    assert [sum(parse_mark(r[q] or None) for r in rows) for q in QUARTER_KEYS] == [27, 34, 15, 9]
    assert seed_stated_totals() == {"label": "รวมทั้งสิ้น ๔๑ โครงการ", "projects": 41, "quarters": (27, 31, 15, 12)}


def test_seed_rows_are_fresh_copies():
    seed_rows()[0]["name"] = "changed"
    assert seed_rows()[0]["name"].startswith("โครงการปลูกจิตสำนึก")


def test_every_seed_department_matches_plan_toml():
    grouped = rows_by_department()
    assert list(grouped) == DEPARTMENTS
    assert {name: len(rows) for name, rows in grouped.items()} == {
        "สำนักปลัด": 13, "กองยุทธศาสตร์และงบประมาณ": 12, "กองคลัง": 2, "กองการศึกษา": 2,
        "กองสวัสดิการสังคม": 3, "หน่วยตรวจสอบภายใน": 1, "ทุกส่วนราชการ": 8}
    config = load_config(PLAN_TOML)
    assert (config.organisation, config.district, config.province, config.fiscal_year, config.issuer) == (
        "เทศบาลตำบลโพทะเล", "โพทะเล", "พิจิตร", 2566, "กวี จันดี")


def test_unknown_style_is_refused(tmp_path):
    with pytest.raises(ValueError):
        write_department_workbooks(tmp_path, style="fancy")


# --- the workbooks -----------------------------------------------------------------------------

def _values(path: Path) -> dict[str, object]:
    """Everything a reader sees in a workbook: cell values, merged ranges, sheet visibility."""
    book = openpyxl.load_workbook(path)
    return {sheet.title: {"state": sheet.sheet_state,
                          "merged": sorted(str(r) for r in sheet.merged_cells.ranges),
                          "cells": [[c.value for c in row] for row in sheet.iter_rows()]}
            for sheet in book.worksheets}


def test_committed_example_files_are_what_the_script_writes(tmp_path):
    example.main([str(tmp_path)])
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.xlsx"))
    committed = sorted(p.relative_to(EXAMPLE_DIR) for p in EXAMPLE_DIR.rglob("*.xlsx"))
    assert written == committed, "run: python examples/pho-thale-2566/make_departments.py"
    for rel in written:
        assert _values(tmp_path / rel) == _values(EXAMPLE_DIR / rel), (
            f"{rel} is out of date: run python examples/pho-thale-2566/make_departments.py")


def test_the_script_writes_the_same_bytes_twice(tmp_path):
    first = write_department_workbooks(tmp_path / "a")
    second = write_department_workbooks(tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def _cells(path: Path, sheet: str | None = None) -> list[object]:
    book = openpyxl.load_workbook(path)
    ws = book[sheet] if sheet else book.worksheets[0]
    return [c.value for row in ws.iter_rows() for c in row if c.value is not None]


def test_each_clerk_typed_the_plan_their_own_way():
    folder = EXAMPLE_DIR / "departments"
    assert sorted(p.stem for p in folder.glob("*.xlsx")) == sorted(DEPARTMENTS)
    assert set(CLERKS) == set(DEPARTMENTS)
    # Ticks instead of slashes.
    finance = _cells(folder / "กองคลัง.xlsx")
    assert finance.count("✓") == 4 and "/" not in finance
    # `10,000 บาท` and the PDF's `ไม่ใช้ งบประมาณ`, with Arabic digits.
    welfare = _cells(folder / "กองสวัสดิการสังคม.xlsx")
    assert welfare.count("10,000 บาท") == 2 and "ไม่ใช้งบประมาณ" in welfare
    assert "100,000 บาท" in _cells(folder / "กองการศึกษา.xlsx")
    # Thai digits as in the plan, the unit typed as a number.
    office = _cells(folder / "สำนักปลัด.xlsx")
    assert "๑๐,๐๐๐" in office and "๘๐" in office
    # Numbers, not text; the department merged down the rows; a hidden draft.
    strategy = openpyxl.load_workbook(folder / "กองยุทธศาสตร์และงบประมาณ.xlsx")
    plan, draft = strategy.worksheets
    assert (plan.sheet_state, draft.sheet_state) == ("visible", "hidden")
    assert "M8:M19" in {str(r) for r in plan.merged_cells.ranges}
    assert plan["M8"].value == "กอง ยุทธศาสตร์ฯ"
    assert (plan["A8"].value, plan["D8"].value, plan["E15"].value, plan["F8"].value) == (1, 40, 10000, 1)


def test_department_files_as_the_official_form_keep_the_seed_text(tmp_path):
    paths = write_department_workbooks(tmp_path, style="form")
    office = _cells(tmp_path / "สำนักปลัด.xlsx")
    assert [p.stem for p in paths] == DEPARTMENTS
    assert "ไม่ใช้ งบประมาณ" in office and "✓" not in office


def test_published_plan_has_the_form_header_and_the_stated_totals(tmp_path):
    path = write_published_plan(tmp_path / "plan.xlsx")
    ws = openpyxl.load_workbook(path).worksheets[0]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"C7:D7", "I7:L7", "A7:A8", "B7:B8", "A50:D50"} <= merged
    assert (ws["C7"].value, ws["C8"].value, ws["I8"].value) == ("เป้าหมายที่ดำเนินงาน", "หน่วยนับ", "ไตรมาส ๑")
    assert ws["A9"].value == "๑." and ws["A49"].value == "๔๑."
    assert [ws.cell(50, c).value for c in range(9, 13)] == ["๒๗", "๓๑", "๑๕", "๑๒"]
    assert ws["A50"].value == "รวมทั้งสิ้น ๔๑ โครงการ"
    assert ws["A52"].value == "** ข้อมูล ณ วันที่ ๒๒ มีนาคม ๒๕๖๖"
    numbers = openpyxl.load_workbook(write_published_plan(tmp_path / "n.xlsx", totals_as="number")).worksheets[0]
    assert [numbers.cell(50, c).value for c in range(9, 13)] == [27, 31, 15, 12]


@pytest.mark.parametrize("style", ["clerks", "form"])
def test_the_departments_files_validate_without_errors_and_add_up_to_the_seed(tmp_path, style):
    from ita_workbook.validate import validate_files

    paths = write_department_workbooks(tmp_path, style=style)
    result = validate_files(paths, load_config(PLAN_TOML))
    problems = result.report.all_problems()
    assert [p for p in problems if p.is_error] == []
    # Row ๔๐'s unit is a number; the seed's rows ๓ and ๒๑ carry one name under two departments.
    assert sorted((p.code, Path(p.path or f.path).stem, p.cell) for f in result.report.files
                  for p in f.problems) == [
        ("duplicate-project", "กองคลัง", "B3" if style == "clerks" else "B9"),
        ("duplicate-project", "กองยุทธศาสตร์และงบประมาณ", "B8"),
        ("unit-is-number", "สำนักปลัด", "C20"),
    ]
    plan = result.plan
    assert len(plan.projects) == 41
    assert plan.quarter_counts() == [27, 34, 15, 9]
    assert plan.budget_total() == 140_000
    assert plan.count_by_dimension() == {1: 11, 2: 19, 3: 5, 4: 6}
    assert Counter(p.department for p in plan.projects) == {
        name: len(rows) for name, rows in rows_by_department().items()}
