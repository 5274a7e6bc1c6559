"""What issue 13 asked of the printed forms and templates, through the real CLI: departments that
cannot be misread, rows Excel can hold, digits by plan.toml's convention, the order of projects."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from ita_workbook import pdf
from ita_workbook.cli import main
from ita_workbook.master import FORM_SHEET, Heading, write_master
from ita_workbook.config import load_config
from ita_workbook.plan import Plan, Project, Source
from ita_workbook.validate import validate_files

import seed


def run(*args) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


def test_two_departments_of_one_name_refuse_the_config(tmp_path: Path):
    config = tmp_path / "plan.toml"
    config.write_text('[[departments]]\nname = "กองคลัง"\n[[departments]]\nname = "กอง คลัง"\n', encoding="utf-8")
    result = run("template", "--config", config, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "ซ้ำกับหน่วยงานที่ 1" in result.output and "departments 1 and 2 are both named" in result.output
    assert not (tmp_path / "out").exists()


def test_no_template_for_everyone_unless_asked(tmp_path: Path):
    result = run("template", "--config", seed.PLAN_TOML, "-o", tmp_path / "a")
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert "ทุกส่วนราชการ.xlsx" not in written and "สำนักปลัด.xlsx" in written and len(written) == 6
    assert "no template for ทุกส่วนราชการ" in result.output
    asked = run("template", "--config", seed.PLAN_TOML, "--department", "ทุกส่วนราชการ", "-o", tmp_path / "b")
    assert asked.exit_code == 0 and [p.name for p in (tmp_path / "b").iterdir()] == ["ทุกส่วนราชการ.xlsx"]


def test_rolled_over_rows_never_exceed_excels_409_points_nor_cut_the_seeds_text(tmp_path: Path):
    merged = run("merge", seed.EXAMPLE_DIR / "departments", "--config", seed.PLAN_TOML, "-o", tmp_path / "m.xlsx")
    assert merged.exit_code == 0, merged.output
    result = run("template", "--config", seed.PLAN_TOML, "--from", tmp_path / "m.xlsx", "-o", tmp_path / "t")
    assert result.exit_code == 0, result.output
    heights = [d.height for path in (tmp_path / "t").iterdir()
               for d in openpyxl.load_workbook(path)["แผนปฏิบัติการ"].row_dimensions.values() if d.height]
    # The seed's longest ตัวชี้วัด/ผลลัพธ์ need more than one row: they go on over the rows below, so
    # nothing is cut and there is nothing to warn about (a name too long is: test_template).
    assert max(heights) <= 409
    assert "409" not in result.output
    # Returned as written, the templates read back without a word about the rows the tool spread
    # the long texts over (two of them), and with every project of the master.
    read = validate_files(sorted((tmp_path / "t").iterdir()), load_config(seed.PLAN_TOML))
    assert [p.code for p in read.report.all_problems() if p.code == "continuation-row"] == []
    assert len(read.plan.projects) == 41
    spread = [openpyxl.load_workbook(path)["_ita_workbook"] for path in (tmp_path / "t").iterdir()]
    assert sum(str(ws["B6"].value or "").count("!") for ws in spread if ws["A6"].value == "spread_rows") == 2


def _projects() -> list[Project]:
    def one(name: str, department: str, row: int) -> Project:
        return Project(name=name, unit="คน", quantity=15.0, budget=None, dimension=1,
                       indicator="ร้อยละ 80 ของผู้เข้าร่วม", outcome="15 คน", quarters=(True, False, False, False),
                       department=department, source=Source("a.xlsx", "แผน", row))
    return [one("ข 2566", "กองคลัง", 7), one("ก", "สำนักปลัด", 8)]


def test_digits_inside_text_follow_the_plans_convention_and_numbers_stay_numbers(tmp_path: Path):
    thai, arabic = tmp_path / "thai.xlsx", tmp_path / "arabic.xlsx"
    write_master(Plan(_projects()), thai, Heading(fiscal_year=2566), department_order=["สำนักปลัด", "กองคลัง"])
    write_master(Plan(_projects()), arabic, Heading(fiscal_year=2566, digits="arabic"),
                 department_order=["สำนักปลัด", "กองคลัง"])
    t, a = (openpyxl.load_workbook(p)[FORM_SHEET] for p in (thai, arabic))
    assert t["A1"].value.endswith("๒๕๖๖") and a["A1"].value.endswith("2566")
    assert (t["G8"].value, t["H8"].value, t["B8"].value) == ("ร้อยละ ๘๐ ของผู้เข้าร่วม", "๑๕ คน", "ข ๒๕๖๖")
    assert (a["G8"].value, a["H8"].value) == ("ร้อยละ 80 ของผู้เข้าร่วม", "15 คน")
    assert t["D8"].value == a["D8"].value == 15 and t["D8"].number_format.startswith("[$-D00041E]")
    assert "[$-D00041E]" not in a["D8"].number_format


def test_order_as_read_keeps_the_files_order_within_a_dimension(tmp_path: Path):
    by_department, as_read = tmp_path / "d.xlsx", tmp_path / "r.xlsx"
    order = ["สำนักปลัด", "กองคลัง"]
    write_master(Plan(_projects()), by_department, Heading(), department_order=order)
    write_master(Plan(_projects()), as_read, Heading(), department_order=order, order="as-read")
    names = [[ws[f"B{r}"].value for r in (7, 8)] for ws in
             (openpyxl.load_workbook(p)[FORM_SHEET] for p in (by_department, as_read))]
    assert names == [["ก", "ข ๒๕๖๖"], ["ข ๒๕๖๖", "ก"]]


def test_plan_toml_digits_and_order_are_checked(tmp_path: Path):
    config = tmp_path / "plan.toml"
    config.write_text('[plan]\ndigits = "roman"\n', encoding="utf-8")
    result = run("template", "--config", config, "-o", tmp_path / "out")
    assert result.exit_code == 2 and "[plan] digits must be \"thai\" or \"arabic\"" in result.output


# --- the legend stays with the table's end -----------------------------------------------------------

def _equal_projects(n: int) -> Plan:
    indicator = "มีการจัดอบรมให้ความรู้แก่บุคลากร อย่างน้อยปีละ ๑ ครั้ง และผู้เข้าร่วมมีความพึงพอใจไม่น้อยกว่าร้อยละ ๘๐ " * 2
    return Plan([Project(name=f"โครงการส่งเสริมคุณธรรมและความโปร่งใส ลำดับ {i}", unit="คน", quantity=40.0,
                         budget=None, dimension=1, indicator=indicator, outcome="บุคลากรมีความรู้ความเข้าใจ",
                         quarters=(True, False, False, False), department="สำนักปลัด") for i in range(n)])


def test_a_page_break_keeps_the_last_project_with_the_totals_and_legend(tmp_path: Path):
    # Four such projects and their totals fill a page; the legend would go alone to the next one.
    breaks = {}
    for n in (3, 4):
        layout = write_master(_equal_projects(n), tmp_path / f"{n}.xlsx", Heading(fiscal_year=2566),
                              department_order=["สำนักปลัด"])
        ws = openpyxl.load_workbook(tmp_path / f"{n}.xlsx")[FORM_SHEET]
        breaks[n] = ([b.id for b in ws.row_breaks.brk], layout.project_rows[-1][0])
    assert breaks[4] == ([breaks[4][1] - 1], breaks[4][1])  # before the last project (0-based row id)
    assert breaks[3][0] == []  # three fit on one page with their legend


@pytest.mark.skipif(pdf.find_libreoffice() is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice or poppler not installed")
def test_the_printed_legend_is_never_alone_on_its_page(tmp_path: Path):
    write_master(_equal_projects(4), tmp_path / "m.xlsx", Heading(fiscal_year=2566), department_order=["สำนักปลัด"],
                 form_only=True)
    made = pdf.to_pdf(tmp_path / "m.xlsx", tmp_path / "m.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(made), "-"], capture_output=True, text=True, check=True).stdout
    pages = [page for page in text.split("\f") if page.strip()]
    assert [("คำอธิบาย" in page, page.count("ลำดับ")) for page in pages] == [(False, 3), (True, 1)]


@pytest.mark.skipif(pdf.find_libreoffice() is None or shutil.which("pdffonts") is None,
                    reason="LibreOffice or poppler not installed")
@pytest.mark.skipif(pdf.print_font("TH SarabunPSK")[0] != pdf.SARABUN, reason="fontpkg-sarabun not installed")
def test_the_published_pdf_is_drawn_with_the_shipped_sarabun_on_at_most_10_pages(tmp_path: Path):
    result = run("merge", seed.EXAMPLE_DIR / "departments", "--config", seed.PLAN_TOML, "-o", tmp_path / "m.xlsx",
                 "--pdf")
    assert result.exit_code == 0, result.output
    fonts = subprocess.run(["pdffonts", str(tmp_path / "m.pdf")], capture_output=True, text=True, check=True).stdout
    embedded = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]}
    assert embedded == {"Sarabun-Regular", "Sarabun-Bold"}  # whatever Thai fonts this machine has
    info = subprocess.run(["pdfinfo", str(tmp_path / "m.pdf")], capture_output=True, text=True, check=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) <= 10
    assert "ไม่พบแบบอักษร" not in result.output  # no substitute font to warn about
