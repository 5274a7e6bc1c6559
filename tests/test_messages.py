"""What a Thai clerk reads in the first hour, pinned word for word: command-line mistakes, a refused
merge, a value Excel turned into a date, and a master written without the PDF asked for."""

from __future__ import annotations

import datetime as dt

import openpyxl
from click.testing import CliRunner

from ita_workbook import pdf
from ita_workbook.cli import main
from seed import EXAMPLE_DIR
from workbooks import good, write_form


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], prog_name="ita-workbook")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_a_missing_argument_is_said_in_thai_first():
    code, output = run("validate")
    assert code == 2
    assert output.splitlines() == [
        "ผิดพลาด: ไม่ได้ระบุ 'FILES...' (ไฟล์หรือโฟลเดอร์ที่จะใช้) ใส่ชื่อไฟล์หรือโฟลเดอร์ต่อท้ายคำสั่ง",
        "Error: missing 'FILES...': give the files or folders to use after the command",
        "วิธีใช้ / Usage: ita-workbook validate [OPTIONS] FILES...",
        "ดูคำอธิบาย / Help: ita-workbook validate --help",
    ]


def test_an_unknown_option_and_a_wrong_choice_are_said_in_thai_first(tmp_path):
    code, output = run("validate", tmp_path, "--bogus")
    assert code == 2 and output.startswith("ผิดพลาด: ไม่มีตัวเลือก --bogus ดูตัวเลือกที่มีด้วย --help\n")
    code, output = run("validate", tmp_path, "--format", "xml")
    assert code == 2 and output.startswith("ผิดพลาด: ค่าของ '--format' ไม่ถูกต้อง ต้องเป็นค่าใดค่าหนึ่งใน text, json "
                                           "เช่น text\n")
    code, output = run("merge", tmp_path)
    assert code == 2 and output.startswith("ผิดพลาด: ต้องระบุตัวเลือก '-o' / '--output' ตามด้วยชื่อไฟล์ เช่น -o ")
    code, output = run("template", "--rows", "0", "-o", tmp_path)
    assert code == 2 and output.startswith("ผิดพลาด: ค่าของ '--rows' ไม่ถูกต้อง ต้องเป็นจำนวนเต็มตั้งแต่ 1 ถึง 2000 "
                                           "เช่น 1\n")
    code, output = run("frobnicate")
    assert code == 2 and output.startswith("ผิดพลาด: ไม่มีคำสั่งนี้ คำสั่งที่มี: init template validate merge check "
                                           "report-template report province serve\n")


def test_an_option_without_its_value_says_what_was_expected(tmp_path):
    """Before: "ตัวเลือก -o ต้องมีค่าตามหลัง เช่น -o ค่า" and click's English "requires an argument"."""
    code, output = run("merge", tmp_path, "-o")
    assert code == 2 and output.splitlines()[:2] == [
        "ผิดพลาด: ตัวเลือก -o ต้องมีชื่อไฟล์ ตามหลัง เช่น -o ชื่อไฟล์.xlsx",
        "Error: option -o needs a file name after it, e.g. -o ชื่อไฟล์.xlsx"]
    code, output = run("report-template", "--plan", "p.xlsx", "--round", "6", "-o")
    assert code == 2 and output.startswith("ผิดพลาด: ตัวเลือก -o ต้องมีชื่อโฟลเดอร์ ตามหลัง")
    code, output = run("report", tmp_path, "--round")
    assert code == 2 and output.startswith("ผิดพลาด: ตัวเลือก --round ต้องมีค่าใดค่าหนึ่งใน 6, 12 ตามหลัง เช่น --round 6")
    code, output = run("merge", tmp_path, "--date")
    assert code == 2 and "needs a date year-month-day after it, e.g. --date 2023-03-22" in output
    code, output = run("merge", tmp_path, "--pdf=yes")
    assert code == 2 and output.startswith("ผิดพลาด: ตัวเลือก --pdf ไม่ต้องมีค่าตามหลัง ใช้ --pdf เฉย ๆ")


def test_no_error_begins_with_an_english_usage_line(tmp_path):
    for args in (["validate"], ["merge", tmp_path], ["init", "-o", tmp_path], ["check", "--x"],
                 ["validate", tmp_path / "a.xlsx", "--config"]):
        code, output = run(*args)
        assert code == 2 and output.startswith("ผิดพลาด"), (args, output)


def test_a_refused_merge_counts_the_files_that_have_errors(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_form(folder / "ก.xlsx", [good(1, budget="หนึ่งหมื่น"), good(2, dimension=9)])
    write_form(folder / "ข.xlsx", [good(3, department="กองคลัง")])  # three departments: none sent twice
    write_form(folder / "ค.xlsx", [good(4, department="กองช่าง")])
    code, output = run("merge", folder, "-o", tmp_path / "m.xlsx")
    assert code == 1 and not (tmp_path / "m.xlsx").exists()
    assert ("ไม่ได้เขียนไฟล์: พบข้อผิดพลาด 2 รายการใน 1 ไฟล์ (จากทั้งหมด 3 ไฟล์) แก้ไขแล้วสั่งใหม่ "
            "หรือใช้ --draft เพื่อดูฉบับร่าง") in output
    assert "Nothing written: 2 errors in 1 of 3 files" in output


def test_excel_date_shows_what_the_clerk_typed(tmp_path):
    path = write_form(tmp_path / "a.xlsx", [good(1)])
    book = openpyxl.load_workbook(path)
    year = dt.date.today().year
    book.active["D5"].value = dt.datetime(year, 2, 1)  # what Excel on Thai Windows makes of 1/2
    book.save(path)
    code, output = run("validate", path)
    assert code == 1
    assert (f"[แผน!D5] ช่อง \"ปริมาณงาน\" ที่พิมพ์ไว้ว่า 1/2 ถูก Excel เปลี่ยนเป็นวันที่ 1 กุมภาพันธ์ {year + 543} "
            "ถ้าไม่ได้ตั้งใจให้เป็นวันที่หรือเวลา ให้คลิกขวาที่ช่องนี้ เลือก จัดรูปแบบเซลล์ (Format Cells) > "
            "ข้อความ (Text) แล้วพิมพ์ 1/2 ใหม่") in output


def test_a_master_without_its_pdf_exits_3_and_says_an_older_pdf_is_stale(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "find_libreoffice", lambda: None)
    out = tmp_path / "m.xlsx"
    out.with_suffix(".pdf").write_bytes(b"%PDF- last year's")
    code, output = run("merge", EXAMPLE_DIR / "departments", "--config", EXAMPLE_DIR / "plan.toml", "-o", out,
                       "--pdf")
    assert code == 3 and out.is_file()
    assert "ไม่ได้สร้าง PDF / no PDF: ไม่พบโปรแกรม LibreOffice จึงไม่ได้สร้าง PDF (ไฟล์ Excel เขียนแล้ว)" in output
    assert f"! {out.with_suffix('.pdf')} ที่มีอยู่เป็นฉบับเก่า ไม่ตรงกับแผนรวมนี้ อย่านำไปเผยแพร่" in output
    assert "\nPDF: " not in output


def test_our_own_thai_messages_are_not_wrapped_in_english(tmp_path):
    code, output = run("template", "--department", "กองดับเพลิง", "-o", tmp_path)
    assert code == 2
    assert output.startswith('ผิดพลาด / Error: --department: ไม่มีหน่วยงาน "กองดับเพลิง" ในรายชื่อ')
    code, output = run("merge", tmp_path, "-o", tmp_path / "m.xlsx", "--date", "2566-13-45")
    assert code == 2 and output.startswith('ผิดพลาด / Error: --date: "2566-13-45" ไม่ใช่วันที่แบบ YYYY-MM-DD')


def test_one_of_a_thing_is_said_without_a_plural(tmp_path):
    """Before: "Summary: 1 files, 1 projects, 0 errors, 1 warnings"; Thai has no plural."""
    from ita_workbook.problems import counted

    code, output = run("validate", write_form(tmp_path / "a.xlsx", [good(1)]))
    assert code == 0
    assert "สรุป: 1 ไฟล์, 1 โครงการ, ข้อผิดพลาด 0, คำเตือน 0 — ผ่าน / OK" in output
    assert "Summary: 1 file, 1 project, 0 errors, 0 warnings" in output
    assert (counted(1, "warning"), counted(2, "warning"), counted(1200, "file")) == ("1 warning", "2 warnings",
                                                                                     "1,200 files")
