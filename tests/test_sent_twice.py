"""One department's plan in two files, or the same projects in two files, is an error naming both
files in validate, merge (which refuses, draft or not) and the page: never merged twice."""

from __future__ import annotations

import json
import shutil

import openpyxl
from click.testing import CliRunner

from ita_workbook.cli import main
from ita_workbook.form import METADATA_SHEET
from ita_workbook.merge import merge_files
from ita_workbook.validate import validate_files
from workbooks import good, write_form


def _finance(path, names=("อบรมคุณธรรม", "ประกาศราคากลาง", "เปิดเผยข้อมูลการจัดซื้อจัดจ้าง"), **overrides):
    return write_form(path, [good(n, name=name, department="กองคลัง", **overrides) for n, name in enumerate(names, 1)])


def _twice(result) -> list[tuple[str, str, str]]:
    return [(f.path.rsplit("/", 1)[1], p.value, p.severity) for f in result.report.files for p in f.problems
            if p.code == "sent-twice"]


def test_a_browser_re_download_is_an_error_naming_both_files(tmp_path):
    first = _finance(tmp_path / "กองคลัง.xlsx")
    shutil.copy(first, tmp_path / "กองคลัง (1).xlsx")
    other = write_form(tmp_path / "สำนักปลัด.xlsx", [good(1)])
    result = validate_files([tmp_path / "กองคลัง (1).xlsx", first, other])
    assert _twice(result) == [("กองคลัง (1).xlsx", "กองคลัง.xlsx", "error"),
                              ("กองคลัง.xlsx", "กองคลัง (1).xlsx", "error")]
    assert "เป็นแผนของกองคลังเหมือนกัน" in result.report.files[0].problems[0].message
    assert not result.report.ok


def test_a_revised_copy_under_another_name_is_the_same_department(tmp_path):
    """The revision renamed a project and changed every budget: the department still says it."""
    first = _finance(tmp_path / "กองคลัง.xlsx")
    revised = _finance(tmp_path / "แผนกองคลัง แก้ไขแล้ว.xlsx",
                       names=("อบรมคุณธรรม", "ประกาศราคากลาง", "รายงานผลการจัดซื้อจัดจ้าง"), budget=5000)
    assert _twice(validate_files([first, revised])) == [("กองคลัง.xlsx", "แผนกองคลัง แก้ไขแล้ว.xlsx", "error"),
                                                       ("แผนกองคลัง แก้ไขแล้ว.xlsx", "กองคลัง.xlsx", "error")]


def test_the_same_projects_of_several_departments_in_two_files(tmp_path):
    """A coordinator's file gathering three departments' projects, and a copy of it: no department
    has most of its rows, the projects themselves are the same."""
    rows = [good(1, department="กองคลัง"), good(2, department="กองช่าง"), good(3, department="สำนักปลัด"),
            good(4, department="กองการศึกษา")]
    a = write_form(tmp_path / "รวมโครงการ.xlsx", rows)
    b = write_form(tmp_path / "รวมโครงการ ล่าสุด.xlsx", rows[:3])
    result = validate_files([a, b])
    assert [value for _, value, _ in _twice(result)] == ["รวมโครงการ ล่าสุด.xlsx", "รวมโครงการ.xlsx"]
    assert "มีโครงการเดียวกัน 3 โครงการ" in result.report.files[0].problems[0].message


def test_two_templates_of_one_department_are_twice_whatever_their_rows_say(tmp_path):
    paths = []
    for name, department in (("ฉบับแรก.xlsx", "สำนักปลัด"), ("ฉบับสอง.xlsx", "กองช่าง")):
        path = write_form(tmp_path / name, [good(1, name=f"โครงการของ{name}", department=department)])
        book = openpyxl.load_workbook(path)
        meta = book.create_sheet(METADATA_SHEET)
        meta.append(["department", "กองคลัง"])
        meta.sheet_state = "hidden"
        book.save(path)
        paths.append(path)
    assert [name for name, _, _ in _twice(validate_files(paths))] == ["ฉบับแรก.xlsx", "ฉบับสอง.xlsx"]


def test_different_departments_sharing_a_project_name_are_not_twice(tmp_path):
    a = _finance(tmp_path / "กองคลัง.xlsx")
    b = write_form(tmp_path / "กองช่าง.xlsx", [good(1, name="อบรมคุณธรรม", department="กองช่าง")])
    result = validate_files([a, b])
    assert _twice(result) == [] and result.report.ok


def test_merge_refuses_a_department_sent_twice_even_as_a_draft(tmp_path):
    (tmp_path / "in").mkdir()
    first = _finance(tmp_path / "in" / "กองคลัง.xlsx")
    shutil.copy(first, tmp_path / "in" / "กองคลัง (1).xlsx")
    for draft in (False, True):
        merged = merge_files([first, tmp_path / "in" / "กองคลัง (1).xlsx"], tmp_path / "แผน.xlsx", draft=draft)
        assert not merged.written and not (tmp_path / "แผน.xlsx").exists()
        said = merged.summary()  # what to do: one file per department; a draft would not help
        assert "เหลือกองละไฟล์เดียว" in said and "--draft" not in said
    run = CliRunner().invoke(main, ["merge", str(tmp_path / "in"), "-o", str(tmp_path / "แผน.xlsx"), "--format", "json"])
    assert run.exit_code == 1
    report = json.loads(run.output)
    assert [p["code"] for f in report["files"] for p in f["problems"] if p["severity"] == "error"] == ["sent-twice"] * 2
    assert report["merge"]["written"] is False


def test_a_second_run_over_the_folder_holding_the_first_master_merges_once(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _finance(folder / "กองคลัง.xlsx")
    write_form(folder / "สำนักปลัด.xlsx", [good(1)])
    assert merge_files([*sorted(folder.iterdir())], folder / "แผนรวม.xlsx").projects_written == 4
    again = merge_files([*sorted(folder.iterdir())], folder / "แผนรวม.xlsx")
    assert again.projects_written == 4 and [p.code for f in again.report.files for p in f.problems] == ["master-as-input"]
