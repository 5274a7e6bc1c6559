"""Files that are not what they claim, or are old, protected or odd: each refused or read, clearly."""

import io
import shutil
import subprocess
import zipfile

import openpyxl
import pytest

from ita_workbook.validate import validate_files
from workbooks import good, write_form


def only_problem(path):
    result = validate_files([path])
    problems = result.report.all_problems()
    assert len(problems) == 1, [p.code for p in problems]
    return problems[0]


@pytest.mark.parametrize("name, content, reason", [
    ("empty.xlsx", b"", "empty"),
    ("page.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "not-a-workbook"),
    ("data.xlsx", "ที่,โครงการ\n1,ก\n".encode(), "not-a-workbook"),
    ("doc.xlsx", b"%PDF-1.4 ...", "corrupt"),  # read as the PDF it is (pdfgrid.py): a damaged one
    ("bin.xlsx", bytes(range(256)) * 4, "not-a-workbook"),
])
def test_not_a_workbook(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    problem = only_problem(path)
    assert (problem.code, problem.value, problem.cell) == ("unreadable-file", reason, None)
    assert problem.message.startswith("อ่านไฟล์ไม่ได้")


def test_truncated_and_wrong_zips(tmp_path):
    good_file = write_form(tmp_path / "good.xlsx", [good(1)])
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good_file.read_bytes()[:1500])
    assert only_problem(truncated).value == "corrupt"
    plain_zip = tmp_path / "plain.xlsx"
    with zipfile.ZipFile(plain_zip, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert only_problem(plain_zip).value == "not-a-workbook"
    docx = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    problem = only_problem(docx)
    assert problem.value == "not-a-workbook" and "Word" in problem.message


def test_zip_bomb_is_refused_before_parsing(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (400 * 2**20) + b"/>")
    assert bomb.stat().st_size < 2 * 2**20
    assert only_problem(bomb).value == "zip-bomb"


def test_password_protected_workbook(tmp_path):
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_form(tmp_path / "plain.xlsx", [good(1)])
    locked = tmp_path / "locked.xlsx"
    with plain.open("rb") as src, locked.open("wb") as dst:
        OOXMLFile(src).encrypt("1234", dst)
    problem = only_problem(locked)
    assert problem.value == "encrypted" and "รหัสผ่าน" in problem.message and "password" in problem.message_en


def test_xlsm_macros_are_never_run_and_said_so(tmp_path):
    path = write_form(tmp_path / "a.xlsx", [good(1)])
    xlsm = tmp_path / "a.xlsm"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(xlsm, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")
            dst.writestr(item, data)
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not really vba")
    result = validate_files([xlsm])
    assert [p.code for p in result.report.all_problems()] == ["macros-ignored"]
    assert len(result.plan.projects) == 1


def test_value_in_the_last_cell_does_not_take_the_process_down(tmp_path):
    path = write_form(tmp_path / "a.xlsx", [good(1)])
    book = openpyxl.load_workbook(path)
    book.active["XFD1048576"] = "far away"
    book.save(path)
    problem = only_problem(path)
    assert (problem.code, problem.value, problem.sheet) == ("unreadable-file", "sheet-too-large", "แผน")


def test_formatting_on_the_last_cell_and_a_stale_dimension_are_harmless(tmp_path):
    path = write_form(tmp_path / "a.xlsx", [good(i) for i in range(1, 21)])
    book = openpyxl.load_workbook(path)
    book.active["XFD1048576"].number_format = "0.00"
    book.save(path)
    with zipfile.ZipFile(path) as src:
        items = [(i, src.read(i)) for i in src.infolist()]
    stale = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(stale, "w") as dst:
        for item, data in items:
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b'<dimension ref="A1:XFD1048576"/>', b'<dimension ref="A1:B3"/>')
            dst.writestr(item, data)
    for candidate in (path, stale):
        result = validate_files([candidate])
        assert result.report.ok and len(result.plan.projects) == 20


def test_merge_over_the_whole_sheet_is_harmless(tmp_path):
    path = write_form(tmp_path / "a.xlsx", [good(1)])
    with zipfile.ZipFile(path) as src:
        items = [(i, src.read(i)) for i in src.infolist()]
    bomb = tmp_path / "merge.xlsx"
    with zipfile.ZipFile(bomb, "w") as dst:
        for item, data in items:
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<mergeCells", b'<mergeCells><mergeCell ref="N1:XFD1048576"/></mergeCells><x', 1)
                data = data.replace(b"<x count", b"<mergeCells count", 1)
            dst.writestr(item, data)
    result = validate_files([bomb])
    assert len(result.plan.projects) == 1 and result.report.ok


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
@pytest.mark.parametrize("fmt", ["xls", "ods", "xlsx"])
def test_old_xls_ods_and_libreoffice_saved_xlsx_are_read(tmp_path, fmt):
    path = write_form(tmp_path / "dept.xlsx", [good(1), good(2, budget="10,000 บาท")], extra_merges=("M5:M6",))
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", fmt, "--outdir", str(tmp_path / "out"), str(path)],
                   check=True, capture_output=True, timeout=120)
    converted = tmp_path / "out" / f"dept.{fmt}"
    assert converted.exists()
    result = validate_files([converted])
    assert result.report.ok, result.report.to_text()
    assert [p.budget for p in result.plan.projects] == [None, 10000.0]
    assert result.plan.projects[1].department == "สำนักปลัด"


def test_missing_file_is_reported_not_raised(tmp_path):
    problem = only_problem(tmp_path / "nowhere.xlsx")
    assert (problem.code, problem.value) == ("unreadable-file", "not-found")
