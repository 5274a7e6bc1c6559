"""The speed work of issue 14 changes nothing a reader sees: the line counter that row heights use
gives the count the line filling gives, the example's master keeps the heights it had, the master's
streamed sheet bodies are xlsxwriter's own XML, and the program that skips its teardown keeps its
output and exit status.

The pinned heights are those main wrote before the change (commit a66edc6); the estimator needs no
font or LibreOffice, so they hold on any machine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from ita_workbook.cli import main
from ita_workbook.xlsx_style import ARIAL_COLUMNS, FORM_FONT_COLUMNS
from seed import seed_rows

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "pho-thale-2566"

# Texts the seed does not have: leading and trailing spaces, paragraphs, spaces only, a word wider
# than any column, a Latin word after a Thai one, a hyphen.
ODD_TEXTS = ["   ขึ้นต้นด้วยช่องว่าง", "ท้ายมีช่องว่าง   ", "บรรทัดแรก\n\nบรรทัดที่สาม ยาวพอที่จะขึ้นบรรทัดใหม่", " ", "\n",
             "ก" * 300, "x" * 80 + " ข้อความ " + "ข" * 90, "โครงการ e-Service สำหรับประชาชน-ผู้รับบริการ",
             "๑. ข้อแรก\n๒. ข้อที่สอง (ต่อ)/ข้อที่สาม"]


@pytest.mark.parametrize("columns", [ARIAL_COLUMNS, FORM_FONT_COLUMNS])
@pytest.mark.parametrize("size, bold", [(14, False), (16, True)])
def test_counting_lines_gives_what_filling_them_gives(columns, size, bold):
    texts = {row[key] for row in seed_rows() for key in ("name", "unit", "quantity", "indicator", "outcome",
                                                         "department") if row[key]}
    texts.update(ODD_TEXTS)
    compared = 0
    for text in sorted(texts):
        for width in (3, 6.5, 9, 14, 20, 34, 40, 60, 163):
            assert columns.line_count(text, width, size, bold) == len(columns.wrap(text, width, size, bold)), \
                (text, width)
            compared += 1
    assert compared > 1000


# The unit column as wide as its longest word (master.longest_word): its group's header fits one line
# (row 5), and rows 22, 38 and 40 lost the lines their unit or department took when broken mid-word.
FORM_HEIGHTS = [30.0, 30.0, 30.0, 8.25, 26.25, 49.5, 165.75, 189.0, 142.5, 96.0, 96.0, 165.75, 165.75, 119.25,
                142.5, 165.75, 235.5, 189.0, 72.75, 96.0, 189.0, 142.5, 189.0, 165.75, 119.25, 96.0, 96.0, 72.75,
                72.75, 96.0, 142.5, 189.0, 72.75, 72.75, 165.75, 96.0, 212.25, 96.0, 119.25, 72.75, 165.75, 142.5,
                142.5, 212.25, 189.0, 165.75, 189.0, 26.25, 14.25, 26.25, 26.25, 14.25, 26.25, 26.25, 26.25, 26.25,
                26.25]
EPLAN_HEIGHTS = [72.75, 119.25, 72.75, 72.75, 49.5, 72.75, 49.5, 49.5, 49.5, 26.25, 49.5, 49.5, 49.5, 49.5,
                 72.75, 49.5, 72.75, 72.75, 119.25, 49.5, 49.5, 72.75, 49.5, 49.5, 72.75, 49.5, 96.0, 49.5, 49.5,
                 49.5, 72.75, 49.5, 49.5, 72.75, 49.5, 49.5, 49.5, 49.5, 49.5, 49.5, 72.75, 49.5]


def test_the_example_master_keeps_its_row_heights(tmp_path: Path):
    target = tmp_path / "master.xlsx"
    result = CliRunner().invoke(main, ["merge", str(EXAMPLE / "departments"), "-o", str(target),
                                       "--config", str(EXAMPLE / "plan.toml"), "--date", "2023-03-22"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(target)
    heights = {name: [book[name].row_dimensions[r].height for r in range(1, book[name].max_row + 1)]
               for name in ("แผนปฏิบัติการ", "ข้อมูล", "e-PlanNACC")}
    assert heights["แผนปฏิบัติการ"] == FORM_HEIGHTS
    assert heights["e-PlanNACC"] == EPLAN_HEIGHTS
    assert heights["ข้อมูล"] == [96.0] + [26.25] * 41
    assert book["แผนปฏิบัติการ"]["B7"].value.startswith("โครงการ")


def test_the_program_leaves_quickly_with_its_output_and_exit_status(tmp_path: Path):
    """As a program (`python -m ita_workbook`), it skips the interpreter's teardown: what it printed
    to a pipe, the file it wrote and its exit status must all be there still."""
    target = tmp_path / "master.xlsx"
    done = subprocess.run([sys.executable, "-m", "ita_workbook", "merge", str(EXAMPLE / "departments"), "-o",
                           str(target), "--config", str(EXAMPLE / "plan.toml")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith(f"41 projects written → {target}")
    assert openpyxl.load_workbook(target)["แผนปฏิบัติการ"].max_row == len(FORM_HEIGHTS)
    failed = subprocess.run([sys.executable, "-m", "ita_workbook", "validate", str(tmp_path / "missing.xlsx")],
                            capture_output=True, text=True)
    assert failed.returncode != 0 and failed.stdout + failed.stderr
    # A script named like ours skips the teardown (atexit handlers do not run); a program that calls
    # main() itself gets it back as usual.
    script = tmp_path / "ita-workbook"
    script.write_text("import atexit\natexit.register(print, 'teardown')\n"
                      "from ita_workbook.cli import main\nmain()\n")
    quick = subprocess.run([sys.executable, str(script), "--version"], capture_output=True, text=True)
    assert quick.returncode == 0 and "ita-workbook" in quick.stdout and "teardown" not in quick.stdout
    other = tmp_path / "caller.py"
    other.write_text(script.read_text())
    usual = subprocess.run([sys.executable, str(other), "--version"], capture_output=True, text=True)
    assert usual.returncode == 0 and usual.stdout.rstrip().endswith("teardown")


ODD_CELLS = [True, False, 0, -1.5, 1e20, 12345678901234567, "", None, "  space before", "after  ", "a & b < c > d",
             "bell\x07 and tab\t", "\x0bvertical", "_x0041_ stays", "<r>not rich</r>", "ก" * 40000, "๑๒๓ ไทย\nบรรทัด"]


def test_body_rows_read_back_as_xlsxwriter_cells(tmp_path: Path):
    """A sheet whose body is written by StreamedRows is byte for byte the sheet xlsxwriter writes from the
    same cells, and reads back the same with openpyxl and calamine."""
    import zipfile

    import xlsxwriter
    from python_calamine import CalamineWorkbook

    from ita_workbook.xlsx_style import WORKBOOK_OPTIONS, StreamedRows

    rows = [ODD_CELLS, list(reversed(ODD_CELLS))]
    books = {}
    for kind in ("cells", "streamed"):
        path = books[kind] = tmp_path / f"{kind}.xlsx"
        workbook = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
        plain, number = workbook.add_format({"font_size": 14}), workbook.add_format({"num_format": "0.00"})
        ws = workbook.add_worksheet("data", worksheet_class=StreamedRows if kind == "streamed" else None)
        ws.write_row(0, 0, [f"h{i}" for i in range(len(ODD_CELLS))], plain)
        ws.set_row(2, 40)
        if kind == "streamed":
            ws.write_body(1, iter(rows), plain, number)
        else:
            for r, values in enumerate(rows, start=1):
                for c, value in enumerate(values):
                    if isinstance(value, bool):
                        ws.write_boolean(r, c, value, plain)
                    elif isinstance(value, (int, float)):
                        ws.write_number(r, c, value, number)
                    elif value in (None, ""):
                        ws.write_blank(r, c, None, plain)
                    else:
                        ws.write_string(r, c, value, plain)
        workbook.close()
    seen = {}
    for kind, path in books.items():
        ws = openpyxl.load_workbook(path)["data"]
        seen[kind] = [[(c.value, c.number_format, c.font.sz) for c in row] for row in ws.iter_rows()]
        seen[kind].append([ws.row_dimensions[3].height, ws.dimensions])
        seen[kind + " calamine"] = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("data").to_python()
    for part in ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml"):
        assert zipfile.ZipFile(books["streamed"]).read(part) == zipfile.ZipFile(books["cells"]).read(part)
    assert seen["streamed"] == seen["cells"]
    assert seen["streamed calamine"] == seen["cells calamine"]
    assert seen["streamed"][1][10] == ("a & b < c > d", "General", 14)
    assert seen["streamed"][1][13][0] == "_x0041_ stays" and seen["streamed"][1][8][0] == "  space before"
