"""Periods drawn as arrows over the month or quarter columns (the cells left empty, as in many Thai
plans) are read as the periods they cover, or refused at their anchor cell; other objects drawn over
the table are named (drawings.py, drawn_periods.py)."""

from __future__ import annotations

import subprocess
import zipfile

import openpyxl
import pytest
from openpyxl.comments import Comment

from drawn import Shape, draw
from ita_workbook.check import check_files
from ita_workbook.form import MONTHS
from ita_workbook.pdf import find_libreoffice
from ita_workbook.validate import validate_files
from workbooks import good, write_form

# The months layout: A ที่, B โครงการ, C หน่วยนับ, D ปริมาณงาน, E งบประมาณ, F มิติ, G ตัวชี้วัด,
# H … S the months ต.ค. … ก.ย., T หน่วยงานรับผิดชอบ. Title in rows 1-2, header in row 3, projects from row 4.
MONTH_LETTERS = "HIJKLMNOPQRS"


def months_plan(path, projects: int = 3, stated_months: list | None = None):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "แผน"
    ws.append(["แผนปฏิบัติการป้องกันการทุจริต ประจำปี พ.ศ. ๒๕๖๗"])
    ws.append(["เทศบาลตำบลทดสอบ อำเภอเมือง จังหวัดทดสอบ"])
    ws.append(["ที่", "โครงการ", "หน่วยนับ", "ปริมาณงาน", "งบประมาณ", "มิติ", "ตัวชี้วัด", *MONTHS, "หน่วยงานรับผิดชอบ"])
    for n in range(1, projects + 1):
        ws.append([n, f"โครงการที่ {n}", "ครั้ง", 1, 10_000 * n, n, "ร้อยละ 80", *[None] * 12, "สำนักปลัด"])
    ws.append([None, f"รวม {projects} โครงการ", None, None, sum(10_000 * n for n in range(1, projects + 1)), None,
               None, *(stated_months or [None] * 12), None])
    book.save(path)
    return path


def _codes(report):
    return [(p.code, p.cell) for p in report.all_problems()]


def test_arrows_over_month_columns_are_counted_as_their_quarters(tmp_path):
    """The issue's case: `check` printed 0/0/0/0 and OK for a plan whose periods are arrows."""
    path = months_plan(tmp_path / "plan.xlsx", stated_months=[1, 1, 1, 0, 0, 0, 1, 1, 1, 2, 2, 2])
    draw(path, [Shape(("H4", 0.05), ("J4", 0.95)),           # ต.ค. – ธ.ค.: quarter 1
                Shape(("N5", 0.0), ("S5", 1.0)),             # เม.ย. – ก.ย.: quarters 3 and 4
                Shape(("Q6", 0.1), ("S6", 0.9), kind="line")])  # ก.ค. – ก.ย. as LibreOffice saves a line: quarter 4
    result = check_files([path])
    assert _codes(result.report) == []
    (table,) = result.tables
    assert (table.projects, table.quarters) == (3, (1, 0, 1, 2))


def test_a_stated_month_total_is_checked_against_the_arrows(tmp_path):
    path = months_plan(tmp_path / "plan.xlsx", projects=1, stated_months=[1, 1, 1, 1] + [0] * 8)
    draw(path, [Shape(("H4", 0.0), ("J4", 1.0))])
    assert _codes(check_files([path]).report) == [("total-mismatch", "K5")]  # stated 1 for ม.ค., drawn 0


@pytest.mark.parametrize("shape, why", [
    (Shape(("H4", 0.05), ("J4", 0.25)), "คอลัมน์ J เพียงบางส่วน"),  # ends a quarter into ธ.ค.: too close to call
    (Shape(("H4", 0.5), ("J5", 0.95)), "โครงการเดียว"),     # slants from one project's row to the next
    (Shape(("E4", 0.3), ("J4", 0.95)), "คอลัมน์ E"),        # starts over the budget column
])
def test_an_arrow_that_is_not_clearly_one_projects_period_is_an_error_at_its_anchor(tmp_path, shape, why):
    path = draw(months_plan(tmp_path / "plan.xlsx"), [shape])
    problems = [p for p in check_files([path]).report.all_problems() if p.code == "drawn-period-unclear"]
    assert [(p.cell, p.severity) for p in problems] == [(shape.start[0], "error")]
    assert why in problems[0].message
    assert check_files([path]).tables[0].quarters == (0, 0, 0, 0)  # nothing counted from a guess


def test_an_arrow_tip_a_tenth_into_the_next_month_does_not_mark_it(tmp_path):
    path = draw(months_plan(tmp_path / "plan.xlsx", projects=1), [Shape(("H4", 0.0), ("K4", 0.08))])
    result = check_files([path])
    assert _codes(result.report) == []
    assert result.tables[0].quarters == (1, 0, 0, 0)  # ต.ค. – ธ.ค.; ม.ค. touched by 8% only


def test_objects_over_the_table_are_named_and_a_logo_above_it_is_not(tmp_path):
    path = draw(months_plan(tmp_path / "plan.xlsx"), [
        Shape(("A1", 0.1), ("B2", 0.5), kind="picture"),                   # the emblem in the title block
        Shape(("L5", 0.1), ("N5", 0.8), kind="textbox", text="ตลอดปี"),     # over the months
        Shape(("G6", 0.1), ("G6", 0.8), kind="picture"),                   # over the indicator
    ])
    problems = [(p.code, p.cell, p.severity) for p in check_files([path]).report.all_problems()]
    assert problems == [("drawing-over-counts", "L5", "error"), ("drawing-over-table", "G6", "warning")]
    assert "ตลอดปี" in check_files([path]).report.all_problems()[0].message


def test_a_department_file_with_arrows_over_the_quarters_validates_and_merges_the_marks(tmp_path):
    """The yearly form (quarters in I … L, projects from row 5): the arrow is the project's quarters,
    so validate does not ask for a mark (no-quarter) and the plan carries them."""
    path = write_form(tmp_path / "กองคลัง.xlsx", [good(1, q1=None, department="กองคลัง"),
                                                  good(2, q1=None, department="กองคลัง")])
    draw(path, [Shape(("I5", 0.1), ("K5", 0.9), kind="rightArrow"), Shape(("L6", 0.0), ("L6", 1.0))])
    result = validate_files([path])
    assert _codes(result.report) == []
    assert [p.quarters for p in result.plan.projects] == [(True, True, True, False), (False, False, False, True)]


def test_a_drawing_part_with_a_dtd_is_refused_by_name_not_expanded(tmp_path):
    path = draw(months_plan(tmp_path / "plan.xlsx", projects=1), [Shape(("H4", 0.0), ("J4", 1.0))])
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    parts["xl/drawings/drawn1.xml"] = parts["xl/drawings/drawn1.xml"].replace(
        b"<xdr:wsDr", b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><xdr:wsDr', 1)
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    problems = check_files([path]).report.all_problems()
    assert [(p.code, p.sheet, p.value) for p in problems] == [("drawing-unread", "แผน", "damaged")]


@pytest.mark.skipif(find_libreoffice() is None, reason="LibreOffice (soffice) is not installed")
def test_arrows_saved_by_libreoffice_as_xlsx_ods_and_xls_are_read(tmp_path):
    """LibreOffice writes a connector in xlsx, a draw:connector placed from the sheet's first cell
    in ods, OfficeArt records with their OBJ records in xls: each read as the same periods."""
    (tmp_path / "source").mkdir()
    source = months_plan(tmp_path / "source" / "plan.xlsx", projects=2)
    book = openpyxl.load_workbook(source)
    book.active["B4"].comment = Comment("ต่อเนื่องจากปีก่อน", "กองคลัง")  # a note: a drawn object in xls, not one to name
    book.save(source)
    draw(source, [Shape(("H4", 0.05), ("J4", 0.95)), Shape(("N5", 0.05), ("S5", 0.95))])
    out = tmp_path / "out"
    for suffix in ("xlsx", "ods", "xls"):
        subprocess.run([str(find_libreoffice()), "--headless", "--norestore",
                        f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to", suffix,
                        "--outdir", str(out), str(source)], capture_output=True, timeout=180, check=False)
    for suffix in ("xlsx", "ods", "xls"):
        result = check_files([out / f"plan.{suffix}"])
        assert _codes(result.report) == [], suffix
        assert result.tables[0].quarters == (1, 0, 1, 1), suffix


def test_province_counts_the_drawn_periods_and_refuses_an_unclear_arrow(tmp_path):
    """`province` reads the same as `check`: the arrows are the quarters; an unclear one is an error."""
    import json

    from click.testing import CliRunner

    from ita_workbook.cli import main

    clear = months_plan(tmp_path / "clear.xlsx", stated_months=[1, 1, 1, 0, 0, 0, 1, 1, 1, 2, 2, 2])
    draw(clear, [Shape(("H4", 0.05), ("J4", 0.95)), Shape(("N5", 0.0), ("S5", 1.0)),
                 Shape(("Q6", 0.1), ("S6", 0.9), kind="line")])
    run = CliRunner().invoke(main, ["province", str(clear), "-o", str(tmp_path / "p.xlsx"), "--format", "json"])
    (org,) = json.loads(run.output)["organisations"]
    assert org["quarters"] == [1, 0, 1, 2] and org["errors"] == 0
    unclear = draw(months_plan(tmp_path / "unclear.xlsx", projects=1), [Shape(("H4", 0.05), ("J4", 0.25))])
    run = CliRunner().invoke(main, ["province", str(unclear), "-o", str(tmp_path / "q.xlsx"), "--format", "json"])
    (org,) = json.loads(run.output)["organisations"]
    assert org["status"] == "errors" and [p["code"] for p in org["problems"]][0] == "drawn-period-unclear"
    assert run.exit_code == 1
