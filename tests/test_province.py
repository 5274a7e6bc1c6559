"""`ita-workbook province`: a province of plans — the seed's master, masters made from the seed's
projects with planted problems, plans typed by hand like the form, a broken file — consolidated and
read back: the summary rows and their totals, every project, the charts' tables, the problems."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import multiprocessing
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from ita_workbook import form
from ita_workbook.cli import main
from ita_workbook.config import load_config
from ita_workbook.master import Heading, write_master
from ita_workbook.pdf import find_libreoffice, print_font
from ita_workbook.plan import Plan, Project
from ita_workbook.province import (CHART_SHEET, DATA_COLUMNS, DATA_SHEET, PROBLEMS_SHEET, SUMMARY_SHEET,
                                   consolidate, organisation_key, parse_title, read_plan, read_plans)
from ita_workbook.validate import collect_files, validate_files
from seed import PLAN_TOML, write_department_workbooks, write_published_plan
from workbooks import HEADER_BOTTOM, HEADER_MERGES, HEADER_TOP, good, write_without

AS_OF = dt.date(2023, 3, 22)
FIRST_ROW = 7  # the summary's first organisation row (1-based): three title lines, a gap, two header rows


@pytest.fixture(scope="module")
def seed_projects(tmp_path_factory) -> list[Project]:
    """The seed plan's 41 projects, validated from its departments' workbooks."""
    folder = tmp_path_factory.mktemp("departments")
    write_department_workbooks(folder)
    result = validate_files(collect_files([folder]), load_config(PLAN_TOML))
    assert result.report.ok and len(result.plan.projects) == 41
    return result.plan.projects


def write_org(path: Path, projects: list[Project], organisation: str, district: str, *, province: str = "พิจิตร",
              year: int = 2566, draft: bool = False) -> Path:
    write_master(Plan(list(projects)), path, Heading(organisation, district, province, year, as_of=AS_OF,
                                                     draft=draft))
    return path


def write_typed_plan(path: Path, title: list[str], rows: list[list], totals: list | None, *,
                     sheet: str = "แผน") -> Path:
    """A plan typed by hand like the official form: its title lines, the merged header, rows, totals."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for line in title:
        ws.append([line])
    top = ws.max_row + 1 if title else 1
    ws.append(HEADER_TOP)
    ws.append(HEADER_BOTTOM)
    for merge in HEADER_MERGES:
        ws.merge_cells(merge.format(t=top, b=top + 1))
    for row in rows:
        ws.append(row)
    if totals is not None:
        ws.append(totals)
    book.save(path)
    return path


def totals_row(count: int, quarters: tuple[int, int, int, int]) -> list:
    return [f"รวมทั้งสิ้น {count} โครงการ", None, None, None, None, None, None, None, *quarters, None]


HAND_ROWS = [good(1, dimension=1, budget="5,000"), good(2, dimension=2), good(3, dimension=3, q2="/"),
             good(4, dimension=4), good(5, dimension=2, q1=None)]  # the fifth: no quarter


@pytest.fixture(scope="module")
def province(tmp_path_factory, seed_projects) -> dict:
    """Eight files as a province office receives them, and the province workbook made of them."""
    folder = tmp_path_factory.mktemp("received")
    by_dimension = [p for p in seed_projects if p.dimension != 4]
    every_fourth = seed_projects[::4]
    plans = {
        "pho-thale": write_org(folder / "01 ทต.โพทะเล.xlsx", seed_projects, "เทศบาลตำบลโพทะเล", "โพทะเล"),
        "tha-bua": write_org(folder / "02.xlsx", by_dimension, "องค์การบริหารส่วนตำบลท่าบัว", "อำเภอโพทะเล"),
        "wang-chik": write_org(folder / "03.xlsx", every_fourth, "เทศบาลตำบลวังจิก", "โพธิ์ประทับช้าง", year=2565),
        "draft": write_org(folder / "04.xlsx", every_fourth, "เทศบาลเมืองพิจิตร", "เมืองพิจิตร", draft=True),
        "hand": write_typed_plan(folder / "05.xlsx", ["แผนปฏิบัติการป้องกันการทุจริต ประจำปี พ.ศ. ๒๕๖๖",
                                                      "องค์การบริหารส่วนตำบลหอไกร", "อำเภอตะพานหิน จังหวัดพิจิตร"],
                                 HAND_ROWS, totals_row(5, (4, 1, 0, 0))),
        "untitled": write_typed_plan(folder / "06 อบต.ไผ่รอบ.xlsx", [], HAND_ROWS[:4], totals_row(4, (4, 1, 0, 0))),
        "broken": folder / "07 เสีย.xlsx",
        "other": write_org(folder / "08.xlsx", every_fourth, "องค์การบริหารส่วนตำบลบางมูลนาก", "บางมูลนาก",
                           province="นครสวรรค์"),
    }
    plans["broken"].write_text("ชื่อ,งบประมาณ\n", encoding="utf-8")
    output = tmp_path_factory.mktemp("out") / "สรุปจังหวัด.xlsx"
    result = consolidate(collect_files([folder]), output, as_of=AS_OF)
    return {"folder": folder, "plans": plans, "result": result, "output": output, "seed": seed_projects,
            "every_fourth": every_fourth, "by_dimension": by_dimension}


def sheet_rows(path: Path, name: str) -> list[list]:
    with CalamineWorkbook.from_path(str(path)) as book:
        return book.get_sheet_by_name(name).to_python()


def counts(projects: list[Project]) -> list[float]:
    """projects, per มิติ, per quarter, budget: what a summary row says of them."""
    return [len(projects), *(sum(p.dimension == d for p in projects) for d in (1, 2, 3, 4)),
            *(sum(p.quarters[i] for p in projects) for i in range(4)), sum(p.budget_value for p in projects)]


# --- the summary -----------------------------------------------------------------------------------

def test_summary_one_row_per_organisation_by_district_then_name(province):
    rows = sheet_rows(province["output"], SUMMARY_SHEET)
    body = rows[FIRST_ROW - 1:FIRST_ROW - 1 + 8]
    assert [(r[0], r[1], r[2]) for r in body] == [
        (1, "องค์การบริหารส่วนตำบลบางมูลนาก", "บางมูลนาก"),  # จังหวัดนครสวรรค์: provinces first
        (2, "องค์การบริหารส่วนตำบลหอไกร", "ตะพานหิน"),
        (3, "เทศบาลตำบลโพทะเล", "โพทะเล"),
        (4, "องค์การบริหารส่วนตำบลท่าบัว", "โพทะเล"),  # "อำเภอโพทะเล" in the master: the word dropped
        (5, "เทศบาลตำบลวังจิก", "โพธิ์ประทับช้าง"),  # Thai order: โพทะเล before โพธิ์…, ตะพานหิน first
        (6, "เทศบาลเมืองพิจิตร", "เมืองพิจิตร"),
        (7, "06 อบต.ไผ่รอบ", ""),  # no อำเภอ: after the others; no name in it: its file name
        (8, "07 เสีย", ""),  # not read: last
    ]


def test_summary_counts_budget_and_problems_of_each_organisation(province):
    rows = sheet_rows(province["output"], SUMMARY_SHEET)
    body = {r[1]: r for r in rows[FIRST_ROW - 1:FIRST_ROW - 1 + 8]}
    seed = body["เทศบาลตำบลโพทะเล"]
    # The seed plan: 11/19/5/6 projects per มิติ, the marks' 27/34/15/9 per quarter, 140,000 baht.
    assert seed[3:15] == [41, 11, 19, 5, 6, 27, 34, 15, 9, 140_000, 0, 0]
    assert seed[15] == "ผ่าน · แผนรวมที่สร้างด้วยโปรแกรม" and seed[16] == "01 ทต.โพทะเล.xlsx"
    assert body["องค์การบริหารส่วนตำบลท่าบัว"][3:15] == [*counts(province["by_dimension"]), 0, 1]
    assert body["องค์การบริหารส่วนตำบลท่าบัว"][7] == 0  # no project in มิติ 4: the warning
    assert body["เทศบาลตำบลวังจิก"][3:15] == [*counts(province["every_fourth"]), 1, 0]
    assert body["องค์การบริหารส่วนตำบลหอไกร"][3:15] == [5, 1, 2, 1, 1, 4, 1, 0, 0, 5000, 1, 0]
    assert body["องค์การบริหารส่วนตำบลหอไกร"][15] == "มีข้อผิดพลาด · แผนที่จัดทำเอง (อ่านจากตาราง) · ชื่อหน่วยงานนำมาจากหัวเรื่องของแผน"
    assert body["06 อบต.ไผ่รอบ"][3:15] == [4, 1, 1, 1, 1, 4, 1, 0, 0, 5000, 0, 3]
    assert body["06 อบต.ไผ่รอบ"][15] == "มีคำเตือน · แผนที่จัดทำเอง (อ่านจากตาราง) · ชื่อหน่วยงานนำมาจากชื่อไฟล์ ควรตรวจสอบ"
    assert body["07 เสีย"][3:13] == [""] * 10 and body["07 เสีย"][13:16] == [1, 0, "อ่านไม่ได้ · ชื่อหน่วยงานนำมาจากชื่อไฟล์ ควรตรวจสอบ"]


def test_totals_row_holds_live_sums_with_their_values(province):
    result = province["result"]
    rows = sheet_rows(province["output"], SUMMARY_SHEET)
    totals = rows[FIRST_ROW - 1 + 8]
    projects = [p for key in ("seed", "by_dimension", "every_fourth", "every_fourth", "every_fourth")
                for p in province[key]]
    expected = [a + b + c for a, b, c in zip(counts(projects), [5, 1, 2, 1, 1, 4, 1, 0, 0, 5000],
                                             [4, 1, 1, 1, 1, 4, 1, 0, 0, 5000])]
    assert totals[0] == "รวม ๘ แห่ง"
    assert totals[3:13] == expected
    assert totals[13:15] == [result.errors, result.warnings]
    ws = openpyxl.load_workbook(province["output"])[SUMMARY_SHEET]
    last = FIRST_ROW + 7
    assert ws[f"D{last + 1}"].value == f"=SUM(D{FIRST_ROW}:D{last})"
    assert ws[f"M{last + 1}"].value == f"=SUM(M{FIRST_ROW}:M{last})"
    assert ws[f"D{FIRST_ROW}"].number_format.startswith("[$-D00041E]")  # Thai digits, still a number


def test_summary_prints_a4_landscape_with_its_merged_header_on_every_page(province):
    ws = openpyxl.load_workbook(province["output"])[SUMMARY_SHEET]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A5:A6", "B5:B6", "D5:D6", "E5:H5", "I5:L5", "M5:M6"} <= merged  # vertical merges kept
    assert ws["E5"].value == "จำนวนโครงการตามมิติ" and ws["E6"].value == "มิติ ๑" and ws["L6"].value == "ไตรมาส\n๔"  # broken between words
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows == "$5:$6"
    assert ws.row_dimensions[FIRST_ROW].height >= 20  # every row's height computed for its text
    assert ws["A1"].value == "สรุปแผนปฏิบัติการป้องกันการทุจริต ประจำปี พ.ศ. ๒๕๖๖"
    assert ws["A2"].value == "องค์กรปกครองส่วนท้องถิ่นในจังหวัดพิจิตร จำนวน ๘ แห่ง"
    assert ws["A3"].value == "ข้อมูล ณ วันที่ ๒๒ มีนาคม ๒๕๖๖"


# --- the problems ----------------------------------------------------------------------------------

def test_each_plan_checked_with_its_planted_problem(province):
    found = {Path(p.path).name: sorted(x.code for x in p.problems) for p in province["result"].plans}
    assert found == {
        "01 ทต.โพทะเล.xlsx": [],
        "02.xlsx": ["missing-dimension"],
        "03.xlsx": ["wrong-fiscal-year"],
        "04.xlsx": ["draft-plan"],
        "05.xlsx": ["no-quarter"],
        "06 อบต.ไผ่รอบ.xlsx": ["district-unknown", "fiscal-year-unknown", "organisation-from-filename"],
        "07 เสีย.xlsx": ["unreadable-file"],
        "08.xlsx": ["other-province"],
    }
    result = province["result"]
    assert (result.province, result.fiscal_year) == ("พิจิตร", 2566)  # those of most plans
    by_name = {Path(p.path).name: p for p in result.plans}
    missing = by_name["02.xlsx"].problems[0]
    assert (missing.value, missing.detail) == ("๔", form.DIMENSIONS[3].name)
    wrong_year = by_name["03.xlsx"].problems[0]
    assert (wrong_year.value, wrong_year.detail) == ("2565", "2566")
    no_quarter = by_name["05.xlsx"].problems[0]
    assert (no_quarter.sheet, no_quarter.cell, no_quarter.row) == ("แผน", "I10", 10)


def test_problems_sheet_lists_every_problem_per_organisation(province):
    rows = sheet_rows(province["output"], PROBLEMS_SHEET)
    assert rows[0][:5] == ["ที่", "องค์กรปกครองส่วนท้องถิ่น", "อำเภอ", "ระดับ", "ปัญหา"]
    listed = [(r[1], r[3], r[7], r[5], r[6]) for r in rows[1:]]
    assert listed == [
        ("องค์การบริหารส่วนตำบลบางมูลนาก", "คำเตือน", "other-province", "", ""),
        ("องค์การบริหารส่วนตำบลหอไกร", "ข้อผิดพลาด", "no-quarter", "แผน", "I10"),
        ("องค์การบริหารส่วนตำบลท่าบัว", "คำเตือน", "missing-dimension", "", ""),
        ("เทศบาลตำบลวังจิก", "ข้อผิดพลาด", "wrong-fiscal-year", "", ""),
        ("เทศบาลเมืองพิจิตร", "ข้อผิดพลาด", "draft-plan", "", ""),
        ("06 อบต.ไผ่รอบ", "คำเตือน", "district-unknown", "", ""),
        ("06 อบต.ไผ่รอบ", "คำเตือน", "fiscal-year-unknown", "", ""),
        ("06 อบต.ไผ่รอบ", "คำเตือน", "organisation-from-filename", "", ""),
        ("07 เสีย", "ข้อผิดพลาด", "unreadable-file", "", ""),
    ]
    other = rows[1]
    assert other[4] == "แผนนี้ระบุจังหวัดนครสวรรค์ ไม่ใช่จังหวัดพิจิตร ตรวจสอบว่าส่งมาถูกจังหวัด"
    assert other[9] == "08.xlsx"


def test_the_same_organisation_twice_and_a_published_plans_wrong_totals(tmp_path, seed_projects):
    write_org(tmp_path / "master.xlsx", seed_projects, "เทศบาลตำบลโพทะเล", "โพทะเล")
    write_published_plan(tmp_path / "published.xlsx")  # the seed as typed: 27/31/15/12 stated
    result = consolidate(collect_files([tmp_path]), tmp_path / "out" / "p.xlsx", as_of=AS_OF)
    master, published = sorted(result.plans, key=lambda p: p.path)
    assert published.name_from == "title" and published.organisation == "เทศบาลตำบลโพทะเล"
    assert [(p.code, p.detail) for p in master.problems] == [("duplicate-organisation", "published.xlsx")]
    mismatches = [(p.cell, p.value, p.detail) for p in published.problems if p.code == "total-mismatch"]
    assert mismatches == [("J50", "31", "34"), ("L50", "12", "9")]
    assert {p.code for p in published.problems} == {"duplicate-organisation", "total-mismatch"}
    assert not result.ok


def test_a_typed_plan_on_a_sheet_named_like_a_masters_data_sheet_is_read_as_a_form(tmp_path):
    path = write_typed_plan(tmp_path / "p.xlsx", ["แผนปฏิบัติการป้องกันการทุจริต ประจำปี พ.ศ. ๒๕๖๖", "อบต.หอไกร",
                                                  "อำเภอบางมูลนาก จังหวัดพิจิตร"], HAND_ROWS[:4],
                            totals_row(4, (4, 1, 0, 0)), sheet="ข้อมูล")
    plan = read_plan(path)
    assert (plan.read_as, plan.organisation, plan.district, plan.tally.projects) == ("form", "อบต.หอไกร", "บางมูลนาก", 4)
    assert plan.problems == []


def test_a_typed_plan_without_the_dimension_column_says_so(tmp_path):
    write_without(tmp_path / "p.xlsx", "dimension", [good(1), good(2)], totals=["รวมทั้งสิ้น 2 โครงการ"])
    plan = read_plan(tmp_path / "p.xlsx")
    assert (plan.organisation, plan.district, plan.fiscal_year) == ("เทศบาลตำบลท่าฬ่อ", "เมืองพิจิตร", 2566)
    # One problem naming what the table lacks, not a column and four มิติ counted as none.
    assert [(p.code, p.column or p.value) for p in plan.problems] == [("layout-lacks", "dimension")]
    assert "มิติ" in plan.problems[0].message and "หน่วยงานรับผิดชอบ" in plan.problems[0].message


def test_a_master_edited_after_merge_is_caught(tmp_path, seed_projects):
    path = write_org(tmp_path / "m.xlsx", seed_projects, "เทศบาลตำบลโพทะเล", "โพทะเล")
    book = openpyxl.load_workbook(path)
    book["ข้อมูล"].delete_rows(3)  # a project deleted from the data sheet only
    book.save(path)
    gone = seed_projects[1]  # the second project of the first department: data row 3
    plan = read_plan(path)
    # The printed sheet, which was published, still holds it: counted, and the difference said at its row.
    # (openpyxl drops the totals' cached values: formula-without-value, as for any file it saves.)
    assert len(plan.projects) == 41
    assert {p.code for p in plan.problems} == {"master-edited", "formula-without-value"}
    printed_only = [p for p in plan.problems if p.code == "master-edited" and p.cell]
    assert [(p.sheet, p.cell[0], p.value) for p in printed_only] == [("แผนปฏิบัติการ", "B", gone.name)]
    plan.problems = [p for p in plan.problems if p.code == "master-edited" and not p.cell]
    quarters = [27, 34, 15, 9]
    for i, on in enumerate(gone.quarters):
        quarters[i] -= on
    dimensions = [11, 19, 5, 6]
    dimensions[gone.dimension - 1] -= 1
    assert [(p.value, p.detail_en.split(" adds up to ")[1]) for p in plan.problems] == [
        ("41", "40"), ("140000.00", f"{140_000 - gone.budget_value:.2f}"),
        ("27,34,15,9", ",".join(map(str, quarters))), ("11,19,5,6", ",".join(map(str, dimensions)))]
    assert plan.problems[0].message == ('แผนรวมนี้ถูกแก้ไขหลังจากโปรแกรมสร้าง: จำนวนโครงการที่บันทึกไว้คือ 41 '
                                        'แต่แผ่นงาน "ข้อมูล" นับได้ 40 ให้หน่วยงานรวมแผนใหม่ด้วยคำสั่ง merge')


def test_a_master_whose_printed_sheet_was_edited_is_caught_at_the_cells(tmp_path, seed_projects):
    path = write_org(tmp_path / "m.xlsx", seed_projects, "เทศบาลตำบลโพทะเล", "โพทะเล")
    book = openpyxl.load_workbook(path)
    ws = book["แผนปฏิบัติการ"]
    first = next(r for r in range(1, 30) if ws.cell(r, 2).value == seed_projects[0].name)
    budgeted = next(r for r in range(first, first + 41) if isinstance(ws.cell(r, 5).value, (int, float)))
    was = ws.cell(budgeted, 5).value
    ws.cell(first, 12).value = "/"  # quarter 4 ticked on the printed sheet only
    ws.cell(budgeted, 5).value = was + 5000
    book.save(path)
    plan = read_plan(path)
    edited = [(p.cell, p.column) for p in plan.problems if p.code == "master-edited"]
    assert edited == [(f"L{first}", "q4"), (f"E{budgeted}", "budget")]
    assert plan.tally.quarters == (27, 34, 15, 9 + (not seed_projects[0].quarters[3]))
    assert plan.tally.budget == 145_000  # what was published is what is counted
    result = CliRunner().invoke(main, ["province", str(path), "-o", str(tmp_path / "p.xlsx"), "--format", "json"])
    assert result.exit_code == 1
    org = json.loads(result.output)["organisations"][0]
    assert org["status"] == "errors" and org["budget"] == 145_000
    assert [p["cell"] for p in org["problems"] if p["code"] == "master-edited"] == [f"L{first}", f"E{budgeted}"]


# --- the other sheets ------------------------------------------------------------------------------

def test_data_sheet_holds_every_project_with_its_organisation_and_source(province):
    rows = sheet_rows(province["output"], DATA_SHEET)
    assert rows[0] == [header for _, header, _ in DATA_COLUMNS]
    assert rows[0][:6] == ["องค์กรปกครองส่วนท้องถิ่น", "อำเภอ", "จังหวัด", "ปีงบประมาณ", "ที่",
                           "แผนงาน/โครงการ/กิจกรรม"]
    expected = 41 + len(province["by_dimension"]) + 3 * len(province["every_fourth"]) + 5 + 4
    assert len(rows) == 1 + expected
    col = {key: i for i, (key, _, _) in enumerate(DATA_COLUMNS)}
    first = rows[1 + 11]  # after บางมูลนาก's 11 projects, ตะพานหิน's, as on the summary
    assert [first[col[k]] for k in ("organisation", "district", "province", "fiscal_year", "no", "name", "budget",
                                    "no_budget", "dimension", "q1", "q2", "department", "source_file",
                                    "source_sheet", "source_row")] == [
        "องค์การบริหารส่วนตำบลหอไกร", "ตะพานหิน", "พิจิตร", 2566, 1, "โครงการทดสอบที่ 1", 5000, 0, 1, 1, 0,
        "สำนักปลัด", "05.xlsx", "แผน", 6]
    seed = [r for r in rows[1:] if r[col["organisation"]] == "เทศบาลตำบลโพทะเล"]
    assert len(seed) == 41 and sum(r[col["budget"]] or 0 for r in seed) == 140_000
    assert sum(r[col["no_budget"]] for r in seed) == 36
    assert [sum(r[col[q]] for r in seed) for q in form.QUARTER_KEYS] == [27, 34, 15, 9]
    assert {r[col["source_sheet"]] for r in seed} == {"แผนปฏิบัติการ"}  # traced to the form's rows
    ws = openpyxl.load_workbook(province["output"])[DATA_SHEET]
    assert ws.auto_filter.ref == f"A1:U{expected + 1}"
    assert (ws["F13"].font.name, ws["F13"].font.sz, ws["I13"].number_format) == ("TH SarabunPSK", 14, "#,##0.00")


def test_data_sheet_keeps_any_text_exactly(tmp_path, seed_projects):
    odd = ["A & B <ค> \"ง\"", "รหัส _x0041_ ไม่ใช่ตัว A", "แท็บ\tและ\nบรรทัดใหม่", "ควบคุม\x01ตัวอักษร"]
    projects = [dataclasses.replace(p, name=name) for p, name in zip(seed_projects, odd)] + seed_projects[4:]
    write_org(tmp_path / "odd.xlsx", projects, "เทศบาลตำบลโพทะเล", "โพทะเล")
    consolidate([tmp_path / "odd.xlsx"], tmp_path / "p.xlsx", as_of=AS_OF)
    names = {row[5] for row in sheet_rows(tmp_path / "p.xlsx", DATA_SHEET)[1:]}
    assert set(odd[:3]) <= names and "ควบคุม\x01ตัวอักษร" in names
    # The XML is valid for a strict reader too (openpyxl leaves inline strings' _x005F_ escape as it is,
    # where Excel and calamine read the `_` that xlsxwriter's shared strings would also escape).
    book = openpyxl.load_workbook(tmp_path / "p.xlsx")
    assert {row[5].value for row in book[DATA_SHEET].iter_rows(min_row=2)} >= {odd[0], odd[2]}


def test_chart_sheet_tables_with_live_formulas_and_three_charts(province):
    rows = sheet_rows(province["output"], CHART_SHEET)
    projects = [p for key in ("seed", "by_dimension", "every_fourth", "every_fourth", "every_fourth")
                for p in province[key]]
    hand = [1, 2, 1, 1]
    untitled = [1, 1, 1, 1]
    per_dimension = [sum(p.dimension == d for p in projects) + hand[d - 1] + untitled[d - 1] for d in (1, 2, 3, 4)]
    assert [r[2] for r in rows[1:5]] == per_dimension
    assert rows[5][1:3] == ["รวม", sum(per_dimension)]
    assert rows[1][3] == sum(p.budget_value for p in projects if p.dimension == 1) + 10_000
    band_header = next(i for i, r in enumerate(rows) if r[1] == "จำนวนโครงการในแผน")
    bands = {r[1]: r[2] for r in rows[band_header + 1:] if r[1]}
    assert bands == {"๐": 0, "๑–๑๐": 2, "๑๑–๒๐": 3, "๒๑–๓๐": 0, "๓๑–๔๐": 1, "๔๑–๕๐": 1}
    ws = openpyxl.load_workbook(province["output"])[CHART_SHEET]
    assert ws["C2"].value == f"=COUNTIF('{DATA_SHEET}'!$K$2:$K${len(sheet_rows(province['output'], DATA_SHEET))},1)"
    with zipfile.ZipFile(province["output"]) as z:
        assert len([n for n in z.namelist() if n.startswith("xl/charts/chart")]) == 3


def test_hidden_details_say_it_is_a_province_workbook_and_it_is_not_counted_again(province, tmp_path):
    folder = tmp_path / "again"
    shutil.copytree(province["folder"], folder)
    shutil.copy(province["output"], folder / "สรุปเดิม.xlsx")
    result = consolidate(collect_files([folder]), tmp_path / "p2.xlsx", as_of=AS_OF)
    earlier = next(p for p in result.plans if p.path.endswith("สรุปเดิม.xlsx"))
    assert earlier.status == "left-out" and [p.code for p in earlier.problems] == ["province-as-input"]
    assert result.projects == province["result"].projects


# --- reading plans ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lines, expected", [
    (["แผนปฏิบัติการป้องกันการทุจริต ประจำปี พ.ศ. ๒๕๖๖", "เทศบาลตำบลโพทะเล", "อำเภอโพทะเล จังหวัดพิจิตร"],
     ("เทศบาลตำบลโพทะเล", "โพทะเล", "พิจิตร", 2566)),
    (["แผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ พ.ศ. 2567 ของ อบต.ท่าบัว อ.โพทะเล จ.พิจิตร"],
     ("อบต.ท่าบัว", "โพทะเล", "พิจิตร", 2567)),
    (["แผนปฏิบัติการป้องกันการทุจริต ประจำปี พ.ศ. ๒๕๖๖", "ของเมืองพัทยา จังหวัดชลบุรี"],
     ("เมืองพัทยา", "", "ชลบุรี", 2566)),
    (["แผนปฏิบัติการป้องกันการทุจริต ปีงบประมาณ ๒๕๖๖", "ชุมชนบ้านใหม่", "อำเภอเมือง จังหวัดลำปาง"],
     ("ชุมชนบ้านใหม่", "เมือง", "ลำปาง", 2566)),  # no kind of local government: the line after the title
    (["แผนปฏิบัติการป้องกันการทุจริต ประจำปี พ.ศ. ........................", "........................"],
     ("", "", "", None)),
    ([], ("", "", "", None)),
])
def test_organisation_place_and_year_from_the_title_lines(lines, expected):
    assert parse_title(lines) == expected


def test_the_same_organisation_however_it_is_written():
    assert organisation_key("อบต.ท่า บัว", "โพทะเล") == organisation_key("องค์การบริหารส่วนตำบลท่าบัว", "โพทะเล")
    assert organisation_key("ทต.โพทะเล") == organisation_key("เทศบาลตำบล โพทะเล")
    assert organisation_key("อบต.บ้านใหม่", "เมือง") != organisation_key("อบต.บ้านใหม่", "โพทะเล")


def test_worker_processes_read_the_same_as_one_process(province):
    paths = collect_files([province["folder"]])
    alone = [p.to_dict() for p in read_plans(paths, workers=1)]
    assert [p.to_dict() for p in read_plans(paths, workers=2)] == alone


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="workers inherit the patch by fork")
def test_a_file_that_takes_a_worker_down_is_named_and_the_others_are_read(province, monkeypatch):
    import os

    from ita_workbook.province import workers as module  # where the workers read a plan

    paths = collect_files([province["folder"]])
    culprit = str(paths[3])
    reader = module._read_for_province

    def crashing(path: str, fiscal_year=None):
        if path == culprit:
            os._exit(1)  # as a native crash would: the worker process is gone
        return reader(path, fiscal_year)

    monkeypatch.setattr(module, "_read_for_province", crashing)  # the forked workers inherit it
    plans = read_plans(paths, workers=2)
    assert [p.path for p in plans] == [str(p) for p in paths]
    lost = plans[3]
    assert [(p.code, p.value) for p in lost.problems] == [("unreadable-file", "limit")]
    assert lost.status == "unreadable" and lost.organisation == "04"
    others = {Path(p.path).name: (p.organisation, p.tally.projects) for p in province["result"].plans}
    assert [(p.organisation, p.tally.projects) for p in plans[:3] + plans[4:]] == [
        others[path.name] for path in paths[:3] + paths[4:]]


def test_a_bug_of_ours_on_one_plan_is_named_not_a_traceback(province, monkeypatch, tmp_path):
    from ita_workbook.province import workers as module  # where the workers read a plan

    def broken(plan):
        raise ValueError("a bug")

    monkeypatch.setattr(module, "_render_rows", broken)
    result = consolidate([province["plans"]["pho-thale"]], tmp_path / "p.xlsx", as_of=AS_OF, workers=1)
    plan = result.plans[0]
    assert [(p.code, p.value) for p in plan.problems] == [("unreadable-file", "internal-error")]
    assert plan.status == "unreadable" and "(ValueError)" in plan.problems[0].message
    assert (tmp_path / "p.xlsx").exists() and not result.ok


# --- the command -----------------------------------------------------------------------------------

def test_command_reports_who_passed_who_has_problems_and_what_was_unreadable(province, tmp_path):
    out = tmp_path / "p.xlsx"
    run = CliRunner().invoke(main, ["province", str(province["folder"]), "-o", str(out), "--date", "2566-03-22"])
    assert run.exit_code == 1 and out.exists()
    text = run.output
    assert "■ ✓ ผ่าน / passed: 1\n  เทศบาลตำบลโพทะเล (อ.โพทะเล) — 41 โครงการ/projects" in text
    assert "■ ! มีคำเตือน / warnings only: 3" in text
    assert "■ ✗ มีข้อผิดพลาด / with errors: 3" in text
    assert "■ ✗ อ่านไม่ได้ / could not be read: 1\n  07 เสีย —" in text
    assert "(wrong-fiscal-year) This plan is for fiscal year 2565, not 2566" in text
    assert "Summary: 8 organisations" in text


def test_command_json_and_exit_code_zero_when_all_passed(province, tmp_path):
    out = tmp_path / "p.xlsx"
    run = CliRunner().invoke(main, ["province", str(province["plans"]["pho-thale"]), "-o", str(out),
                                    "--format", "json"])
    assert run.exit_code == 0, run.output
    data = json.loads(run.output)
    assert data["ok"] and data["summary"]["passed"] == 1 and data["summary"]["projects"] == 41
    org = data["organisations"][0]
    assert (org["organisation"], org["district"], org["read_as"], org["name_from"]) == (
        "เทศบาลตำบลโพทะเล", "โพทะเล", "master", "metadata")
    assert (org["dimensions"], org["quarters"], org["budget"]) == ([11, 19, 5, 6], [27, 34, 15, 9], 140_000)


def test_command_refuses_to_overwrite_an_input_and_takes_the_year_given(province, tmp_path):
    plan = province["plans"]["pho-thale"]
    run = CliRunner().invoke(main, ["province", str(plan), "-o", str(plan)])
    assert run.exit_code == 2 and "one of the input files" in run.output
    (tmp_path / "empty").mkdir()
    run = CliRunner().invoke(main, ["province", str(tmp_path / "empty"), "-o", str(tmp_path / "e.xlsx")])
    assert run.exit_code == 2 and "no workbook found" in run.output and not (tmp_path / "e.xlsx").exists()
    run = CliRunner().invoke(main, ["province", str(plan), "-o", str(tmp_path / "p.xlsx"), "--year", "2567",
                                    "--format", "json"])
    assert run.exit_code == 1
    problems = json.loads(run.output)["organisations"][0]["problems"]
    assert [(p["code"], p["value"]) for p in problems] == [("wrong-fiscal-year", "2566")]


@pytest.mark.skipif(find_libreoffice() is None or shutil.which("pdftotext") is None,
                    reason="needs LibreOffice and poppler")
def test_pdf_prints_the_summary(province, tmp_path):
    out = tmp_path / "p.xlsx"
    result = consolidate(collect_files([province["folder"]]), out, as_of=AS_OF, pdf=True)
    assert result.pdf == out.with_suffix(".pdf"), result.pdf_error
    text = subprocess.run(["pdftotext", "-layout", str(result.pdf), "-"], capture_output=True, text=True).stdout
    assert "ตะพานหิน" in text and "บางมูลนาก" in text and "รวม ๘ แห่ง" in text
    assert "ช้าง" in _line_holding(result.pdf, "โพธิ")  # a district's name never broken mid-syllable
    assert "ข้อมูลรวม" not in text.split("หมายเหตุ:")[0]  # the summary only, not the data sheet
    if print_font("TH SarabunPSK")[1] and shutil.which("pdffonts"):  # drawn with the shipped Sarabun
        fonts = subprocess.run(["pdffonts", str(result.pdf)], capture_output=True, text=True).stdout
        assert "Sarabun-Regular" in fonts and "Laksaman" not in fonts, fonts


def _line_holding(pdf: Path, start: str) -> str:
    """The words printed on the line of the first word starting with `start`, joined (pdftotext's
    plain text puts Thai marks out of order, its word boxes do not)."""
    import re

    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True).stdout
    words = [(float(y), w) for y, w in re.findall(r'yMin="([0-9.]+)"[^>]*>([^<]*)</word>', boxes)]
    y = next(y for y, w in words if w.startswith(start))
    return "".join(w for wy, w in words if abs(wy - y) < 1)


def test_a_master_whose_data_sheet_reaches_a_far_away_cell_is_read_from_its_form_sheet(tmp_path, seed_projects):
    path = write_org(tmp_path / "m.xlsx", seed_projects[:4], "เทศบาลตำบลโพทะเล", "โพทะเล")
    far = tmp_path / "far.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(far, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet3.xml":  # ข้อมูล
                data = data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
                                                     b"</sheetData>")
            out.writestr(info, data)
    plan = read_plan(far)  # the data sheet is never handed to calamine: it would allocate 17 billion cells
    assert (plan.read_as, plan.tally.projects, plan.organisation) == ("form", 4, "เทศบาลตำบลโพทะเล")
    assert [(p.code, p.value, p.sheet) for p in plan.problems][0] == ("unreadable-file", "sheet-too-large", "ข้อมูล")
    assert plan.status == "errors"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the process tree from /proc (Linux)")
def test_a_kill_midway_leaves_no_output_and_no_workers(province, tmp_path):
    import signal
    import sys
    import time

    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(60):  # enough plans for worker processes
        for path in province["folder"].glob("*.xlsx"):
            shutil.copy(path, folder / f"{n:02} {path.name}")
    out = tmp_path / "out" / "p.xlsx"
    proc = subprocess.Popen([sys.executable, "-m", "ita_workbook", "province", str(folder), "-o", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    deadline = time.monotonic() + 60
    while proc.poll() is None and not children.read_text().strip() and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)  # past the forks that start the workers: a signal there is ignored (then honoured late)
    workers = [int(pid) for pid in children.read_text().split()]
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 128 + signal.SIGTERM, proc.stderr.read().decode()
    assert not out.exists()
    assert not out.parent.exists() or not any(out.parent.iterdir())  # no temporary file left either
    time.sleep(0.5)
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()
                and "Z" not in Path(f"/proc/{pid}/stat").read_text().split(") ")[1][:1]]


def test_an_input_is_found_as_same_file_says_pair_by_pair(tmp_path):
    """`_inputs_among` looks at each input once; it must name the same outputs as `same_file`
    asked of every pair: the same path, a link to it, a hard link, a path through `..`."""
    import os

    from ita_workbook.output import same_file
    from ita_workbook.province.run import _inputs_among

    (tmp_path / "a.xlsx").write_bytes(b"x")
    (tmp_path / "a.pdf").write_bytes(b"y")
    (tmp_path / "sub").mkdir()
    os.symlink(tmp_path / "a.xlsx", tmp_path / "link.xlsx")
    os.link(tmp_path / "a.xlsx", tmp_path / "hard.xlsx")
    inputs = [[tmp_path / "a.xlsx"], [tmp_path / "link.xlsx"], [str(tmp_path / "hard.xlsx")],
              [tmp_path / "sub" / ".." / "a.xlsx"], [tmp_path / "none.xlsx"], [tmp_path / "b.xlsx", tmp_path / "a.pdf"]]
    found = {}
    for output in ("a.xlsx", "none.xlsx", "hard.xlsx", "link.xlsx"):
        targets = (tmp_path / output, (tmp_path / output).with_suffix(".pdf"))
        for paths in inputs:
            expected = [t for t in targets if any(same_file(t, p) for p in paths)]
            assert _inputs_among(targets, paths) == expected
            found[output, Path(paths[-1]).name] = [t.name for t in expected]
    assert found["hard.xlsx", "link.xlsx"] == ["hard.xlsx"] and found["none.xlsx", "none.xlsx"] == ["none.xlsx"]
    assert found["a.xlsx", "a.pdf"] == ["a.pdf"] and found["link.xlsx", "a.pdf"] == []


def test_the_same_plan_under_another_name_is_an_error_naming_both_files(tmp_path, seed_projects):
    """A copy whose title was left out (its file's name stands in for the organisation): the same
    projects, named. Two organisations naming themselves and sharing a model plan word for word are
    not (neighbours copy the district's plan)."""
    write_org(tmp_path / "01.xlsx", seed_projects, "เทศบาลตำบลโพทะเล", "โพทะเล")
    write_org(tmp_path / "02.xlsx", seed_projects, "เทศบาลตำบลท่าบัว", "โพทะเล")  # a model plan
    hand = write_typed_plan(tmp_path / "04 อบต.หอไกร.xlsx", ["แผนปฏิบัติการป้องกันการทุจริต ประจำปี พ.ศ. ๒๕๖๖",
                                                          "องค์การบริหารส่วนตำบลหอไกร", "อำเภอตะพานหิน จังหวัดพิจิตร"],
                            HAND_ROWS[:4], totals_row(4, (4, 1, 0, 0)))
    write_typed_plan(tmp_path / "05 สำเนา.xlsx", [], HAND_ROWS[:4], totals_row(4, (4, 1, 0, 0)))
    assert hand.exists()
    result = consolidate(collect_files([tmp_path]), tmp_path / "out" / "p.xlsx", as_of=AS_OF)
    twice = sorted((Path(p.path).name, q.value, q.severity) for p in result.plans for q in p.problems
                   if q.code == "plan-sent-twice")
    assert twice == [("04 อบต.หอไกร.xlsx", "05 สำเนา.xlsx", "error"), ("05 สำเนา.xlsx", "04 อบต.หอไกร.xlsx", "error")]
    assert not result.ok
