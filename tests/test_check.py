"""`ita-workbook check`: a plan's stated totals (its รวม… row) against what its rows add up to."""

from __future__ import annotations

import json

import openpyxl
import pytest
from click.testing import CliRunner

from ita_workbook.check import check_files
from ita_workbook.cli import main
from ita_workbook.form import COLUMNS
from seed import seed_rows, write_department_workbooks, write_published_plan


def _problems(path) -> list[tuple]:
    report = check_files([path]).report
    return [(p.code, p.sheet, p.cell, p.column, p.value, p.detail) for p in report.all_problems()]


# --- the seed's table, as published ------------------------------------------------------------

@pytest.mark.parametrize("totals_as", ["text", "number"])
def test_the_published_plan_has_two_wrong_quarter_totals(tmp_path, totals_as):
    path = write_published_plan(tmp_path / "plan.xlsx", totals_as=totals_as)
    assert _problems(path) == [
        ("total-mismatch", "แผนปฏิบัติการ", "J50", "q2", "31", "34"),
        ("total-mismatch", "แผนปฏิบัติการ", "L50", "q4", "12", "9"),
    ]
    result = check_files([path])
    assert result.report.files[0].projects == 41
    (table,) = result.tables
    assert (table.projects, table.quarters, table.budget) == (41, (27, 34, 15, 9), 140_000)


def test_the_cli_reports_the_wrong_totals_at_their_cells_and_exits_1(tmp_path):
    path = write_published_plan(tmp_path / "plan.xlsx")
    run = CliRunner().invoke(main, ["check", str(path)])
    assert run.exit_code == 1, run.output
    assert "[แผนปฏิบัติการ!J50] ยอดรวม \"ไตรมาส ๒\" ที่ระบุไว้คือ 31 แต่นับจากรายการได้ 34" in run.output
    assert "[แผนปฏิบัติการ!L50] ยอดรวม \"ไตรมาส ๔\" ที่ระบุไว้คือ 12 แต่นับจากรายการได้ 9" in run.output
    assert "27 / 34 / 15 / 9" in run.output and "140,000" in run.output


def test_a_corrected_plan_passes_and_exits_0(tmp_path):
    path = write_published_plan(tmp_path / "plan.xlsx", totals=(27, 34, 15, 9), budget_total=140_000)
    assert _problems(path) == []
    run = CliRunner().invoke(main, ["check", str(path)])
    assert run.exit_code == 0, run.output
    assert "ผ่าน / OK" in run.output


def test_the_count_in_the_label_is_checked(tmp_path):
    path = write_published_plan(tmp_path / "plan.xlsx", totals=(27, 34, 15, 9), count=40)
    assert _problems(path) == [("total-mismatch", "แผนปฏิบัติการ", "A50", "name", "40", "41")]


def test_a_stated_budget_total_is_checked(tmp_path):
    path = write_published_plan(tmp_path / "plan.xlsx", totals=(27, 34, 15, 9), budget_total=150_000)
    assert _problems(path) == [("total-mismatch", "แผนปฏิบัติการ", "E50", "budget", "150,000", "140,000")]


def test_a_plan_without_totals_row(tmp_path):
    path = write_published_plan(tmp_path / "plan.xlsx", with_totals=False)
    assert _problems(path) == [("totals-not-found", "แผนปฏิบัติการ", None, None, None, "")]
    run = CliRunner().invoke(main, ["check", str(path)])
    assert run.exit_code == 1 and "ไม่พบแถวรวม" in run.output


def test_department_files_have_no_totals_row(tmp_path):
    paths = write_department_workbooks(tmp_path)
    report = check_files(paths).report
    # The row under the last project is where the totals row was looked for.
    assert [(f.projects, [(p.code, p.row) for p in f.problems]) for f in report.files] == [
        (13, [("totals-not-found", 21)]), (12, [("totals-not-found", 20)]), (2, [("totals-not-found", 4)]),
        (2, [("totals-not-found", 4)]), (3, [("totals-not-found", 11)]), (1, [("totals-not-found", 9)]),
        (8, [("totals-not-found", 16)])]


def test_an_unknown_mark_is_reported_and_not_counted(tmp_path):
    rows = seed_rows()
    rows[0]["q1"] = "?"  # row ๑ has no mark in quarter 1, so the stated 27 stays right
    path = write_published_plan(tmp_path / "plan.xlsx", totals=(27, 34, 15, 9), rows=rows)
    assert _problems(path) == [("bad-quarter-mark", "แผนปฏิบัติการ", "I9", "q1", "?", "")]


# --- JSON and the command line -----------------------------------------------------------------

def test_json_has_the_shape_of_validate(tmp_path):
    path = write_published_plan(tmp_path / "plan.xlsx")
    run = CliRunner().invoke(main, ["check", str(path), "--format", "json"])
    assert run.exit_code == 1
    data = json.loads(run.output)
    assert set(data) == {"ok", "files", "problems", "summary"}
    assert data["ok"] is False
    assert data["summary"] == {"files": 1, "projects": 41, "errors": 2, "warnings": 0}
    (file,) = data["files"]
    assert file["path"] == str(path) and file["projects"] == 41
    assert [(p["code"], p["cell"], p["column"], p["value"], p["detail"]) for p in file["problems"]] == [
        ("total-mismatch", "J50", "q2", "31", "34"), ("total-mismatch", "L50", "q4", "12", "9")]
    assert file["problems"][0]["message_en"] == "The stated total of 'quarter 2' is 31 but the rows add up to 34"


@pytest.mark.parametrize("args", [["check"], ["check", "--format", "pdf", "x"]])
def test_a_wrong_command_line_exits_2(args):
    assert CliRunner().invoke(main, args).exit_code == 2


def test_a_missing_plan_is_reported_in_thai_like_validate(tmp_path):
    result = CliRunner().invoke(main, ["check", str(tmp_path / "no-such-plan.xlsx")])
    assert result.exit_code == 1 and "ไม่พบไฟล์" in result.output and "unreadable-file" in result.output


def test_a_file_that_is_no_workbook_is_reported_not_raised(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_text("ไม่ใช่ไฟล์ Excel", encoding="utf-8")
    run = CliRunner().invoke(main, ["check", str(path), "--format", "json"])
    assert run.exit_code == 1, run.output
    assert isinstance(run.exception, SystemExit)  # not a traceback
    assert [p["code"] for p in json.loads(run.output)["files"][0]["problems"]] == ["unreadable-file"]


# --- a small plan typed by hand ----------------------------------------------------------------

SMALL = [
    # ที่, โครงการ, หน่วยนับ, ปริมาณ, งบประมาณ, มิติ, ตัวชี้วัด, ผลลัพธ์, ไตรมาส 1-4, หน่วยงาน
    [1, "โครงการ ก", "คน", 10, "5,000", 1, "มีผู้เข้าร่วม", "รู้", "/", "/", None, None, "สำนักปลัด"],
    [2, "โครงการ ข", "ครั้ง", 1, "ไม่ใช้งบประมาณ", 2, "มีประกาศ", "โปร่งใส", None, "/", "/", None, "กองคลัง"],
    [3, "โครงการ ค", "ครั้ง", 2, "2,500 บาท", 4, "มีรายงาน", "ตรวจสอบได้", "/", None, None, "/", "กองคลัง"],
]


def _small_plan(path, totals: list) -> str:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "แผน"
    sheet.append([c.header for c in COLUMNS])
    for row in SMALL:
        sheet.append(row)
    sheet.append(totals)
    book.save(path)
    return str(path)


def test_a_small_plan_with_right_totals_in_arabic_digits(tmp_path):
    path = _small_plan(tmp_path / "p.xlsx", ["รวม 3 โครงการ", None, None, None, "7,500", None, None, None,
                                             2, 2, 1, 1, None])
    assert _problems(path) == []


def test_a_total_that_is_a_formula_never_computed(tmp_path):
    # openpyxl stores formulas without a value: nothing says what the stated total is.
    path = _small_plan(tmp_path / "p.xlsx", ["รวม", None, None, None, "=SUM(E2:E4)", None, None, None,
                                             "=COUNTA(I2:I4)", 2, 1, "ไม่ทราบ", None])
    assert _problems(path) == [
        ("formula-without-value", "แผน", "E5", "budget", None, ""),
        ("formula-without-value", "แผน", "I5", "q1", None, ""),
        ("total-mismatch", "แผน", "L5", "q4", "ไม่ทราบ", "1"),
    ]
