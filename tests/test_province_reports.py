"""`ita-workbook province` with result reports, through the real command line: the seed's master and
its 6-month report (the example's forms filled as its clerks would, one department never answering),
a second organisation's plan whose report never came, all in one folder."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from ita_workbook import report_workbook
from ita_workbook.cells import parse_amount, parse_choice
from ita_workbook.cli import main
from ita_workbook.config import load_config
from ita_workbook.master import Heading, write_master
from ita_workbook.pdf import find_libreoffice
from ita_workbook.plan import Plan
from ita_workbook.province import (PROBLEMS_SHEET, REPORT_DATA_SHEET, REPORT_KIND, REPORT_SHEET, RESULTS_SHEET,
                                   SUMMARY_SHEET)
from ita_workbook.province.results_sheet import MISSING_TEXT, RESULTS_COLUMNS
from ita_workbook.report import read_plan as read_report_plan
from ita_workbook.report_form import (CANNOT, DONE, IN_PROGRESS, LIGHT_FILL, NOT_REPORTED, NOT_STARTED, light,
                                      statuses)
from seed import PLAN_TOML, load_example_script, write_department_workbooks


fill = load_example_script("fill_reports.py")
COLUMN = {key: i for i, (_, _, key) in enumerate(RESULTS_COLUMNS)}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def received(tmp_path_factory) -> dict:
    """The province's folder: the seed's master, its 6-month report, and อบต.ท่าบัว's plan alone (its report never came)."""
    work = tmp_path_factory.mktemp("work")
    write_department_workbooks(work / "departments")
    master = work / "master.xlsx"
    assert run("merge", work / "departments", "--config", PLAN_TOML, "--date", "2023-03-22",
               "-o", master).exit_code == 0
    assert run("report-template", "--plan", master, "--round", "6", "--config", PLAN_TOML,
               "-o", work / "forms").exit_code == 0
    fill.fill_reports(work / "forms", work / "returned")
    folder = tmp_path_factory.mktemp("received")
    report = folder / "รายงานผล ทต.โพทะเล.xlsx"
    out = run("report", work / "returned", "--plan", master, "--round", "6", "--config", PLAN_TOML,
              "-o", report, "--date", "2023-04-05", "--format", "json")
    assert out.exit_code == 0, out.output
    shutil.copy(master, folder / "แผน ทต.โพทะเล.xlsx")
    plan, _, _ = read_report_plan(master, load_config(PLAN_TOML))
    three_each = [p for d in (1, 2, 3, 4) for p in [q for q in plan.projects if q.dimension == d][:3]]
    write_master(Plan(three_each), folder / "แผน อบต.ท่าบัว.xlsx",
                 Heading("องค์การบริหารส่วนตำบลท่าบัว", "โพทะเล", "พิจิตร", 2566))
    return {"folder": folder, "report": report, "report_json": json.loads(out.output),
            "typed": clerks_typed(plan.projects)}


def clerks_typed(projects) -> dict:
    """What the example's clerks typed, added up here from fill_reports' own rule, project by project."""
    counts = Counter()
    ordinance = disbursed = 0.0
    for number, p in enumerate(projects, start=1):
        if any(name in p.department for name in fill.SILENT):
            counts[NOT_REPORTED] += 1
            continue
        typed = fill.clerk_results(number, p.budget, list(p.quarters))
        counts[parse_choice(typed["status"], statuses(6))] += 1
        ordinance += parse_amount(typed.get("budget_ordinance")) or 0.0
        disbursed += parse_amount(typed.get("disbursed")) or 0.0
    return {"projects": len(projects), "done": counts[DONE], "in_progress": counts[IN_PROGRESS],
            "cannot": counts[CANNOT], "not_started": counts[NOT_STARTED], "not_reported": counts[NOT_REPORTED],
            "budget_ordinance": ordinance, "disbursed": disbursed}


@pytest.fixture(scope="module")
def consolidated(received, tmp_path_factory) -> dict:
    output = tmp_path_factory.mktemp("out") / "สรุปจังหวัด.xlsx"
    out = run("province", received["folder"], "-o", output, "--date", "2023-04-10", "--format", "json")
    return {"exit": out.exit_code, "json": json.loads(out.output), "output": output}


def sheet_rows(path: Path, name: str) -> list[list]:
    with CalamineWorkbook.from_path(str(path)) as book:
        return book.get_sheet_by_name(name).to_python()


def test_the_names_read_are_those_the_report_writes():
    assert (REPORT_KIND, REPORT_SHEET, REPORT_DATA_SHEET) == (
        report_workbook.KIND, report_workbook.REPORT_SHEET, report_workbook.DATA_SHEET)


def test_per_organisation_figures_recounted_from_the_report_rows(received, consolidated):
    data = consolidated["json"]
    assert consolidated["exit"] == 0 and data["ok"] and data["round"] == 6
    by_name = {o["organisation"]: o for o in data["organisations"]}
    pho_thale = by_name["เทศบาลตำบลโพทะเล"]["report"]
    figures = {k: pho_thale[k] for k in ("projects", "done", "in_progress", "cannot", "not_started",
                                         "not_reported", "score", "light", "budget_ordinance", "disbursed",
                                         "disbursed_percent", "status")}
    typed = received["typed"]  # what the clerks typed, added up from the example's own rule
    score = (typed["done"] + typed["in_progress"] * 0.5) / typed["projects"] * 100
    assert figures == {**typed, "score": round(score, 2), "light": light(score, 6),
                       "disbursed_percent": round(typed["disbursed"] / typed["budget_ordinance"] * 100, 2),
                       "status": "passed"}
    assert (figures["projects"], figures["done"], figures["in_progress"], figures["cannot"], figures["not_started"],
            figures["not_reported"], figures["score"], figures["light"]) == (41, 22, 10, 1, 7, 1, 65.85, "green")
    own = received["report_json"]["summary"]  # what `report` itself counted
    keys = ("projects", "done", "in_progress", "cannot", "not_started", "not_reported", "score", "light",
            "budget_ordinance", "disbursed")
    assert {k: own[k] for k in keys} == {k: figures[k] for k in keys}
    assert by_name["องค์การบริหารส่วนตำบลท่าบัว"]["report"] is None
    assert data["reports_missing"] == [{"organisation": "องค์การบริหารส่วนตำบลท่าบัว", "district": "โพทะเล",
                                        "path": str(received["folder"] / "แผน อบต.ท่าบัว.xlsx")}]
    assert data["summary"]["reports"] == 1 and data["summary"]["reports_missing"] == 1
    tha_bua = next(o for o in data["organisations"] if o["organisation"] == "องค์การบริหารส่วนตำบลท่าบัว")
    assert [(p["code"], p["severity"]) for p in tha_bua["problems"]] == [("report-missing", "warning")]
    assert [r["path"] for r in data["reports"]] == [str(received["report"])]
    assert data["summary"]["projects"] == 53  # the reports are not plans: 41 + 12 projects of plans


def test_results_sheet_laid_out_like_e_plannacc_with_the_rounds_colour(received, consolidated):
    rows = sheet_rows(consolidated["output"], RESULTS_SHEET)
    header = next(i for i, r in enumerate(rows) if str(r[0]).replace("\n", "") == "ลำดับที่")
    assert [str(c).replace("\n", "") for c in rows[header][:8]] == [
        "ลำดับที่", "อปท.", "อำเภอ", "จำนวนโครงการ", "ระหว่างดำเนินการ", "ดำเนินการแล้วเสร็จ", "ไม่สามารถดำเนินการได้",
        "ผลการนำแผนไปสู่การปฏิบัติ"]
    body = {r[1]: r for r in rows[header + 1:header + 3]}
    pho = body["เทศบาลตำบลโพทะเล"]
    t = received["typed"]
    assert [pho[COLUMN[k]] for k in ("no", "district", "projects", "in_progress", "done", "cannot", "light",
                                     "not_started", "not_reported", "budget_ordinance", "disbursed", "note")] == [
        1, "โพทะเล", 41, t["in_progress"], t["done"], t["cannot"], "เขียว", t["not_started"], 1,
        t["budget_ordinance"], t["disbursed"], "ผ่าน"]
    assert pho[COLUMN["score"]] == pytest.approx((t["done"] + t["in_progress"] * 0.5) / 41 * 100)
    assert pho[COLUMN["share"]] == pytest.approx(t["disbursed"] / t["budget_ordinance"] * 100)
    tha_bua = body["องค์การบริหารส่วนตำบลท่าบัว"]
    assert tha_bua[COLUMN["note"]] == MISSING_TEXT and tha_bua[COLUMN["projects"]] == ""
    total = rows[header + 3]
    assert total[0] == "รวม ๑ แห่ง" and total[COLUMN["projects"]] == 41 and total[COLUMN["light"]] == "เขียว"
    texts = [str(c) for r in rows[header + 4:] for c in r if c]
    assert "หน่วยงานที่ส่งแผนแล้วแต่ยังไม่ส่งรายงานผล ๑ แห่ง" in texts and "องค์การบริหารส่วนตำบลท่าบัว" in texts
    ws = openpyxl.load_workbook(consolidated["output"])[RESULTS_SHEET]
    score = ws.cell(header + 2, COLUMN["score"] + 1)
    assert score.value.startswith("=IF(") and score.fill.fgColor.rgb == "FF" + LIGHT_FILL["green"][1:]
    rules = [r.formula[0] for rng in ws.conditional_formatting for r in rng.rules]
    assert any(">=50" in f for f in rules) and any("<20" in f for f in rules)  # the 6-month thresholds


def test_the_plans_summary_still_lists_plans_only(consolidated):
    rows = sheet_rows(consolidated["output"], SUMMARY_SHEET)
    names = [r[1] for r in rows if isinstance(r[0], (int, float)) and r[0] >= 1]
    assert set(names) == {"เทศบาลตำบลโพทะเล", "องค์การบริหารส่วนตำบลท่าบัว"}
    problems = sheet_rows(consolidated["output"], PROBLEMS_SHEET)
    assert [(r[1], r[7]) for r in problems[1:]] == [("องค์การบริหารส่วนตำบลท่าบัว", "report-missing")]


def _copy_of_received(received, tmp_path):
    """A copy of the province's folder to edit, its report and the report opened for editing."""
    folder = tmp_path / "received"
    shutil.copytree(received["folder"], folder)
    report = folder / received["report"].name
    return folder, report, openpyxl.load_workbook(report)


def test_a_report_edited_by_hand_is_flagged_at_the_cell_and_its_printed_values_counted(received, tmp_path):
    folder, report, book = _copy_of_received(received, tmp_path)
    ws = book[REPORT_SHEET]
    status_col = 1 + next(i for i, c in enumerate(report_workbook.OFFICIAL_COLUMNS) if c.key == "status")
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, status_col).value == IN_PROGRESS)
    ws.cell(row, status_col).value = DONE  # what was published now says done
    book.save(report)
    out = run("province", folder, "-o", tmp_path / "p.xlsx", "--format", "json")
    data = json.loads(out.output)
    assert out.exit_code == 1
    found = data["reports"][0]
    edited = [(p["code"], p["sheet"], p["cell"]) for p in found["problems"]]
    letter = openpyxl.utils.get_column_letter(status_col)
    assert edited == [("report-edited", REPORT_SHEET, f"{letter}{row}")]
    typed = received["typed"]
    assert (found["done"], found["in_progress"], found["status"]) == (typed["done"] + 1, typed["in_progress"] - 1,
                                                                      "errors")


def test_stored_totals_never_trusted(received, tmp_path):
    folder, report, book = _copy_of_received(received, tmp_path)
    data = book[REPORT_DATA_SHEET]
    header = [c.value for c in data[1]]
    status = header.index("status") + 1
    changed = next(r for r in range(2, data.max_row + 1) if data.cell(r, status).value == NOT_REPORTED)
    data.cell(changed, status).value = DONE  # the data sheet says done, the printed sheet and details not
    book.save(report)
    out = run("province", folder, "-o", tmp_path / "p.xlsx", "--format", "json")
    found = json.loads(out.output)["reports"][0]
    codes = sorted((p["code"], p["sheet"] or "") for p in found["problems"])
    assert codes == [("report-edited", ""), ("report-edited", ""), ("report-edited", REPORT_SHEET)]
    typed = received["typed"]  # the printed sheet is what was published, and is counted
    assert (found["done"], found["not_reported"]) == (typed["done"], typed["not_reported"])


def test_reports_alone_and_of_another_round(received, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(received["report"], folder / "a.xlsx")
    out = run("province", folder, "-o", tmp_path / "p.xlsx", "--round", "12", "--format", "json")
    data = json.loads(out.output)
    assert data["round"] == 12 and data["summary"]["reports"] == 0
    assert [p["code"] for p in data["reports"][0]["problems"]] == ["report-left-out"]
    out = run("province", folder, "-o", tmp_path / "q.xlsx")
    assert "รายงานผลรอบ 6 เดือน" in out.output and "report-without-plan" in out.output


def test_a_report_without_its_data_sheet_is_named_unreadable(received, tmp_path):
    folder, report, book = _copy_of_received(received, tmp_path)
    del book[REPORT_DATA_SHEET]
    book.save(report)
    out = run("province", folder, "-o", tmp_path / "p.xlsx", "--format", "json")
    data = json.loads(out.output)
    found = data["reports"][0]
    assert out.exit_code == 1 and found["status"] == "unreadable" and found["organisation"] == "เทศบาลตำบลโพทะเล"
    assert [(p["code"], p["value"]) for p in found["problems"]] == [("unreadable-file", "not-a-report")]
    assert data["reports_missing"][0]["organisation"] == "เทศบาลตำบลโพทะเล"  # its report did not come, readable


@pytest.mark.skipif(find_libreoffice() is None or shutil.which("pdftotext") is None,
                    reason="needs LibreOffice and poppler's pdftotext")
def test_pdf_prints_the_results_table_after_the_summary(received, tmp_path):
    out = run("province", received["folder"], "-o", tmp_path / "p.xlsx", "--pdf")
    assert out.exit_code == 0, out.output
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "p.pdf"), "-"], capture_output=True,
                          text=True).stdout
    pages = text.split("\f")
    assert "สรุปแผนปฏิบัติการ" in pages[0] and "สรุปรายงานการกำกับติดตาม" in pages[1]
    assert "ยังไม่ได้รับรายงานผล" in pages[1] and "เขียว" in pages[1]


def test_rows_added_by_hand_to_the_printed_report_are_flagged_at_their_cell_and_counted(received, tmp_path):
    folder, report, book = _copy_of_received(received, tmp_path)
    ws = book[REPORT_SHEET]
    keys = [c.key for c in report_workbook.OFFICIAL_COLUMNS]
    col = {key: keys.index(key) + 1 for key in ("name", "status", "disbursed")}
    first = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, col["status"]).value in (DONE, IN_PROGRESS))
    totals = next(r for r in range(first, ws.max_row + 1) if str(ws.cell(r, 1).value or "").startswith("รวม"))
    # One row inserted among the projects (those below it move down a row), one typed above the totals.
    ws.insert_rows(first + 2)
    ws.insert_rows(totals + 1)
    for row, name in ((first + 2, "โครงการที่เพิ่มเอง ก"), (totals + 1, "โครงการที่เพิ่มเอง ข")):
        ws.cell(row, col["name"]).value = name
        ws.cell(row, col["status"]).value = DONE
        ws.cell(row, col["disbursed"]).value = 1000
    book.save(report)
    out = run("province", folder, "-o", tmp_path / "p.xlsx", "--format", "json")
    assert out.exit_code == 1
    found = json.loads(out.output)["reports"][0]
    name = openpyxl.utils.get_column_letter(col["name"])
    # Only the two added rows: the projects they moved down are found where they went.
    assert sorted((p["code"], p["sheet"], p["cell"], p["value"]) for p in found["problems"]) == [
        ("report-edited", REPORT_SHEET, f"{name}{first + 2}", "โครงการที่เพิ่มเอง ก"),
        ("report-edited", REPORT_SHEET, f"{name}{totals + 1}", "โครงการที่เพิ่มเอง ข")]
    assert "เพิ่มด้วยมือ" in found["problems"][0]["message"]
    typed = received["typed"]  # what was published is counted: two more projects, done, 2,000 baht more
    assert (found["projects"], found["done"], found["disbursed"]) == \
        (typed["projects"] + 2, typed["done"] + 2, typed["disbursed"] + 2000)
