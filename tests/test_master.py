"""The master workbook, written from hand-built plans and read back cell by cell (openpyxl), in its
XML (cached formula values) and by the project's own reader."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from ita_workbook import form
from ita_workbook.check import check_files
from ita_workbook.master import (DATA_COLUMNS, DATA_SHEET, FORM_SHEET, MAX_ROW_HEIGHT, PRINT_WIDTHS, SUMMARY_SHEET,
                                 Heading, line_count, write_master)
from ita_workbook.thai import squeeze, to_thai_digits
from ita_workbook.plan import Plan, Project, Source
from ita_workbook.problems import Problem
from ita_workbook.reader import read_workbook

DEPARTMENTS = ["สำนักปลัด", "กองคลัง", "กองช่าง"]
COL = {c.key: openpyxl.utils.get_column_letter(i + 1) for i, c in enumerate(form.COLUMNS)}
HEADING = Heading(organisation="เทศบาลตำบลทดสอบ", district="เมือง", province="พิจิตร", fiscal_year=2566,
                  as_of=dt.date(2023, 3, 22), issuer="กวี จันดี")


def project(name: str, *, dimension: int = 1, department: str = "สำนักปลัด", budget: float | None = None,
            quarters=(True, False, False, False), indicator: str = "มีการจัดอบรม ๑ ครั้ง", row: int = 8,
            **extra) -> Project:
    values = dict(unit="คน", quantity=40.0, outcome="บุคลากรมีความรู้")
    values.update(extra)
    return Project(name=name, budget=budget, dimension=dimension, indicator=indicator, quarters=quarters,
                   department=department, source=Source("กอง.xlsx", "แผน", row, (("name", f"B{row}"),)),
                   **values)


def sample_plan() -> Plan:
    return Plan([
        project("ข", dimension=2, department="กองคลัง", budget=10000, quarters=(True, True, False, False), row=7),
        project("ก", dimension=1, department="กองช่าง", budget=None, quarters=(False, True, True, False), row=8),
        project("ค", dimension=1, department="สำนักปลัด", budget=2500.5, quarters=(False, False, False, True),
                row=9),
        project("ง", dimension=4, department="กองคลัง", quantity="ทุกครั้งที่ดำเนินการ", row=10),
    ])


@pytest.fixture
def master(tmp_path: Path) -> Path:
    path = tmp_path / "master.xlsx"
    write_master(sample_plan(), path, HEADING, department_order=DEPARTMENTS)
    return path


def sheet_xml(path: Path, index: int = 1) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(f"xl/worksheets/sheet{index}.xml").decode()


def test_title_lines_and_the_official_two_row_header(master: Path):
    ws = openpyxl.load_workbook(master)[FORM_SHEET]
    assert [ws[f"A{r}"].value for r in (1, 2, 3)] == [
        "แผนปฏิบัติการป้องกันการทุจริต ประจำปี พ.ศ. ๒๕๖๖", "เทศบาลตำบลทดสอบ", "อำเภอเมือง จังหวัดพิจิตร"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:M1", "A2:M2", "A3:M3"} <= merged
    # Header rows 5-6: each group over its columns, every other header merged down both rows;
    # where a header wraps, it breaks between two words (หน่วยงาน / รับผิดชอบ, never รับผิด / ชอบ).
    def text(cell: str) -> str:
        return squeeze(ws[cell].value)
    assert text("C5") == squeeze(form.TARGET_GROUP) and "C5:D5" in merged
    assert text("I5") == squeeze(form.PERIOD_GROUP) and "I5:L5" in merged
    for column in form.COLUMNS:
        letter = COL[column.key]
        if column.group:
            assert text(f"{letter}6") == squeeze(column.header)
        else:
            assert text(f"{letter}5") == squeeze(column.header) and f"{letter}5:{letter}6" in merged
    assert ws["M5"].value == "หน่วยงาน\nรับผิดชอบ" and ws["E5"].value == "งบประมาณ"
    assert ws["C5"].value == "เป้าหมายที่\nดำเนินงาน" and ws["I6"].value == "ไตรมาส\n๑"


def test_projects_ordered_by_dimension_then_department_and_numbered(master: Path):
    ws = openpyxl.load_workbook(master)[FORM_SHEET]
    rows = range(7, 11)
    assert [ws[f"B{r}"].value for r in rows] == ["ค", "ก", "ข", "ง"]  # มิติ 1 (สำนักปลัด, กองช่าง), 2, 4
    assert [ws[f"A{r}"].value for r in rows] == [1, 2, 3, 4]  # numbers, shown ๑. ๒. by the format
    assert ws["A7"].number_format == '[$-D00041E]0"."'
    assert [ws[f"F{r}"].value for r in rows] == [1, 1, 2, 4]
    assert ws["F7"].number_format == "[$-D00041E]0"


def test_budget_numbers_keep_thai_digit_formats_and_no_budget_is_text(master: Path):
    ws = openpyxl.load_workbook(master)[FORM_SHEET]
    assert ws["E7"].value == 2500.5 and ws["E7"].number_format == "[$-D00041E]#,##0.00"
    # ไม่ใช้ / งบประมาณ on two lines, broken between the words (not งบ / ประมาณ)
    assert ws["E8"].value == "ไม่ใช้\nงบประมาณ" and ws["E8"].data_type == "s"
    assert ws["E9"].value == 10000 and ws["E9"].number_format == "[$-D00041E]#,##0"
    assert ws["D10"].value == "ทุกครั้งที่ดำเนินการ" and ws["D7"].value == 40


def test_quarter_cells_hold_a_slash(master: Path):
    ws = openpyxl.load_workbook(master)[FORM_SHEET]
    assert [ws[f"{COL[q]}8"].value for q in form.QUARTER_KEYS] == [None, "/", "/", None]


def test_totals_row_holds_live_formulas_with_their_values(master: Path):
    ws = openpyxl.load_workbook(master)[FORM_SHEET]
    assert ws["A11"].value == "รวมทั้งสิ้น ๔ โครงการ" and "A11:D11" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["E11"].value == "=SUM(E7:E10)"
    assert [ws[f"{COL[q]}11"].value for q in form.QUARTER_KEYS] == [
        f'=COUNTIF({COL[q]}7:{COL[q]}10,"/")' for q in form.QUARTER_KEYS]
    # The cached values, which LibreOffice, its PDF and any reader of values show.
    xml = sheet_xml(master)
    assert re.search(r'<c r="E11"[^>]*><f>SUM\(E7:E10\)</f><v>12500\.5</v>', xml)
    for q, count in zip(form.QUARTER_KEYS, (2, 2, 1, 1)):
        assert re.search(rf'<c r="{COL[q]}11"[^>]*><f>COUNTIF\([^<]*\)</f><v>{count}</v>', xml)
    values = openpyxl.load_workbook(master, data_only=True)[FORM_SHEET]
    assert values["E11"].value == 12500.5


def test_date_issuer_and_legend_below_the_totals(master: Path):
    ws = openpyxl.load_workbook(master)[FORM_SHEET]
    below = [ws[f"A{r}"].value for r in range(12, ws.max_row + 1) if ws[f"A{r}"].value]
    assert below == ["** ข้อมูล ณ วันที่ ๒๒ มีนาคม ๒๕๖๖", "ชื่อ - สกุล ผู้ออกรายงาน กวี จันดี", "คำอธิบาย",
                     "มิติ ๑ การสร้างวัฒนธรรมสุจริต", "มิติ ๒ การบริหารราชการด้วยความโปร่งใส",
                     "มิติ ๓ การส่งเสริมบทบาทและการมีส่วนร่วมของภาคประชาชน",
                     "มิติ ๔ การยกระดับกลไกการตรวจสอบการดำเนินงานขององค์กรปกครองส่วนท้องถิ่น"]


def test_print_setup_a4_landscape_one_page_wide_header_repeated(master: Path):
    ws = openpyxl.load_workbook(master)[FORM_SHEET]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0)  # 1 is left out
    assert ws.print_title_rows == "$5:$6"
    assert ws.page_margins.left > ws.page_margins.right  # the binding edge
    assert "&P" in ws.oddFooter.center.text
    assert not ws.oddHeader.center.text  # only a draft says so in the page header


def test_every_row_has_a_computed_height_enough_for_its_text(master: Path):
    ws = openpyxl.load_workbook(master)[FORM_SHEET]
    for r in range(1, ws.max_row + 1):
        assert ws.row_dimensions[r].customHeight, r
    # Excel stores a width as characters plus 5 pixels of padding.
    widths = {k: ws.column_dimensions[COL[k]].width - 5 / 7 for k in COL}
    for r in range(7, 11):
        lines = max(line_count(str(ws[f"{COL[k]}{r}"].value or ""), widths[k]) for k in COL)
        assert ws.row_dimensions[r].height >= lines * 14 * 1.66


def test_user_text_starting_with_equals_stays_text(tmp_path: Path):
    path = tmp_path / "m.xlsx"
    plan = Plan([project("=HYPERLINK(\"http://x.example\",\"คลิก\")", indicator="+1 ครั้ง", unit="@คน",
                         department="=สำนักปลัด")])
    write_master(plan, path, HEADING)
    ws = openpyxl.load_workbook(path)[FORM_SHEET]
    assert ws["B7"].value == '=HYPERLINK("http://x.example","คลิก")' and ws["B7"].data_type == "s"
    assert ws["B7"].quotePrefix and ws["G7"].quotePrefix and ws["C7"].quotePrefix
    xml = sheet_xml(path)
    assert re.search(r'<c r="B7"[^>]*t="s"', xml) and "<f>HYPERLINK" not in xml and "<hyperlink" not in xml
    # The summary counts that department exactly, not as a comparison or a wildcard.
    summary = openpyxl.load_workbook(path)[SUMMARY_SHEET]
    formulas = [c.value for row in summary.iter_rows() for c in row if isinstance(c.value, str)
                and c.value.startswith("=COUNTIF") and "$M$" in c.value]
    assert formulas == ["=COUNTIF('แผนปฏิบัติการ'!$M$7:$M$7,\"==สำนักปลัด\")"]


def test_the_reader_reads_the_master_back_as_a_plan_and_check_agrees(master: Path):
    book = read_workbook(master)
    assert len(book.tables) == 1  # neither สรุป nor ข้อมูล looks like a plan
    table = book.tables[0]
    assert table.sheet == FORM_SHEET and not table.missing
    assert [r.value("name") for r in table.rows] == ["ค", "ก", "ข", "ง"]
    assert table.totals is not None and table.totals.label == "รวมทั้งสิ้น ๔ โครงการ"
    assert book.metadata["kind"] == "master"
    result = check_files([master])
    assert result.report.ok, result.report.to_text()
    assert result.tables[0].quarters == (2, 2, 1, 1) and result.tables[0].budget == 12500.5


def test_hidden_metadata_sheet_for_a_province(master: Path):
    wb = openpyxl.load_workbook(master)
    ws = wb[form.METADATA_SHEET]
    assert ws.sheet_state == "hidden"
    meta = {r[0].value: r[1].value for r in ws.iter_rows()}
    assert {k: meta[k] for k in ("kind", "organisation", "district", "province", "fiscal_year", "form_version",
                                 "projects", "budget_total", "quarter_projects", "dimension_projects")} == {
        "kind": "master", "organisation": "เทศบาลตำบลทดสอบ", "district": "เมือง", "province": "พิจิตร",
        "fiscal_year": "2566", "form_version": form.FORM_VERSION, "projects": "4", "budget_total": "12500.50",
        "quarter_projects": "2,2,1,1", "dimension_projects": "2,1,0,1"}
    assert set(form.METADATA_KEYS) <= set(meta)
    assert dt.datetime.fromisoformat(meta["generated"])
    assert wb.sheetnames == [FORM_SHEET, SUMMARY_SHEET, DATA_SHEET, "e-PlanNACC", form.METADATA_SHEET]


def test_data_sheet_one_plain_row_per_project_with_its_source(master: Path):
    ws = openpyxl.load_workbook(master)[DATA_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == DATA_COLUMNS
    first = dict(zip(DATA_COLUMNS, rows[1]))
    assert first == {"no": 1, "form_row": 7, "name": "ค", "unit": "คน", "quantity": 40, "budget": 2500.5,
                     "no_budget": False, "dimension": 1, "indicator": "มีการจัดอบรม ๑ ครั้ง",
                     "outcome": "บุคลากรมีความรู้", "q1": False, "q2": False, "q3": False, "q4": True,
                     "department": "สำนักปลัด", "source_file": "กอง.xlsx", "source_sheet": "แผน", "source_row": 9,
                     "source_cell": "B9",
                     "has_errors": False, "problems": None}
    second = dict(zip(DATA_COLUMNS, rows[2]))
    assert second["budget"] is None and second["no_budget"] is True
    assert len(rows) == 5


def test_summary_counts_and_budgets_match_the_form_with_charts(master: Path):
    ws = openpyxl.load_workbook(master)[SUMMARY_SHEET]
    cached = openpyxl.load_workbook(master, data_only=True)[SUMMARY_SHEET]
    table = {ws.cell(r, 1).value: (ws.cell(r, 3).value, cached.cell(r, 3).value, cached.cell(r, 4).value)
             for r in range(1, ws.max_row + 1)}
    assert table["มิติ ๑"] == ("=COUNTIF('แผนปฏิบัติการ'!$F$7:$F$10,1)", 2, 2500.5)
    assert table["มิติ ๒"][1:] == (1, 10000) and table["มิติ ๓"][1:] == (0, 0) and table["มิติ ๔"][1:] == (1, 0)
    assert [table[f"ไตรมาส {d}"][1:] for d in "๑๒๓๔"] == [(2, 10000), (2, 10000), (1, 0), (1, 2500.5)]
    departments = {cached.cell(r, 2).value: cached.cell(r, 3).value for r in range(1, ws.max_row + 1)
                   if ws.cell(r, 3).value and "$M$" in str(ws.cell(r, 3).value)}
    assert departments == {"สำนักปลัด": 1, "กองคลัง": 2, "กองช่าง": 1}
    totals = [cached.cell(r, 3).value for r in range(1, ws.max_row + 1) if cached.cell(r, 2).value == "รวม"]
    assert totals == [4, 4]
    with zipfile.ZipFile(master) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        kinds = sorted(re.search(r"<c:(bar|line|pie)Chart>", z.read(n).decode()).group(1) for n in charts)
        directions = sorted(re.search(r'<c:barDir val="(\w+)"', z.read(n).decode()).group(1) for n in charts)
    assert kinds == ["bar", "bar", "bar"] and directions == ["bar", "col", "col"]


def test_draft_marks_title_page_header_and_problem_rows(tmp_path: Path):
    path = tmp_path / "draft.xlsx"
    plan = sample_plan()
    plan.projects[1].has_errors = True  # "ก", row 8 of its file
    plan.projects[1].budget = None
    problem = Problem("bad-budget", "กอง.xlsx", sheet="แผน", cell="E8", row=8, column="budget", value="หมื่นบาท")
    write_master(plan, path, Heading(**{**HEADING.__dict__, "draft": True}), department_order=DEPARTMENTS,
                 problems=[problem])
    wb = openpyxl.load_workbook(path)
    ws = wb[FORM_SHEET]
    assert ws["A1"].value.endswith(f"({form.DRAFT_MARK})")
    assert form.DRAFT_MARK in ws.oddHeader.center.text
    assert ws["B8"].value == "ก" and ws["B8"].fill.fgColor.rgb.endswith("F8CBAD")
    assert ws["B7"].fill.fgColor.rgb in (None, "00000000")
    assert ws["E8"].value == "หมื่นบาท"  # what the clerk typed, not ไม่ใช้งบประมาณ
    assert "งบประมาณ" in ws["B8"].comment.text
    data = dict(zip(DATA_COLUMNS, list(wb[DATA_SHEET].iter_rows(values_only=True))[2]))
    assert data["has_errors"] is True and data["problems"] == problem.message
    meta = {r[0].value: r[1].value for r in wb[form.METADATA_SHEET].iter_rows()}
    assert meta["draft"] == "yes"


def test_missing_details_print_as_a_dotted_line(tmp_path: Path):
    path = tmp_path / "m.xlsx"
    write_master(sample_plan(), path, Heading(as_of=dt.date(2023, 3, 22)))
    ws = openpyxl.load_workbook(path)[FORM_SHEET]
    assert ws["A1"].value == "แผนปฏิบัติการป้องกันการทุจริต ประจำปี พ.ศ. ........................"
    assert ws["A2"].value == "........................"
    assert ws["A3"].value == "อำเภอ........................ จังหวัด........................"


def test_a_project_taller_than_excel_allows_spreads_over_rows_and_reads_back(tmp_path: Path):
    path = tmp_path / "long.xlsx"
    long_text = " ".join(f"ตัวชี้วัดข้อที่ {i} ประชาชนมีความพึงพอใจต่อการให้บริการไม่น้อยกว่าร้อยละ ๘๐"
                         for i in range(1, 41))
    write_master(Plan([project("โครงการยาว", indicator=long_text), project("ถัดไป", row=9)]), path, HEADING)
    ws = openpyxl.load_workbook(path)[FORM_SHEET]
    name_merge = next(r for r in ws.merged_cells.ranges if r.min_col == 2 and r.min_row == 7)
    span = name_merge.max_row - name_merge.min_row + 1
    assert span >= 2
    assert all(ws.row_dimensions[r].height <= MAX_ROW_HEIGHT for r in range(7, 7 + span))
    for r in range(7, 7 + span):
        assert ws.row_dimensions[r].height >= line_count(ws[f"G{r}"].value, PRINT_WIDTHS["indicator"]) * 14 * 1.66
    assert ws[f"B{7 + span}"].value == "ถัดไป" and ws[f"A{7 + span}"].value == 2
    table = read_workbook(path).tables[0]
    assert [r.value("name") for r in table.rows] == ["โครงการยาว", "ถัดไป"]
    # Digits inside text follow the plan's convention, Thai by default: ข้อที่ 1 prints ข้อที่ ๑
    assert table.rows[0].value("indicator").replace("\n", " ") == to_thai_digits(long_text)
    assert openpyxl.load_workbook(path, data_only=True)[FORM_SHEET][f"I{8 + span}"].value == 2


def test_columns_widen_so_that_no_number_shows_hashes(tmp_path: Path):
    path = tmp_path / "m.xlsx"
    write_master(Plan([project("ใหญ่", budget=1_250_000_000)]), path, HEADING)
    ws = openpyxl.load_workbook(path)[FORM_SHEET]
    assert ws.column_dimensions["E"].width > form.COLUMN_BY_KEY["budget"].width + 2


def test_an_empty_plan_still_makes_a_valid_master(tmp_path: Path):
    path = tmp_path / "empty.xlsx"
    layout = write_master(Plan([]), path, HEADING)
    ws = openpyxl.load_workbook(path)[FORM_SHEET]
    assert layout.projects == 0 and ws["A7"].value == "รวมทั้งสิ้น ๐ โครงการ" and ws["E7"].value == 0


def test_form_only_copy_for_the_pdf(tmp_path: Path):
    path = tmp_path / "print.xlsx"
    write_master(sample_plan(), path, HEADING, form_only=True)
    wb = openpyxl.load_workbook(path)
    assert [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"] == [FORM_SHEET]
