"""What is drawn over a plan's table (drawings.py), read against the table: an arrow or line over the
period columns is the quarters or months it covers; anything else drawn over the table is named.

The rule for a line (or a block arrow shape) over the period columns (quarters, or months: a month
counts for its quarter):
- it lies on one project: every row it touches is that project's row, a row joined into it (text
  continued below) or a row its merged cells cover (a line ending exactly on a row's top border does
  not touch that row);
- each column it touches is covered by the share of its width the line spans there (from the EMU
  offsets of its anchors): a period column covered by at least a third of its width is marked, one
  covered by a tenth or less is not (an arrow's tip over the border), and one in between is too
  close to call; a column that is no period column may be touched by a tenth of its width at most.
Where all of that holds, the covered periods are the project's marks (added to those typed in its
cells); otherwise the line is `drawn-period-unclear` at its anchor cell, an error, so that nothing
is counted from a guess. Other objects over the table's rows (text boxes, pictures, shapes) are
`drawing-over-counts` (an error) when over a column that is counted (period, budget, มิติ), else
`drawing-over-table` (a warning). Objects above the header (a logo in the title block) or below the
table (a signature) are the title and footer: not named.
"""

from __future__ import annotations

import re

from .drawings import Drawing
from .form import QUARTER_KEYS, YEAR_PREFIX, quarter_of_month
from .grid import Grid
from .problems import Problem
from .reader import DIMENSION_MARK_PREFIX, RawCell, RawRow, Table, _column_letters, cell_address

MARKED_SHARE = 1 / 3  # of a period column's width, covered: marked
TIP_SHARE = 1 / 10  # or less: not touched (an arrow's tip over the border)
BORDER_EMU = 2 * 12700  # a line ending within 2 points into a row lies on its top border

_KINDS = {"line": ("เส้นหรือลูกศร", "line or arrow"), "arrow": ("รูปลูกศร", "arrow shape"),
          "group": ("กลุ่มรูปวาด", "group of shapes"), "textbox": ("กล่องข้อความ", "text box"),
          "picture": ("รูปภาพ", "picture"), "chart": ("แผนภูมิ", "chart"), "shape": ("รูปร่าง", "shape"),
          "other": ("วัตถุ", "object")}
_UNREAD = {"damaged": ("รูปวาดบนแผ่นงานนี้เสียหาย อ่านไม่ได้ บันทึกไฟล์ใหม่เป็น .xlsx",
                       "the drawings of this sheet are damaged; save the file again as .xlsx"),
           "too-many": ("แผ่นงานนี้มีรูปวาดมากผิดปกติ อ่านไม่ได้ ลบรูปวาดที่ไม่ใช้",
                        "this sheet holds an absurd number of drawn objects; delete those not needed")}


def read_drawn(path: str, sheet: Grid, tables: list[Table]) -> list[Problem]:
    """Marks the periods drawn over `tables` (of `sheet`) on their projects; the problems of what is
    drawn and not read."""
    if sheet.drawings_unread:
        reason = sheet.drawings_unread
        thai, english = _UNREAD[reason]
        return [Problem("drawing-unread", path, sheet=sheet.name, value=reason, detail=thai, detail_en=english)]
    if not sheet.drawings or not tables:
        return []
    problems: list[Problem] = []
    spans = _merged_spans(sheet)
    for drawing in sheet.drawings:
        for table in tables:
            rows = _rows_touched(drawing)
            body = _body(table, spans)
            if body is None or rows[-1] < body[0] or rows[0] > body[1]:
                continue
            problem = _place(path, sheet.name, table, drawing, rows, spans)
            if problem is not None:
                problems.append(problem)
            break
    return problems


def _body(table: Table, spans: dict[int, int]) -> tuple[int, int] | None:
    """The 0-based rows of the table below its header down to its totals row, or its last project."""
    last = table.totals.row - 1 if table.totals else max(
        (_project_rows(row, spans)[-1] for row in table.rows), default=None)
    return None if last is None else (table.header_row, last)


def _rows_touched(drawing: Drawing) -> list[int]:
    (r0, _), (r1, _) = drawing.start, drawing.end
    if r1 > r0 and drawing.end_y <= BORDER_EMU:
        r1 -= 1
    return list(range(r0, max(r0, r1) + 1))


def _merged_spans(sheet: Grid) -> dict[int, int]:
    """Row → the last row a merged range starting on it covers (a project's cells merged down)."""
    spans: dict[int, int] = {}
    for (r0, _), (r1, _) in sheet.merged:
        if r1 > r0:
            spans[r0] = max(spans.get(r0, r0), r1)
    return spans


_ROW_NUMBER = re.compile(r"[0-9]+$")


def _project_rows(row: RawRow, spans: dict[int, int]) -> list[int]:
    first = row.row - 1
    rows = {first, *range(first, spans.get(first, first) + 1)}
    for address in row.continued:
        if (digits := _ROW_NUMBER.search(address)) is not None:
            rows.add(int(digits[0]) - 1)
    return sorted(rows)


def _place(path: str, sheet: str, table: Table, drawing: Drawing, rows: list[int],
           spans: dict[int, int]) -> Problem | None:
    periods = {col: key for key, col in table.columns.items() if key in QUARTER_KEYS or key.startswith("month")}
    counted = {col for key, col in table.columns.items()
               if key in table.form.counted_keys or key.startswith(("month", YEAR_PREFIX, DIMENSION_MARK_PREFIX))
               or key == "quarters"}
    shares = _column_shares(drawing)
    touched = sorted(col for col, share in shares.items() if share > TIP_SHARE)
    anchor = cell_address(*drawing.start)
    thai, english = _KINDS.get(drawing.kind, _KINDS["other"])
    where = dict(sheet=sheet, cell=anchor, row=drawing.start[0] + 1)
    text = f" \"{drawing.text[:60]}\"" if drawing.text else ""
    if not (drawing.is_line or drawing.has_line) or not any(col in periods for col in touched):
        code = "drawing-over-counts" if any(col in counted for col in touched) else "drawing-over-table"
        return Problem(code, path, value=f"{thai}{text}", detail=thai + text, detail_en=english + text, **where)

    def unclear(why: str, why_en: str) -> Problem:
        return Problem("drawn-period-unclear", path, value=thai, detail=f"{thai}ที่วาดไว้{why}",
                       detail_en=f"{english} drawn here {why_en}", **where)

    if drawing.kind == "group":
        return unclear("เป็นกลุ่มของรูปวาดหลายชิ้น", "is a group of several shapes")
    if not drawing.exact:
        return unclear("ไม่ได้ยึดกับช่องของตาราง (วางตามตำแหน่งบนหน้า)", "is not anchored to the table's cells")
    project = _project_on(table, rows, spans)
    if project is None:
        return unclear("ไม่ได้อยู่บนแถวของโครงการเดียว", "does not lie on the row(s) of one project")
    outside = [col for col in touched if col not in periods]
    if outside:
        return unclear(f"ยาวเลยช่องระยะเวลาไปถึงคอลัมน์ {_column_letters(outside[0])}",
                       f"runs past the period columns into column {_column_letters(outside[0])}")
    halfway = [col for col in touched if col in periods and shares[col] < MARKED_SHARE]
    if halfway:
        letters = _column_letters(halfway[0])
        return unclear(f"คลุมคอลัมน์ {letters} เพียงบางส่วน ({shares[halfway[0]]:.0%} ของความกว้าง) "
                       "ไม่แน่ชัดว่ารวมช่วงเวลานั้นหรือไม่",
                       f"covers only {shares[halfway[0]]:.0%} of column {letters}: whether that period is meant "
                       "is unclear")
    for col in touched:
        key = periods[col]
        # A month marks its quarter too (the reader made each quarter's cell of its months). A cell
        # holding something already keeps it: what is typed is read and checked as typed.
        for marked in {key, quarter_of_month(key) if key.startswith("month") else key}:
            cell = project.cells.get(marked)
            if cell is None or cell.value is None:
                project.cells[marked] = RawCell(True, anchor)
    return None


def _column_shares(drawing: Drawing) -> dict[int, float]:
    """Column → the share of its width the drawing spans."""
    (_, c0), (_, c1) = drawing.start, drawing.end
    if c1 < c0:
        return {}
    if c0 == c1:
        return {c0: max(0.0, drawing.end_x - drawing.start_x)}
    shares = {col: 1.0 for col in range(c0 + 1, min(c1, c0 + 1000))}
    shares[c0] = 1.0 - drawing.start_x
    shares[c1] = drawing.end_x
    return shares


def _project_on(table: Table, rows: list[int], spans: dict[int, int]) -> RawRow | None:
    """The one project all of `rows` belong to, or None."""
    found = None
    for row in table.rows:
        own = set(_project_rows(row, spans))
        if rows[0] in own:
            found = row if all(r in own for r in rows) else None
            break
    return found
