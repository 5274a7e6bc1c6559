"""Issue 10, item by item, through the real command line: never a silent wrong answer. Each plan is
the seed plan (41 projects, มิติ 11/19/5/6, marks 27/34/15/9, 140,000 baht) in a layout seen in real
files (tests/layouts.py), or a small form (tests/workbooks.py)."""

from __future__ import annotations

import json
import re
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

from ita_workbook.cli import main
from ita_workbook.pdf import find_libreoffice
from layouts import Variant, render
from seed import PLAN_TOML
from workbooks import good, write_form

DIMENSIONS = [11, 19, 5, 6]
QUARTERS = [27, 34, 15, 9]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def run_json(*args) -> tuple[int, dict]:
    result = run(*args, "--format", "json")
    return result.exit_code, json.loads(result.output)


def codes(report: dict) -> list[tuple[str, str | None]]:
    return sorted((p["code"], p["cell"]) for f in report["files"] for p in f["problems"])


def province(tmp_path, *plans, year: int | None = None) -> dict:
    extra = ["--year", year] if year else []
    result = run("province", *plans, "-o", tmp_path / "province.xlsx", *extra, "--format", "json")
    return json.loads(result.output)


# 1. A มิติ heading typed right under a one-row header

def test_a_dimension_heading_right_under_a_one_row_header_is_a_heading(tmp_path):
    for merged in (False, True):
        plan = render(tmp_path / f"h1-{merged}.xlsx", Variant(header_rows=1, headings=True, blank_after_header=False,
                                                                merged_headings=merged))
        status, report = run_json("check", plan)
        assert (status, codes(report), report["summary"]["projects"]) == (0, [], 41)
        status, report = run_json("validate", plan, "--config", PLAN_TOML)
        assert status == 0 and not {c for c, _ in codes(report)} & {"extra-column", "missing-column"}
        org = province(tmp_path, plan)["organisations"][0]
        assert (org["projects"], org["dimensions"], org["quarters"]) == (41, DIMENSIONS, QUARTERS)


# 2. ภารกิจ sub-headings in their three shapes

def test_sub_headings_are_never_projects_nor_spread_into_columns(tmp_path):
    for shape in ("merged", "split", "name"):
        plan = render(tmp_path / f"{shape}.xlsx", Variant(header_rows=1, headings=True, merged_headings=True,
                                                          subheadings=shape))
        status, report = run_json("check", plan)
        assert (status, codes(report), report["summary"]["projects"]) == (0, [], 41), shape
        result = run("merge", plan, "--config", PLAN_TOML, "-o", tmp_path / f"master-{shape}.xlsx")
        assert result.exit_code == 0, result.output


# 3. Month columns

def test_month_columns_are_read_as_quarters(tmp_path):
    plan = render(tmp_path / "months.xlsx", Variant(family="months", totals="wrong"))
    status, report = run_json("check", plan)
    # The only problems: the budget total stated 1,000 too high, and February's count 3 too high.
    assert status == 1 and sorted((p["code"], p["column"], p["value"], p["detail"]) for f in report["files"]
                                  for p in f["problems"]) == [("total-mismatch", "budget", "141,000", "140,000"),
                                                              ("total-mismatch", "month5", "37", "34")]
    org = province(tmp_path, plan)["organisations"][0]
    assert (org["quarters"], org["errors"]) == (QUARTERS, 2)
    status, report = run_json("validate", plan, "--config", PLAN_TOML)
    assert status == 0 and "extra-column" not in {c for c, _ in codes(report)}


def test_a_wrong_mark_in_any_month_is_reported_at_its_cell(tmp_path):
    plan = render(tmp_path / "months.xlsx", Variant(family="months"))
    book = openpyxl.load_workbook(plan)
    ws = book.active
    header = next(r for r in range(1, 10) if ws.cell(r, 9).value == "ต.ค.")
    first = header + 1
    ws.cell(first, 10).value = "/"  # พ.ย.: a mark beside the quarter's other months
    ws.cell(first, 11).value = "ครึ่งเดือน"  # ธ.ค.: no mark
    book.save(plan)
    for command in ("check", "validate"):
        status, report = run_json(command, plan, *(["--config", PLAN_TOML] if command == "validate" else []))
        assert status == 1 and ("bad-quarter-mark", f"K{first}") in codes(report), command


# 4. 4-year plans and e-PlanNACC lists

def test_a_four_year_plan_is_read_with_one_problem_naming_what_it_lacks(tmp_path):
    plan = render(tmp_path / "4y.xlsx", Variant(family="four-year", headings=True, dimension_column=False,
                                                 old_names=True, subheadings="split", extra_column=True))
    status, report = run_json("check", plan, "--year", "2566")
    problems = [p for f in report["files"] for p in f["problems"]]
    # Beside what it lacks, the clerk's หมายเหตุ column (with data) is said, by check as by validate.
    assert status == 1 and sorted(p["code"] for p in problems) == ["extra-column", "layout-lacks"]
    lacking = next(p for p in problems if p["code"] == "layout-lacks")
    assert "แผน ๔ ปี" in lacking["message"] and "ไตรมาส" in lacking["message"]
    assert report["summary"]["projects"] == 41
    out = province(tmp_path, plan, year=2566)["organisations"][0]
    assert (out["read_as"], out["projects"], out["dimensions"], out["budget"], out["fiscal_year"]) == \
        ("form", 41, DIMENSIONS, 140_000, 2566)
    assert sorted(p["code"] for p in out["problems"]) == ["extra-column", "layout-lacks"]
    assert (out["layout"], out["quarters"]) == ("four-year", None)  # not counted, so never shown as 0
    # Without the year, the budget cannot be counted: said, and each year's stated total still checked.
    status, report = run_json("check", plan)
    lacks = [p for f in report["files"] for p in f["problems"] if p["code"] == "layout-lacks"]
    assert lacks[0]["value"] == "budget,q1,q2,q3,q4" and "--year" in lacks[0]["message"]


def test_an_e_plannacc_list_is_read_with_one_problem_naming_what_it_lacks(tmp_path):
    plan = render(tmp_path / "eplan.xlsx", Variant(family="e-plannacc"))
    status, report = run_json("check", plan)
    problems = [p for f in report["files"] for p in f["problems"]]
    assert status == 1 and [p["code"] for p in problems] == ["layout-lacks"]
    assert "e-PlanNACC" in problems[0]["message"]
    status, report = run_json("validate", plan, "--config", PLAN_TOML)
    found = {c for c, _ in codes(report)}
    assert "header-not-found" not in found and "layout-lacks" in found
    out = province(tmp_path, plan)["organisations"][0]
    assert (out["projects"], out["dimensions"], out["budget"]) == (41, DIMENSIONS, 140_000)


# 5. check never says OK about what it could not count

def test_check_is_never_ok_about_what_it_could_not_count(tmp_path):
    totals = ["รวมทั้งสิ้น 2 โครงการ"]
    no_quarters = tmp_path / "no-quarters.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["ที่", "แผนงาน/โครงการ/กิจกรรม", "หน่วยนับ", "ปริมาณงาน", "งบประมาณ", "มิติ", "ตัวชี้วัด", "ผลลัพธ์",
               "หน่วยงานรับผิดชอบ"])
    for n in (1, 2):
        ws.append([f"{n}.", f"โครงการอบรมคุณธรรม รุ่นที่ {n}", "คน", "40", "ไม่ใช้งบประมาณ", "1",
                   "มีการจัดอบรม ๑ ครั้ง", "บุคลากรมีความรู้", "สำนักปลัด"])
    ws.append(totals)
    book.save(no_quarters)
    status, report = run_json("check", no_quarters)
    assert status == 1 and [p["value"] for f in report["files"] for p in f["problems"]] == ["q1,q2,q3,q4"]

    # Without a มิติ column, and no heading row giving one.
    no_dimension = write_form(tmp_path / "no-dimension.xlsx", [good(1), good(2)], totals=totals,
                              merged_header=False)
    book = openpyxl.load_workbook(no_dimension)
    book.active.delete_cols(6)
    book.save(no_dimension)
    status, report = run_json("check", no_dimension)
    assert status == 1 and [p["value"] for f in report["files"] for p in f["problems"]] == ["dimension"]

    empty = write_form(tmp_path / "empty.xlsx", [], totals=["รวมทั้งสิ้น 0 โครงการ"])
    status, report = run_json("check", empty)
    assert status == 1 and [p["code"] for f in report["files"] for p in f["problems"]] == ["nothing-counted"]
    assert "ไม่ผ่าน" in run("check", empty).output


# 7. Totals that say what they include; negative budgets are errors, never summed

def test_a_negative_budget_is_an_error_at_its_cell_and_never_summed(tmp_path):
    plan = write_form(tmp_path / "p.xlsx", [good(1, budget=5000), good(2, budget=-3000)],
                      totals=["รวมทั้งสิ้น 2 โครงการ", None, None, None, 5000])
    status, report = run_json("check", plan)
    assert status == 1 and codes(report) == [("bad-budget", "E6")]
    out = province(tmp_path, plan)
    org = out["organisations"][0]
    assert org["budget"] == 5000 and ("bad-budget", "E6") in {(p["code"], p["cell"]) for p in org["problems"]}


def test_province_totals_say_which_plans_they_include(tmp_path):
    good_plan = render(tmp_path / "a.xlsx", Variant())
    wrong = render(tmp_path / "b.xlsx", Variant(totals="wrong"))
    book = openpyxl.load_workbook(wrong)
    book.active["A2"] = "เทศบาลตำบลท่าฬ่อ"
    book.save(wrong)
    out = province(tmp_path, good_plan, wrong)
    totals = out["summary"]["totals"]
    assert totals["all_plans"]["projects"] == 82 and totals["plans_without_errors"]["projects"] == 41
    assert totals["all_plans"]["budget"] == 280_000 and totals["plans_without_errors"]["budget"] == 140_000
    text = run("province", good_plan, wrong, "-o", tmp_path / "p2.xlsx").output
    assert "รวมแผนที่มีข้อผิดพลาด 1 แผน" in text and "plans without errors only: 41 projects" in text


# 8. Excel error values

def _with_error_value(path, cell: str, shown: str) -> None:
    """The cell as Excel saves a formula that failed: t="e" and the error as its value."""
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    xml = parts[sheet].decode()
    xml, count = re.subn(rf'<c r="{cell}"[^>]*?(/>|>.*?</c>)',
                         f'<c r="{cell}" t="e"><f>#REF!+1</f><v>{shown}</v></c>', xml, flags=re.S)
    assert count == 1
    parts[sheet] = xml.encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def test_an_excel_error_value_is_reported_as_such_not_as_empty(tmp_path):
    plan = write_form(tmp_path / "p.xlsx", [good(1, budget=1000)], title=False)
    _with_error_value(plan, "E3", "#REF!")
    status, report = run_json("validate", plan)
    problems = [(p["code"], p["cell"], p["value"]) for f in report["files"] for p in f["problems"]]
    assert status == 1 and problems == [("excel-error", "E3", "#REF!")]
    assert "#REF!" in run("validate", plan).output


# 9. Invisible and direction characters

def test_direction_marks_around_names_do_not_defeat_matching(tmp_path):
    plan = write_form(tmp_path / "p.xlsx", [good(1, department="\u202aกองคลัง\u202c"),
                                            good(2, department="\u200fกองคลัง\u00ad\ufeff")])
    status, report = run_json("validate", plan, "--config", PLAN_TOML)
    assert status == 0 and "unknown-department" not in {c for c, _ in codes(report)}
    first = render(tmp_path / "a.xlsx", Variant())
    second = render(tmp_path / "b.xlsx", Variant())
    book = openpyxl.load_workbook(second)
    book.active["A2"] = "\u2067เทศบาลตำบลโพทะเล\u2069\u200e"
    book.save(second)
    out = province(tmp_path, first, second)
    assert [p["code"] for o in out["organisations"] for p in o["problems"]].count("duplicate-organisation") == 2


# 10. A folder's files that are not read are named

def test_every_file_of_a_folder_left_out_is_named_with_the_reason(tmp_path):
    folder = tmp_path / "returned"
    folder.mkdir()
    write_form(folder / "กองคลัง.xlsx", [good(1)])
    for name in ("กองช่าง.docx", "กองการศึกษา.pdf", "สำนักปลัด.csv", "กองคลัง (ตรวจแล้ว).xlsx"):
        (folder / name).write_bytes(b"x")
    (folder / "เก่า").mkdir()
    (folder / "~$กองคลัง.xlsx").write_bytes(b"lock")
    expected = ["กองการศึกษา.pdf", "กองคลัง (ตรวจแล้ว).xlsx", "กองช่าง.docx", "สำนักปลัด.csv", "เก่า"]
    # check and province read a folder's PDFs (published plans; this one is no PDF inside, and says so)
    for command, left_out in (("validate", expected), ("check", expected[1:])):
        status, report = run_json(command, folder)
        named = sorted(p["value"] for p in report["problems"] if p["code"] == "file-not-read")
        assert named == sorted(left_out), command
    out = province(tmp_path, folder)
    assert sorted(p["value"] for p in out["not_read"]) == sorted(expected[1:])
    text = run("validate", folder).output
    assert "กองช่าง.docx" in text and "ไม่ใช่ไฟล์ Excel" in text



def test_a_four_year_plan_with_a_three_row_header_and_merged_budgets(tmp_path):
    """Another 4-year shape: งบประมาณและที่มา over the years, ปี … under it, งบประมาณ (บาท) under each;
    ไม่ใช้งบประมาณ merged over the four years; the totals row's count typed beside its รวม."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["แผนปฏิบัติการป้องกันการทุจริต ๔ ปี (พ.ศ. ๒๕๖๑ - ๒๕๖๔)"])
    ws.append(["องค์การบริหารส่วนตำบลทดสอบ อำเภอเมือง จังหวัดพิจิตร"])
    ws.append(["ภารกิจตามมิติ", "โครงการ/กิจกรรม/มาตรการ", "งบประมาณและที่มา", None, None, None, "หมายเหตุ"])
    ws.append([None, None, "ปี ๒๕๖๑", "ปี ๒๕๖๒", "ปี ๒๕๖๓", "ปี ๒๕๖๔", None])
    ws.append([None, None, *["งบประมาณ (บาท)"] * 4, None])
    for merge in ("A3:A5", "B3:B5", "C3:F3", "G3:G5"):
        ws.merge_cells(merge)
    ws.append(["มิติที่ ๑ การสร้างสังคมที่ไม่ทนต่อการทุจริต"])
    ws.merge_cells("A6:G6")
    ws.append(["1.1 การสร้างจิตสำนึกและความตระหนักแก่บุคลากร", "๑) โครงการอบรมคุณธรรม", 10000, 10000, 12000, 10000])
    ws.append([None, "๒) มาตรการส่งเสริมการปฏิบัติงานตามประมวลจริยธรรม", "ไม่ใช้งบประมาณ"])
    ws.merge_cells("C8:F8")
    ws.merge_cells("A7:A8")
    ws.append(["มิติที่ ๔ การเสริมสร้างและปรับปรุงกลไกในการตรวจสอบการปฏิบัติราชการ"])
    ws.merge_cells("A9:G9")
    ws.append([None, "๑) กิจกรรมการจัดทำรายงานการควบคุมภายใน", "-", "-", "-", "-"])
    ws.append(["รวม", "๓ โครงการ", 10000, 10000, 15000, 10000])
    book.save(tmp_path / "4y.xlsx")
    status, report = run_json("check", tmp_path / "4y.xlsx", "--year", "2563")
    problems = [(p["code"], p["cell"], p["value"]) for f in report["files"] for p in f["problems"]]
    assert status == 1 and problems == [("layout-lacks", None, "q1,q2,q3,q4"), ("total-mismatch", "E11", "15,000")]
    assert "ปี 2561, ปี 2562, ปี 2563, ปี 2564" in report["files"][0]["problems"][0]["detail"]
    out = province(tmp_path, tmp_path / "4y.xlsx", year=2563)["organisations"][0]
    assert (out["projects"], out["dimensions"], out["budget"]) == (3, [2, 0, 0, 1], 12_000)


def test_check_names_each_project_no_dimension_count_holds(tmp_path):
    plan = write_form(tmp_path / "p.xlsx", [good(1), good(2, dimension=None), good(3, dimension=7)],
                      totals=["รวมทั้งสิ้น 3 โครงการ"])
    status, report = run_json("check", plan)
    assert status == 1 and codes(report) == [("bad-dimension", "F7"), ("missing-value", "F6")]


# 6. A master whose printed sheet was edited and saved again in LibreOffice

@pytest.mark.skipif(find_libreoffice() is None, reason="needs LibreOffice")
def test_a_master_edited_and_saved_in_libreoffice_is_caught_at_the_cells(tmp_path):
    import subprocess

    from ita_workbook.config import load_config
    from ita_workbook.master import Heading, write_master
    from ita_workbook.validate import validate_files
    from seed import write_department_workbooks

    write_department_workbooks(tmp_path / "in")
    result = validate_files(sorted((tmp_path / "in").iterdir()), load_config(PLAN_TOML))
    master = tmp_path / "master.xlsx"
    write_master(result.plan, master, Heading("เทศบาลตำบลโพทะเล", "โพทะเล", "พิจิตร", 2566))
    book = openpyxl.load_workbook(master)
    ws = book["แผนปฏิบัติการ"]
    first = next(r for r in range(1, 20) if ws.cell(r, 2).value == result.plan.projects[0].name)
    ticked = next(r for r in range(first, first + 41) if not ws.cell(r, 12).value)
    budgeted = next(r for r in range(first, first + 41) if isinstance(ws.cell(r, 5).value, (int, float)))
    ws.cell(ticked, 12).value = "/"
    ws.cell(budgeted, 5).value = ws.cell(budgeted, 5).value + 5000
    book.save(tmp_path / "edited.xlsx")
    # Saved again by LibreOffice, as a coordinator would: the totals are computed anew.
    subprocess.run([find_libreoffice(), "--headless", "--norestore",
                    f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to", "xlsx",
                    "--outdir", str(tmp_path / "saved"), str(tmp_path / "edited.xlsx")],
                   capture_output=True, timeout=300, check=False)
    saved = tmp_path / "saved" / "edited.xlsx"
    if not saved.exists():
        pytest.skip("LibreOffice did not convert the file here")
    org = province(tmp_path, saved)["organisations"][0]
    assert [(p["code"], p["cell"]) for p in org["problems"]] == [
        ("master-edited", f"L{ticked}"), ("master-edited", f"E{budgeted}")]
    assert (org["status"], org["budget"], org["quarters"][3]) == ("errors", 145_000, QUARTERS[3] + 1)


def _two_row_plan(path, top, bottom, merges, rows):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["แผนปฏิบัติการป้องกันการทุจริต ประจำปี พ.ศ. ๒๕๖๖"])
    ws.append(top)
    ws.append(bottom)
    for merge in merges:
        ws.merge_cells(merge)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def test_years_typed_as_numbers_under_one_budget_header_are_a_four_year_plan(tmp_path):
    plan = _two_row_plan(tmp_path / "4y.xlsx", ["ภารกิจตามมิติ", "โครงการ/กิจกรรม/มาตรการ", "งบประมาณ (บาท)", None, None,
                                                None, "หมายเหตุ"],
                         [None, None, 2561, 2562, 2563, 2564, None], ["A2:A3", "B2:B3", "C2:F2", "G2:G3"],
                         [["มิติที่ 1 การสร้างสังคมที่ไม่ทนต่อการทุจริต"], [None, "โครงการ ก", 1000, 2000, 3000, 4000],
                          [None, "โครงการ ข", "-", "-", "-", "-"], ["รวม", None, 1000, 2000, 3000, 4000]])
    status, report = run_json("check", plan, "--year", "2562")
    assert status == 1 and [p["code"] for f in report["files"] for p in f["problems"]] == ["layout-lacks"]
    out = province(tmp_path, plan, year=2562)["organisations"][0]
    assert (out["layout"], out["projects"], out["dimensions"], out["budget"]) == ("four-year", 2, [2, 0, 0, 0], 2000)


def test_one_year_over_the_budget_column_is_the_budget(tmp_path):
    top = ["ที่", "แผนงาน/โครงการ/กิจกรรม", "หน่วยนับ", "ปริมาณงาน", "ปี ๒๕๖๖", "มิติ", "ตัวชี้วัด", "ผลลัพธ์",
           "ไตรมาส ๑", "ไตรมาส ๒", "ไตรมาส ๓", "ไตรมาส ๔", "หน่วยงานรับผิดชอบ"]
    merges = [f"{c}2:{c}3" for c in "ABCDFGHIJKLM"]
    plan = _two_row_plan(tmp_path / "p.xlsx", top, [None] * 4 + ["งบประมาณ (บาท)"] + [None] * 8, merges,
                         [["1.", "โครงการ ก", "คน", 10, 5000, 1, "อบรม ๑ ครั้ง", "มีความรู้", "/", None, None, None,
                           "กองคลัง"],
                          ["รวมทั้งสิ้น 1 โครงการ", None, None, None, 6000, None, None, None, 1, 0, 0, 0]])
    status, report = run_json("check", plan)
    assert status == 1 and codes(report) == [("total-mismatch", "E5")]


def test_a_project_marked_in_two_dimension_columns_is_reported_not_counted_in_one(tmp_path):
    plan = render(tmp_path / "eplan.xlsx", Variant(family="e-plannacc", dimension_marks=True))
    book = openpyxl.load_workbook(plan)
    ws = book.active
    header = next(r for r in range(1, 10) if ws.cell(r, 3).value and "ชื่อโครงการ" in ws.cell(r, 3).value)
    ws.cell(header + 1, 6).value = "/"  # มิติที่ ๒ ticked beside its มิติที่ ๑
    book.save(plan)
    status, report = run_json("check", plan)
    assert ("bad-dimension", f"E{header + 1}") in codes(report)
    org = province(tmp_path, plan)["organisations"][0]
    assert org["dimensions"] == [DIMENSIONS[0] - 1, *DIMENSIONS[1:]]


# An e-PlanNACC list with one ไตรมาส column naming the quarters (left by issue 10)

def test_an_e_plannacc_list_with_one_quarter_column_is_read_as_the_quarters_it_names(tmp_path):
    plan = render(tmp_path / "eplan.xlsx", Variant(family="e-plannacc", quarters_column=True))
    status, report = run_json("check", plan)
    assert (status, codes(report), report["summary"]["projects"]) == (0, [], 41)
    assert "ไตรมาส/quarters 1–4: 27 / 34 / 15 / 9" in run("check", plan).output
    status, report = run_json("validate", plan, "--config", PLAN_TOML)
    found = {c for c, _ in codes(report)}
    assert not found & {"layout-lacks", "no-quarter", "bad-quarters", "bad-quarter-mark", "extra-column"}
    assert not {p["column"] for f in report["files"] for p in f["problems"]} & {"q1", "q2", "q3", "q4"}
    out = province(tmp_path, plan)["organisations"][0]
    assert (out["layout"], out["projects"], out["dimensions"], out["quarters"], out["budget"]) == \
        ("e-plannacc", 41, DIMENSIONS, QUARTERS, 140_000)
    assert not {p["code"] for p in out["problems"]} & {"layout-lacks", "no-quarter"}


def test_a_quarter_cell_naming_no_quarter_is_a_problem_at_its_cell_in_every_command(tmp_path):
    import datetime as dt

    plan = render(tmp_path / "eplan.xlsx", Variant(family="e-plannacc", quarters_column=True, totals="none"))
    book = openpyxl.load_workbook(plan)
    ws = book.active
    header = next(r for r in range(1, 10) if ws.cell(r, 3).value and "ชื่อโครงการ" in ws.cell(r, 3).value)
    column = next(c for c in range(1, 12) if ws.cell(header, c).value == "ไตรมาส")
    letter = openpyxl.utils.get_column_letter(column)
    # Rows 1-4 of the seed plan are marked in quarters 1 and 2: each now says something else.
    typed = {header + 1: "5", header + 2: 12, header + 3: dt.datetime(2023, 2, 1), header + 4: "ครึ่งปี"}
    for row, value in typed.items():
        ws.cell(row, column).value = value
    ws.cell(header + 5, column).value = "ไตรมาสที่ ๑ - ๔"  # understood: all four
    book.save(plan)
    wrong = sorted(("bad-quarters", f"{letter}{row}") for row in typed)

    status, report = run_json("check", plan)
    assert status == 1 and [c for c in codes(report) if c[0] != "totals-not-found"] == wrong
    shown = {p["cell"]: p["value"] for f in report["files"] for p in f["problems"] if p["code"] == "bad-quarters"}
    assert shown == {f"{letter}{header + 1}": "5", f"{letter}{header + 2}": "12", f"{letter}{header + 3}": "1/2/2023",
                     f"{letter}{header + 4}": "ครึ่งปี"}
    assert "1 ถึง 4" in report["files"][0]["problems"][0]["message"]

    status, report = run_json("validate", plan, "--config", PLAN_TOML)
    assert status == 1 and sorted(c for c in codes(report) if c[0] in ("bad-quarters", "no-quarter")) == wrong

    out = province(tmp_path, plan)["organisations"][0]
    assert sorted((p["code"], p["cell"]) for p in out["problems"] if p["code"] in ("bad-quarters", "no-quarter")) \
        == wrong
    # The four rows (quarters 2 · 1,2 · 1,2 · 2,3 in the seed) count in no quarter, never a guess; the
    # fifth (2,3) now counts in all four.
    assert out["quarters"] == [QUARTERS[0] - 2 + 1, QUARTERS[1] - 4, QUARTERS[2] - 1, QUARTERS[3] + 1]


def test_ไตรมาส_merged_over_four_numbered_columns_is_still_a_column_per_quarter(tmp_path):
    top = ["ที่", "แผนงาน/โครงการ/กิจกรรม", "หน่วยนับ", "ปริมาณงาน", "งบประมาณ", "มิติ", "ตัวชี้วัด", "ผลลัพธ์",
           "ไตรมาส", None, None, None, "หน่วยงานรับผิดชอบ"]
    merges = [f"{c}2:{c}3" for c in "ABCDEFGHM"] + ["I2:L2"]
    plan = _two_row_plan(tmp_path / "p.xlsx", top, [None] * 8 + ["๑", "๒", "๓", "๔", None], merges,
                         [["1", "โครงการ ก", "คน", 10, 5000, 1, "อบรม", "มีความรู้", None, "/", "/", None, "กองคลัง"],
                          ["รวมทั้งสิ้น 1 โครงการ", None, None, None, 5000, None, None, None, 0, 1, 1, 0]])
    status, report = run_json("check", plan)
    assert (status, codes(report)) == (0, [])
    assert "ไตรมาส/quarters 1–4: 0 / 1 / 1 / 0" in run("check", plan).output
