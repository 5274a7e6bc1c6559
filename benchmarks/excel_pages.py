"""How many pages the seed's master takes printed from Excel with TH SarabunPSK (issue 21): an estimate,
no Excel being at hand. Run: .venv/bin/python benchmarks/excel_pages.py

The model, each step a fact checked here or a stated assumption:
- Text: TH SarabunPSK's advances are Laksaman's / 1.5042, rounded up (FIELD-NOTES; Laksaman is "based
  on TH Sarabun New", its name table says; the factor itself is the earlier research's, TH SarabunPSK
  not being here): the estimator's wrapping (both pythainlp engines, the longer) with text 1.5042 times
  narrower (+0.4 % for the rounding up).
- Columns: Excel's width of a column of stored width w in a workbook whose Normal font is Arial 10
  (7-pixel digits): trunc((256 w + trunc(128 / 7)) / 256 * 7) pixels of 0.75 pt, less 2 pixels of
  margin a side, less 9 pt where the text is indented one step.
- Lines: TH Sarabun New's ascent + descent, 1.301 em, plus its 0.03 gap, in whole pixels; a row fitted
  by Excel is its lines and the cell's 2 pt of padding (assumed: Excel's own padding is not published).
- Rows Excel does not fit (merged: titles, header, totals, legend) keep their stored heights.
- Page: A4 landscape, the master's margins, fitted one page wide at a whole percentage (Excel rounds
  the scale down), the header rows repeated, the master's manual page break kept.
"""

from __future__ import annotations

import math
import sys
import tempfile
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from ita_workbook import form, master, xlsx_style  # noqa: E402
from ita_workbook.config import load_config  # noqa: E402
from ita_workbook.master import FORM_SHEET, Heading, write_master  # noqa: E402
from ita_workbook.validate import validate_files  # noqa: E402
from seed import PLAN_TOML, write_department_workbooks  # noqa: E402

PSK_SCALE = 1 / 1.5042 * 1.004
PSK_PITCH = 1.301 + 0.03


def excel_points(stored_width: float) -> float:
    return math.trunc((256 * stored_width + math.trunc(128 / 7)) / 256 * 7) * 0.75


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        write_department_workbooks(Path(folder) / "in")
        plan = validate_files(sorted((Path(folder) / "in").glob("*.xlsx")), load_config(PLAN_TOML)).plan
        order = load_config(PLAN_TOML).department_names
        target = Path(folder) / "master.xlsx"
        layout = write_master(plan, target, Heading(organisation="เทศบาลตำบลโพทะเล", fiscal_year=2566),
                              department_order=order)
        ws = openpyxl.load_workbook(target)[FORM_SHEET]
        stored = [ws.row_dimensions[r].height or 15.0 for r in range(1, ws.max_row + 1)]
        widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(c + 1)].width for c in range(len(form.COLUMNS))]
        breaks = [b.id for b in ws.row_breaks.brk]

    # Rows as Excel fits them: the lines of each project's texts in TH SarabunPSK.
    points = [excel_points(w) for w in widths]
    rooms = [p - 3.0 - (9.0 if c.kind == form.TEXT else 0.0) for p, c in zip(points, form.COLUMNS)]
    excel = list(stored)
    projects = plan.ordered(order)
    for project, (first, last) in zip(projects, layout.project_rows):
        if first != last:
            continue  # spread over merged rows: heights kept
        lines = 1
        for column, room in zip(form.COLUMNS, rooms):
            value = getattr(project, column.key, None) if column.key not in ("no",) else None
            if column.key == "budget" and project.budget is None:
                value = form.NO_BUDGET
            text = master._text_of(value) if value is not None else ""
            if text:
                em_room = round(room / (master.FONT_SIZE * PSK_SCALE), 3)
                lines = max(lines, xlsx_style._line_count(text, em_room, False))
        excel[first - 1] = math.ceil((lines * PSK_PITCH * master.FONT_SIZE + 2.0) / 0.75) * 0.75

    table = sum(points)
    printable = master.PAPER_POINTS[0] - 72 * (master.MARGINS["left"] + master.MARGINS["right"])
    scale = min(100, math.floor(100 * printable / table)) / 100
    page = (master.PAPER_POINTS[1] - 72 * (master.MARGINS["top"] + master.MARGINS["bottom"])) / scale
    top, bottom = layout.header_rows
    for name, heights in (("stored heights (Excel keeping them, as before)", stored),
                          ("rows fitted by Excel to TH SarabunPSK", excel)):
        header = sum(heights[r - 1] for r in range(top, bottom + 1))
        pages, used = 1, 0.0
        for r, h in enumerate(heights, start=1):
            if (used + h > page and used > header) or (r - 1 in breaks and used > header):
                pages, used = pages + 1, header
            used += h
        body = sum(heights[first - 1] for first, _ in layout.project_rows)
        print(f"{name}: {pages} pages (scale {scale:.2f}, project rows {body:,.0f} pt, "
              f"{page - header:,.0f} pt of rows a page after the header)")


if __name__ == "__main__":
    main()
