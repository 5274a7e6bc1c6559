"""The master workbook: the plan in the official form, a summary with charts, and the plain data.

Sheets, in order:

- ``แผนปฏิบัติการ`` — the official form, as published: title lines, the two-row header (repeated on
  every printed page), one row per project ordered by มิติ then department, the ``รวมทั้งสิ้น …
  โครงการ`` row with live formulas that carry their values, the date, the issuer and the legend.
  Plain enough for the reader to read back as a plan (``check``, ``template --from``).
- ``สรุป`` — projects and budget per มิติ and per department, projects per quarter, each with a chart.
  Formulas on the form sheet's cells, so that they stay equal to it.
- ``ข้อมูล`` — one row per project for programs and for tracing a row back to its file. Its columns
  are a public interface (add columns at the end, never rename):

  ======================  ==================================================================
  ``no``                  the project's number on the form (1, 2, …)
  ``form_row``            the form sheet's row of the project (1-based)
  ``name`` ``unit``       text as on the form
  ``quantity``            a number, or text such as ทุกครั้งที่ดำเนินการ
  ``budget``              baht, a number; empty when ไม่ใช้งบประมาณ
  ``no_budget``           TRUE when the project says ไม่ใช้งบประมาณ
  ``dimension``           มิติ 1-4 (0 in a draft when it could not be read)
  ``indicator``           ตัวชี้วัด
  ``outcome``             ผลลัพธ์
  ``q1`` … ``q4``         TRUE when the project runs in that quarter
  ``department``          the configured name of the department
  ``source_file``         the department's file, as given to merge
  ``source_sheet``        its sheet
  ``source_row``          the row of the project's first line in that sheet
  ``source_cell``         the cell its name was read from (B8)
  ``has_errors``          TRUE for a row kept in a draft despite errors
  ``problems``            those errors' messages (Thai), one per line
  ======================  ==================================================================

- ``e-PlanNACC`` — one row per project in the order e-PlanNACC's form asks for it (ประเภทงาน from the
  name's first word, name, มิติ, ไตรมาส, งบประมาณ or ไม่ใช้งบประมาณ, กลุ่มเป้าหมาย and วัตถุประสงค์ left
  for the clerk, department), to key the NACC's system in from.
- ``_ita_workbook`` (hidden) — key/value rows like a template's: kind=master, form_version,
  organisation, district, province, fiscal_year, generated, … so that a province can read masters.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

from xlsxwriter.utility import xl_col_to_name

from . import __version__, eplan
from . import form
from .config import DEFAULT_FONT
from .plan import Plan, Project
from .problems import Problem
from .thai import thai_date, to_thai_digits
from .xlsx_style import (ARIAL_COLUMNS, THAI, StreamedRows, THAI_INTEGER, WORKBOOK_OPTIONS, Formats,
                         a4_landscape, in_digits, text_width, write_details)
from .xlsx_style import lines_height as _lines_height
from .xlsx_style import measuring

FORM_SHEET = "แผนปฏิบัติการ"
SUMMARY_SHEET = "สรุป"
DATA_SHEET = "ข้อมูล"
KIND = "master"

DATA_COLUMNS = ("no", "form_row", "name", "unit", "quantity", "budget", "no_budget", "dimension",
                "indicator", "outcome", "q1", "q2", "q3", "q4", "department", "source_file",
                "source_sheet", "source_row", "source_cell", "has_errors", "problems")

# The Thai header each data column shows and prints (the cells keep the names above).
DATA_HEADERS = {
    "no": "ที่", "form_row": "แถวในแผน", **{c.key: c.header for c in form.COLUMNS if c.key != "no"},
    "no_budget": form.NO_BUDGET, "dimension": "มิติ", "department": "หน่วยงานรับผิดชอบ", "source_file": "ไฟล์",
    "source_sheet": "แผ่นงาน", "source_row": "แถว", "source_cell": "เซลล์", "has_errors": "มีข้อผิดพลาด",
    "problems": "ข้อผิดพลาด"}

MARK = "/"
BLANK = "........................"  # a missing organisation, year or place shows as a line to fill
# 14 pt in the table (16 pt prints 13 pt once fitted to the page width, two projects a page);
# the printed plans look like this.
FONT_SIZE = 14
TITLE_SIZE = 16
MAX_ROW_HEIGHT = 409.0  # Excel's limit; a taller project is spread over several rows
DRAFT_FILL = "#F8CBAD"
THAI_DECIMAL = "[$-D00041E]#,##0.00"
THAI_NUMBER = "[$-D00041E]0"
THAI_SEQUENCE = '[$-D00041E]0"."'  # ๑. ๒. … while the cell stays the number 1, 2, …
THAI_QUANTITY = "[$-D00041E]General"
# Arial 10 as the workbook's default font: column widths are counted in its digits, and Arial (or
# its metric twin Liberation Sans) is there wherever the file is opened, so the columns keep the
# width that row heights were computed for. With Calibri, missing on Linux, LibreOffice widens
# every column by a third.
DEFAULT_FONT_OPTIONS = {"default_format_properties": {"font_name": "Arial", "font_size": 10}}


def workbook_options() -> dict:
    """The options of a workbook in Arial 10, made anew for each: xlsxwriter writes into the default
    font's properties it is given, and a second workbook from the same ones lost its font's theme
    scheme (styles.xml), so that two masters written by one process differed."""
    return {**WORKBOOK_OPTIONS, "default_format_properties": dict(DEFAULT_FONT_OPTIONS["default_format_properties"])}


# Binding edge on the left (inches).
MARGINS = {"left": 1.0, "right": 0.4, "top": 0.5, "bottom": 0.6}
PAPER_POINTS = (841.89, 595.28)  # A4 landscape
# The printed table's widths where they differ from the form's. The quarter columns hold one `/`:
# their header prints smaller (the largest size at which ไตรมาส fits whole) and the width they
# free goes to the long texts. Fitted to the page, a wider table prints smaller, so rows take
# fewer lines *and* fewer points: the seed's master went from 12 pages here (Laksaman) to 9.
PRINT_WIDTHS = {"name": 34, "indicator": 40, "outcome": 32}
QUARTER_WIDTH = 6.5
# Left-aligned text is indented one step, so that it does not touch the cell's border (LibreOffice
# leaves 1 pt otherwise): 8.6 points here (measured on the seed's PDF), taken off the room the
# estimator gives such a column, in form widths, with a little to spare.
INDENT = 9.0 / ARIAL_COLUMNS.per_width
MIN_HEADER_SIZE = 9
ORDERS = ("department", "as-read")

# --- how much room text takes: xlsx_style's estimator, at the table's size -------------------------

def line_count(text: str, width: float, size: float = FONT_SIZE, bold: bool = False) -> int:
    return ARIAL_COLUMNS.line_count(text, width, size, bold)


def lines_height(lines: int, size: float = FONT_SIZE) -> float:
    return _lines_height(lines, size)


def row_height(cells: Iterable[tuple[str, float]], size: float = FONT_SIZE, bold: bool = False) -> float:
    """The height (points) a row needs so that none of its (text, column width) cells is clipped."""
    return ARIAL_COLUMNS.row_height(cells, size, bold=bold)


@dataclass
class Heading:
    """What the titles, the footer and the metadata say. Empty values print as a dotted line."""
    organisation: str = ""
    district: str = ""
    province: str = ""
    fiscal_year: int | None = None
    as_of: dt.date = field(default_factory=dt.date.today)
    issuer: str = ""
    draft: bool = False
    digits: str = THAI  # digits in text: THAI or ARABIC (xlsx_style)


@dataclass
class Layout:
    """Where things landed on the form sheet (1-based rows), for the data sheet, callers and tests."""
    header_rows: tuple[int, int] = (0, 0)
    project_rows: list[tuple[int, int]] = field(default_factory=list)  # (first, last) row of each project
    totals_row: int = 0
    projects: int = 0


def write_master(plan: Plan, target: str | Path, heading: Heading, *, department_order: Iterable[str] = (),
                 font: str = DEFAULT_FONT, problems: Iterable[Problem] = (), form_only: bool = False,
                 order: str = "department", file_names: Mapping[str, str] | None = None) -> Layout:
    """Write the master workbook to `target` (callers make that path atomic).

    Projects go by มิติ, then (`order`) by the configured department order or as they were read.
    `problems` mark the rows of a draft; `form_only` writes just the form sheet (for the PDF);
    `file_names`: the name the data sheet shows for an input's path (default: the path as given)."""
    import xlsxwriter

    if order == "as-read":
        projects = sorted(plan.projects, key=lambda p: p.dimension)  # stable: the order read
    else:
        projects = plan.ordered(list(department_order))
    by_project = _problems_by_project(projects, problems)
    workbook = xlsxwriter.Workbook(str(target), workbook_options())
    try:
        with measuring(font):  # rows as tall as text in `font` needs (the PDF's Sarabun: a fifth less)
            styles = Formats(workbook, font, FONT_SIZE, digits=heading.digits)
            plan_rows = None if form_only else eplan.PlanRows()
            layout = _form_sheet(workbook, styles, projects, heading, by_project, for_print=form_only,
                                 then=plan_rows.add if plan_rows is not None else None)
            if plan_rows is not None:
                _summary_sheet(workbook, styles, projects, heading, layout, list(department_order))
                _data_sheet(workbook, styles, projects, layout, by_project, file_names or {})
                eplan.write_rows(workbook, styles, eplan.SHEET, eplan.PLAN_FIELDS, plan_rows.rows, plan_rows.heights)
            _metadata_sheet(workbook, projects, heading)
    finally:
        workbook.close()
    if not form_only:  # province then skips reading the printed sheet while its seal holds
        from .grid import seal_file

        seal_file(Path(target), FORM_SHEET)
    return layout


# --- the form sheet --------------------------------------------------------------------------------

_INDEX = {c.key: i for i, c in enumerate(form.COLUMNS)}
_LAST_COL = len(form.COLUMNS) - 1
# Text that may be long enough to spread a project over several rows (the reader joins them back).
_SPLITTABLE = ("indicator", "outcome")
_OWN_TEXT = ("name", *_SPLITTABLE)  # each project's own, seldom repeated


def _title_lines(heading: Heading) -> list[str]:
    year = in_digits(str(heading.fiscal_year), heading.digits) if heading.fiscal_year else BLANK
    title = form.TITLE.format(year=year)
    if heading.draft:
        title += f" ({form.DRAFT_MARK})"
    location = form.LOCATION.format(district=heading.district or BLANK, province=heading.province or BLANK)
    return [title, form.SUBTITLE.format(organisation=heading.organisation or BLANK), location]


def _footer_lines(heading: Heading) -> list[tuple[str, bool]]:
    """(text, bold) of the lines under the totals."""
    lines = [("", False), (form.DATA_AS_OF.format(date=in_digits(thai_date(heading.as_of), heading.digits)), False),
             (form.ISSUER.format(issuer=heading.issuer or BLANK), False), ("", False),
             (form.LEGEND_TITLE, True)]
    lines += [(form.LEGEND_LINE.format(number=in_digits(str(d.number), heading.digits), name=d.name), False)
              for d in form.DIMENSIONS]
    return lines


def _column_widths(projects: list[Project]) -> list[float]:
    """The printed widths, widened where a number would not fit (Excel shows ### then) or a word of
    the header would be broken (the quarters' headers print smaller instead, see `_header_size`)."""
    widths = [QUARTER_WIDTH if c.kind == form.MARK else PRINT_WIDTHS.get(c.key, c.width) for c in form.COLUMNS]
    needed = {c.key: max(text_width(w.strip(), FONT_SIZE if c.kind != form.MARK else MIN_HEADER_SIZE, bold=True)
                         for w in _words(c.header)) for c in form.COLUMNS}
    numbers = {
        "no": [f"{len(projects)}."],
        "budget": [_thai_amount(sum(p.budget_value for p in projects))]
                  + [_thai_amount(p.budget) for p in projects if p.budget is not None],
        "quantity": [_text_of(p.quantity) for p in projects if isinstance(p.quantity, float)],
    }
    for key, texts in numbers.items():
        needed[key] = max([needed[key], *(text_width(t, FONT_SIZE, bold=True) for t in texts)])
    # The short texts' longest word (หน่วยนับ, หน่วยงาน): narrower, the column had LibreOffice break
    # "ข่าวสา|รของ", "เทศบา|ลตำบล"; left-aligned text also has the indent to clear.
    for key in SHORT_TEXTS:
        column = form.COLUMNS[_INDEX[key]]
        word = longest_word({_text_of(getattr(p, key)) for p in projects}, widths[_INDEX[key]])
        needed[key] = max(needed[key], word + (INDENT * ARIAL_COLUMNS.per_width if column.kind == form.TEXT else 0))
    for key, points in needed.items():
        i = _INDEX[key]
        while ARIAL_COLUMNS.room(widths[i]) < points:
            widths[i] += 0.5
    return widths


# Columns of short texts: as wide as their longest word (`longest_word`), and in the PDF's copy broken
# between words (`between_words`).
SHORT_TEXTS = ("unit", "department")
WIDEST = 1.5  # times its form width, the most a column widens for a word (a URL stays broken)


def longest_word(texts: Iterable[str], width: float, size: float = FONT_SIZE, bold: bool = False) -> float:
    """Points the widest word of `texts` takes (pythainlp's words, punctuation kept with them), at most
    what a column `WIDEST` times `width` holds: a column as wide as that breaks no word of them."""
    widest = max((text_width(word.strip(), size, bold) for text in texts for line in str(text).split("\n")
                  for word in _words(line) if line.strip()), default=0.0)
    return min(widest, ARIAL_COLUMNS.room(WIDEST * width))


def text_rooms(widths: Iterable[float], columns: Iterable[form.Column]) -> list[float]:
    """The room each column's text has (form widths): less the indent where it is left-aligned
    (`_cell_format`), which the report's sheet shares."""
    return [w - INDENT if c.kind == form.TEXT else w for w, c in zip(widths, columns)]


def _header_size(text: str, width: float) -> float:
    """The table's size, or the largest smaller one at which no word of `text` is broken."""
    size = FONT_SIZE
    while size > MIN_HEADER_SIZE and max(text_width(w.strip(), size, True) for w in _words(text)) \
            > ARIAL_COLUMNS.room(width):
        size -= 0.5
    return size


@lru_cache(maxsize=256)
def _words(text: str) -> tuple[str, ...]:
    """The words of a header or form text, by pythainlp's own dictionary: it keeps งบประมาณ and
    รับผิดชอบ whole, where ICU's (LibreOffice's) has งบ|ประมาณ and รับผิด|ชอบ."""
    from pythainlp.tokenize import word_tokenize

    from .xlsx_style import default_words  # pythainlp's words, quicker to load than its own trie

    words: list[str] = []
    for piece in text.split():
        cut = word_tokenize(piece, engine="newmm", keep_whitespace=False, custom_dict=default_words())
        for word in (cut if "".join(cut) == piece else [piece]):
            # Punctuation stays with its word: "(" with the next, ")" "/" "," with the one before.
            if words and (word[0] in _CLOSING or words[-1][-1] in _OPENING) and not words[-1].endswith(" "):
                words[-1] += word
            else:
                words.append(word)
        words[-1] += " "
    return tuple(w for w in words if w.strip()) or (text,)


_OPENING, _CLOSING = "([{“‘\"", ")]}”’\"/,.:;!?"


def header_text(text: str, width: float) -> tuple[str, float]:
    """A header as printed in a column `width` wide: its lines broken between words, at the table's
    size or, where a word would not fit whole, the largest smaller one (ไตรมาส in a narrow column)."""
    size = _header_size(text, width)
    return _between_words(text, width, size), size


def _between_words(text: str, width: float, size: float = FONT_SIZE, bold: bool = True) -> str:
    """`text` with a line break wherever it has to wrap, always between two words: left to itself,
    LibreOffice breaks หน่วยงานรับผิด|ชอบ and งบ|ประมาณ, where its dictionary fills the line more."""
    room = ARIAL_COLUMNS.room(width)
    lines = [""]
    for word in _words(text):
        if lines[-1] and text_width((lines[-1] + word).rstrip(), size, bold) > room:
            lines.append("")
        lines[-1] += word
    return "\n".join(line.strip() for line in lines)


def between_words(text: str, width: float, size: float = FONT_SIZE, bold: bool = False) -> str:
    """`_between_words` of each of `text`'s own lines (its line breaks kept)."""
    return "\n".join(_between_words(line, width, size, bold) if line.strip() else line for line in text.split("\n"))


def _thai_amount(value: float) -> str:
    return to_thai_digits(f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}")


def _form_sheet(workbook, styles: Formats, projects: list[Project], heading: Heading,
                by_project: dict[int, list[Problem]], then=None, for_print: bool = False) -> Layout:
    """`then(number, project)`: called after each project's rows (eplan.PlanRows.add); `for_print`:
    the copy a PDF is made of, its short texts broken between words (`_FormCells.shown`)."""
    ws = workbook.add_worksheet(FORM_SHEET, worksheet_class=StreamedRows)
    ws.activate()
    widths = _column_widths(projects)
    full_width = sum(widths)
    for i, width in enumerate(widths):
        ws.set_column(i, i, width)
    layout = Layout(projects=len(projects))

    row = 0
    for text in _title_lines(heading):
        _merged_text(ws, row, 0, row, _LAST_COL, text, styles.title(font_size=TITLE_SIZE, border=0))
        ws.set_row(row, row_height([(text, full_width)], TITLE_SIZE, bold=True))
        row += 1
    ws.set_row(row, 8)
    row += 1

    top, bottom = row, row + 1
    _header(ws, styles, top, bottom, widths)
    layout.header_rows = (top + 1, bottom + 1)
    row = bottom + 1

    cells = _FormCells(styles, text_rooms(widths, form.COLUMNS), for_print)
    for number, project in enumerate(projects, start=1):
        first = row
        row = _project_rows(ws, cells, row, number, project, by_project.get(id(project), []))
        layout.project_rows.append((first + 1, row))
        if then:
            then(number, project)

    layout.totals_row = row + 1
    _totals(ws, styles, row, projects, layout)
    row += 1

    for text, bold in _footer_lines(heading):
        if text:
            _merged_text(ws, row, 0, row, _LAST_COL, text, styles(bold=bold, text_wrap=True, align="left"))
        ws.set_row(row, row_height([(text, full_width)]) if text else FONT_SIZE)
        row += 1

    a4_landscape(ws, repeat_rows=(top, bottom), font=styles.font)
    ws.set_margins(**MARGINS)
    _keep_end_together(ws, widths, layout, row)
    if heading.draft:
        ws.set_header(f'&C&"{styles.font},Bold"&18&KFF0000{form.DRAFT_MARK}', {"margin": 0.25})
    ws.hide_gridlines(2)
    return layout


def _keep_end_together(ws, widths: list[float], layout: Layout, end: int) -> None:
    """A page break before the last project when the pages would otherwise end between it and the
    totals or inside the legend (a legend alone under a repeated, empty table header).

    The pages are laid out as LibreOffice does, a row at a time on a page fitted to the table's
    width, with a little room to spare so that a slightly different count moves the break earlier
    (a fuller page before it), never leaves the legend alone."""
    if not layout.project_rows:
        return
    height = [ws.row_points(r) for r in range(end)]
    table = sum(ARIAL_COLUMNS.per_width * w + ARIAL_COLUMNS.padding for w in widths)
    # LibreOffice 7.4 draws rows smaller than this model's table width over the paper's would make
    # them (its lines 1.47 em apart where 1.657 is drawn unscaled). Masters of 4, 8 and 9 equal
    # projects of 142.5 points put a page's capacity between 910 and 1,057 points of rows at this
    # width: 0.82 puts it at 920 (the seed's master and those pages come out as LibreOffice makes them).
    scale = min(1.0, 0.82 * (PAPER_POINTS[0] - 72 * (MARGINS["left"] + MARGINS["right"])) / table)
    page = (PAPER_POINTS[1] - 72 * (MARGINS["top"] + MARGINS["bottom"])) / scale
    header = sum(height[r - 1] for r in range(layout.header_rows[0], layout.header_rows[1] + 1))
    last_first = layout.project_rows[-1][0] - 1  # 0-based first row of the last project
    used, page_of = 0.0, []
    pages = 0
    for r in range(end):
        if used + height[r] > page and used > header:
            pages, used = pages + 1, header
        used += height[r]
        page_of.append(pages)
    alone = last_first == layout.project_rows[0][0] - 1 or page_of[last_first - 1] != page_of[last_first]
    if page_of[end - 1] != page_of[last_first] and not alone:  # (alone: first on its page already)
        block = header + sum(height[r] for r in range(last_first, end))
        if block <= page:
            ws.set_h_pagebreaks([last_first])


def _header(ws, styles: Formats, top: int, bottom: int, widths: list[float],
            columns: tuple[form.Column, ...] = form.COLUMNS) -> None:
    """The official two-row header: a group over its columns, every other header merged down both rows."""
    fmt = styles.header()
    top_height, bottom_height, both_height = lines_height(1), lines_height(1), lines_height(1)
    groups: dict[str, list[int]] = {}
    for i, column in enumerate(columns):
        text, size = header_text(column.header, widths[i])
        height = lines_height(text.count("\n") + 1, size)
        if column.group:
            groups.setdefault(column.group, []).append(i)
            ws.write_string(bottom, i, text, fmt if size == FONT_SIZE else styles.header(font_size=size))
            bottom_height = max(bottom_height, height)
        else:
            _merged_text(ws, top, i, bottom, i, text, fmt)
            both_height = max(both_height, height)
    for group, cols in groups.items():
        text = _between_words(group, sum(widths[c] for c in cols))
        _merged_text(ws, top, cols[0], top, cols[-1], text, fmt)
        top_height = max(top_height, lines_height(text.count("\n") + 1))
    bottom_height = max(bottom_height, both_height - top_height)
    ws.set_row(top, top_height)
    ws.set_row(bottom, bottom_height)


def _max_lines(size: float = FONT_SIZE) -> int:
    lines = 1
    while lines_height(lines + 1, size) <= MAX_ROW_HEIGHT:
        lines += 1
    return lines


class _FormCells:
    """A project's cells on the form sheet: each value with its format (`_cell_format`), each kind
    of format looked up once; the lines of its texts, those that recur (units, amounts, marks,
    departments) counted once a column; and what every project's row shares (`rooms`: each
    column's room for text, in form widths)."""

    def __init__(self, styles: Formats, rooms: list[float], for_print: bool = False):
        self.styles = styles
        self.rooms = rooms
        self.for_print = for_print
        self.lines_per_row = _max_lines()
        self.no_budget = _between_words(form.NO_BUDGET, rooms[_INDEX["budget"]], bold=False)
        self._formats: dict[tuple, object] = {}
        self._lines: dict[tuple[str, str], int] = {}
        self._broken: dict[tuple[str, str], str] = {}

    def shown(self, key: str, text: str) -> str:
        """A short text as printed: in the PDF's copy, broken between pythainlp's words where it wraps
        (`between_words`), since LibreOffice breaks at ICU's (ข่าวสาร|ของ, but also งบ|ประมาณ)."""
        if not (self.for_print and key in SHORT_TEXTS and text):
            return text
        found = self._broken.get((key, text))
        if found is None:
            found = self._broken[key, text] = between_words(text, self.rooms[_INDEX[key]])
        return found

    def lines(self, key: str, text: str) -> int:
        if key in _OWN_TEXT:
            return line_count(text, self.rooms[_INDEX[key]])
        found = self._lines.get((key, text))
        if found is None:
            found = self._lines[key, text] = line_count(text, self.rooms[_INDEX[key]])
        return found

    def __call__(self, value: object, column: form.Column, fill: bool) -> tuple[object, object]:
        # A draft shows what was typed where it is wrong, as text (as `_write_value`): a date, TRUE,
        # NaN or inf is no number of the form.
        if isinstance(value, bool) or not isinstance(value, (str, int, float, type(None))) \
                or isinstance(value, float) and not math.isfinite(value):
            value = str(value)
        if value is None:
            kind = ""
        elif isinstance(value, (int, float)):
            kind = "integer" if float(value).is_integer() else "decimal"
        else:
            kind = "quoted" if value[:1] in ("=", "+", "-", "@") else ""
        key = (column.key, kind, fill)
        if key not in self._formats:
            self._formats[key] = _cell_format(self.styles, value, column, {"bg_color": DRAFT_FILL} if fill else {})
        return value, self._formats[key]


def _project_rows(ws, cells: _FormCells, row: int, number: int, project: Project, problems: list[Problem]) -> int:
    """Write one project from `row`; return the row after it. A project too tall for one row (Excel
    caps a row at 409 points) is spread over several: its long texts cut into pieces, row by row, the
    other cells merged down."""
    widths = cells.rooms
    shown = _shown_values(project, problems, cells.styles.digits)
    if shown["budget"] == form.NO_BUDGET:
        shown["budget"] = cells.no_budget
    for key in SHORT_TEXTS:
        if isinstance(shown[key], str):
            shown[key] = cells.shown(key, shown[key])
    texts = {key: _text_of(value) for key, value in shown.items()}
    lines = {key: cells.lines(key, text) for key, text in texts.items() if text}
    per_row = cells.lines_per_row
    pieces = {key: [texts[key]] for key in _SPLITTABLE}
    span = 1
    if max(lines.values(), default=1) > per_row:
        pieces = {key: _split_lines(texts[key], widths[_INDEX[key]], per_row) for key in _SPLITTABLE}
        fixed = max((n for key, n in lines.items() if key not in _SPLITTABLE), default=1)
        span = max(math.ceil(fixed / per_row), *(len(p) for p in pieces.values()))

    fill = project.has_errors
    grid = [[None] * len(form.COLUMNS) for _ in range(span)]
    for col, column in enumerate(form.COLUMNS):
        key = column.key
        if key in _SPLITTABLE:
            for offset in range(span):
                grid[offset][col] = cells(pieces[key][offset] if offset < len(pieces[key]) else "", column, fill)
            continue
        grid[0][col] = cell = cells(number if key == "no" else shown[key], column, fill)
        if span > 1:
            ws.stream_merge(row, col, row + span - 1, col)
            for offset in range(1, span):
                grid[offset][col] = (None, cell[1])

    if span == 1:  # the counts above are the row's: each text measured once
        heights = [min(lines_height(max(lines.values(), default=1)), MAX_ROW_HEIGHT)]
    else:
        heights = [min(row_height([(pieces[key][offset], widths[_INDEX[key]]) for key in _SPLITTABLE
                                   if offset < len(pieces[key])]), MAX_ROW_HEIGHT) for offset in range(span)]
    # Cells merged down the rows need the rows' total height: the last rows take what is missing.
    missing = lines_height(max((n for key, n in lines.items() if key not in _SPLITTABLE), default=1))
    missing -= sum(heights)
    for offset in reversed(range(span)):
        extra = min(max(missing, 0), MAX_ROW_HEIGHT - heights[offset])
        heights[offset] += extra
        missing -= extra
    for offset, height in enumerate(heights):
        ws.stream_row(row + offset, grid[offset], height, refit=span == 1)  # merged rows keep their height
    if problems:
        ws.write_comment(row, _INDEX["name"], "\n".join(f"• {p.message}" for p in problems),
                         {"x_scale": 3, "y_scale": 2, "font_name": cells.styles.font, "font_size": 14})
    return row + span


def _shown_values(project: Project, problems: list[Problem], digits: str) -> dict[str, object]:
    """The value each cell shows: the clean value, or in a draft what the clerk typed where it is wrong."""
    values: dict[str, object] = {
        "name": project.name, "unit": project.unit, "quantity": project.quantity,
        "budget": form.NO_BUDGET if project.budget is None else project.budget,
        "dimension": project.dimension if project.dimension in (1, 2, 3, 4) else None,
        "indicator": project.indicator, "outcome": project.outcome,
        "department": project.department,
        **{q: (MARK if on else None) for q, on in zip(form.QUARTER_KEYS, project.quarters)},
    }
    for problem in problems:
        if problem.is_error and problem.column in values:
            values[problem.column] = problem.value if problem.value not in ("", None) else None
    for key in ("name", "unit", "quantity", "indicator", "outcome"):
        if isinstance(values[key], str):
            values[key] = in_digits(values[key], digits)
    return values


def _text_of(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _thai_amount(value) if float(value).is_integer() else to_thai_digits(f"{value:,.6g}")
    return str(value)


def _cell_format(styles: Formats, value: object, column: form.Column, fill: dict):
    align = "left" if column.kind in (form.TEXT,) else "center"
    props = dict(fill)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if column.kind == form.SEQUENCE:
            props["num_format"] = THAI_SEQUENCE
        elif column.kind == form.BUDGET:
            props["num_format"] = THAI_INTEGER if float(value).is_integer() else THAI_DECIMAL
        elif column.kind == form.DIMENSION:
            props["num_format"] = THAI_NUMBER
        else:
            props["num_format"] = THAI_INTEGER if float(value).is_integer() else THAI_QUANTITY
    elif isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        props["quote_prefix"] = True  # shown and kept as text, also when someone edits the cell
    return styles.cell(align, **({"indent": 1} if align == "left" else {}), **props)  # see INDENT


def _write_value(ws, styles: Formats, row: int, col: int, value: object, column: form.Column,
                 fill: dict) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        value = str(value)  # see _FormCells
    fmt = _cell_format(styles, value, column, fill)
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)  # never a formula or a link, whatever it starts with


def _merged_text(ws, first_row: int, first_col: int, last_row: int, last_col: int, text: str, fmt) -> None:
    if (first_row, first_col) == (last_row, last_col):
        ws.write_string(first_row, first_col, text, fmt)
        return
    ws.merge_range(first_row, first_col, last_row, last_col, None, fmt)
    ws.write_string(first_row, first_col, text, fmt)


def _split_lines(text: str, width: float, per_row: int, columns=ARIAL_COLUMNS, size: float = FONT_SIZE) -> list[str]:
    """`text` cut into pieces of at most `per_row` lines of a column `width` wide, at a space where
    there is one, so that the reader, which joins the pieces with line breaks, gets the words back.
    `columns`, `size`: how the workbook's font measures (the template's is the form font at 16 pt)."""
    lines = list(columns.wrap(text, width, size))
    pieces: list[str] = []
    while lines:
        take = min(per_row, len(lines))
        if take < len(lines):
            at_space = [i for i in range(take, 0, -1) if lines[i - 1][-1:].isspace() or lines[i][:1] == "\n"]
            take = at_space[0] if at_space else take
        pieces.append("".join(lines[:take]).strip())
        lines = lines[take:]
    return [p for p in pieces if p] or [""]


def _totals(ws, styles: Formats, row: int, projects: list[Project], layout: Layout) -> None:
    """`รวมทั้งสิ้น ๔๑ โครงการ`, the budget total and the projects of each quarter: live formulas with
    their values, so that LibreOffice, its PDF and any reader of cached values see the numbers."""
    bold = {"bold": True}
    budget_col = _INDEX["budget"]
    label = form.TOTALS_LABEL.format(count=in_digits(str(len(projects)), styles.digits))
    _merged_text(ws, row, 0, row, budget_col - 1, label, styles.cell("center", **bold))
    first, last = layout.header_rows[1] + 1, row  # 1-based rows of the projects
    total = sum(p.budget_value for p in projects)
    budget_fmt = styles.cell("center", num_format=THAI_INTEGER if float(total).is_integer() else THAI_DECIMAL,
                             **bold)
    counts = [sum(p.quarters[i] for p in projects) for i in range(4)]
    if projects:
        letter = xl_col_to_name(budget_col)
        ws.write_formula(row, budget_col, f"=SUM({letter}{first}:{letter}{last})", budget_fmt, total)
    else:
        ws.write_number(row, budget_col, 0, budget_fmt)
    quarter_cols = [_INDEX[q] for q in form.QUARTER_KEYS]
    blank_from, blank_to = budget_col + 1, quarter_cols[0] - 1
    if blank_from < blank_to:
        ws.merge_range(row, blank_from, row, blank_to, None, styles.cell("center"))
    elif blank_from == blank_to:
        ws.write_blank(row, blank_from, None, styles.cell("center"))
    count_fmt = styles.cell("center", num_format=THAI_NUMBER, **bold)
    for col, count in zip(quarter_cols, counts):
        if projects:
            letter = xl_col_to_name(col)
            ws.write_formula(row, col, f'=COUNTIF({letter}{first}:{letter}{last},"{MARK}")', count_fmt, count)
        else:
            ws.write_number(row, col, 0, count_fmt)
    for col in range(quarter_cols[-1] + 1, _LAST_COL + 1):
        ws.write_blank(row, col, None, styles.cell("center"))
    ws.set_row(row, row_height([(label, sum(c.width for c in form.COLUMNS[:budget_col]))]))


def _range(sheet: str, col: int, first: int, last: int) -> str:
    letter = xl_col_to_name(col)
    return f"'{sheet}'!${letter}${first}:${letter}${last}"


# --- the summary sheet -----------------------------------------------------------------------------

def _criterion(text: str) -> str:
    """A COUNTIF/SUMIF criterion matching exactly `text`: an explicit `=`, wildcards escaped."""
    escaped = text.replace("~", "~~").replace("*", "~*").replace("?", "~?").replace('"', '""')
    return f'"={escaped}"'


SUMMARY_SIZE = 14
_SUMMARY_WIDTHS = (14, 46, 13, 16)
_CHART_COL = len(_SUMMARY_WIDTHS) + 1


@dataclass
class _Calc:
    """A summary cell: a live formula on the form sheet, with the value it comes to."""
    formula: str
    value: float


def _summary_sheet(workbook, styles: Formats, projects: list[Project], heading: Heading, layout: Layout,
                   department_order: list[str]) -> None:
    ws = workbook.add_worksheet(SUMMARY_SHEET)
    for col, width in enumerate(_SUMMARY_WIDTHS):
        ws.set_column(col, col, width)
    default = row_height([("ก", 10)], SUMMARY_SIZE)
    ws.set_default_row(default)
    title = f"สรุป{_title_lines(heading)[0]} {heading.organisation or BLANK}"
    _merged_text(ws, 0, 0, 0, _CHART_COL + 8, title, styles.title(font_size=SUMMARY_SIZE + 2, border=0))
    ws.set_row(0, row_height([(title, 150)], SUMMARY_SIZE + 2, bold=True))

    if layout.project_rows:
        first, last = layout.project_rows[0][0], layout.project_rows[-1][1]
    else:
        first = last = layout.totals_row  # an empty plan: ranges over the totals row count nothing
    where = {key: _range(FORM_SHEET, _INDEX[key], first, last)
             for key in ("budget", "dimension", "department", *form.QUARTER_KEYS)}
    count_head, budget_head = "จำนวนโครงการ", "งบประมาณ (บาท)"

    body = []
    for d in form.DIMENSIONS:
        mine = [p for p in projects if p.dimension == d.number]
        body.append((f"มิติ {in_digits(str(d.number), styles.digits)}", d.name,
                     _Calc(f"COUNTIF({where['dimension']},{d.number})", len(mine)),
                     _Calc(f"SUMIF({where['dimension']},{d.number},{where['budget']})",
                           sum(p.budget_value for p in mine))))
    row = _summary_block(workbook, ws, styles, 2, ("มิติ", "ชื่อมิติ", count_head, budget_head), body,
                         "จำนวนโครงการตามมิติ", "column", with_total=True)

    # The configured order, then any other name met (a draft's unknown departments).
    names = [n for n in department_order if any(p.department == n for p in projects)]
    names += [n for n in dict.fromkeys(p.department for p in projects) if n not in names]
    body = []
    for i, name in enumerate(names, start=1):
        mine = [p for p in projects if p.department == name]
        body.append((in_digits(str(i), styles.digits), name or BLANK,
                     _Calc(f"COUNTIF({where['department']},{_criterion(name)})", len(mine)),
                     _Calc(f"SUMIF({where['department']},{_criterion(name)},{where['budget']})",
                           sum(p.budget_value for p in mine))))
    row = _summary_block(workbook, ws, styles, row, ("ลำดับ", "หน่วยงานรับผิดชอบ", count_head, budget_head),
                         body, "จำนวนโครงการตามหน่วยงาน", "bar", with_total=True)

    # A project running in several quarters counts in each, as on the form's totals row.
    body = [(f"ไตรมาส {form.THAI_QUARTER_DIGITS[i]}", form.QUARTER_MONTHS[i],
             _Calc(f'COUNTIF({where[key]},"{MARK}")', sum(p.quarters[i] for p in projects)),
             _Calc(f'SUMIF({where[key]},"{MARK}",{where["budget"]})',
                   sum(p.budget_value for p in projects if p.quarters[i])))
            for i, key in enumerate(form.QUARTER_KEYS)]
    _summary_block(workbook, ws, styles, row, ("ไตรมาส", "ช่วงเดือน", count_head, budget_head), body,
                   "จำนวนโครงการรายไตรมาส", "column", with_total=False)
    note = ("โครงการที่ดำเนินการหลายไตรมาสนับ (ทั้งจำนวนและงบประมาณ) ในทุกไตรมาสที่ดำเนินการ "
            "เช่นเดียวกับแถวรวมของแผน จึงไม่รวมเป็นยอดทั้งปี")
    below = row + 1 + len(body)
    _merged_text(ws, below, 0, below, len(_SUMMARY_WIDTHS) - 1, note,
                 styles(font_size=SUMMARY_SIZE, italic=True, text_wrap=True))
    ws.set_row(below, row_height([(note, sum(_SUMMARY_WIDTHS))], SUMMARY_SIZE))
    a4_landscape(ws, font=styles.font)
    ws.fit_to_pages(1, 1)  # the tables and their charts on one page


def _summary_block(workbook, ws, styles: Formats, top: int, headers: tuple[str, ...], body: list[tuple],
                   chart_title: str, chart_kind: str, with_total: bool) -> int:
    """A table (header, rows, optional total) with its chart beside it; returns the next free row."""
    size = SUMMARY_SIZE
    head = styles.header(font_size=size)
    text = styles.cell("left", font_size=size)
    label = styles.cell("center", font_size=size)
    number = styles.cell("center", font_size=size, num_format=THAI_INTEGER)
    heights = [row_height([(h, _SUMMARY_WIDTHS[c]) for c, h in enumerate(headers)], size, bold=True)]
    for col, header in enumerate(headers):
        ws.write_string(top, col, header, head)
    row = top + 1
    for cells in body:
        for col, cell in enumerate(cells):
            if isinstance(cell, _Calc):
                ws.write_formula(row, col, f"={cell.formula}", number, cell.value)
            else:
                ws.write_string(row, col, cell, label if col == 0 else text)
        heights.append(row_height([(c, _SUMMARY_WIDTHS[i]) for i, c in enumerate(cells) if isinstance(c, str)],
                                  size))
        row += 1
    if with_total and body:
        ws.write_string(row, 0, "", styles.cell("center", font_size=size, bold=True))
        ws.write_string(row, 1, "รวม", styles.cell("left", font_size=size, bold=True))
        for col, cell in enumerate(body[0]):
            if isinstance(cell, _Calc):
                letter = xl_col_to_name(col)
                total = sum(cells[col].value for cells in body)
                ws.write_formula(row, col, f"=SUM({letter}{top + 2}:{letter}{row})",
                                 styles.cell("center", font_size=size, num_format=THAI_INTEGER, bold=True), total)
        heights.append(row_height([("รวม", 10)], size))
        row += 1
    for offset, height in enumerate(heights):
        ws.set_row(top + offset, height)
    if body:
        value_col = next(i for i, c in enumerate(body[0]) if isinstance(c, _Calc))
        category_col = 1 if chart_kind == "bar" else 0
        chart_height = max(sum(heights), 220.0)
        _chart(workbook, ws, styles.font, chart_kind, chart_title, top, top + len(body), category_col, value_col,
               chart_height)
        # Rows the chart still covers below the table.
        row += max(0, math.ceil((chart_height - sum(heights)) / row_height([("ก", 10)], size)))
    return row + 2


def _chart(workbook, ws, font: str, kind: str, title: str, header_row: int, last_row: int,
           category_col: int, value_col: int, height_points: float) -> None:
    chart = workbook.add_chart({"type": kind})
    chart.add_series({
        "name": title,
        "categories": [ws.name, header_row + 1, category_col, last_row, category_col],
        "values": [ws.name, header_row + 1, value_col, last_row, value_col],
        "data_labels": {"value": True, "num_format": THAI_NUMBER, "font": {"name": font, "size": 12}},
        "fill": {"color": "#4472C4"},
    })
    chart.set_title({"name": title, "name_font": {"name": font, "size": 16, "bold": True}})
    chart.set_legend({"none": True})
    labels = {"num_font": {"name": font, "size": 12}}
    values = {**labels, "num_format": THAI_NUMBER, "major_gridlines": {"visible": True}, "min": 0}
    if kind == "bar":
        # xlsxwriter's x axis of a bar chart is the value axis; categories read top-down like the table.
        chart.set_x_axis(values)
        chart.set_y_axis({**labels, "reverse": True})
    else:
        chart.set_x_axis(labels)
        chart.set_y_axis(values)
    chart.set_size({"width": 640, "height": round(height_points / 0.75)})
    ws.insert_chart(header_row, _CHART_COL, chart, {"object_position": 3})


# --- the data sheet --------------------------------------------------------------------------------

def data_header(ws, styles: Formats, keys: Iterable[str], headers: Mapping[str, str], size: float) -> None:
    """A data sheet's first row: each cell holds its column's key, which programs read, and shows and
    prints its Thai header (a number format's text section replaces the text it formats)."""
    for col, key in enumerate(keys):
        shown = '"' + headers[key].replace('"', "") + '"'
        ws.write_string(0, col, key, styles(font_size=size, bold=True, bg_color="#D9D9D9", text_wrap=True,
                                            num_format=f";;;{shown}"))


def _data_sheet(workbook, styles: Formats, projects: list[Project], layout: Layout,
                by_project: dict[int, list[Problem]], file_names: Mapping[str, str]) -> None:
    ws = workbook.add_worksheet(DATA_SHEET, worksheet_class=StreamedRows)
    size = 14
    plain = styles(font_size=size)
    ws.set_default_row(row_height([("ก", 10)], size))
    data_header(ws, styles, DATA_COLUMNS, DATA_HEADERS, size)
    for col, name in enumerate(DATA_COLUMNS):
        ws.set_column(col, col, 30 if name in ("name", "indicator", "outcome", "source_file", "problems") else 12)
    ws.set_row(0, row_height([(DATA_HEADERS[n], 12) for n in DATA_COLUMNS], size, bold=True))
    def rows():
        for i, project in enumerate(projects):
            record = project.to_record()
            problems = by_project.get(id(project), [])
            source = project.source
            record.update(no=i + 1, form_row=layout.project_rows[i][0], no_budget=project.budget is None,
                          source_cell=(source.cell("name") or f"A{source.row}") if source else "",
                          has_errors=project.has_errors,
                          problems="\n".join(p.message for p in problems if p.is_error))
            if source and source.path in file_names:
                record["source_file"] = file_names[source.path]
            yield [record.get(name) for name in DATA_COLUMNS]

    ws.write_body(1, rows(), plain)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(projects), 1), len(DATA_COLUMNS) - 1)
    a4_landscape(ws, repeat_rows=(0, 0), font=styles.font)


# --- the hidden metadata sheet ---------------------------------------------------------------------

def metadata(projects: list[Project], heading: Heading) -> dict[str, str]:
    """The hidden sheet's values: a template's keys, and what a province-level consolidation needs."""
    return {
        "kind": KIND,
        "form_version": form.FORM_VERSION,
        "organisation": heading.organisation,
        "district": heading.district,
        "province": heading.province,
        "fiscal_year": str(heading.fiscal_year or ""),
        "department": "",
        "generated": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "generator": f"ita-workbook {__version__}",
        "data_as_of": heading.as_of.isoformat(),
        "issuer": heading.issuer,
        "draft": "yes" if heading.draft else "no",
        "projects": str(len(projects)),
        "budget_total": f"{sum(p.budget_value for p in projects):.2f}",
        "quarter_projects": ",".join(str(sum(p.quarters[i] for p in projects)) for i in range(4)),
        "dimension_projects": ",".join(str(sum(p.dimension == d.number for p in projects))
                                       for d in form.DIMENSIONS),
    }


def _metadata_sheet(workbook, projects: list[Project], heading: Heading) -> None:
    write_details(workbook, form.METADATA_SHEET, metadata(projects, heading), protect=False)


# --- problems of a draft ---------------------------------------------------------------------------

def _problems_by_project(projects: list[Project], problems: Iterable[Problem]) -> dict[int, list[Problem]]:
    """Each project's problems, found by file, sheet and the rows it was read from."""
    where: dict[tuple[str, str, int], int] = {}
    for project in projects:
        src = project.source
        if src is None:
            continue
        rows = {src.row} | {int(address.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) for _, address in src.cells}
        for r in rows:
            where.setdefault((src.path, src.sheet, r), id(project))
    found: dict[int, list[Problem]] = {}
    for problem in problems:
        if problem.path is None or problem.sheet is None or problem.row is None:
            continue
        key = where.get((problem.path, problem.sheet, problem.row))
        if key is None and problem.cell:
            key = where.get((problem.path, problem.sheet,
                             int(problem.cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") or 0)))
        if key is not None:
            found.setdefault(key, []).append(problem)
    return found
