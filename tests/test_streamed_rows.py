"""The master's sheets stream their bodies (the form's projects, the data and e-PlanNACC rows) as
XML (xlsx_style.StreamedRows) instead of keeping an xlsxwriter cell per value: what a reader sees
must not change. Each master here is written twice through the real command, once streamed and
once with the same rows written cell by cell through xlsxwriter's own calls (`CellByCell`), and the
two files must be byte for byte the same in every part: values, shared strings, formats and their
numbers, merges, heights, comments and their boxes, print settings. Then StreamedRows alone: rows
of xlsxwriter's above and below, comments, and the mistakes it refuses."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner
from xlsxwriter.worksheet import Worksheet

from ita_workbook import eplan, master
from ita_workbook.cli import main
from ita_workbook.xlsx_style import WORKBOOK_OPTIONS, FittedRows, StreamedRows
from seed import EXAMPLE_DIR
from workbooks import good, write_form


class CellByCell(FittedRows):
    """StreamedRows's calls made with xlsxwriter's public ones: the sheet the streamed one must equal."""

    def stream_row(self, row, cells, height=None, refit=False):
        if refit:
            self.refit.add(row)
        for col, (value, fmt) in enumerate(cells):
            if value is None or value == "":
                self.write_blank(row, col, None, fmt)
            elif isinstance(value, bool):
                self.write_boolean(row, col, value, fmt)
            elif isinstance(value, (int, float)):
                self.write_number(row, col, value, fmt)
            else:
                self.write_string(row, col, value, fmt)
        if height is not None:
            self.set_row(row, height)

    def write_body(self, first_row, rows, cell_format, number_format=None):
        for row, values in enumerate(rows, start=first_row):
            self.stream_row(row, [(value, number_format or cell_format if isinstance(value, (int, float))
                                   and not isinstance(value, bool) else cell_format) for value in values])

    def stream_merge(self, first_row, first_col, last_row, last_col):
        self.merge_range(first_row, first_col, last_row, last_col, None)

    def row_points(self, row):
        return self._size_row(row) * 0.75


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist() if name != "docProps/core.xml"}  # its time


def merge_both_ways(tmp_path: Path, monkeypatch, folder: Path, *args: str) -> dict[str, Path]:
    fixed = master.metadata
    monkeypatch.setattr(master, "metadata", lambda *a: {**fixed(*a), "generated": "2023-03-22T09:00:00+07:00"})
    written = {}
    for kind, worksheet_class in (("streamed", StreamedRows), ("cells", CellByCell)):
        monkeypatch.setattr(master, "StreamedRows", worksheet_class)
        monkeypatch.setattr(eplan, "StreamedRows", worksheet_class)
        written[kind] = tmp_path / f"{kind}.xlsx"
        result = CliRunner().invoke(main, ["merge", str(folder), "-o", str(written[kind]), "--date", "2023-03-22",
                                           *args])
        assert result.exit_code == 0, result.output
    return written


def assert_same_files(written: dict[str, Path]) -> None:
    streamed, cells = parts(written["streamed"]), parts(written["cells"])
    assert list(streamed) == list(cells)
    for name in cells:
        assert streamed[name] == cells[name], name


def test_the_example_master_is_the_same_streamed_as_cell_by_cell(tmp_path: Path, monkeypatch):
    written = merge_both_ways(tmp_path, monkeypatch, EXAMPLE_DIR / "departments",
                              "--config", str(EXAMPLE_DIR / "plan.toml"))
    assert_same_files(written)
    ws = openpyxl.load_workbook(written["streamed"])[master.FORM_SHEET]
    assert ws.max_row == 57 and ws["A7"].value == 1 and ws["B47"].value and ws["A48"].value.startswith("รวมทั้งสิ้น")
    assert ws.print_title_rows == "$5:$6"


def test_a_draft_with_comments_fills_tall_and_odd_cells_is_the_same_streamed(tmp_path: Path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    long_text = " ".join(f"ตัวชี้วัดข้อที่ {i} ประชาชนมีความพึงพอใจต่อการให้บริการไม่น้อยกว่าร้อยละ ๘๐"
                         for i in range(1, 41))
    write_form(folder / "กองคลัง.xlsx", [
        good(1), good(2, budget="หมื่นบาท"), good(3, indicator=long_text, budget=25000.5),
        good(4, name="@SUM(A1:A2) ไม่ใช่สูตร", quantity="ทุกครั้ง", dimension=7), good(5, budget=1200),
        good(6, budget=dt.datetime(2023, 1, 5)), good(7, budget=True, quantity=float("nan")),
        *(good(n, q2="/", outcome=f"ผลลัพธ์ที่ {n}") for n in range(8, 30))])
    written = merge_both_ways(tmp_path, monkeypatch, folder, "--draft", "--org", "เทศบาลตำบลทดสอบ", "--year", "2566")
    assert_same_files(written)
    book = openpyxl.load_workbook(written["streamed"])
    ws = book[master.FORM_SHEET]
    spread = next(r for r in ws.merged_cells.ranges if r.min_col == 2 and r.max_row > r.min_row)
    assert ws.cell(spread.min_row, 2).value == "โครงการทดสอบที่ ๓"
    wrong = next(c.row for c in ws["E"] if c.value == "หมื่นบาท")  # the clerk's text, kept in a draft
    assert ws[f"B{wrong}"].comment is not None and ws[f"B{wrong}"].fill.fgColor.rgb.endswith("F8CBAD")
    budgets = {ws.cell(c.row, 2).value: ws.cell(c.row, 5) for c in ws["E"]}
    assert budgets["โครงการทดสอบที่ ๖"].data_type == budgets["โครงการทดสอบที่ ๗"].data_type == "s"  # as typed
    assert budgets["โครงการทดสอบที่ ๗"].value == "True"
    quoted = next(c for c in ws["B"] if str(c.value).startswith("@SUM"))
    assert quoted.data_type == "s" and quoted.quotePrefix
    assert sum(1 for _ in zipfile.ZipFile(written["streamed"]).namelist() if "comments" in _) == 1


def test_what_a_draft_shows_of_any_type_is_text_as_cell_by_cell(tmp_path: Path, monkeypatch):
    """A problem's value (what was typed) may be a date or TRUE through the library: it shows as text,
    never as a date, a boolean or a formula, streamed as written cell by cell."""
    from ita_workbook.plan import Plan, Project, Source
    from ita_workbook.problems import Problem

    def project(row, **values):
        return Project(**{"name": f"โครงการ {row}", "unit": "คน", "quantity": 1.0, "budget": None, "dimension": 1,
                          "indicator": "ตัวชี้วัด", "outcome": "ผลลัพธ์", "quarters": (True, False, False, False),
                          "department": "กองคลัง", "source": Source("ก.xlsx", "แผน", row), "has_errors": True,
                          **values})

    plan = Plan([project(7), project(8), project(9)])
    problems = [Problem("bad-budget", "ก.xlsx", sheet="แผน", row=7, column="budget", value=dt.date(2023, 1, 5)),
                Problem("bad-budget", "ก.xlsx", sheet="แผน", row=8, column="budget", value=True),
                Problem("bad-quantity", "ก.xlsx", sheet="แผน", row=9, column="quantity", value=float("inf"))]
    for kind, worksheet_class in (("streamed", StreamedRows), ("cells", CellByCell)):
        monkeypatch.setattr(master, "StreamedRows", worksheet_class)
        monkeypatch.setattr(master, "metadata", lambda *a: {"kind": "master"})
        master.write_master(plan, tmp_path / f"{kind}.xlsx", master.Heading(draft=True), problems=problems)
    assert_same_files({kind: tmp_path / f"{kind}.xlsx" for kind in ("streamed", "cells")})
    ws = openpyxl.load_workbook(tmp_path / "streamed.xlsx")[master.FORM_SHEET]
    assert [(ws[f"E{r}"].value, ws[f"E{r}"].data_type) for r in (7, 8)] == [("2023-01-05", "s"), ("True", "s")]
    assert (ws["D9"].value, ws["D9"].data_type) == ("inf", "s")


def test_an_empty_plan_is_the_same_streamed(tmp_path: Path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    write_form(folder / "กองคลัง.xlsx", [])
    written = merge_both_ways(tmp_path, monkeypatch, folder, "--org", "เทศบาลตำบลทดสอบ")
    assert_same_files(written)


def write_sheet(path: Path, worksheet_class, rows: int) -> Worksheet:
    workbook = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    title, plain, money = (workbook.add_format(p) for p in ({"bold": True}, {"border": 1},
                                                             {"num_format": "#,##0.00", "bg_color": "#F8CBAD"}))
    ws = workbook.add_worksheet("s", worksheet_class=worksheet_class)
    ws.merge_range(0, 1, 0, 2, "narrower than the body, same block", title)
    ws.set_row(1, 30)
    for r in range(2, 2 + rows):
        ws.stream_row(r, [(r - 1, plain), (f"แถว {r}" if r % 3 else "", plain), (r * 1.5, money), (r % 2 == 0, plain)],
                      15 + r % 7)
        if r == 5:
            ws.write_comment(r, 1, "ข้อผิดพลาด", {"x_scale": 3, "y_scale": 2})
    if rows >= 5:
        ws.stream_merge(4, 0, 6, 0)
    ws.write_string(2 + rows, 0, "รวม", title)
    ws.write_formula(2 + rows, 2, "=SUM(C3:C10)", money, 123)
    ws.set_row(3 + rows, 9)  # a height alone, no cells
    workbook.close()
    return ws


@pytest.mark.parametrize("rows", [1, 14, 40])
def test_streamed_rows_between_xlsxwriter_rows_are_xlsxwriters_own(tmp_path: Path, rows: int):
    sheets = {kind: write_sheet(tmp_path / f"{kind}.xlsx", cls, rows)
              for kind, cls in (("streamed", StreamedRows), ("cells", CellByCell))}
    assert_same_files({kind: tmp_path / f"{kind}.xlsx" for kind in sheets})
    # Only the rows above and below are kept as cells; a streamed row is a height.
    assert sorted(r for r, cells in sheets["streamed"].table.items() if cells) == [0, 2 + rows]
    assert sheets["streamed"].row_points(2) == sheets["cells"].row_points(2) == 17.25
    ws = openpyxl.load_workbook(tmp_path / "streamed.xlsx")["s"]
    assert [ws.cell(3, c).value for c in range(1, 5)] == [1, "แถว 2", 3, True]
    assert ws.cell(3 + rows, 1).value == "รวม" and ws.row_dimensions[3].height == 17.25


def test_streamed_rows_refuse_what_would_make_a_wrong_sheet(tmp_path: Path):
    workbook = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), WORKBOOK_OPTIONS)
    plain = workbook.add_format({"border": 1})
    ws = workbook.add_worksheet("s", worksheet_class=StreamedRows)
    ws.write_string(3, 0, "หัว", plain)
    with pytest.raises(ValueError, match="below the rows written through xlsxwriter"):
        ws.stream_row(3, [("ก", plain)], 15)
    ws.stream_row(4, [("ก", plain), ("ข", plain)], 15)
    with pytest.raises(ValueError, match="one at a time"):
        ws.stream_row(6, [("ก", plain), ("ข", plain)], 15)
    with pytest.raises(ValueError, match="one at a time"):
        ws.stream_row(5, [("ก", plain)], 15)
    with pytest.raises(TypeError):
        ws.stream_row(5, [(float("nan"), plain), ("ข", plain)], 15)
    ws.write_string(6, 2, "wider than the streamed rows, in their block", plain)
    with pytest.raises(ValueError, match="reach past"):
        workbook.close()
    workbook = xlsxwriter.Workbook(str(tmp_path / "y.xlsx"), WORKBOOK_OPTIONS)
    ws = workbook.add_worksheet("s", worksheet_class=StreamedRows)
    ws.write_body(0, [["ก", 1], ["ข", 2]], workbook.add_format({"border": 1}))
    ws.set_row(1, 40)  # too late: the row is written
    with pytest.raises(ValueError, match="among the streamed rows"):
        workbook.close()
