"""Marked-up copies (`validate --annotate`) keep Excel 2010+'s dropdowns and never carry a formula
that starts a program or reads another workbook."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import pytest

from ita_workbook.annotate import calls_out
from workbooks import good, write_form

X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"
# As Excel 2010+ saves a dropdown whose list is on another sheet; `xm` declared on the root, as Excel does.
EXTENSION = (f'<extLst><ext uri="{{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}}" xmlns:x14="{X14}">'
             '<x14:dataValidations count="1"><x14:dataValidation type="list" allowBlank="1" '
             'showInputMessage="1" showErrorMessage="1"><x14:formula1><xm:f>รายการ!$A$1:$A$4</xm:f>'
             '</x14:formula1><xm:sqref>F5:F40</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>')
DDE = "=cmd|'/c calc.exe'!A0"
EXTERNAL = "=[1]Sheet1!$A$1+1"


def saved_by_excel_2010(path: Path) -> Path:
    """A department's file with an error, a DDE formula, a link into another workbook and an x14
    dropdown, as Excel 2010+ writes them (openpyxl cannot write the extension: it is added by hand)."""
    book = openpyxl.Workbook()
    write_form(path, [good(1, budget="หนึ่งหมื่น")], book=book)
    del book["Sheet"]
    ws = book["แผน"]
    ws["P1"], ws["P2"], ws["P3"] = DDE, EXTERNAL, '=SUM(E5:E6)&"|[x]!"'
    lists = book.create_sheet("รายการ")
    for i in range(4):
        lists.cell(i + 1, 1, i + 1)
    book.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = re.sub(r"<worksheet ", f'<worksheet xmlns:xm="{XM}" ', sheet, count=1)
    parts["xl/worksheets/sheet1.xml"] = sheet.replace("</worksheet>", EXTENSION + "</worksheet>").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_the_copy_keeps_x14_dropdowns_and_keeps_calling_formulas_as_text(tmp_path: Path):
    source = saved_by_excel_2010(tmp_path / "กองคลัง.xlsx")
    done = subprocess.run([sys.executable, "-m", "ita_workbook", "validate", str(source), "--annotate",
                           str(tmp_path / "back")], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "Warning" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    # The report names each neutralised formula at its cell.
    assert "[แผน!P1]" in done.stdout and "[แผน!P2]" in done.stdout and "(active-formula)" in done.stdout
    assert "[แผน!P3]" not in done.stdout  # a | and [..]! inside a string literal call nothing

    copy = tmp_path / "back" / "กองคลัง (ตรวจแล้ว).xlsx"
    with zipfile.ZipFile(copy) as z:
        names = {ET.fromstring(z.read("xl/workbook.xml")).find(f"{{{MAIN}}}sheets")[0].get("name")}
        sheet = z.read("xl/worksheets/sheet1.xml")
    assert names == {"แผน"}
    root = ET.fromstring(sheet)  # well-formed, every prefix declared
    rules = root.findall(f"./{{{MAIN}}}extLst/{{{MAIN}}}ext/{{{X14}}}dataValidations/{{{X14}}}dataValidation")
    assert [(r.find(f"{{{X14}}}formula1/{{{XM}}}f").text, r.find(f"{{{XM}}}sqref").text) for r in rules] \
        == [("รายการ!$A$1:$A$4", "F5:F40")]
    assert list(root)[-1].tag == f"{{{MAIN}}}extLst"  # the schema wants it last
    with pytest.warns(UserWarning, match="Data Validation extension"):  # openpyxl sees it too
        ws = openpyxl.load_workbook(copy)["แผน"]
    assert (ws["P1"].value, ws["P1"].data_type) == (DDE, "s")
    assert (ws["P2"].value, ws["P2"].data_type) == (EXTERNAL, "s")
    assert ws["P3"].data_type == "f"  # an ordinary formula stays a formula
    assert ws["E5"].fill.fgColor.rgb.endswith("FFC7CE")


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def test_what_counts_as_calling_out():
    for formula in ("=cmd|'/c calc.exe'!A0", "=MSEXCEL|'\\..\\..\\Windows\\System32\\cmd.exe'!''",
                    "=[1]Sheet1!A1", "='C:\\x\\[book.xlsx]Sheet1'!A1", "=CALL(\"kernel32\",\"WinExec\",\"JCJ\",1)",
                    "=rtd(\"a\",,\"b\")", "=WEBSERVICE(\"http://x\")", "=register.id(\"x\",\"y\")"):
        assert calls_out(formula), formula
    for formula in ("=SUM(A1:A3)", "=Table1[Column]", "=Sheet2!A1", '="a|b"&"[1]x!"', "=IF(A1>0,1,0)"):
        assert not calls_out(formula), formula
