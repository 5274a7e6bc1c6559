"""Reading and validating departments' workbooks: each rule found at its cell, with its code."""

import json

import openpyxl
import pytest

from ita_workbook.config import Config, Department
from ita_workbook.validate import validate_files
from workbooks import good, row, write_form


def problems(result, code=None):
    found = [p for p in result.report.all_problems() if code is None or p.code == code]
    return found


def codes_at(result):
    return {(p.code, p.cell) for p in result.report.all_problems()}


def test_clean_file_gives_its_projects(tmp_path):
    path = write_form(tmp_path / "a.xlsx", [good(1), good(2, budget="๒๕,๐๐๐ บาท", dimension="๒", q2="✓")])
    result = validate_files([path])
    assert result.report.ok and result.report.errors == 0
    assert [p.name for p in result.plan.projects] == ["โครงการทดสอบที่ 1", "โครงการทดสอบที่ 2"]
    second = result.plan.projects[1]
    assert second.budget == 25000.0 and second.dimension == 2 and second.quarters == (True, True, False, False)
    assert second.source.row == 6 and second.source.sheet == "แผน" and second.source.cell("budget") == "E6"
    assert result.report.files[0].projects == 2 and result.rows_read == 2


@pytest.mark.parametrize("overrides, code, cell", [
    (dict(budget="ประมาณหนึ่งหมื่น"), "bad-budget", "E5"),
    (dict(budget=-100), "bad-budget", "E5"),
    (dict(budget=None), "missing-value", "E5"),
    (dict(dimension="มิติ 5"), "bad-dimension", "F5"),
    (dict(dimension="สอง"), "bad-dimension", "F5"),
    (dict(q1="?"), "bad-quarter-mark", "I5"),
    (dict(q1=None), "no-quarter", "I5"),
    (dict(department="กองบัญชี"), "unknown-department", "M5"),
    (dict(name=None), "missing-value", "B5"),
    (dict(unit=None), "missing-value", "C5"),
    (dict(indicator=None), "missing-value", "G5"),
    (dict(quantity=None), "missing-value", "D5"),
])
def test_each_mistake_is_found_at_its_cell(tmp_path, overrides, code, cell):
    path = write_form(tmp_path / "a.xlsx", [good(1, **overrides)])
    result = validate_files([path])
    assert (code, cell) in codes_at(result)
    assert not result.report.ok
    assert result.plan.projects == [] and result.rows_rejected == 1  # reported, not silently dropped


def test_excel_date_in_quantity(tmp_path):
    path = tmp_path / "a.xlsx"
    write_form(path, [good(1)])
    book = openpyxl.load_workbook(path)
    book.active["D5"].value = __import__("datetime").datetime(2023, 2, 1)
    book.save(path)
    assert ("excel-date", "D5") in codes_at(validate_files([path]))


def test_unknown_department_suggests_the_closest(tmp_path):
    path = write_form(tmp_path / "a.xlsx", [good(1, department="กองคลังง")])
    [p] = problems(validate_files([path]), "unknown-department")
    assert "กองคลัง" in p.message and "กองคลัง" in p.message_en


def test_seed_department_spellings_are_accepted(tmp_path):
    names = ["สำนักปลัดฯ", "กอง ยุทธศาสตร์ฯ", "กองยุทธศาสตร์ฯ", "กอง สวัสดิการฯ", "กองสวัสดิการสังคม",
             "หน่วยงาน ตรวจสอบ ภายในฯ", "ทุกส่วน ราชการ", "กองคลัง", "กองการศึกษา"]
    rows = [good(i, department=d) for i, d in enumerate(names, 1)]
    result = validate_files([write_form(tmp_path / "a.xlsx", rows)])
    assert result.report.ok, result.report.to_text()
    assert [p.department for p in result.plan.projects] == [
        "สำนักปลัด", "กองยุทธศาสตร์และงบประมาณ", "กองยุทธศาสตร์และงบประมาณ", "กองสวัสดิการสังคม",
        "กองสวัสดิการสังคม", "หน่วยตรวจสอบภายใน", "ทุกส่วนราชการ", "กองคลัง", "กองการศึกษา"]


def test_configured_departments_and_aliases(tmp_path):
    config = Config(departments=(Department("ฝ่ายแผน", ("งานแผน",)),))
    path = write_form(tmp_path / "a.xlsx", [good(1, department="งาน แผน"), good(2, department="สำนักปลัด")])
    result = validate_files([path], config)
    assert result.plan.projects[0].department == "ฝ่ายแผน"
    assert ("unknown-department", "M6") in codes_at(result)


def test_merged_department_and_continuation_row(tmp_path):
    rows = [good(1, department="กองคลัง"), row(indicator="๒) ต่อจากบรรทัดบน", outcome="ผลต่อ"),
            good(2, department="กองช่าง"), good(3, department=None)]
    path = write_form(tmp_path / "a.xlsx", rows, extra_merges=("M7:M8",))
    result = validate_files([path])
    assert result.report.ok, result.report.to_text()
    first, second, third = result.plan.projects
    assert first.indicator == "มีการจัดอบรม ๑ ครั้ง\n๒) ต่อจากบรรทัดบน" and first.outcome == "บุคลากรมีความรู้\nผลต่อ"
    assert second.department == third.department == "กองช่าง"  # M7, merged over M8
    [warning] = problems(result, "continuation-row")
    assert warning.cell == "G6" and warning.severity == "warning"


def test_project_name_merged_over_its_indicator_lines(tmp_path):
    rows = [good(1), row(indicator="ตัวชี้วัดบรรทัดสอง")]
    path = write_form(tmp_path / "a.xlsx", rows, extra_merges=("B5:B6", "A5:A6"))
    result = validate_files([path])
    assert len(result.plan.projects) == 1 and result.rows_read == 1
    assert result.plan.projects[0].indicator.endswith("ตัวชี้วัดบรรทัดสอง")


def test_totals_row_ends_a_table_and_blank_rows_are_skipped(tmp_path):
    rows = [good(1), [None] * 13, good(2), row(no="รวมทั้งสิ้น ๒ โครงการ", q1=2), good(3)]
    path = write_form(tmp_path / "a.xlsx", rows)
    result = validate_files([path])
    # A project typed below the totals is not dropped: it is read, as part of a second table.
    assert [p.name for p in result.plan.projects] == ["โครงการทดสอบที่ 1", "โครงการทดสอบที่ 2", "โครงการทดสอบที่ 3"]
    from ita_workbook.reader import read_workbook

    first, second = read_workbook(path).tables
    assert first.totals.row == 8 and [r.row for r in first.rows] == [5, 7] and [r.row for r in second.rows] == [9]


def test_dimension_heading_rows_and_subtotals(tmp_path):
    rows = [row(no="มิติที่ ๑ การสร้างวัฒนธรรมสุจริต"), good(1, dimension=None), good(2, dimension=None),
            row(no="รวมมิติที่ ๑", q1=2), row(name="มิติที่ 2 การบริหารราชการด้วยความโปร่งใส"),
            good(3, dimension=None), good(4, dimension=3), row(no="รวมทั้งสิ้น ๔ โครงการ", q1=4)]
    path = write_form(tmp_path / "a.xlsx", rows, extra_merges=("A5:M5",))
    result = validate_files([path])
    assert result.report.ok, result.report.to_text()
    assert [p.dimension for p in result.plan.projects] == [1, 1, 2, 3]
    from ita_workbook.check import check_files

    assert check_files([path]).report.ok


def test_hidden_rows_are_read_and_said(tmp_path):
    path = write_form(tmp_path / "a.xlsx", [good(1), good(2)])
    book = openpyxl.load_workbook(path)
    book.active.row_dimensions[6].hidden = True
    book.save(path)
    result = validate_files([path])
    assert len(result.plan.projects) == 2
    assert [(p.code, p.cell) for p in problems(result)] == [("hidden-row", "B6")]


def test_project_called_ruam_is_not_a_totals_row(tmp_path):
    result = validate_files([write_form(tmp_path / "a.xlsx", [good(1, no=None, name="รวมพลังต้านโกง")])])
    assert [p.name for p in result.plan.projects] == ["รวมพลังต้านโกง"]


def test_hidden_and_instruction_sheets_are_ignored_several_form_sheets_count(tmp_path):
    book = openpyxl.Workbook()
    write_form(None, [good(1)], sheet="กองคลัง", book=book)
    book.remove(book["Sheet"]) if "Sheet" in book.sheetnames else None
    write_form(None, [good(2)], sheet="กองช่าง", book=book)
    write_form(None, [good(3)], sheet="ร่าง", book=book)
    book["ร่าง"].sheet_state = "hidden"
    book.create_sheet("คำชี้แจง").append(["ที่", "แผนงาน/โครงการ/กิจกรรม", "หน่วยนับ", "ปริมาณงาน", "งบประมาณ",
                                         "มิติ", "ตัวชี้วัด"])
    path = tmp_path / "a.xlsx"
    book.save(path)
    result = validate_files([path])
    assert sorted(p.name for p in result.plan.projects) == ["โครงการทดสอบที่ 1", "โครงการทดสอบที่ 2"]


def test_single_row_header_with_other_spellings(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["ลำดับที่", "โครงการ/กิจกรรม", "หน่วยนับ", "ปริมาณงาน", "งบประมาณ (บาท)", "มิติที่", "ตัวชี้วัด",
               "ผลลัพธ์", "ไตรมาสที่ 1", "ไตรมาสที่ 2", "ไตรมาสที่ 3", "ไตรมาสที่ 4", "หน่วยงานที่รับผิดชอบ"])
    ws.append(good(1, budget=5000))
    path = tmp_path / "a.xlsx"
    book.save(path)
    result = validate_files([path])
    assert result.report.ok and result.plan.projects[0].budget == 5000.0


def test_missing_column_is_reported_once_not_per_row(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["ที่", "แผนงาน/โครงการ/กิจกรรม", "หน่วยนับ", "ปริมาณงาน", "มิติ", "ตัวชี้วัด", "ผลลัพธ์",
               "ไตรมาส 1", "ไตรมาส 2", "ไตรมาส 3", "ไตรมาส 4", "หน่วยงานรับผิดชอบ"])
    ws.append(["1", "ก", "คน", 1, 1, "ตัวชี้วัด", "", "/", "", "", "", "กองคลัง"])
    ws.append(["2", "ข", "คน", 1, 1, "ตัวชี้วัด", "", "/", "", "", "", "กองคลัง"])
    path = tmp_path / "a.xlsx"
    book.save(path)
    result = validate_files([path])
    assert [p.code for p in result.report.all_problems()] == ["missing-column"]
    assert result.rows_read == 2 and result.rows_rejected == 2


def test_no_header_found(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["ชื่อ", "นามสกุล"])
    path = tmp_path / "a.xlsx"
    book.save(path)
    result = validate_files([path])
    assert [p.code for p in result.report.all_problems()] == ["header-not-found"]


def test_duplicate_projects_within_and_across_files_warn(tmp_path):
    """Two departments each running a project of the same name: a warning (one department's file
    sent twice is the error `sent-twice`, tests/test_sent_twice.py)."""
    a = write_form(tmp_path / "a.xlsx", [good(1), good(2, name="โครงการทดสอบที่  1")])
    b = write_form(tmp_path / "b.xlsx", [good(1, department="กองคลัง")])
    result = validate_files([a, b])
    dups = problems(result, "duplicate-project")
    assert len(dups) == 3 and all(p.severity == "warning" for p in dups)
    assert result.report.ok  # warnings never block


def test_number_as_unit_warns(tmp_path):
    result = validate_files([write_form(tmp_path / "a.xlsx", [good(1, unit="๘๐")])])
    [p] = problems(result, "unit-is-number")
    assert p.cell == "C5" and p.severity == "warning" and result.report.ok


def test_text_starting_with_equals_stays_text(tmp_path):
    path = write_form(tmp_path / "a.xlsx", [good(1)])
    book = openpyxl.load_workbook(path)
    cell = book.active["B5"]
    cell.value = '=HYPERLINK("http://x","y")'
    cell.data_type = "s"
    book.save(path)
    result = validate_files([path])
    assert result.plan.projects[0].name == '=HYPERLINK("http://x","y")'


def test_formula_without_cached_value_is_not_silently_empty(tmp_path):
    path = write_form(tmp_path / "a.xlsx", [good(1)])
    book = openpyxl.load_workbook(path)
    book.active["E5"] = "=1000*10"  # openpyxl stores no cached value
    book.active["I5"] = "=\"/\""
    book.save(path)
    result = validate_files([path])
    assert {("formula-without-value", "E5"), ("formula-without-value", "I5")} <= codes_at(result)


def test_json_shape(tmp_path):
    path = write_form(tmp_path / "a.xlsx", [good(1, budget="ประมาณหนึ่งหมื่น")])
    data = json.loads(validate_files([path]).report.to_json())
    assert data["ok"] is False and data["problems"] == []
    [file] = data["files"]
    assert file["path"] == str(path) and file["projects"] == 1
    [p] = file["problems"]
    assert p == {"severity": "error", "code": "bad-budget", "sheet": "แผน", "cell": "E5", "row": 5,
                 "column": "budget", "value": "ประมาณหนึ่งหมื่น", "message": p["message"],
                 "message_en": p["message_en"], "detail": ""}
    assert "งบประมาณ" in p["message"] and "Budget" in p["message_en"]


def test_template_metadata_of_another_year_is_wrong_template(tmp_path):
    path = write_form(tmp_path / "a.xlsx", [good(1)])
    book = openpyxl.load_workbook(path)
    meta = book.create_sheet("_ita_workbook")
    for key, value in [("form_version", "2565.1"), ("organisation", "เทศบาลตำบลทดสอบ"), ("fiscal_year", "2565")]:
        meta.append([key, value])
    meta.sheet_state = "hidden"
    book.save(path)
    result = validate_files([path], Config(organisation="เทศบาลตำบลทดสอบ", fiscal_year=2566))
    assert {p.code for p in result.report.all_problems()} == {"wrong-template", "old-template"}
    assert result.metadata[str(path)]["fiscal_year"] == "2565"
    assert result.plan.projects and not result.report.ok


def test_footer_lines_end_a_table_without_totals(tmp_path):
    rows = [good(1), row(no="** ข้อมูล ณ วันที่ ๒๒ มีนาคม ๒๕๖๖"), row(no="ชื่อ - สกุล ผู้ออกรายงาน กวี จันดี"),
            row(no="คำอธิบาย"), row(no="มิติ ๑ การสร้างวัฒนธรรมสุจริต")]
    result = validate_files([write_form(tmp_path / "a.xlsx", rows)])
    assert result.report.ok and result.rows_read == 1


def test_several_departments_in_one_cell(tmp_path):
    path = write_form(tmp_path / "a.xlsx", [good(1, department="สำนักปลัดฯ/กองคลัง"),
                                            good(2, department="กองคลัง, กองบัญชี")])
    result = validate_files([path])
    assert result.plan.projects[0].department == "สำนักปลัด/กองคลัง"
    assert [(p.code, p.cell) for p in problems(result)] == [("unknown-department", "M6")]


def test_a_column_added_by_the_clerk_with_data_is_said_not_dropped_silently(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["ที่", "แผนงาน/โครงการ/กิจกรรม", "หน่วยนับ", "ปริมาณงาน", "งบประมาณ", "มิติ", "ตัวชี้วัด", "ผลลัพธ์",
               "ไตรมาส 1", "ไตรมาส 2", "ไตรมาส 3", "ไตรมาส 4", "หน่วยงานรับผิดชอบ", "หมายเหตุ", "ผู้ประสาน"])
    ws.append(good(1) + ["ใช้งบปีก่อน", None])
    ws.append(good(2) + [None, None])
    path = tmp_path / "a.xlsx"
    book.save(path)
    result = validate_files([path])
    assert [(p.code, p.cell, p.value) for p in problems(result)] == [("extra-column", "N1", "หมายเหตุ")]
    assert result.report.ok and len(result.plan.projects) == 2


def test_quarters_headed_by_their_months(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["ที่", "โครงการ", "หน่วยนับ", "ปริมาณงาน", "งบประมาณ", "มิติ", "ตัวชี้วัด", "ผลลัพธ์",
               "ต.ค.-ธ.ค. ๖๕", "ม.ค.–มี.ค. ๖๖", "เม.ย.-มิ.ย.", "ก.ค. - ก.ย.", "หน่วยงานรับผิดชอบ"])
    ws.append(good(1, q1=None, q3="/"))
    path = tmp_path / "a.xlsx"
    book.save(path)
    result = validate_files([path])
    assert result.report.ok and result.plan.projects[0].quarters == (False, False, True, False)
