"""The department template: written, filled the way a clerk fills it, read back; its dropdowns,
protection, instructions and hidden metadata; last year's plan rolled over; LibreOffice and print."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.utils import get_column_letter

from ita_workbook import form
from ita_workbook.cli import main
from ita_workbook.config import Config, example_toml, load_config
from ita_workbook.plan import Project
from ita_workbook.thai import to_thai_digits
from ita_workbook.template import (BLANK_FILENAME, FORM_SHEET, LISTS_SHEET, PLACEHOLDER, TEMPLATE_COLUMNS,
                                   TemplateError, _validation, dimension_choice, project_cells, write_template)
from ita_workbook.validate import validate_files
from ita_workbook.xlsx_style import line_count, new_workbook, row_height, text_width

import seed
from workbooks import good, write_form

REPO = Path(__file__).resolve().parents[1]
KEYS = [c.key for c in TEMPLATE_COLUMNS]
PLAN_TOML = """
[organisation]
name = "เทศบาลตำบลทดสอบ"
district = "โพทะเล"
province = "พิจิตร"

[plan]
fiscal_year = 2567
deadline = "2023-09-15"

[[departments]]
name = "สำนักปลัด"
aliases = ["สำนักปลัดฯ"]

[[departments]]
name = "กองคลัง"
aliases = ["ส่วนการคลัง"]

[[departments]]
name = "กองยุทธศาสตร์และงบประมาณ"
aliases = ["กองยุทธศาสตร์ฯ"]
"""
# With the title lines of PLAN_TOML (title, organisation, location, department, deadline) and a
# spacer, the two header rows are 7-8 and the input rows start at 9.
HEADER_ROW, FIRST_ROW = 7, 9


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def config_path(tmp_path) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(PLAN_TOML, encoding="utf-8")
    return path


def col(key: str) -> str:
    return get_column_letter(KEYS.index(key) + 1)


def validation_at(ws, cell: str):
    found = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]
    assert len(found) == 1, f"{len(found)} validations on {cell}"
    return found[0]


def choices(wb, ws, cell: str) -> list[str]:
    """The dropdown a clerk opens on `cell`: the hidden-sheet range its validation refers to."""
    dv = validation_at(ws, cell)
    assert dv.type == "list", dv.type
    match = re.fullmatch(r"\$?'?([^'!]+)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", dv.formula1)
    assert match, dv.formula1
    sheet, c1, r1, c2, r2 = match.groups()
    return [c.value for row in wb[sheet][f"{c1}{r1}:{c2}{r2}"] for c in row]


def fill(path: Path, rows: list[dict]) -> None:
    """Fill the form sheet as a clerk does: values typed or picked from the dropdown a cell shows.

    A row's value `("pick", n)` picks the n-th entry of that cell's dropdown; anything else is typed.
    Every cell typed in must be unlocked, or Excel would refuse it on the protected sheet."""
    wb = openpyxl.load_workbook(path)
    ws = wb[FORM_SHEET]
    for r, values in enumerate(rows, start=FIRST_ROW):
        for key, value in values.items():
            cell = f"{col(key)}{r}"
            assert ws[cell].protection.locked is False, cell
            if isinstance(value, tuple) and value[0] == "pick":
                value = choices(wb, ws, cell)[value[1]]
            ws[cell] = value
    wb.save(path)


def as_tuple(p: Project) -> tuple:
    return (p.name, p.unit, p.quantity, p.budget, p.dimension, p.indicator, p.outcome, p.quarters, p.department)


def words(p: Project) -> tuple:
    """`as_tuple` with the long texts as their words: a text spread over continuation rows comes
    back with line breaks where it was cut between words."""
    values = as_tuple(p)
    return (*values[:5], " ".join(values[5].split()), " ".join(values[6].split()), *values[7:])


# --- the round trip ----------------------------------------------------------------------------

def test_filled_templates_validate_and_read_back_what_the_clerks_entered(tmp_path, config_path):
    out = tmp_path / "templates"
    result = run("template", "--config", config_path, "-o", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["สำนักปลัด.xlsx", "กองคลัง.xlsx", "กองยุทธศาสตร์และงบประมาณ.xlsx"])
    fill(out / "กองคลัง.xlsx", [
        {"name": "โครงการจัดซื้อจัดจ้างอย่างโปร่งใส", "unit": ("pick", 1), "quantity": "๔",
         "budget": 25000, "dimension": ("pick", 1), "indicator": "เผยแพร่ประกาศจัดซื้อจัดจ้างครบทุกโครงการ",
         "outcome": "ข้อร้องเรียนการจัดซื้อจัดจ้างลดลง", "q1": ("pick", 0), "q2": ("pick", 0),
         "department": ("pick", 1)},
        {"name": "มาตรการป้องกันผลประโยชน์ทับซ้อน", "unit": "ประกาศ", "quantity": 1,
         "budget": form.NO_BUDGET, "dimension": ("pick", 1), "indicator": "มีประกาศมาตรการ ๑ ฉบับ",
         "q3": ("pick", 0), "q4": ("pick", 0), "department": ("pick", 1)},
        {},  # a row left empty between projects is no project
        {"name": "กิจกรรมตรวจสอบภายในประจำปี", "unit": ("pick", 1), "quantity": "ทุกครั้งที่ดำเนินการ",
         "budget": "๑๐,๐๐๐", "dimension": ("pick", 3), "indicator": "มีรายงานผลการตรวจสอบภายใน",
         "q1": ("pick", 0), "q2": ("pick", 0), "q3": ("pick", 0), "q4": ("pick", 0),
         "department": ("pick", 0)},
    ])
    fill(out / "สำนักปลัด.xlsx", [
        {"no": "๑.", "name": "โครงการอบรมคุณธรรมจริยธรรม", "unit": ("pick", 0), "quantity": "๔๐",
         "budget": 10000, "dimension": ("pick", 0), "indicator": "ผู้เข้าอบรมไม่น้อยกว่าร้อยละ ๘๐",
         "outcome": "บุคลากรมีจิตสำนึกสุจริต", "q2": ("pick", 0), "department": ("pick", 0)},
    ])

    result = validate_files(sorted(out.iterdir()), load_config(config_path))

    assert result.report.errors == 0, result.report.to_text()
    assert result.report.warnings == 1  # the one file left empty: no-projects
    assert [p.code for p in result.report.all_problems()] == ["no-projects"]
    assert sorted(as_tuple(p) for p in result.plan.projects) == sorted([
        ("โครงการจัดซื้อจัดจ้างอย่างโปร่งใส", "ครั้ง", 4.0, 25000.0, 2,
         "เผยแพร่ประกาศจัดซื้อจัดจ้างครบทุกโครงการ", "ข้อร้องเรียนการจัดซื้อจัดจ้างลดลง",
         (True, True, False, False), "กองคลัง"),
        ("มาตรการป้องกันผลประโยชน์ทับซ้อน", "ประกาศ", 1.0, None, 2, "มีประกาศมาตรการ ๑ ฉบับ", "",
         (False, False, True, True), "กองคลัง"),
        ("กิจกรรมตรวจสอบภายในประจำปี", "ครั้ง", "ทุกครั้งที่ดำเนินการ", 10000.0, 4,
         "มีรายงานผลการตรวจสอบภายใน", "", (True, True, True, True), "สำนักปลัด"),
        ("โครงการอบรมคุณธรรมจริยธรรม", "คน", 40.0, 10000.0, 1, "ผู้เข้าอบรมไม่น้อยกว่าร้อยละ ๘๐",
         "บุคลากรมีจิตสำนึกสุจริต", (False, True, False, False), "สำนักปลัด"),
    ])


def test_metadata_tells_the_reader_whose_template_it_is(tmp_path, config_path):
    path = tmp_path / "t.xlsx"
    write_template(path, load_config(config_path), "กองคลัง")
    wb = openpyxl.load_workbook(path)
    meta = wb[form.METADATA_SHEET]
    assert meta.sheet_state == "hidden"
    values = {row[0]: row[1] for row in meta.iter_rows(values_only=True)}
    assert list(values) == list(form.METADATA_KEYS)
    assert values["form_version"] == form.FORM_VERSION
    assert (values["organisation"], values["fiscal_year"], values["department"]) == (
        "เทศบาลตำบลทดสอบ", "2567", "กองคลัง")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", values["generated"])

    fill(path, [{"name": "โครงการ ก", "unit": "คน", "quantity": 1, "budget": 0, "dimension": ("pick", 0),
                 "indicator": "ตัวชี้วัด", "q1": ("pick", 0), "department": ("pick", 1)}])
    next_year = Config(organisation="เทศบาลตำบลทดสอบ", fiscal_year=2568)
    other_town = Config(organisation="เทศบาลตำบลอื่น", fiscal_year=2567)
    assert [p.code for p in validate_files([path], next_year).report.all_problems()] == ["wrong-template"]
    assert [p.code for p in validate_files([path], other_town).report.all_problems()] == ["wrong-template"]

    wb = openpyxl.load_workbook(path)
    wb[form.METADATA_SHEET]["B1"] = "2565.1"
    wb.save(path)
    problems = validate_files([path], load_config(config_path)).report.all_problems()
    assert [(p.code, p.severity) for p in problems] == [("old-template", "warning")]


# --- what the form sheet looks like and guards ---------------------------------------------------

def test_form_sheet_titles_header_and_print_setup(tmp_path, config_path):
    path = tmp_path / "t.xlsx"
    layout = write_template(path, load_config(config_path), "กองคลัง", rows=20)
    assert (layout.header_row + 1, layout.first_data_row + 1, layout.last_data_row + 1) == (HEADER_ROW, FIRST_ROW, 28)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [form.INSTRUCTIONS_SHEET, FORM_SHEET, LISTS_SHEET, form.METADATA_SHEET]
    assert [ws.sheet_state for ws in wb] == ["visible", "visible", "hidden", "hidden"]
    assert wb.active.title == form.INSTRUCTIONS_SHEET
    ws = wb[FORM_SHEET]
    assert [ws[f"A{r}"].value for r in range(1, 6)] == [
        "แผนปฏิบัติการป้องกันการทุจริต ประจำปี พ.ศ. ๒๕๖๗", "เทศบาลตำบลทดสอบ", "อำเภอโพทะเล จังหวัดพิจิตร",
        "หน่วยงานรับผิดชอบ กองคลัง", "กรุณาส่งคืนผู้ประสานงานภายในวันที่ ๑๕ กันยายน ๒๕๖๖"]
    assert ws["A1"].font.name == "TH SarabunPSK" and ws[f"B{FIRST_ROW}"].font.size == 16
    merged = {str(m) for m in ws.merged_cells.ranges}
    # The official form's columns A-M, then e-PlanNACC's optional ประเภท, กลุ่มเป้าหมาย, วัตถุประสงค์.
    assert {"A1:P1", "A7:A8", "B7:B8", "C7:D7", "E7:E8", "I7:L7", "M7:M8", "N7:N8", "O7:O8", "P7:P8"} <= merged
    for i, column in enumerate(form.COLUMNS, start=1):
        top, bottom = ws.cell(HEADER_ROW, i).value, ws.cell(HEADER_ROW + 1, i).value
        if column.group:
            assert bottom == column.header
            assert top == column.group or f"{get_column_letter(i)}{HEADER_ROW}" not in ws  # merged
        else:
            assert top == column.header
        assert ws.cell(HEADER_ROW, i).protection.locked is True
        assert ws.cell(FIRST_ROW, i).protection.locked is False
        assert ws.cell(28, i).protection.locked is False
    assert ws.row_dimensions[HEADER_ROW].height >= row_height([])
    # The input area holds no project: only the department, pre-filled in every row.
    department = form.COLUMNS.index(form.COLUMN_BY_KEY["department"])
    rows = list(ws.iter_rows(min_row=FIRST_ROW, values_only=True))
    assert all(v is None for row in rows for v in row[:department])
    assert {row[department] for row in rows} == {"กองคลัง"}
    assert ws.freeze_panes == f"C{FIRST_ROW}"
    assert ws.protection.sheet is True and not ws.protection.password
    assert ws.protection.insertRows is False and ws.protection.formatRows is False  # allowed
    assert ws.protection.deleteRows is True
    assert (ws.page_setup.paperSize, ws.page_setup.orientation) == (9, "landscape")
    assert ws.sheet_properties.pageSetUpPr.fitToPage  # one page wide (1 is the file default), any tall
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW + 1}"
    assert ws[f"{col('budget')}{FIRST_ROW}"].number_format == "[$-D00041E]#,##0"
    assert ws[f"{col('quantity')}{FIRST_ROW}"].number_format == "@"  # 1/2 stays text, never a date


def test_every_column_has_an_input_message_and_the_right_dropdown(tmp_path, config_path):
    path = tmp_path / "t.xlsx"
    write_template(path, load_config(config_path), "กองคลัง", rows=20)
    wb = openpyxl.load_workbook(path)
    ws = wb[FORM_SHEET]
    for key in KEYS:
        first, last = validation_at(ws, f"{col(key)}{FIRST_ROW}"), validation_at(ws, f"{col(key)}28")
        assert first is last and f"{col(key)}29" not in first.sqref
        assert first.showInputMessage and first.promptTitle and first.prompt
        assert len(first.promptTitle) <= 32 and len(first.prompt) <= 255
    cell = lambda key: f"{col(key)}{FIRST_ROW}"  # noqa: E731
    # The number, as the form prints it; the names are in the input message.
    assert choices(wb, ws, cell("dimension")) == ["1", "2", "3", "4"]
    message = next(dv.prompt for dv in ws.data_validations.dataValidation if cell("dimension") in str(dv.sqref))
    assert all(f"{d.number} {d.name}" in message for d in form.DIMENSIONS) and len(message) <= 255
    for q in form.QUARTER_KEYS:
        assert choices(wb, ws, cell(q)) == ["/"]
    assert validation_at(ws, cell("q1")).promptTitle == "ไตรมาส ๑ (ต.ค. – ธ.ค. ๒๕๖๖)"
    assert validation_at(ws, cell("q3")).promptTitle == "ไตรมาส ๓ (เม.ย. – มิ.ย. ๒๕๖๗)"
    assert choices(wb, ws, cell("department")) == ["สำนักปลัด", "กองคลัง", "กองยุทธศาสตร์และงบประมาณ"]
    assert {"คน", "ครั้ง", "โครงการ", "แห่ง"} <= set(choices(wb, ws, cell("unit")))
    for key in ("dimension", "q1", "department", "budget"):
        dv = validation_at(ws, cell(key))
        assert dv.showErrorMessage and dv.errorStyle in (None, "stop") and dv.error and dv.errorTitle
    assert not validation_at(ws, cell("unit")).showErrorMessage  # suggestions: other words allowed
    budget = validation_at(ws, cell("budget"))
    assert budget.type == "custom"
    assert budget.formula1 == f'OR(AND(ISNUMBER(E{FIRST_ROW}),E{FIRST_ROW}>=0),TRIM(E{FIRST_ROW})="ไม่ใช้งบประมาณ")'
    assert {validation_at(ws, cell(k)).type for k in ("no", "name", "quantity", "indicator", "outcome")} == {None}


def test_validation_xml_refers_to_the_hidden_lists_by_range(tmp_path, config_path):
    path = tmp_path / "t.xlsx"
    write_template(path, load_config(config_path), "กองคลัง", rows=20)
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(path) as z:
        sheet = ET.fromstring(z.read("xl/worksheets/sheet2.xml"))
    lists = {dv.get("sqref"): dv.find("m:formula1", ns).text
             for dv in sheet.iterfind(".//m:dataValidation", ns) if dv.get("type") == "list"}
    assert lists == {f"C{FIRST_ROW}:C28": "'_lists'!$C$1:$C$16", f"F{FIRST_ROW}:F28": "'_lists'!$A$1:$A$4",
                     **{f"{c}{FIRST_ROW}:{c}28": "'_lists'!$B$1:$B$1" for c in "IJKL"},
                     f"M{FIRST_ROW}:M28": "'_lists'!$D$1:$D$3", f"N{FIRST_ROW}:N28": "'_lists'!$E$1:$E$4"}


def test_every_font_is_the_form_font_and_not_tied_to_the_theme(tmp_path, config_path):
    """With <scheme val="minor"/> Excel would draw the theme's font (Tahoma for Thai) instead."""
    path = tmp_path / "t.xlsx"
    write_template(path, load_config(config_path), "กองคลัง")
    with zipfile.ZipFile(path) as z:
        styles = z.read("xl/styles.xml").decode()
    fonts = re.search(r"<fonts.*?</fonts>", styles).group(0)
    assert set(re.findall(r'<name val="([^"]+)"/>', fonts)) == {"TH SarabunPSK"}
    assert "<scheme" not in fonts


def test_data_validation_refusals_are_errors_not_warnings(tmp_path):
    wb = new_workbook(tmp_path / "x.xlsx")
    ws = wb.add_worksheet()
    with pytest.warns(UserWarning, match="limit of 32"), pytest.raises(TemplateError):
        _validation(ws, 0, 0, 5, {"validate": "any", "input_title": "ห" * 33, "input_message": "ข้อความ"})
    with pytest.warns(UserWarning, match="limit of 255"), pytest.raises(TemplateError):
        _validation(ws, 0, 0, 5, {"validate": "list", "source": ["ข" * 200, "ค" * 100]})
    wb.close()


def test_red_marks_only_rows_in_use(tmp_path, config_path):
    path = tmp_path / "t.xlsx"
    write_template(path, load_config(config_path), "กองคลัง", rows=20)
    ws = openpyxl.load_workbook(path)[FORM_SHEET]
    rules = {str(rng.sqref): rule.formula[0] for rng in ws.conditional_formatting for rule in rng.rules}
    required = [c.key for c in form.COLUMNS if c.value_required]
    assert set(rules) == {f"{col(k)}{FIRST_ROW}:{col(k)}28" for k in required} | {f"I{FIRST_ROW}:L28"}
    # Neither the pre-filled department (M) nor a continuation row's ตัวชี้วัด/ผลลัพธ์ (G:H) is a row in use.
    in_use = f"COUNTA($B{FIRST_ROW}:$F{FIRST_ROW},$I{FIRST_ROW}:$L{FIRST_ROW},$N{FIRST_ROW}:$P{FIRST_ROW})>0"
    assert rules[f"E{FIRST_ROW}:E28"] == f"AND({in_use},LEN(TRIM(E{FIRST_ROW}))=0)"
    assert rules[f"I{FIRST_ROW}:L28"] == (f'AND({in_use},'
                                         f'COUNTIF($I{FIRST_ROW}:$L{FIRST_ROW},"/")=0)')


def test_instructions_explain_columns_dimensions_quarters_and_deadline(tmp_path, config_path):
    path = tmp_path / "t.xlsx"
    write_template(path, load_config(config_path), "กองคลัง")
    wb = openpyxl.load_workbook(path)
    ws = wb[form.INSTRUCTIONS_SHEET]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    # Rich strings come back as plain text from openpyxl only in part: search the XML's words too.
    with zipfile.ZipFile(path) as z:
        shared = z.read("xl/sharedStrings.xml").decode()
    everything = "\n".join(texts) + shared
    assert texts[0] == "คำชี้แจงการกรอกแบบฟอร์มแผนปฏิบัติการป้องกันการทุจริต ประจำปี พ.ศ. ๒๕๖๗"
    assert "ภายในวันที่ ๑๕ กันยายน ๒๕๖๖" in everything
    for d in form.DIMENSIONS:
        assert d.name in everything
    for line in ("ไตรมาส ๑ = ต.ค. – ธ.ค. ๒๕๖๖", "ไตรมาส ๒ = ม.ค. – มี.ค. ๒๕๖๗", "ไตรมาส ๔ = ก.ค. – ก.ย. ๒๕๖๗"):
        assert line in texts
    # The worked example: a full row laid out like the form, under the form's header.
    example = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "๑.")
    row = {key: ws.cell(example, i + 1).value for i, key in enumerate(KEYS)}
    assert ws.cell(example - 1, KEYS.index("q1") + 1).value == "ไตรมาส ๑"
    assert (row["unit"], row["quantity"], row["budget"], row["dimension"], row["q2"], row["department"]) == (
        "คน", "๔๐", 10000, "1", "/", "กองคลัง")
    assert ws.protection.sheet is True
    no_deadline = tmp_path / "n.xlsx"
    write_template(no_deadline, Config(organisation="อบต.ทดสอบ", fiscal_year=2567), "กองคลัง")
    with zipfile.ZipFile(no_deadline) as z:
        assert "ภายในวันที่" not in z.read("xl/sharedStrings.xml").decode()


def test_blank_template_leaves_organisation_and_year_to_type(tmp_path):
    path = tmp_path / BLANK_FILENAME
    write_template(path, Config(), None)
    wb = openpyxl.load_workbook(path)
    ws = wb[FORM_SHEET]
    assert ws["A1"].value == f"แผนปฏิบัติการป้องกันการทุจริต ประจำปี พ.ศ. {PLACEHOLDER}"
    assert ws["A2"].value == PLACEHOLDER
    assert ws["A1"].protection.locked is False and ws["A2"].protection.locked is False
    meta = {r[0]: r[1] for r in wb[form.METADATA_SHEET].iter_rows(values_only=True)}
    assert (meta["form_version"], meta["organisation"], meta["fiscal_year"], meta["department"]) == (
        form.FORM_VERSION, "", "", "")
    # Any organisation's coordinator can use it: no wrong-template.
    result = validate_files([path], Config(organisation="เทศบาลตำบลทดสอบ", fiscal_year=2567))
    assert [p.code for p in result.report.all_problems()] == ["no-projects"]


# --- rolling last year over ----------------------------------------------------------------------

def test_from_last_years_plan_prefills_each_department(tmp_path):
    config_path = tmp_path / "plan.toml"
    toml = seed.PLAN_TOML.read_text(encoding="utf-8")
    config_path.write_text(toml.replace("fiscal_year = 2566", "fiscal_year = 2567"), encoding="utf-8")
    config = load_config(config_path)
    assert config.fiscal_year == 2567
    published = tmp_path / "published-2566.xlsx"
    seed.write_published_plan(published)
    last_year = validate_files([published], config).plan.projects
    assert len(last_year) == 41

    out = tmp_path / "2567"
    result = run("template", "--config", config_path, "--from", published, "-o", out)
    assert result.exit_code == 0, result.output
    assert "สำนักปลัด.xlsx (13 โครงการจากปีก่อน" in result.output

    read = validate_files(sorted(out.iterdir()), config)
    assert read.report.errors == 0, read.report.to_text()
    expected = [(*words(p)[:8], config.match_department(p.department)) for p in last_year]
    assert sorted(map(words, read.plan.projects)) == sorted(expected)
    assert read.plan.quarter_counts() == [27, 34, 15, 9]  # the marks, not the stated 27/31/15/12
    # Spare empty rows stay under last year's projects.
    wb = openpyxl.load_workbook(out / "สำนักปลัด.xlsx")
    ws = wb[FORM_SHEET]
    first = FIRST_ROW - 1  # seed config has no deadline: one title line fewer
    assert ws[f"B{first + 12}"].value and ws[f"B{first + 13}"].value is None
    assert validation_at(ws, f"F{first + 13 + 9}") is validation_at(ws, f"F{first}")
    assert ws[f"F{first}"].value in [dimension_choice(d.number) for d in form.DIMENSIONS]


def test_from_last_years_master_written_by_merge(tmp_path):
    toml = seed.PLAN_TOML.read_text(encoding="utf-8")
    config_path = tmp_path / "plan.toml"
    config_path.write_text(toml.replace("fiscal_year = 2566", "fiscal_year = 2567"), encoding="utf-8")
    departments = tmp_path / "2566"
    seed.write_department_workbooks(departments)
    master = tmp_path / "master-2566.xlsx"
    merged = run("merge", departments, "--config", seed.PLAN_TOML, "-o", master)
    assert merged.exit_code == 0, merged.output
    last_year = validate_files(sorted(departments.iterdir()), load_config(seed.PLAN_TOML)).plan.projects

    result = run("template", "--config", config_path, "--from", master, "-o", tmp_path / "2567")
    assert result.exit_code == 0, result.output
    read = validate_files(sorted((tmp_path / "2567").iterdir()), load_config(config_path))
    assert read.report.errors == 0, read.report.to_text()
    # The master prints digits inside text in Thai (plan.toml's default): ร้อยละ 80 comes back ร้อยละ ๘๐.
    def thai(values: tuple) -> tuple:
        return tuple(to_thai_digits(v) if isinstance(v, str) else v for v in values)
    assert sorted(map(words, read.plan.projects)) == sorted(thai(words(p)) for p in last_year)


def test_from_leaves_last_years_faulty_cells_empty_and_names_unknown_departments(tmp_path, config_path):
    last = write_form(tmp_path / "last.xlsx", [
        good(1, name="โครงการงบผิด", budget="หนึ่งหมื่น", department="กองคลัง"),
        good(2, name="โครงการของกองช่าง", department="กองช่าง"),
        good(3, name="โครงการของสำนักปลัด", department="สำนักปลัดฯ", q2="/"),
    ])
    out = tmp_path / "out"
    result = run("template", "--config", config_path, "--from", last, "-o", out)
    assert result.exit_code == 0, result.output
    assert "1 โครงการของปีก่อนไม่ตรงกับหน่วยงานใด" in result.output and "กองช่าง (1)" in result.output
    ws = openpyxl.load_workbook(out / "กองคลัง.xlsx")[FORM_SHEET]
    assert ws[f"B{FIRST_ROW}"].value == "โครงการงบผิด" and ws[f"E{FIRST_ROW}"].value is None
    assert ws[f"F{FIRST_ROW}"].value == "1" and ws[f"I{FIRST_ROW}"].value == "/"
    ws = openpyxl.load_workbook(out / "สำนักปลัด.xlsx")[FORM_SHEET]
    assert [ws[f"{c}{FIRST_ROW}"].value for c in "BIJM"] == ["โครงการของสำนักปลัด", "/", "/", "สำนักปลัด"]
    # The emptied budget is what validate reports, at its cell.
    problems = validate_files([out / "กองคลัง.xlsx"], load_config(config_path)).report.all_problems()
    assert [(p.code, p.cell) for p in problems] == [("missing-value", f"E{FIRST_ROW}")]


def test_project_cells_are_what_the_dropdowns_offer():
    project = Project("ก", "คน", 40.0, None, 3, "ตัวชี้วัด", "", (False, True, False, True), "กองคลัง")
    assert project_cells(project) == {
        "name": "ก", "unit": "คน", "quantity": 40.0, "budget": form.NO_BUDGET,
        "dimension": "3", "indicator": "ตัวชี้วัด",
        "outcome": "", "q1": "", "q2": "/", "q3": "", "q4": "/", "department": "กองคลัง",
        "type": "", "target_group": "", "objective": ""}
    assert "budget" not in project_cells(project, blank={"budget"})


# --- the command -----------------------------------------------------------------------------------

def test_command_picks_departments_by_alias_and_refuses_unknown_ones(tmp_path, config_path):
    out = tmp_path / "out"
    result = run("template", "--config", config_path, "--department", "ส่วนการคลัง",
                 "--department", "กองคลัง", "--rows", 5, "-o", out)
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["กองคลัง.xlsx"]
    ws = openpyxl.load_workbook(out / "กองคลัง.xlsx")[FORM_SHEET]
    assert str(validation_at(ws, f"B{FIRST_ROW}").sqref) == f"B{FIRST_ROW}:B{FIRST_ROW + 4}"
    result = run("template", "--config", config_path, "--department", "กองดับเพลิง", "-o", out)
    assert result.exit_code == 2 and "กองดับเพลิง" in result.output
    assert run("template", "--blank", "--department", "กองคลัง", "-o", out).exit_code == 2
    assert run("template", "--rows", 0, "-o", out).exit_code == 2
    assert run("template").exit_code == 2  # -o is required


def test_from_an_unreadable_file_writes_nothing_and_shows_no_traceback(tmp_path, config_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not a workbook")
    result = run("template", "--config", config_path, "--from", junk, "-o", tmp_path / "out")
    assert result.exit_code == 1 and "unreadable-file" in result.output
    assert not (tmp_path / "out").exists() and "Traceback" not in result.output


# --- the ready-made files in templates/ --------------------------------------------------------------

def _essence(path: Path) -> dict:
    """What a user meets in a workbook, without its volatile parts (the generation time)."""
    wb = openpyxl.load_workbook(path)
    sheets = {}
    for ws in wb:
        cells = {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
        if ws.title == form.METADATA_SHEET:
            cells.pop("B5")  # generated
        sheets[ws.title] = {
            "state": ws.sheet_state, "cells": cells, "merged": sorted(map(str, ws.merged_cells.ranges)),
            "validations": sorted((str(dv.sqref), dv.type, dv.formula1, dv.promptTitle, dv.prompt, dv.error,
                                   dv.showErrorMessage) for dv in ws.data_validations.dataValidation),
            "widths": {k: d.width for k, d in ws.column_dimensions.items()},
            "heights": {k: d.height for k, d in ws.row_dimensions.items() if d.height},
            "protected": ws.protection.sheet, "freeze": ws.freeze_panes,
        }
    return sheets


def test_templates_folder_is_up_to_date(tmp_path):
    fresh = tmp_path / BLANK_FILENAME
    write_template(fresh, Config(), None)
    how = "regenerate: ita-workbook template --blank -o templates (see templates/README.md)"
    stored, current = _essence(REPO / "templates" / BLANK_FILENAME), _essence(fresh)
    assert list(stored) == list(current), how
    stale = [f"{sheet}: {aspect}" for sheet in current for aspect in current[sheet]
             if stored[sheet][aspect] != current[sheet][aspect]]
    assert not stale, f"templates/{BLANK_FILENAME} is out of date ({', '.join(stale)}); {how}"
    toml = (REPO / "templates" / "plan.toml").read_text(encoding="utf-8")
    year = int(re.search(r"^fiscal_year = (\d+)", toml, re.M).group(1))
    assert toml == example_toml(year), "regenerate: ita-workbook init --force -o templates/plan.toml"
    assert load_config(REPO / "templates" / "plan.toml").department_names


# --- row heights for wrapped Thai text ---------------------------------------------------------------

def test_thai_marks_take_no_width_and_long_text_takes_more_lines():
    assert text_width("ที่") == text_width("ท") > 0
    assert text_width("กำ") == text_width("กา")  # sara am spaces like sara aa
    assert line_count("คน", 10) == 1
    assert line_count("คน\nครั้ง", 10) == 2
    long = "มีการจัดอบรมอย่างน้อย ๑ ครั้ง และผู้เข้าอบรมมีความรู้ความเข้าใจหลักคุณธรรมจริยธรรม" * 2
    assert line_count(long, 30) > line_count(long, 60) > line_count(long, 300) == 1
    assert row_height([(long, 30)]) > row_height([(long, 60)]) > row_height([])


# --- LibreOffice --------------------------------------------------------------------------------------

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")


def _soffice(tmp_path: Path, source: Path, to: str) -> Path:
    outdir = tmp_path / f"lo-{to}"
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                    "--convert-to", to, "--outdir", str(outdir), str(source)],
                   capture_output=True, timeout=180, check=False)
    converted = outdir / f"{source.stem}.{to}"
    assert converted.exists(), f"LibreOffice did not convert {source.name} to {to}"  # it exits 0 anyway
    return converted


@needs_soffice
def test_libreoffice_keeps_the_dropdowns_protection_and_what_was_filled(tmp_path, config_path):
    path = tmp_path / "template.xlsx"
    write_template(path, load_config(config_path), "กองคลัง", rows=20)
    fill(path, [{"name": "โครงการเปิดเผยข้อมูลข่าวสาร", "unit": ("pick", 3), "quantity": "๑๒", "budget": 5000,
                 "dimension": ("pick", 2), "indicator": "เผยแพร่ข้อมูลทุกเดือน", "q1": ("pick", 0),
                 "q4": ("pick", 0), "department": ("pick", 2)}])
    original = openpyxl.load_workbook(path)
    saved = _soffice(tmp_path, path, "xlsx")  # as a clerk saving in LibreOffice Calc
    again = openpyxl.load_workbook(saved)
    ws, ws0 = again[FORM_SHEET], original[FORM_SHEET]
    for key in ("unit", "dimension", "q1", "q4", "department"):
        cell = f"{col(key)}{FIRST_ROW}"
        assert choices(again, ws, cell) == choices(original, ws0, cell), key
        assert f"{col(key)}28" in validation_at(ws, cell).sqref
    assert not validation_at(ws, f"C{FIRST_ROW}").showErrorMessage
    assert "ISNUMBER" in validation_at(ws, f"E{FIRST_ROW}").formula1
    assert validation_at(ws, f"B{FIRST_ROW}").prompt == validation_at(ws0, f"B{FIRST_ROW}").prompt
    assert [s.sheet_state for s in again] == ["visible", "visible", "hidden", "hidden"]
    assert ws.protection.sheet and ws[f"B{FIRST_ROW}"].protection.locked is False
    assert ws["A1"].protection.locked is True
    read = validate_files([saved], load_config(config_path))
    assert read.report.errors == 0, read.report.to_text()
    assert [as_tuple(p) for p in read.plan.projects] == [
        ("โครงการเปิดเผยข้อมูลข่าวสาร", "กิจกรรม", 12.0, 5000.0, 3, "เผยแพร่ข้อมูลทุกเดือน", "",
         (True, False, False, True), "กองยุทธศาสตร์และงบประมาณ")]


@needs_soffice
def test_pdf_prints_a4_landscape_with_the_header_on_every_page(tmp_path, config_path):
    config = load_config(config_path)
    projects = [Project(f"โครงการ P{i:02d} ส่งเสริมคุณธรรมและความโปร่งใสในการปฏิบัติงานของบุคลากร", "คน", 40.0,
                        10000.0 if i % 3 else None, 1 + i % 4,
                        "ผู้เข้าร่วมโครงการมีความรู้ความเข้าใจไม่น้อยกว่าร้อยละ ๘๐ ของผู้เข้าร่วมทั้งหมด",
                        "บุคลากรปฏิบัติงานด้วยความซื่อสัตย์สุจริต", (True, i % 2 == 0, False, True), "กองคลัง")
                for i in range(40)]
    path = tmp_path / "template.xlsx"
    write_template(path, config, "กองคลัง", prefill=[project_cells(p) for p in projects])
    pdf = _soffice(tmp_path, path, "pdf")
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    assert sizes and all(round(float(w)) == 842 and round(float(h)) == 595 for w, h in sizes), sizes
    form_pages = []
    for page in range(1, len(sizes) + 1):
        text = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                              capture_output=True, text=True).stdout
        found = re.findall(r"P(\d\d)", text)
        if found:
            form_pages.append(found)
            assert "ระยะเวลาดำเนินการ" in text and "ผลลัพธ์" in text, f"page {page} has projects but no header"
    assert len(form_pages) >= 3
    assert sorted(int(n) for page in form_pages for n in page) == list(range(40))  # none lost or clipped


# --- the pre-filled department -----------------------------------------------------------------

EXAMPLE = REPO / "examples" / "pho-thale-2566"


def test_prefilled_department_counts_only_the_rows_a_clerk_filled(tmp_path):
    """The example's templates hold their department in every row: the rows a clerk fills are the
    projects, untouched rows are nothing, a department changed on an empty row is said, a second
    line of ตัวชี้วัด continues the project above, and the marked-up copy is still written."""
    out, marked = tmp_path / "templates", tmp_path / "marked"
    assert run("template", "--config", EXAMPLE / "plan.toml", "-o", out).exit_code == 0
    path = out / "กองคลัง.xlsx"
    assert openpyxl.load_workbook(path)[FORM_SHEET][f"M{FIRST_ROW + 20}"].value == "กองคลัง"
    first = FIRST_ROW - 1  # the example has no deadline line
    wb = openpyxl.load_workbook(path)
    ws = wb[FORM_SHEET]
    typed = {
        first: {"name": "โครงการจัดซื้อจัดจ้างอย่างโปร่งใส", "unit": "ครั้ง", "quantity": "๔", "budget": 25000,
                "dimension": "2", "indicator": "เผยแพร่ประกาศครบทุกโครงการ", "q1": "/"},
        first + 1: {"indicator": "และรายงานผลทุกไตรมาส"},  # a second line of the indicator
        first + 2: {"name": "มาตรการป้องกันผลประโยชน์ทับซ้อน", "unit": "ฉบับ", "quantity": 1,
                    "budget": form.NO_BUDGET, "dimension": "2", "indicator": "มีประกาศ ๑ ฉบับ", "q3": "/",
                    "department": "สำนักปลัด"},  # shared: the clerk picked another department
        first + 3: {"name": "กิจกรรมตรวจสอบพัสดุประจำปี", "unit": "ครั้ง", "quantity": 1, "budget": 5000,
                    "dimension": "4", "q4": "/"},  # its indicator forgotten: an error at G
        first + 6: {"department": "กองการศึกษา"},  # changed on a row left otherwise empty
    }
    for r, values in typed.items():
        for key, value in values.items():
            ws[f"{col(key)}{r}"] = value
    wb.save(path)

    result = run("validate", path, "--config", EXAMPLE / "plan.toml", "--format", "json", "--annotate", marked)
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    (file,) = document["files"]
    assert file["projects"] == 3
    found = sorted((p["code"], p["cell"]) for p in file["problems"])
    assert found == [("continuation-row", f"G{first + 1}"), ("department-only-row", f"M{first + 6}"),
                     ("missing-value", f"G{first + 3}")]
    projects = validate_files([path], load_config(EXAMPLE / "plan.toml"), keep_invalid=True).plan.projects
    assert [(p.name, p.indicator, p.department) for p in projects] == [
        ("โครงการจัดซื้อจัดจ้างอย่างโปร่งใส", "เผยแพร่ประกาศครบทุกโครงการ\nและรายงานผลทุกไตรมาส", "กองคลัง"),
        ("มาตรการป้องกันผลประโยชน์ทับซ้อน", "มีประกาศ ๑ ฉบับ", "สำนักปลัด"),
        ("กิจกรรมตรวจสอบพัสดุประจำปี", "", "กองคลัง")]
    (copy,) = marked.iterdir()
    copy_ws = openpyxl.load_workbook(copy)[FORM_SHEET]
    assert copy_ws[f"G{first + 3}"].fill.fgColor.rgb != copy_ws[f"G{first}"].fill.fgColor.rgb


def test_a_row_holding_only_a_department_is_no_project_in_any_file(tmp_path):
    path = write_form(tmp_path / "plan.xlsx", [good(1), [None] * 12 + ["กองคลัง"], good(2)])
    result = validate_files([path], Config(), keep_invalid=True)
    assert [p.name for p in result.plan.projects] == ["โครงการทดสอบที่ 1", "โครงการทดสอบที่ 2"]
    assert [(p.code, p.cell, p.value) for p in result.report.all_problems()] == [
        ("department-only-row", "M6", "กองคลัง")]


def test_from_spreads_long_text_over_continuation_rows_and_caps_only_a_long_name(tmp_path, config_path):
    """Excel draws no row taller than 409 points: a long ตัวชี้วัด/ผลลัพธ์ goes on over the rows below,
    which the reader joins back, so nothing is cut; a name too long for one row is capped and said."""
    long_text = " ".join(f"ตัวชี้วัดข้อที่ {to_thai_digits(i)} มีการดำเนินการครบถ้วนตามแผน" for i in range(1, 91))
    long_name = "โครงการ" + "ส่งเสริมคุณธรรม " * 120
    last_year = write_form(tmp_path / "last.xlsx", [
        good(1, indicator=long_text, outcome="บุคลากรมีความรู้", department="กองคลัง"),
        good(2, department="กองคลัง"),
        good(3, name=long_name, department="สำนักปลัด"),
    ])
    out = tmp_path / "out"
    result = run("template", "--config", config_path, "--from", last_year, "-o", out)
    assert result.exit_code == 0, result.output
    assert "สำนักปลัด.xlsx แถว" in result.output and "กองคลัง.xlsx แถว" not in result.output

    ws = openpyxl.load_workbook(out / "กองคลัง.xlsx")[FORM_SHEET]
    heights = [ws.row_dimensions[r].height or 0 for r in range(FIRST_ROW, FIRST_ROW + 30)]
    assert max(heights) <= 409
    pieces = [ws[f"G{r}"].value for r in range(FIRST_ROW, FIRST_ROW + 30)]
    span = next(i for i, v in enumerate(pieces) if v == "มีการจัดอบรม ๑ ครั้ง")  # project 2's row
    assert span >= 3  # the text takes rows 1..span of project 1
    assert all(ws[f"B{r}"].value is None for r in range(FIRST_ROW + 1, FIRST_ROW + span))
    assert ws[f"B{FIRST_ROW + span}"].value == "โครงการทดสอบที่ 2"

    read = validate_files([out / "กองคลัง.xlsx"], load_config(config_path))
    assert read.report.errors == 0, read.report.to_text()
    first = read.plan.projects[0]
    assert first.indicator.split() == long_text.split()  # every word back, pieces joined by line breaks
    assert [p.name for p in read.plan.projects] == ["โครงการทดสอบที่ 1", "โครงการทดสอบที่ 2"]
    # The template's own continuation rows are listed in its hidden sheet: nothing to warn about ...
    assert [p.code for p in read.report.all_problems()] == []

    # ... unless a clerk changed one of them, or added one of their own.
    wb = openpyxl.load_workbook(out / "กองคลัง.xlsx")
    ws = wb[FORM_SHEET]
    ws[f"G{FIRST_ROW + 2}"] = ws[f"G{FIRST_ROW + 2}"].value + " และเพิ่มเติม"
    ws[f"H{FIRST_ROW + span + 1}"] = "และผู้เข้าร่วมนำไปใช้"
    wb.save(out / "กองคลัง.xlsx")
    read = validate_files([out / "กองคลัง.xlsx"], load_config(config_path))
    assert sorted((p.code, p.cell) for p in read.report.all_problems()) == [
        ("continuation-row", f"G{FIRST_ROW + 2}"), ("continuation-row", f"H{FIRST_ROW + span + 1}")]
    assert read.plan.projects[1].outcome.endswith("\nและผู้เข้าร่วมนำไปใช้")


# --- e-PlanNACC's optional fields ---------------------------------------------------------------

def test_eplannacc_fields_offered_in_templates_and_carried_to_the_masters_sheet(tmp_path, config_path):
    """ประเภท (a dropdown), กลุ่มเป้าหมาย and วัตถุประสงค์ follow the official columns: what a clerk
    types there reaches the master's e-PlanNACC sheet; left empty, ประเภท comes from the name and
    nothing is said; a typed plan without the columns is not warned about them."""
    out = tmp_path / "templates"
    assert run("template", "--config", config_path, "--department", "กองคลัง", "-o", out).exit_code == 0
    wb = openpyxl.load_workbook(out / "กองคลัง.xlsx")
    assert [wb[FORM_SHEET].cell(HEADER_ROW, c).value for c in (14, 15, 16)] == ["ประเภท", "กลุ่มเป้าหมาย", "วัตถุประสงค์"]
    assert choices(wb, wb[FORM_SHEET], f"N{FIRST_ROW}") == ["โครงการ", "กิจกรรม", "มาตรการ", "แนวปฏิบัติงาน"]
    fill(out / "กองคลัง.xlsx", [
        {"name": "โครงการเผยแพร่ประกาศจัดซื้อจัดจ้าง", "unit": "ครั้ง", "quantity": 4, "budget": 25000,
         "dimension": ("pick", 1), "indicator": "เผยแพร่ครบทุกโครงการ", "q1": ("pick", 0),
         "type": ("pick", 2), "target_group": "ประชาชน ผู้ประกอบการ", "objective": "เพื่อความโปร่งใส"},
        {"name": "กิจกรรมอบรมพัสดุ", "unit": "คน", "quantity": 10, "budget": 5000, "dimension": ("pick", 0),
         "indicator": "อบรม ๑ ครั้ง", "q2": ("pick", 0)},
    ])
    (tmp_path / "typed").mkdir()
    typed = write_form(tmp_path / "typed" / "สำนักปลัด.xlsx", [good(1)])
    checked = validate_files([out / "กองคลัง.xlsx", typed], load_config(config_path))
    assert checked.report.errors == 0 and checked.report.warnings == 0, checked.report.to_text()
    shutil.copy(out / "กองคลัง.xlsx", tmp_path / "typed")
    master = tmp_path / "master.xlsx"
    assert run("merge", tmp_path / "typed", "--config", config_path, "-o", master).exit_code == 0
    sheet = openpyxl.load_workbook(master)["e-PlanNACC"]
    rows = {r[2]: (r[1], r[6], r[7]) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows == {
        "โครงการเผยแพร่ประกาศจัดซื้อจัดจ้าง": ("มาตรการ", "ประชาชน ผู้ประกอบการ", "เพื่อความโปร่งใส"),
        "กิจกรรมอบรมพัสดุ": ("กิจกรรม", None, None),
        "โครงการทดสอบที่ 1": ("โครงการ", None, None)}
