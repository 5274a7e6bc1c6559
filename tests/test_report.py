"""The result report (รายงานผล): the seed's master → the departments' report forms → the forms filled
as clerks would (every status, reasons, money typed every way, planted mistakes, a department that
never answers) → `ita-workbook report`, through the real command line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ita_workbook.cells import CellError, parse_amount, parse_choice
from ita_workbook.cli import main
from ita_workbook.config import load_config
from ita_workbook.report import compile_report, read_plan
from ita_workbook.report_form import CANNOT, DONE, IN_PROGRESS, NOT_STARTED, REASONS, light, statuses
from ita_workbook.report_workbook import DATA_COLUMNS, DATA_SHEET, EPLAN_SHEET, REPORT_SHEET, SUMMARY_SHEET
from ita_workbook.thai import find_dates, to_thai_digits
from seed import PLAN_TOML, load_example_script, write_department_workbooks


fill = load_example_script("fill_reports.py")
LETTER = {key: openpyxl.utils.get_column_letter(col) for key, col in fill.COLUMN.items()}
SILENT = "หน่วยตรวจสอบภายใน"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def master(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("plan")
    write_department_workbooks(folder / "departments")
    out = run("merge", folder / "departments", "--config", PLAN_TOML, "--date", "2023-03-22",
              "-o", folder / "master.xlsx")
    assert out.exit_code == 0, out.output
    return folder / "master.xlsx"


@pytest.fixture(scope="module")
def forms(master, tmp_path_factory) -> Path:
    out_dir = tmp_path_factory.mktemp("forms")
    out = run("report-template", "--plan", master, "--round", "6", "--config", PLAN_TOML, "-o", out_dir)
    assert out.exit_code == 0, out.output
    return out_dir


# What the clerks type, by the project's ที่ on the master (see the plan printed in the module's
# test of the forms below). Projects not listed: done when planned for quarter 1 or 2, else not started.
TYPED = {
    1: {"status": DONE, "in_ordinance": "ใช่", "budget_ordinance": "๑๐,๐๐๐", "disbursed": "9,500 บาท",
        "period": "๑๕ ม.ค. ๖๖"},
    2: {"status": "อยู่ระหว่าง ดำเนินการ"},  # spaced: still the dropdown's value
    3: {"status": CANNOT, "reason": REASONS[0]},
    4: {"status": CANNOT, "reason": "อื่นๆ"},  # planted: อื่นๆ without saying what
    5: {"status": CANNOT},  # planted: no reason
    6: {"status": "รอผู้บริหารอนุมัติ"},  # planted: not a status
    7: {"status": NOT_STARTED},  # planned for quarters 1-2: late
    9: {"status": IN_PROGRESS, "budget_ordinance": 100000, "disbursed": 120000},  # disbursed over budget
    11: {"status": IN_PROGRESS, "budget_ordinance": "-5000", "disbursed": "ประมาณห้าพัน"},  # two bad amounts
    12: {"status": "แล้วเสร็จ", "problems": None},  # short status; ปัญหา left empty
    13: {"status": IN_PROGRESS, "period": "๑๕ ธ.ค. ๒๕๖๗"},  # a year outside the round
    22: {"status": DONE, "disbursed": "๕,๐๐๐"},  # money on a ไม่ใช้งบประมาณ project
    24: {"status": DONE},
    31: None,  # left blank: nothing reported
    32: {"status": DONE, "budget_ordinance": "10,000 บาท", "disbursed": 8000},
    34: {"status": IN_PROGRESS, "budget_ordinance": 10000, "disbursed": "-"},
}


def clerks(number: int, budget: float | None, quarters: list[bool]) -> dict:
    if number in TYPED and TYPED[number] is None:
        return {}
    values = {"status": DONE if quarters[0] or quarters[1] else NOT_STARTED, "problems": "ไม่มี",
              "suggestions": "ไม่มี", **TYPED.get(number, {})}
    return {k: v for k, v in values.items() if v is not None}


@pytest.fixture(scope="module")
def returned(forms, tmp_path_factory) -> Path:
    """Every department's form filled, but หน่วยตรวจสอบภายใน's (never sent back); กองคลัง renamed its
    project 23, ทุกส่วนราชการ typed project 24's name over project 25's."""
    out_dir = tmp_path_factory.mktemp("returned")
    for source in sorted(forms.glob("*.xlsx")):
        if SILENT not in source.stem:
            fill.fill_form(source, out_dir / source.name, clerks)
    edit(out_dir, "กองคลัง", 23, name="มาตรการป้องกันผลประโยชน์ทับซ้อน")
    twenty_four = cell(out_dir, "ทุกส่วนราชการ", 24, "name")
    edit(out_dir, "ทุกส่วนราชการ", 25, name=twenty_four)
    return out_dir


def form_path(folder: Path, department: str) -> Path:
    return next(p for p in folder.glob("*.xlsx") if p.stem.endswith(department))


def row_of(folder: Path, department: str, number: int) -> int:
    ws = openpyxl.load_workbook(form_path(folder, department))[fill.SHEET]
    return next(r for r in fill.project_rows(ws) if int(fill.parse_number(str(ws.cell(r, 1).value))) == number)


def at(folder: Path, department: str, number: int, key: str) -> str:
    return f"{LETTER[key]}{row_of(folder, department, number)}"


def cell(folder: Path, department: str, number: int, key: str):
    ws = openpyxl.load_workbook(form_path(folder, department))[fill.SHEET]
    return ws.cell(row_of(folder, department, number), fill.COLUMN[key]).value


def edit(folder: Path, department: str, number: int, **values) -> None:
    path = form_path(folder, department)
    r = row_of(folder, department, number)
    wb = openpyxl.load_workbook(path)
    for key, value in values.items():
        wb[fill.SHEET].cell(r, fill.COLUMN[key]).value = value
    wb.save(path)


@pytest.fixture(scope="module")
def checked(master, returned, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.xlsx"
    result = run("report", returned, "--plan", master, "--round", "6", "--config", PLAN_TOML, "-o", out,
                 "--format", "json")
    return result, json.loads(result.output), out


# --- the forms ---------------------------------------------------------------------------------------

def test_one_form_per_department_with_its_projects_numbered_as_on_the_master(forms):
    counts = {p.stem.split("-", 1)[1]: len(fill.project_rows(openpyxl.load_workbook(p)[fill.SHEET]))
              for p in forms.glob("*.xlsx")}
    assert counts == {"สำนักปลัด": 13, "กองยุทธศาสตร์และงบประมาณ": 12, "กองคลัง": 2, "กองการศึกษา": 2,
                      "กองสวัสดิการสังคม": 3, "หน่วยตรวจสอบภายใน": 1, "ทุกส่วนราชการ": 8}
    ws = openpyxl.load_workbook(form_path(forms, "สำนักปลัด"))[fill.SHEET]
    first = fill.project_rows(ws)[0]
    assert first == 8  # five title lines, the two-row header
    assert [ws[f"{LETTER[k]}8"].value for k in ("no", "dimension", "type", "department", "q2", "budget")] == \
        ["๑", "๑", "โครงการ", "สำนักปลัด", "/", 10000]
    assert ws["A1"].value.startswith("รายงานการกำกับติดตามการดำเนินการป้องกันการทุจริต")
    assert ws["A2"].value == "(๑ ตุลาคม ๒๕๖๕ – ๓๑ มีนาคม ๒๕๖๖)"


def test_plan_columns_locked_input_columns_open_with_dropdowns_and_messages(forms):
    wb = openpyxl.load_workbook(form_path(forms, "สำนักปลัด"))
    ws = wb[fill.SHEET]
    assert ws.protection.sheet
    for key in ("no", "name", "budget", "q1"):
        assert ws[f"{LETTER[key]}8"].protection.locked
    for key in ("status", "disbursed", "problems", "reason"):
        assert not ws[f"{LETTER[key]}8"].protection.locked
    validations = {str(v.sqref): v for v in ws.data_validations.dataValidation}
    status = validations[f"{LETTER['status']}8:{LETTER['status']}20"]
    assert status.type == "list" and status.formula1 == "'_lists'!$B$1:$B$4" and status.promptTitle == "สถานะ"
    lists = wb["_lists"]
    assert [lists.cell(r, 2).value for r in range(1, 5)] == list(statuses(6))
    assert validations[f"{LETTER['disbursed']}8:{LETTER['disbursed']}20"].type == "decimal"
    meta = {r[0].value: r[1].value for r in wb["_ita_workbook"].iter_rows()}
    assert meta["kind"] == "report-template" and meta["round"] == "6" and meta["department"] == "สำนักปลัด"


def test_the_twelve_month_form_has_no_not_started_status(master, tmp_path):
    out = run("report-template", "--plan", master, "--round", "12", "--config", PLAN_TOML,
              "--department", "กองคลัง", "-o", tmp_path)
    assert out.exit_code == 0, out.output
    wb = openpyxl.load_workbook(next(tmp_path.glob("*.xlsx")))
    assert [wb["_lists"].cell(r, 2).value for r in range(1, 4)] == list(statuses(12))
    assert wb["_lists"].cell(4, 2).value is None


# --- the checks, at the cell ------------------------------------------------------------------------

def test_every_planted_mistake_is_found_at_its_cell_and_nothing_else(checked, returned):
    result, data, out = checked
    assert result.exit_code == 1 and not data["ok"] and not out.exists()  # errors: nothing written
    found = {(Path(f["path"]).stem.split("-", 1)[1], p["code"], p["cell"])
             for f in data["files"] for p in f["problems"]}
    office = "สำนักปลัด"
    assert found == {
        (office, "missing-reason", "P11"),  # 4: อื่นๆ without saying what
        (office, "missing-reason", "O12"),  # 5: no reason
        (office, "bad-choice", "N13"),  # 6
        (office, "empty-problems", "T14"),  # 12
        (office, "date-outside-round", "Q15"),  # 13
        (office, "not-reported", "N18"),  # 31, left blank
        ("กองยุทธศาสตร์และงบประมาณ", "not-started-late", at(returned, "กองยุทธศาสตร์และงบประมาณ", 7, "status")),
        ("กองการศึกษา", "disbursed-over-budget", at(returned, "กองการศึกษา", 9, "disbursed")),
        ("กองสวัสดิการสังคม", "bad-amount", at(returned, "กองสวัสดิการสังคม", 11, "budget_ordinance")),
        ("กองสวัสดิการสังคม", "bad-amount", at(returned, "กองสวัสดิการสังคม", 11, "disbursed")),
        ("กองคลัง", "money-without-budget", at(returned, "กองคลัง", 22, "disbursed")),
        ("กองคลัง", "unknown-project", at(returned, "กองคลัง", 23, "name")),
        ("ทุกส่วนราชการ", "reported-twice", at(returned, "ทุกส่วนราชการ", 25, "name")),
    }
    unknown = next(p for f in data["files"] for p in f["problems"] if p["code"] == "unknown-project")
    assert "มาตรการป้องกัน ผลประโยชน์ทับซ้อนของ เทศบาลตำบลโพทะเล" in unknown["message"]  # the closest suggested
    not_reported = sorted(p["value"][:20] for p in data["problems"] if p["code"] == "not-reported")
    assert len(not_reported) == 3  # 23 (renamed), 25 (its row took 24's name), 41 (never sent)
    assert any(p["message"].startswith("ยังไม่มีการรายงานผลโครงการ \"โครงการจัดทำแผนการ ตรวจสอบภายใน")
               for p in data["problems"])


def test_summary_counts_every_project_of_the_plan(checked):
    _, data, _ = checked
    assert data["round"] == 6
    summary = data["summary"]
    assert {k: summary[k] for k in ("projects", "done", "in_progress", "cannot", "not_started", "not_reported",
                                    "score", "light", "budget_plan", "budget_ordinance", "disbursed")} == {
        "projects": 41, "done": 25, "in_progress": 5, "cannot": 3, "not_started": 3,
        "not_reported": 5,  # 6 (no status read), 23, 25, 31, 41
        "score": 67.07, "light": "green",  # (25 + 5 × 0.5) / 41 × 100
        "budget_plan": 140000.0, "budget_ordinance": 130000.0,  # 1, 9, 32, 34 (11's is wrong)
        "disbursed": 142500.0}  # 9,500 + 120,000 + 8,000 + 0 + 5,000
    assert summary["files"] == 6 and summary["rows"] == 40 and summary["errors"] == 7


def test_draft_writes_the_report_workbook_with_live_formulas_and_their_values(master, returned, tmp_path):
    out = tmp_path / "report.xlsx"
    result = run("report", returned, "--plan", master, "--round", "6", "--config", PLAN_TOML, "-o", out,
                 "--draft", "--date", "2023-04-05")
    assert result.exit_code == 0 and out.exists()  # as merge --draft: written, errors or not
    formulas = openpyxl.load_workbook(out)
    values = openpyxl.load_workbook(out, data_only=True)
    ws, cached = formulas[SUMMARY_SHEET], values[SUMMARY_SHEET]
    total = next(r for r in range(1, 20) if ws.cell(r, 1).value == "รวม")
    assert [cached.cell(total, c).value for c in range(3, 14)] == [41, 140000, 130000, 142500,
                                                                   pytest.approx(142500 / 130000 * 100), 25, 5, 3, 3,
                                                                   5, pytest.approx(67.0731707)]
    assert ws.cell(total, 13).value.startswith("=IF(") and ws.cell(total - 4, 8).value.startswith("=COUNTIFS(")
    assert cached.cell(total + 2, 3).value == "เขียว"
    report = formulas[REPORT_SHEET]
    texts = [c.value for row in report.iter_rows() for c in row if isinstance(c.value, str)]
    assert "รวมทั้งสิ้น ๔๑ โครงการ" in texts and "** ข้อมูล ณ วันที่ ๕ เมษายน ๒๕๖๖" in texts
    assert any(t.startswith("มิติที่ ๔") for t in texts) and any(t.startswith("ผู้บริหารท้องถิ่นรับทราบ\n") for t in texts)
    assert report.print_title_rows == "$6:$7"
    data = formulas[DATA_SHEET]
    header = [c.value for c in data[1]]
    assert tuple(header) == DATA_COLUMNS
    rows = {r[0].value: dict(zip(header, (c.value for c in r))) for r in data.iter_rows(min_row=2)}
    assert len(rows) == 41
    assert rows[1]["status"] == DONE and rows[1]["disbursed"] == 9500 and rows[1]["source_cell"] == "D8"
    assert rows[1]["source_file"].endswith("สำนักปลัด.xlsx")
    assert rows[41]["status"] == "รอรายงานผล" and rows[41]["source_file"] is None
    eplan = formulas[EPLAN_SHEET]
    assert [c.value for c in eplan[2]][:6] == [1, "โครงการ", rows[1]["name"], 1, "2", 10000]


def test_clean_reports_exit_zero_and_write_the_example_report(master, forms, tmp_path):
    returned = tmp_path / "returned"
    fill.fill_reports(forms, returned)
    out = tmp_path / "report.xlsx"
    result = run("report", returned, "--plan", master, "--round", "6", "--config", PLAN_TOML, "-o", out,
                 "--format", "json")
    data = json.loads(result.output)
    assert result.exit_code == 0 and data["ok"] and out.exists()
    assert [p["code"] for p in data["problems"]] == ["not-reported"]  # หน่วยตรวจสอบภายใน never answered
    assert data["summary"]["not_reported"] == 1 and data["summary"]["projects"] == 41


def test_twelve_month_forms_prefilled_from_the_six_month_report(master, forms, tmp_path):
    fill.fill_reports(forms, tmp_path / "returned")
    six = tmp_path / "six.xlsx"
    assert run("report", tmp_path / "returned", "--plan", master, "--round", "6", "--config", PLAN_TOML,
               "-o", six).exit_code == 0
    out = run("report-template", "--plan", master, "--round", "12", "--config", PLAN_TOML, "--from", six,
              "-o", tmp_path / "twelve")
    assert out.exit_code == 0, out.output
    ws = openpyxl.load_workbook(form_path(tmp_path / "twelve", "สำนักปลัด"))[fill.SHEET]
    first = fill.project_rows(ws)[0]
    assert ws[f"{LETTER['budget_ordinance']}{first}"].value == 10000  # typed 10,000 in some way at 6 months
    assert ws[f"{LETTER['problems']}{first}"].value == "ไม่มี"
    statuses_typed = {ws.cell(r, fill.COLUMN["status"]).value for r in fill.project_rows(ws)}
    assert NOT_STARTED not in statuses_typed and None in statuses_typed  # not started: to report again


def test_a_six_month_form_in_the_twelve_month_report_is_refused(master, forms, tmp_path):
    fill.fill_reports(forms, tmp_path / "returned")
    out = run("report", tmp_path / "returned", "--plan", master, "--round", "12", "--config", PLAN_TOML,
              "-o", tmp_path / "r.xlsx", "--format", "json")
    codes = {p["code"] for f in json.loads(out.output)["files"] for p in f["problems"]}
    assert out.exit_code == 1 and "wrong-round" in codes and "bad-choice" in codes  # ยังไม่ดำเนินการ at 12


# --- the rules themselves ---------------------------------------------------------------------------

@pytest.mark.parametrize("typed, amount", [(10000, 10000.0), ("๑๐,๐๐๐", 10000.0), ("10,000 บาท", 10000.0),
                                           ("-", 0.0), ("๑o,ooo", 10000.0), (None, None)])
def test_amounts_typed_every_way(typed, amount):
    assert parse_amount(typed) == amount


def test_a_word_for_an_amount_is_bad_amount():
    with pytest.raises(CellError) as exc:
        parse_amount("ประมาณห้าพัน")
    assert exc.value.code == "bad-amount"


@pytest.mark.parametrize("typed, status", [("แล้วเสร็จ", DONE), ("ดำเนินการแล้วเสร็จ 100%", DONE),
                                           ("อยู่ระหว่าง ดำเนินการ", IN_PROGRESS), ("ไม่สามารถ", CANNOT)])
def test_statuses_typed_loosely_are_the_dropdowns_values(typed, status):
    assert parse_choice(typed, statuses(6)) == status


def test_an_ambiguous_status_is_bad_choice():
    with pytest.raises(CellError):
        parse_choice("ดำเนินการ", statuses(6))


def test_thai_dates_found_in_text():
    assert find_dates("๑๕ ธ.ค. ๖๕") == [(2565, 12, 15)]
    assert find_dates("ต.ค. 65 – มี.ค. 66") == [(2565, 10, None), (2566, 3, None)]
    assert find_dates("15/12/2022") == [(2565, 12, 15)]
    assert find_dates("อบรมพยาบาล ตลอดปี") == []


@pytest.mark.parametrize("score, round_, colour", [(50, 6, "green"), (49.99, 6, "orange"), (20, 6, "orange"),
                                                   (19.99, 6, "red"), (80, 12, "green"), (79.99, 12, "orange"),
                                                   (49.99, 12, "red")])
def test_lights_are_plain_comparisons_of_the_score(score, round_, colour):
    assert light(score, round_) == colour  # e-PlanNACC colours 49.01-49.99 red at six months; not here


# --- the PDF ----------------------------------------------------------------------------------------

@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftotext"),
                    reason="needs LibreOffice and poppler")
def test_pdf_of_the_report_sheet(master, forms, tmp_path):
    fill.fill_reports(forms, tmp_path / "returned")
    out = tmp_path / "report.xlsx"
    result = run("report", tmp_path / "returned", "--plan", master, "--round", "6", "--config", PLAN_TOML,
                 "-o", out, "--pdf", "--date", "2023-04-05")
    assert result.exit_code == 0, result.output
    pdf = out.with_suffix(".pdf")
    pages = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True).stdout.split("\f")
    pages = [plain(page) for page in pages if page.strip()]
    assert len(pages) >= 2 and all(plain("ข้อเสนอแนะ") in page for page in pages)  # the header on every page
    assert all(plain(text) in pages[0] for text in ("รอบ ๖ เดือน", "เทศบาลตำบลโพทะเล", "(๑ ตุลาคม ๒๕๖๕ – ๓๑ มีนาคม ๒๕๖๖)"))
    assert plain("รวมทั้งสิ้น ๔๑ โครงการ") in pages[-1] and plain("ผู้บริหารท้องถิ่นรับทราบ") in pages[-1]


def plain(text: str) -> str:
    """Text without spaces and Thai marks above or below: pdftotext spaces Thai words apart and moves
    marks about."""
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Mn")


def test_our_own_outputs_and_a_plan_form_among_the_returned_files(master, forms, tmp_path):
    returned = tmp_path / "returned"
    fill.fill_reports(forms, returned)
    first = tmp_path / "first.xlsx"
    assert run("report", returned, "--plan", master, "--round", "6", "--config", PLAN_TOML, "-o", first).exit_code == 0
    shutil.copy(first, returned / "รายงานผลครั้งก่อน.xlsx")
    shutil.copy(master, returned / "แผนรวม.xlsx")
    write_department_workbooks(tmp_path / "plan-forms")
    shutil.copy(tmp_path / "plan-forms" / "กองคลัง.xlsx", returned / "แผนกองคลัง.xlsx")
    out = run("report", returned, "--plan", master, "--round", "6", "--config", PLAN_TOML, "-o", tmp_path / "r.xlsx",
              "--format", "json")
    data = json.loads(out.output)
    by_file = {Path(f["path"]).name: {p["code"] for p in f["problems"]} for f in data["files"]}
    assert by_file["รายงานผลครั้งก่อน.xlsx"] == {"report-as-input"}
    assert by_file["แผนรวม.xlsx"] == {"master-as-input"}
    assert "missing-column" in by_file["แผนกองคลัง.xlsx"]  # a plan's form: no status column, nothing reported
    assert not any("reported-twice" in codes for codes in by_file.values())
    assert data["summary"]["not_reported"] == 1 and out.exit_code == 1


def test_the_report_never_writes_over_a_returned_form(master, forms, tmp_path):
    returned = tmp_path / "returned"
    fill.fill_reports(forms, returned)
    target = next(returned.glob("*.xlsx"))
    before = target.read_bytes()
    out = run("report", returned, "--plan", master, "--round", "6", "--config", PLAN_TOML, "-o", target)
    assert out.exit_code == 2 and target.read_bytes() == before


def test_from_a_file_without_six_month_results_is_refused(master, tmp_path):
    out = run("report-template", "--plan", master, "--round", "12", "--config", PLAN_TOML, "--from", master,
              "-o", tmp_path / "twelve")
    assert out.exit_code == 1 and not (tmp_path / "twelve").exists()


def test_the_year_end_report_from_forms_brought_up_to_date(master, forms, tmp_path):
    fill.fill_reports(forms, tmp_path / "returned6")
    six = tmp_path / "six.xlsx"
    assert run("report", tmp_path / "returned6", "--plan", master, "--round", "6", "--config", PLAN_TOML,
               "-o", six).exit_code == 0
    assert run("report-template", "--plan", master, "--round", "12", "--config", PLAN_TOML, "--from", six,
               "-o", tmp_path / "forms12").exit_code == 0
    for source in (tmp_path / "forms12").glob("*.xlsx"):  # the rest of the six-month answers kept
        if SILENT not in source.stem:
            fill.fill_form(source, tmp_path / "returned12" / source.name,
                           lambda number, budget, quarters: {"status": IN_PROGRESS if number in (3, 9) else DONE})
    out = run("report", tmp_path / "returned12", "--plan", master, "--round", "12", "--config", PLAN_TOML,
              "-o", tmp_path / "twelve.xlsx", "--format", "json")
    data = json.loads(out.output)
    assert out.exit_code == 0 and data["round"] == 12
    assert {k: data["summary"][k] for k in ("done", "in_progress", "not_reported", "score", "light")} == {
        "done": 38, "in_progress": 2, "not_reported": 1, "score": 95.12, "light": "green"}
    assert data["summary"]["budget_ordinance"] == 140000.0  # typed at six months, carried over


def test_every_row_read_is_in_the_report_or_has_a_problem_at_its_row(master, returned, tmp_path):
    out = tmp_path / "report.xlsx"
    result = run("report", returned, "--plan", master, "--round", "6", "--config", PLAN_TOML, "-o", out,
                 "--draft", "--format", "json")
    data = json.loads(result.output)
    said = {(Path(f["path"]).name, p["row"]) for f in data["files"] for p in f["problems"] if p["row"]}
    ws = openpyxl.load_workbook(out)[DATA_SHEET]
    header = [c.value for c in ws[1]]
    traced = {(Path(r[header.index("source_file")]).name, r[header.index("source_row")])
              for r in ws.iter_rows(min_row=2, values_only=True) if r[header.index("source_file")]}
    read = {(p.name, r) for p in returned.glob("*.xlsx")
            for r in fill.project_rows(openpyxl.load_workbook(p)[fill.SHEET])}
    assert len(read) == 40 and read <= traced | said
    assert len(traced) == 37  # of 40: the rows typed over (23 renamed, 25 given 24's name) and 31 left blank


STATUS_TYPED = {DONE: [DONE, "แล้วเสร็จ", "ดำเนินการแล้วเสร็จ 100%"], IN_PROGRESS: [IN_PROGRESS, "อยู่ระหว่าง ดำเนินการ"],
                CANNOT: [CANNOT, "ไม่สามารถ"], NOT_STARTED: [NOT_STARTED, "ยังไม่ ดำเนินการ"]}
MONEY_TYPED = [lambda a: a, lambda a: f"{a:,}", lambda a: to_thai_digits(f"{a:,}"), lambda a: f"{a:,} บาท",
               lambda a: f"{a:,}.-"]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
          max_examples=15, derandomize=not os.environ.get("HYPOTHESIS_EXPLORE"))
@given(st.lists(st.tuples(st.sampled_from(sorted(STATUS_TYPED)), st.integers(0, 3), st.integers(0, 4),
                          st.integers(0, 50_000)), min_size=12, max_size=12))
def test_any_statuses_and_amounts_typed_add_up(master, forms, tmp_path_factory, typed):
    """Whatever the one department reports, however it types it, the summary adds up what was meant."""
    config = load_config(PLAN_TOML)
    plan, _, _ = read_plan(master, config)
    by_number = {}

    def results(number, budget, quarters):
        status, spelling, money, amount = typed[len(by_number)]
        by_number[number] = (status, amount)
        values = {"status": STATUS_TYPED[status][spelling % len(STATUS_TYPED[status])], "problems": "ไม่มี",
                  "suggestions": "ไม่มี", "budget_ordinance": MONEY_TYPED[money](amount), "disbursed": 0}
        return {**values, "reason": REASONS[2]} if status == CANNOT else values

    out = tmp_path_factory.mktemp("prop") / "form.xlsx"
    fill.fill_form(form_path(forms, "กองยุทธศาสตร์และงบประมาณ"), out, results)
    result = compile_report([out], plan, 6, config)
    summary = result.summary()
    meant = [status for status, _ in by_number.values()]
    assert (summary.done, summary.in_progress, summary.cannot, summary.not_started) == tuple(
        meant.count(s) for s in (DONE, IN_PROGRESS, CANNOT, NOT_STARTED))
    assert summary.not_reported == 41 - 12 and summary.budget_ordinance == sum(a for _, a in by_number.values())
    assert summary.score == pytest.approx((meant.count(DONE) + meant.count(IN_PROGRESS) / 2) / 41 * 100)
    assert not any(p.is_error for p in result.report.all_problems())


def test_the_master_has_the_plan_in_e_plannaccs_field_order(master):
    ws = openpyxl.load_workbook(master)[EPLAN_SHEET]
    assert [c.value for c in ws[1]][:6] == ["(๑) ลำดับ", "(๒) ประเภทงาน", "(๓) ชื่อโครงการ/กิจกรรม/มาตรการ", "(๔) มิติ",
                                           "(๕) ไตรมาส", "(๖) งบประมาณ (บาท)"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 41
    assert rows[1][1:2] + rows[1][3:6] == ("โครงการ", 1, "2", 10000)
    assert rows[2][1:2] + rows[2][3:6] == ("มาตรการ", 1, "1,2", "ไม่ใช้งบประมาณ")
    assert rows[10][1] == "กิจกรรม" and rows[31][4] == "1,2,3,4" and rows[41][8] == "หน่วยตรวจสอบภายใน"


def test_the_signature_block_is_optional(master, forms, tmp_path):
    fill.fill_reports(forms, tmp_path / "returned")
    out = tmp_path / "report.xlsx"
    assert run("report", tmp_path / "returned", "--plan", master, "--round", "6", "--config", PLAN_TOML, "-o", out,
               "--no-signatures").exit_code == 0
    texts = [c.value for row in openpyxl.load_workbook(out)[REPORT_SHEET].iter_rows() for c in row
             if isinstance(c.value, str)]
    assert not any("ลงชื่อ" in t for t in texts) and "รวมทั้งสิ้น ๔๑ โครงการ" in texts


def test_amount_columns_widen_for_large_totals(master, forms, tmp_path):
    returned = tmp_path / "returned"
    fill.fill_form(form_path(forms, "กองการศึกษา"), returned / "a.xlsx",
                   lambda number, budget, quarters: {"status": IN_PROGRESS, "problems": "ไม่มี", "suggestions": "ไม่มี",
                                                     "budget_ordinance": 123_456_789, "disbursed": 12_345_678})
    out = tmp_path / "report.xlsx"
    assert run("report", returned, "--plan", master, "--round", "6", "--config", PLAN_TOML, "-o", out).exit_code == 0
    ws = openpyxl.load_workbook(out)[REPORT_SHEET]
    planned, ordinance, disbursed = (ws.column_dimensions[c].width for c in "DEF")
    assert planned < disbursed < ordinance  # ๑๔๐,๐๐๐ fits as it is; ๑๒๓,๔๕๖,๗๘๙ needs the most room
