"""merge as a coordinator runs it: the command line on department workbooks, then the master opened
(openpyxl, its XML, LibreOffice's PDF) and checked."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from ita_workbook import form, pdf
from ita_workbook.config import Config
from ita_workbook.cli import main
from ita_workbook.master import DATA_COLUMNS, DATA_SHEET, FORM_SHEET
from ita_workbook.thai import clean_text, to_thai_digits
from seed import EXAMPLE_DIR, seed_rows
from workbooks import good, write_form

DEPARTMENTS = EXAMPLE_DIR / "departments"
PLAN_TOML = EXAMPLE_DIR / "plan.toml"
HAS_LIBREOFFICE = pdf.find_libreoffice() is not None and shutil.which("pdftotext") is not None


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["merge", *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def form_rows(path: Path, *, values: bool = False):
    ws = openpyxl.load_workbook(path, data_only=values)[FORM_SHEET]
    first = next(r for r in range(1, 40) if ws.cell(r, 1).value == 1)
    totals = next(r for r in range(first, ws.max_row + 1) if str(ws.cell(r, 1).value).startswith("รวม"))
    return ws, first, totals


@pytest.fixture
def example_master(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("out") / "แผนรวม.xlsx"
    code, output = run(DEPARTMENTS, "--config", PLAN_TOML, "-o", out, "--date", "2023-03-22")
    assert code == 0, output
    return out, output


def test_the_example_merges_all_41_projects_with_the_seeds_text(example_master):
    out, output = example_master
    assert "อ่าน 7 ไฟล์ 41 โครงการ เขียน 41 โครงการ" in output
    assert "7 files, 41 projects read, 41 projects written" in output
    ws, first, totals = form_rows(out)
    names = [ws.cell(r, 2).value for r in range(first, totals)]
    assert totals - first == 41 and sorted(names) == sorted(clean_text(r["name"]) for r in seed_rows())
    assert [ws.cell(r, 1).value for r in range(first, totals)] == list(range(1, 42))
    dims = [ws.cell(r, 6).value for r in range(first, totals)]
    assert dims == sorted(dims) and [dims.count(d) for d in (1, 2, 3, 4)] == [11, 19, 5, 6]
    assert ws.cell(totals, 1).value == "รวมทั้งสิ้น ๔๑ โครงการ"
    cached, _, _ = form_rows(out, values=True)
    assert cached.cell(totals, 5).value == 140000
    assert [cached.cell(totals, c).value for c in (9, 10, 11, 12)] == [27, 34, 15, 9]  # from the marks


def test_the_master_reads_back_as_the_same_plan(example_master):
    from ita_workbook.config import load_config
    from ita_workbook.validate import validate_files

    config = load_config(PLAN_TOML)
    merged = validate_files(sorted(DEPARTMENTS.glob("*.xlsx")), config).plan
    again = validate_files([example_master[0]], config, accept_master=True)
    assert again.report.errors == 0 and len(again.plan.projects) == 41
    fields = ("name", "unit", "quantity", "budget", "dimension", "indicator", "outcome", "quarters", "department")
    # Digits inside text print Thai (plan.toml's default): ร้อยละ 80 reads back ร้อยละ ๘๐.
    same = [tuple(to_thai_digits(v) if isinstance(v, str) else v for v in (getattr(p, f) for f in fields))
            for p in merged.ordered(config.department_names)]
    assert [tuple(getattr(p, f) for f in fields) for p in again.plan.projects] == same


def test_within_a_dimension_projects_follow_the_configured_department_order(example_master):
    ws, first, totals = form_rows(example_master[0])
    order = ["สำนักปลัด", "กองยุทธศาสตร์และงบประมาณ", "กองคลัง", "กองการศึกษา", "กองสวัสดิการสังคม",
             "หน่วยตรวจสอบภายใน", "ทุกส่วนราชการ"]
    rows = [(ws.cell(r, 6).value, order.index(ws.cell(r, 13).value)) for r in range(first, totals)]
    assert rows == sorted(rows)


def test_the_data_sheet_traces_every_project_to_its_file(example_master):
    rows = list(openpyxl.load_workbook(example_master[0])[DATA_SHEET].iter_rows(values_only=True))
    records = [dict(zip(DATA_COLUMNS, r)) for r in rows[1:]]
    assert len(records) == 41
    assert {Path(r["source_file"]).name for r in records} == {p.name for p in DEPARTMENTS.glob("*.xlsx")}
    assert all(isinstance(r["source_row"], int) and r["source_sheet"] for r in records)
    assert all(r["source_cell"].endswith(str(r["source_row"])) for r in records)
    assert sum(r["budget"] or 0 for r in records) == 140000
    assert [sum(r[q] for r in records) for q in form.QUARTER_KEYS] == [27, 34, 15, 9]


def test_a_final_master_carries_no_notes_though_the_files_had_warnings(example_master):
    out, output = example_master
    assert "unit-is-number" in output  # the example's warnings
    with zipfile.ZipFile(out) as z:
        assert not [n for n in z.namelist() if "comments" in n]
    ws, first, totals = form_rows(out)
    assert not any(ws.cell(r, 2).fill.fgColor.rgb.endswith("F8CBAD") for r in range(first, totals))


def test_inputs_are_never_modified(tmp_path: Path):
    before = digest(DEPARTMENTS)
    code, _ = run(DEPARTMENTS, "--config", PLAN_TOML, "-o", tmp_path / "m.xlsx")
    assert code == 0 and digest(DEPARTMENTS) == before


def errors_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    write_form(folder / "กองคลัง.xlsx", [good(1), good(2, budget="หมื่นบาท"), good(3, dimension=3)])
    return folder


def test_an_error_writes_nothing_and_keeps_an_existing_master(tmp_path: Path):
    folder = errors_folder(tmp_path)
    out = tmp_path / "master.xlsx"
    out.write_bytes(b"last week's master")
    code, output = run(folder, "-o", out)
    assert code == 1
    assert "bad-budget" in output and "ไม่ได้เขียนไฟล์" in output and "Nothing written" in output
    assert out.read_bytes() == b"last week's master"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "master.xlsx"]


def test_draft_writes_every_row_with_problem_rows_marked(tmp_path: Path):
    out = tmp_path / "ร่าง.xlsx"
    code, output = run(errors_folder(tmp_path), "-o", out, "--draft", "--org", "เทศบาลตำบลทดสอบ", "--year", "2566")
    assert code == 0, output
    assert "อ่าน 1 ไฟล์ 3 โครงการ เขียน 3 โครงการ" in output
    ws, first, totals = form_rows(out)
    assert ws["A1"].value == f"แผนปฏิบัติการป้องกันการทุจริต ประจำปี พ.ศ. ๒๕๖๖ ({form.DRAFT_MARK})"
    assert form.DRAFT_MARK in ws.oddHeader.center.text
    marked = [ws.cell(r, 2).value for r in range(first, totals) if ws.cell(r, 2).fill.fgColor.rgb.endswith("F8CBAD")]
    assert marked == ["โครงการทดสอบที่ ๒"]  # its digit printed Thai, like every digit in the form's text
    row = next(r for r in range(first, totals) if ws.cell(r, 2).value == "โครงการทดสอบที่ ๒")
    assert ws.cell(row, 5).value == "หมื่นบาท"


def test_warnings_never_block(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_form(folder / "ก.xlsx", [good(1, unit="๘๐")])  # unit-is-number: a warning
    code, output = run(folder, "-o", tmp_path / "m.xlsx")
    assert code == 0 and "unit-is-number" in output and (tmp_path / "m.xlsx").exists()


def test_refuses_to_overwrite_an_input(tmp_path: Path):
    folder = errors_folder(tmp_path)
    target = folder / "กองคลัง.xlsx"
    before = target.read_bytes()
    code, output = run(target, "-o", target, "--draft")
    assert code == 2 and "คือไฟล์ที่นำเข้า" in output
    assert target.read_bytes() == before


def test_an_earlier_master_in_the_input_folder_is_replaced_not_merged(tmp_path: Path):
    folder = tmp_path / "in"
    shutil.copytree(DEPARTMENTS, folder)
    out = folder / "แผนรวม.xlsx"
    assert run(folder, "--config", PLAN_TOML, "-o", out)[0] == 0
    code, output = run(folder, "--config", PLAN_TOML, "-o", out)
    assert code == 0 and "master-as-input" in output and "เขียน 41 โครงการ" in output


def test_an_output_that_cannot_be_written_is_said_plainly(tmp_path: Path):
    (tmp_path / "a-file").write_text("not a folder")
    code, output = run(DEPARTMENTS, "--config", PLAN_TOML, "-o", tmp_path / "a-file" / "m.xlsx")
    assert code == 1 and "Traceback" not in output
    assert "เขียน" in output and "ไม่ได้" in output and "cannot write" in output


@pytest.mark.parametrize("args", [["-o", "m.xls"], ["-o", "m.xlsx", "--date", "22/03/2566"],
                                  ["-o", "m.xlsx", "--year", "สองห้าหกหก"], []])
def test_wrong_command_lines_exit_2(tmp_path: Path, args: list[str]):
    code, _ = run(DEPARTMENTS, *[str(tmp_path / a) if a.startswith("m.") else a for a in args])
    assert code == 2
    assert not list(tmp_path.iterdir())


def test_without_a_config_the_templates_hidden_sheet_names_the_plan(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    path = write_form(folder / "กองคลัง.xlsx", [good(1, department="กองคลัง")])
    book = openpyxl.load_workbook(path)
    meta = book.create_sheet(form.METADATA_SHEET)
    for key, value in (("form_version", form.FORM_VERSION), ("organisation", "องค์การบริหารส่วนตำบลทดสอบ"),
                       ("fiscal_year", "2567"), ("department", "กองคลัง")):
        meta.append([key, value])
    meta.sheet_state = "hidden"
    book.save(path)
    out = tmp_path / "m.xlsx"
    code, output = run(folder, "-o", out, "--format", "json")
    assert code == 0
    report = json.loads(output)
    ws = openpyxl.load_workbook(out)[FORM_SHEET]
    assert ws["A1"].value == "แผนปฏิบัติการป้องกันการทุจริต ประจำปี พ.ศ. ๒๕๖๗"
    assert ws["A2"].value == "องค์การบริหารส่วนตำบลทดสอบ"
    missing = [p["value"] for p in report["problems"] if p["code"] == "plan-details-missing"]
    assert missing == ["[organisation] district", "[organisation] province"]
    assert report["merge"] == {"written": True, "output": str(out), "pdf": None, "pdf_error": None, "pdf_note": None,
                               "write_error": None, "draft": False, "files": 1, "projects_read": 1,
                               "projects_written": 1}


def test_without_anything_a_visible_placeholder_and_a_warning(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_form(folder / "ก.xlsx", [good(1)])
    code, output = run(folder, "-o", tmp_path / "m.xlsx")
    assert code == 0 and output.count("plan-details-missing") == 4
    ws = openpyxl.load_workbook(tmp_path / "m.xlsx")[FORM_SHEET]
    assert ws["A2"].value.startswith("....")


def test_command_line_date_and_issuer_reach_the_footer(tmp_path: Path):
    out = tmp_path / "m.xlsx"
    code, _ = run(DEPARTMENTS, "--config", PLAN_TOML, "-o", out, "--date", "๒๕๖๖-๐๓-๒๒", "--issuer", "สมชาย ใจดี")
    assert code == 0
    ws = openpyxl.load_workbook(out)[FORM_SHEET]
    footer = [c.value for c in ws["A"] if isinstance(c.value, str)]
    assert "** ข้อมูล ณ วันที่ ๒๒ มีนาคม ๒๕๖๖" in footer and "ชื่อ - สกุล ผู้ออกรายงาน สมชาย ใจดี" in footer


def test_pdf_without_libreoffice_still_writes_the_xlsx(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(pdf, "find_libreoffice", lambda: None)
    out = tmp_path / "m.xlsx"
    code, output = run(DEPARTMENTS, "--config", PLAN_TOML, "-o", out, "--pdf")
    assert code == 3 and out.exists() and not out.with_suffix(".pdf").exists()  # 3: xlsx written, no PDF
    assert "ไม่พบโปรแกรม LibreOffice" in output and "LibreOffice is not installed" in output


@pytest.mark.skipif(not HAS_LIBREOFFICE, reason="LibreOffice and poppler are not installed")
def test_pdf_is_a4_landscape_with_the_header_on_every_page_and_the_totals(tmp_path: Path):
    out = tmp_path / "แผนรวม.xlsx"
    code, output = run(DEPARTMENTS, "--config", PLAN_TOML, "-o", out, "--pdf", "--date", "2023-03-22")
    assert code == 0, output
    made = out.with_suffix(".pdf")
    assert f"PDF: {made}" in output
    info = subprocess.run(["pdfinfo", made], capture_output=True, text=True).stdout
    assert "841.89 x 595.3" in info  # A4 landscape, in points
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))
    texts = [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), made, "-"], capture_output=True,
                            text=True).stdout for n in range(1, pages + 1)]
    assert all("ระยะเวลาดำเนินการ" in t and "ผลลัพธ์" in t for t in texts)  # the header on every page
    assert not any("ข้อมูล" == t.strip() or "source_file" in t for t in texts)  # the form sheet only
    last = texts[-1].split()
    assert "๑๔๐,๐๐๐" in last and ["๒๗", "๓๔", "๑๕", "๙"] == [w for w in last if w in ("๒๗", "๓๔", "๑๕", "๙")]
    assert "คำอธิบาย" in texts[-1] and "กวี จันดี" in texts[-1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["แผนรวม.pdf", "แผนรวม.xlsx"]


@pytest.mark.skipif(not HAS_LIBREOFFICE, reason="LibreOffice is not installed")
def test_a_pdf_that_cannot_be_replaced_is_said_and_the_xlsx_kept(tmp_path: Path):
    (tmp_path / "m.pdf").mkdir()  # where the PDF should go, something that cannot be replaced
    code, output = run(DEPARTMENTS, "--config", PLAN_TOML, "-o", tmp_path / "m.xlsx", "--pdf")
    assert code == 3 and (tmp_path / "m.xlsx").exists() and "Traceback" not in output
    assert "ไม่ได้สร้าง PDF" in output and "cannot write" in output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.pdf", "m.xlsx"]


SLOW_CLOSE = """
import sys, time, xlsxwriter
from ita_workbook.cli import main
close = xlsxwriter.Workbook.close
def slow_close(self):
    close(self)
    print("WRITTEN", flush=True)
    time.sleep(60)
xlsxwriter.Workbook.close = slow_close
sys.argv = ["ita-workbook", "merge", *sys.argv[1:]]
main()
"""


def test_a_merge_killed_midway_leaves_no_master_and_no_temporary_file(tmp_path: Path):
    out = tmp_path / "out" / "m.xlsx"
    child = subprocess.Popen([sys.executable, "-c", SLOW_CLOSE, str(DEPARTMENTS), "--config", str(PLAN_TOML),
                              "-o", str(out)], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(Path(__file__).parent)})
    try:
        assert child.stdout.readline().strip() == "WRITTEN"  # the temporary file is complete, not renamed
        assert len(list(out.parent.iterdir())) == 1 and not out.exists()
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=30) == 128 + signal.SIGTERM
    finally:
        if child.poll() is None:
            child.kill()
    assert not out.exists() and list(out.parent.iterdir()) == []


def test_merge_of_thousands_of_rows_stays_quick(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    for n, department in enumerate(Config().department_names):  # ten departments: one file each
        write_form(folder / f"กอง{n}.xlsx", [good(i, name=f"โครงการที่ {n}-{i} ส่งเสริมคุณธรรมจริยธรรมบุคลากร",
                                                  department=department) for i in range(1, 101)])
    started = time.process_time()  # CPU, not wall time: a busy machine must not fail a correct merge
    code, output = run(folder, "-o", tmp_path / "m.xlsx")
    assert code == 0 and "เขียน 1000 โครงการ" in output
    assert time.process_time() - started < 30
