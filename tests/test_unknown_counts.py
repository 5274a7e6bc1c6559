"""A count that is not known is null in JSON and blank on pages and sheets, never 0: a file that could
not be read (a PDF sent as the plan) holds an unknown number of projects."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from ita_workbook.cli import main
from workbooks import good, write_form

# The first bytes of a PDF: what a clerk sends when asked for "the plan", renamed or not.
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _files(tmp_path: Path) -> tuple[Path, Path, Path]:
    good_file = write_form(tmp_path / "สำนักปลัด.xlsx", [good(1), good(2)])
    pdf = tmp_path / "แผน อบต.pdf"
    pdf.write_bytes(PDF)
    renamed = tmp_path / "กองคลัง.xlsx"
    renamed.write_bytes(PDF)
    return good_file, pdf, renamed


def test_province_json_gives_null_counts_for_a_file_it_could_not_read(tmp_path):
    good_file, pdf, renamed = _files(tmp_path)
    run = CliRunner().invoke(main, ["province", str(good_file), str(pdf), str(renamed), "-o",
                                    str(tmp_path / "out.xlsx"), "--format", "json"])
    data = json.loads(run.output)
    by_file = {Path(o["path"]).name: o for o in data["organisations"]}
    for name in ("แผน อบต.pdf", "กองคลัง.xlsx"):
        org = by_file[name]
        assert org["status"] == "unreadable"
        assert (org["projects"], org["dimensions"], org["quarters"], org["budget"]) == (None, None, None, None), name
    assert by_file["สำนักปลัด.xlsx"]["projects"] == 2 and data["summary"]["projects"] == 2


def test_validate_and_check_give_null_projects_for_a_file_not_read(tmp_path):
    good_file, _, renamed = _files(tmp_path)
    for command in ("validate", "check"):
        run = CliRunner().invoke(main, [command, str(good_file), str(renamed), "--format", "json"])
        files = {Path(f["path"]).name: f["projects"] for f in json.loads(run.output)["files"]}
        assert files == {"สำนักปลัด.xlsx": 2, "กองคลัง.xlsx": None}, command
    text = CliRunner().invoke(main, ["validate", str(good_file), str(renamed)]).output
    assert f"■ {renamed} — ไม่ทราบจำนวนโครงการ / projects unknown" in text
    assert f"■ {good_file} — 2 โครงการ / 2 projects" in text


def test_a_master_left_in_the_folder_has_no_count_in_validates_report(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_form(folder / "สำนักปลัด.xlsx", [good(1)])
    CliRunner().invoke(main, ["merge", str(folder), "-o", str(folder / "แผนรวม.xlsx")])
    run = CliRunner().invoke(main, ["validate", str(folder), "--format", "json"])
    files = {Path(f["path"]).name: f["projects"] for f in json.loads(run.output)["files"]}
    assert files == {"สำนักปลัด.xlsx": 1, "แผนรวม.xlsx": None}


def test_the_page_leaves_unknown_counts_blank(tmp_path):
    import pytest

    pytest.importorskip("starlette")
    from test_web import Tab, make_client, text_of

    good_file, _, renamed = _files(tmp_path)
    tab = Tab(make_client(tmp_path))
    tab.upload("returned", [good_file, renamed])
    shown = text_of(tab.run("/check"))
    heading = re.search(r"<h3>กองคลัง\.xlsx(.*?)</h3>", shown, re.S).group(1)
    assert "โครงการ" not in heading  # no "0 โครงการ" for the file not read
    assert re.search(r"<h3>สำนักปลัด\.xlsx.*?2 โครงการ", shown, re.S)
    master_folder = tmp_path / "masters"
    master_folder.mkdir()
    shutil.copy(renamed, master_folder / "อบต.ทดสอบ.xlsx")
    tab.upload("masters", [master_folder / "อบต.ทดสอบ.xlsx"])
    page = text_of(tab.run("/province", {"province": "พิจิตร", "year": "2566"}))
    heading = re.search(r"<h3>อบต\.ทดสอบ(.*?)</h3>", page, re.S).group(1)
    assert "โครงการ" not in heading


def test_plan_check_page_leaves_what_a_layout_lacks_blank(tmp_path):
    """A plan without quarter columns: its quarters are not "0 / 0 / 0 / 0" on the page."""
    import pytest

    pytest.importorskip("starlette")
    import openpyxl

    from test_web import Tab, make_client, text_of

    path = tmp_path / "ไม่มีไตรมาส.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["ที่", "โครงการ", "หน่วยนับ", "ปริมาณงาน", "งบประมาณ", "มิติ", "ตัวชี้วัด", "หน่วยงานรับผิดชอบ"])
    ws.append([1, "โครงการอบรมคุณธรรม", "ครั้ง", 1, 5000, 1, "ร้อยละ 80", "สำนักปลัด"])
    ws.append([None, "รวม 1 โครงการ", None, None, 5000])
    book.save(path)
    tab = Tab(make_client(tmp_path))
    tab.upload("plans", [path])
    shown = text_of(tab.run("/plan-check"))
    row = re.search(r"<tr><td>ไม่มีไตรมาส\.xlsx</td><td>(.*?)</tr>", shown, re.S).group(1)  # the results table
    assert "0 / 0 / 0 / 0" not in row and "5,000.00" in row
    assert "(layout-lacks)" in shown


def test_a_province_total_over_a_plan_without_dimensions_has_no_dimension_counts(tmp_path):
    """The all-plans total adds a plan that has no มิติ column: its มิติ counts are not known, so the
    total's are null (the plans without errors, which leave it out, keep theirs)."""
    from workbooks import write_without

    write_without(tmp_path / "ท่าฬ่อ.xlsx", "dimension", [good(1), good(2)])
    write_form(tmp_path / "หอไกร.xlsx", [good(1, dimension=2), good(2, dimension=3)], totals=["รวมทั้งสิ้น 2 โครงการ"])
    run = CliRunner().invoke(main, ["province", str(tmp_path / "ท่าฬ่อ.xlsx"), str(tmp_path / "หอไกร.xlsx"),
                                    "-o", str(tmp_path / "out.xlsx"), "--format", "json"])
    totals = json.loads(run.output)["summary"]["totals"]
    assert (totals["all_plans"]["projects"], totals["all_plans"]["dimensions"]) == (4, None)
    assert totals["all_plans"]["quarters"] == [4, 0, 0, 0]
    assert totals["plans_without_errors"] == {"projects": 2, "dimensions": [0, 1, 1, 0], "quarters": [2, 0, 0, 0],
                                              "budget": 0.0}
