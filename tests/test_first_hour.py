"""The traps a new coordinator fell into in the first hour (issue #22), each pinned: templates made
for init's sample organisation, and a wrong-template message that sent them to themselves."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from ita_workbook.cli import main
from ita_workbook.config import Config, example_toml, load_config, sample_settings
from ita_workbook.problems import Problem


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], prog_name="ita-workbook")
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_template_refuses_inits_sample_organisation_and_names_the_line_to_edit(tmp_path):
    config = tmp_path / "plan.toml"
    assert run("init", "-o", config)[0] == 0
    code, output = run("template", "--config", config, "-o", tmp_path / "forms")
    assert code == 2 and not (tmp_path / "forms").exists()
    assert output.startswith(f"ผิดพลาด / Error: ไฟล์ตั้งค่า {config} ยังเป็นหน่วยงานตัวอย่างที่คำสั่ง init เขียนไว้ "
                             "(บรรทัดที่ 5 name = \"เทศบาลตำบลตัวอย่าง\", บรรทัดที่ 6 district = \"เมือง\", "
                             "บรรทัดที่ 7 province = \"พิจิตร\")")
    assert "still holds init's sample organisation (line 5 name = \"เทศบาลตำบลตัวอย่าง\"" in output

    text = config.read_text(encoding="utf-8").replace("เทศบาลตำบลตัวอย่าง", "เทศบาลตำบลโพทะเล")
    config.write_text(text.replace('district = "เมือง"', 'district = "โพทะเล"'), encoding="utf-8")
    code, output = run("template", "--config", config, "-o", tmp_path / "forms")
    assert code == 0, output
    assert sample_settings(load_config(config)) == ""


def test_the_sample_lines_are_named_in_a_notepad_ansi_plan_toml(tmp_path):
    """Notepad's ANSI on Thai Windows is cp874: the lines are found as load_config reads the file."""
    config = tmp_path / "plan.toml"
    assert run("init", "-o", config)[0] == 0
    config.write_bytes(config.read_text(encoding="utf-8").encode("cp874", errors="replace"))
    said = sample_settings(load_config(config))
    assert "บรรทัดที่ 5 name = \"เทศบาลตำบลตัวอย่าง\", บรรทัดที่ 6 district = \"เมือง\"" in said


def test_the_sample_is_found_whatever_its_spacing_and_without_a_file():
    said = sample_settings(Config(organisation="เทศบาลตำบล ตัวอย่าง", district="เมือง"))
    assert said.startswith("ไฟล์ตั้งค่า plan.toml ยังเป็นหน่วยงานตัวอย่าง") and "district = \"เมือง\"" in said
    assert "province" not in said.split(" / ")[0]  # only the lines that still hold the sample
    assert sample_settings(Config(organisation="เทศบาลเมืองตัวอย่างดี")) == ""


def test_wrong_template_says_what_the_coordinator_can_do():
    problem = Problem("wrong-template", "a.xlsx", value="เทศบาลตำบลตัวอย่าง", detail="เทศบาลตำบลตัวอย่าง")
    assert "ผู้ประสานงาน" not in problem.message and "ask the coordinator" not in problem.message_en
    assert problem.message.startswith("แบบฟอร์มนี้เป็นของเทศบาลตำบลตัวอย่าง ไม่ใช่ของแผนที่กำลังรวม (ตาม plan.toml) "
                                      "ถ้า plan.toml ผิด ให้แก้ชื่อหน่วยงานหรือปีงบประมาณใน plan.toml")
    assert "สร้างแบบฟอร์มใหม่ด้วยคำสั่ง template" in problem.message
    assert "make the templates again with `template`" in problem.message_en


def test_the_pages_template_step_refuses_the_sample_organisation_as_the_command_does(tmp_path):
    import pytest

    pytest.importorskip("starlette")
    from test_web import Tab, make_client

    (tmp_path / "plan.toml").write_text(example_toml(2567), encoding="utf-8")
    tab = Tab(make_client(tmp_path))
    page = tab.post("/templates", {"department": ["กองคลัง"]})
    assert page.status_code == 409
    assert "ยังเป็นหน่วยงานตัวอย่างที่คำสั่ง init เขียนไว้ (บรรทัดที่ 5 name = &#34;เทศบาลตำบลตัวอย่าง&#34;" in page.text \
        or "ยังเป็นหน่วยงานตัวอย่างที่คำสั่ง init เขียนไว้ (บรรทัดที่ 5 name = &quot;เทศบาลตำบลตัวอย่าง&quot;" in page.text


# --- the result forms ----------------------------------------------------------------------------

def test_the_ways_clerks_type_each_status_are_understood():
    """Before, "เสร็จแล้ว" was `bad-choice` while "แล้วเสร็จ" was accepted."""
    from ita_workbook.cells import CellError, parse_choice
    from ita_workbook.report_form import CANNOT, DONE, IN_PROGRESS, NOT_STARTED, report_form

    def status(typed, round_=6):
        column = report_form(round_).column_by_key["status"]
        return parse_choice(typed, column.choices, column.synonyms)

    typed = {"เสร็จแล้ว": DONE, "แล้วเสร็จ": DONE, "ดำเนินการแล้ว": DONE, "เสร็จสิ้น": DONE,
             "ดําเนินการแล้วเสร็จ": DONE,  # ำ typed as ํ + า
             "ดำเนินการ แล้ว เสร็จ": DONE, "เสร็จแล้ว 100%": DONE,
             "อยู่ระหว่างดำเนินการ": IN_PROGRESS, "กำลังดำเนินการ": IN_PROGRESS, "อยู่ระหว่าง ดำเนินการ": IN_PROGRESS,
             "ไม่สามารถดำเนินการได้": CANNOT, "ดำเนินการไม่ได้": CANNOT,
             "ยังไม่ดำเนินการ": NOT_STARTED, "ไม่ได้ดำเนินการ": NOT_STARTED, "ยังไม่ได้ดำเนินการ": NOT_STARTED}
    assert {text: status(text) for text in typed} == typed
    for refused, round_ in (("ไม่ได้ดำเนินการ", 12), ("รอผู้บริหารอนุมัติ", 6), ("ดำเนินการ", 6)):
        try:
            status(refused, round_)
        except CellError as exc:
            assert exc.code == "bad-choice" and exc.detail == " / ".join(report_form(round_).column_by_key["status"]
                                                                        .choices), refused
        else:
            raise AssertionError(f"{refused} was taken at round {round_}")


def test_english_messages_name_the_report_columns_in_words():
    """Before: "'problems' is empty", "'status' is …" — the internal keys."""
    from ita_workbook.report_form import report_form

    for column in report_form(6).columns:
        if not column.prefilled:
            assert column.english and column.english != column.key and column.english[0].isupper(), column.key
    said = Problem("empty-problems", "a.xlsx", column="problems")
    assert said.message_en.startswith("'Problems / obstacles' is empty")
    said = Problem("bad-choice", "a.xlsx", column="status", value="รอ")
    assert said.message_en.startswith("'Status' is 'รอ', which is not in the list")


def test_the_report_forms_examples_are_in_the_forms_own_year():
    """Before: "เช่น ๑๕ ธันวาคม ๒๕๖๘ หรือ ต.ค. ๖๘ – มี.ค. ๖๙" in every form, a 2566 one too."""
    from ita_workbook.report_template import guides

    assert guides(2566, 6)["period"] == "วันที่หรือช่วงเวลาที่ดำเนินการ เช่น ๑๕ ธันวาคม ๒๕๖๕ หรือ ต.ค. ๖๕ – มี.ค. ๖๖"
    assert guides(2570, 12)["period"].endswith("เช่น ๑๕ ธันวาคม ๒๕๖๙ หรือ ต.ค. ๖๙ – ก.ย. ๗๐")
    assert "๒๕" not in guides(None, 6)["period"]


# The demo's plan and its report forms, as test_report makes them.
from test_report import forms, master, returned  # noqa: E402,F401  (fixtures)


def test_a_final_report_of_nothing_reported_is_refused_and_a_draft_is_still_written(master, forms, tmp_path):
    """Before: every form back empty gave exit 0, "ผ่าน", and a final report scoring 0.00, red."""
    from seed import PLAN_TOML

    out = tmp_path / "report.xlsx"
    code, output = run("report", forms, "--plan", master, "--round", "6", "--config", PLAN_TOML, "-o", out)
    assert code == 1 and not out.exists()
    assert "ยังไม่มีผลรายงานของโครงการใดเลย (ทั้ง 41 โครงการรอรายงานผล)" in output
    assert "(nothing-reported) No project has a result yet (all 41 await a report)" in output
    assert "ผ่าน / OK" not in output
    code, output = run("report", forms, "--plan", master, "--round", "6", "--config", PLAN_TOML, "-o", out,
                       "--draft")
    assert code == 0 and out.exists(), output


def test_the_data_sheet_shows_thai_headers_and_prints_on_one_page_wide(master, returned, tmp_path):
    """Before: English column keys as headers and no print setup: printing the whole report added
    7 pages of the data sheet."""
    import shutil
    import subprocess

    import openpyxl

    from ita_workbook import pdf
    from ita_workbook.report_workbook import DATA_COLUMNS, DATA_HEADERS, DATA_SHEET
    from seed import PLAN_TOML

    out = tmp_path / "report.xlsx"
    code, output = run("report", returned, "--plan", master, "--round", "6", "--config", PLAN_TOML, "-o", out,
                       "--draft", "--date", "2023-04-05")
    assert code == 0, output
    ws = openpyxl.load_workbook(out)[DATA_SHEET]
    header = [ws.cell(1, col + 1) for col in range(len(DATA_COLUMNS))]
    assert [c.value for c in header] == list(DATA_COLUMNS)  # programs read the keys
    assert [c.number_format for c in header[:3]] == [';;;"ที่"', ';;;"แถวในรายงาน"', ';;;"มิติ"']
    assert DATA_HEADERS["status"] == "สถานะ" and DATA_HEADERS["problems"] == "ปัญหา/ อุปสรรค"
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0)  # one page wide
    assert ws.print_title_rows == "$1:$1"
    if pdf.find_libreoffice() is None or shutil.which("pdftotext") is None:
        return  # what LibreOffice prints is checked where it is installed
    whole = pdf.to_pdf(out, tmp_path / "whole.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(whole), "-"], capture_output=True, text=True,
                          check=True).stdout
    data_pages = [page for page in text.split("\f") if "FALSE" in page]  # has_errors: only the data sheet's
    assert len(data_pages) == 1 and "report_row" not in text and "มีข้อผิดพลาด" in data_pages[0]


# --- the example data ----------------------------------------------------------------------------

def test_letter_spacing_copied_from_a_pdf_is_taken_out_where_text_enters():
    from ita_workbook.thai import clean_text

    assert clean_text("ก ิ จ ก ร ร ม ต ี ด ต าม ประเมินผล") == "กิจกรรมตีดตาม ประเมินผล"
    assert clean_text("ปรับใช้ในการดำเนิน ชี วิ ต แล ะ ก า ร ปฏิบัติงาน") == "ปรับใช้ในการดำเนิน ชีวิต และการ ปฏิบัติงาน"
    for kept in ("ณ วันที่ ๑ ตุลาคม", "ต่าง ๆ", "ค่า น้ำ ไฟ", "ไม่ใช้ งบประมาณ", "ก ข"):  # real spacing stays
        assert clean_text(kept) == kept


def test_the_examples_master_shows_no_letter_spaced_text(master):
    """The seed keeps the PDF's text as copied ("ก ิ จ ก ร ร ม ต ี ด ต าม", "ก า ร"); before, the master
    printed it so, like a rendering bug."""
    import re

    import openpyxl

    from seed import seed_rows

    assert any("ก ร ร ม" in row["name"] for row in seed_rows())  # the real text is kept in the example
    spaced = re.compile("(?:^|\\s)(?:[\u0e01-\u0e2e][\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]* ){2}[\u0e01-\u0e2e\u0e32]")
    texts = [value for ws in openpyxl.load_workbook(master) for row in ws.iter_rows(values_only=True)
             for value in row if isinstance(value, str)]
    assert any(text.startswith("กิจกรรมตีดตาม ประเมินผลการควบคุม") for text in texts)
    assert [text for text in texts if spaced.search(text)] == []


# --- the demo and the README ---------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def test_the_demo_prints_the_check_of_the_departments_files_once():
    """Before, `make demo` ran validate and then merge on the same files: the whole report twice."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    demo = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    commands = [line for line in demo.splitlines() if "ita-workbook " in line and not line.strip().startswith("@#")]
    checking = [line for line in commands if re.search(r"ita-workbook (validate|merge) \$\(EXAMPLE\)/departments", line)]
    assert len(checking) == 1 and "merge" in checking[0]
    assert "merge checks every file as validate does" in demo  # and it says why


def test_the_readme_is_a_coordinators_guide_that_starts_with_the_quick_start():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sections = re.findall(r"^## (.+)$", readme, re.M)
    assert sections[0] == "Quick start"
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "make demo\nmake test" in quick and ".venv/bin/python -m pytest -q" in quick
    assert "N passed, M skipped" in quick and "score 65.85" in quick  # what each ends with
    for developer_note in (r"\bissue \d+", r"\bCPU\b", r"#\d+\b", r"\bhypothesis\b", r"to_json_text"):
        assert not re.search(developer_note, readme), developer_note
    assert "(DEVELOPMENT.md)" in readme and (ROOT / "DEVELOPMENT.md").exists()


def test_the_pages_summary_counts_one_file_without_a_plural(tmp_path):
    """As the command line: "Summary: 1 file, 2 projects, 0 errors, 1 warning"; before, "1 files"."""
    import pytest

    pytest.importorskip("starlette")
    from test_web import DEPARTMENTS, Tab, make_client

    tab = Tab(make_client(tmp_path))
    assert tab.upload("returned", DEPARTMENTS[:1]).status_code == 200
    page = tab.run("/check")
    summary = re.search(r'<span class="en">Summary: ([^<—]+)', page.text).group(1).strip()
    assert summary.startswith("1 file, ") and "1 files" not in page.text, summary
