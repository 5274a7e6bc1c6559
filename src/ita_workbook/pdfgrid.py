"""A PDF's table → one grid of cells (grid.Grid), as a workbook's sheet, for the same reader.

A PDF holds no cells, only letters at positions and lines drawn on the page. The table is found from
its ruled lines: every vertical rule's x is a column edge, every horizontal rule's y a row edge, and
two neighbouring boxes with no rule between them are one merged cell (a heading over two columns,
"ที่" over the header's two rows) — given to the reader as a merged range, as a workbook's. A row of
the table is a row of the grid however many lines its text wraps to. The pages' tables are stacked
into one grid: the header printed again at the top of each page is left out, and so are running
headers, footers and page numbers; the other lines above and below a table are rows of their own
(the plan's title, its footer). Where each row came from is kept (`Grid.pages`), so that a problem is
placed at its page, row and column. A page turned sideways is read upright (the letters' angle).

pypdfium2 (PDFium, as in Chrome): measured on the tool's own PDFs in Thai, it gives every letter
with its Unicode and box where pdfminer.six (under pdfplumber) turned า into "(cid:9)" and doubled
ำ as "ำา"; it is native, about 4 times faster than pdfplumber only listing words and lines, has
wheels for Windows, macOS and Linux, and runs no JavaScript (built without V8/XFA; no form
environment is set up here). It is read in the reader's child process with its memory and CPU
limits (sandbox.py), and within the limits below.

The letters of each cell are put together as the page shows them in pdftext.py.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

from . import pdftext
from .grid import Grid, Loaded
from .pdftext import Cluster
from .safety import Input, Unreadable
from .thai import squeeze

MAX_PAGES = 300  # a plan is a few to a few dozen pages
MAX_PAGE_SIDE = 14_400  # points: PDF's own limit (200 inches); more is a forged page
MAX_FILE_CHARS = 1_000_000
MAX_PAGE_OBJECTS = 50_000  # drawn objects on one page (LibreOffice's plan page: a few hundred)
RULE = 3.0  # points: a path thinner than this one way is a ruled line
SNAP = 2.0  # points: edges this close are one
MIN_TEXT_CHARS = 20  # fewer letters in the whole file: no text layer (a scan)
MAX_GARBLED_SHARE = 0.05  # of the letters: more undecodable ones than this, the text layer is garbled


@dataclass
class _Page:
    number: int  # 1-based
    xs: list[float] = field(default_factory=list)  # column edges of its ruled table
    ys: list[float] = field(default_factory=list)  # row edges
    hrules: list[tuple[float, float, float]] = field(default_factory=list)  # (y, x0, x1)
    vrules: list[tuple[float, float, float]] = field(default_factory=list)  # (x, y0, y1)
    clusters: list[Cluster] = field(default_factory=list)


def load_pdf(source: Input) -> Loaded:
    """The PDF's table as one grid, or Unreadable naming why not: a scan, garbled text, no table,
    past a limit, damaged, or locked with a password."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(source.data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise Unreadable("ไฟล์ PDF ถูกตั้งรหัสผ่านไว้ ขอไฟล์ที่ไม่มีรหัสผ่าน",
                           "the PDF is password-protected; ask for one without a password", "encrypted") from None
        raise Unreadable("ไฟล์ PDF เสียหาย อ่านไม่ได้ ขอไฟล์ใหม่", "the PDF is damaged; ask for it again",
                       "corrupt") from None
    try:
        if len(doc) > MAX_PAGES:
            raise Unreadable(f"PDF มี {len(doc):,} หน้า เกิน {MAX_PAGES} หน้า ซึ่งไม่ใช่แผน",
                           f"the PDF has {len(doc):,} pages, over {MAX_PAGES}: no plan", "too-large")
        pages, letters, odd = [], 0, 0
        for index in range(len(doc)):
            page = _read_page(doc, index)
            pages.append(page)
            for cluster in page.clusters:
                letters += len(cluster.text)
                odd += sum(pdftext.undecodable(ch) for ch in cluster.text)
            if letters > MAX_FILE_CHARS:
                raise Unreadable("PDF มีข้อความมากผิดปกติ จึงไม่อ่าน", "the PDF holds an absurd amount of text; not read",
                               "too-large")
    finally:
        doc.close()
    if letters < MIN_TEXT_CHARS:
        raise Unreadable("PDF นี้ไม่มีข้อความให้อ่าน (เป็นภาพสแกนหรือภาพถ่ายของเอกสาร) โปรแกรมอ่านตัวอักษรจากภาพไม่ได้ "
                       "ขอไฟล์ Excel หรือ PDF ที่สร้างจากโปรแกรม (ไม่ใช่สแกน) หรือพิมพ์ตารางลงแบบฟอร์ม Excel",
                       "this PDF has no text to read (a scan or photo of the document); letters in pictures "
                       "are not read: ask for the Excel file or a PDF saved from a program (not scanned), or "
                       "type the table into the Excel form", "pdf-scan")
    if odd > MAX_GARBLED_SHARE * letters:
        raise Unreadable("ข้อความใน PDF นี้ถอดเป็นตัวอักษรไม่ได้ (แบบอักษรในไฟล์ไม่มีตารางรหัสอักขระ ได้ตัวอักษรที่อ่านไม่ออก) "
                       f"{odd:,} จาก {letters:,} ตัว ขอไฟล์ Excel หรือ PDF ที่บันทึกใหม่ด้วยแบบอักษรมาตรฐาน",
                       f"the PDF's text cannot be decoded (its fonts map no letters to Unicode: {odd:,} of "
                       f"{letters:,} come out garbled); ask for the Excel file or a PDF saved again with a "
                       "standard font", "pdf-garbled")
    grid = _stack(pages)
    if grid is None:
        raise Unreadable("ไม่พบตารางใน PDF นี้ (ไม่มีเส้นตาราง) ขอไฟล์ Excel ของแผน หรือพิมพ์ตารางลงแบบฟอร์ม Excel",
                       "no table in this PDF (no ruled lines); ask for the plan's Excel file, or type the table "
                       "into the Excel form", "pdf-no-table")
    return Loaded(grids=[grid], kind="pdf")


def _read_page(doc, index: int) -> _Page:
    import pypdfium2.raw as raw

    page = doc[index]
    try:
        left, bottom, right, top = page.get_mediabox()
        width, height = right - left, top - bottom
        if not (0 < width <= MAX_PAGE_SIDE and 0 < height <= MAX_PAGE_SIDE):
            raise Unreadable(f"หน้า {index + 1} ของ PDF มีขนาดผิดปกติ จึงไม่อ่าน",
                           f"page {index + 1} of the PDF has an absurd size; not read", "too-large")
        textpage = page.get_textpage()
        rotation = pdftext.text_rotation(textpage, raw, page.get_rotation() % 360)

        def place(x: float, y: float) -> tuple[float, float]:
            x, y = x - left, y - bottom
            if rotation == 90:
                return y, x
            if rotation == 180:
                return width - x, y
            if rotation == 270:
                return height - y, width - x
            return x, height - y

        def box(l: float, b: float, r: float, t: float) -> tuple[float, float, float, float]:
            (ax, ay), (bx, by) = place(l, b), place(r, t)
            return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)

        result = _Page(index + 1)
        try:
            _read_rules(page, box, result, raw)
            result.clusters = pdftext.read_letters(textpage, box, raw, result.number)
        finally:
            textpage.close()
    finally:
        page.close()
    _find_edges(result)
    return result


def _read_rules(page, box, result: _Page, raw) -> None:
    count = 0
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=4):
        count += 1
        if count > MAX_PAGE_OBJECTS:
            raise Unreadable(f"หน้า {result.number} ของ PDF มีรูปวาดมากผิดปกติ จึงไม่อ่าน",
                           f"page {result.number} of the PDF draws an absurd number of shapes; not read", "too-large")
        x0, y0, x1, y1 = box(*obj.get_bounds())
        w, h = x1 - x0, y1 - y0
        if h <= RULE and w > RULE:
            result.hrules.append(((y0 + y1) / 2, x0, x1))
        elif w <= RULE and h > RULE:
            result.vrules.append(((x0 + x1) / 2, y0, y1))
        elif w > 10 and h > 5 and raw.FPDFPath_CountSegments(obj.raw) <= 5:  # a box drawn whole: its 4 edges
            result.hrules += [(y0, x0, x1), (y1, x0, x1)]
            result.vrules += [(x0, y0, y1), (x1, y0, y1)]


def _snap(values: list[float]) -> list[float]:
    """Values within SNAP of each other as one (their mean)."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= SNAP:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(group) / len(group) for group in out]


def _find_edges(page: _Page) -> None:
    """The column and row edges of the page's ruled table (none: no table on the page)."""
    xs = _snap([x for x, y0, y1 in page.vrules if y1 - y0 > 5])
    ys = _snap([y for y, x0, x1 in page.hrules if x1 - x0 > 5])
    if len(xs) >= 3 and len(ys) >= 2:
        page.xs, page.ys = xs, ys


def _covered(rules: list[tuple[float, float, float]], at: float, mid: float) -> bool:
    return any(abs(pos - at) <= SNAP and lo - SNAP <= mid <= hi + SNAP for pos, lo, hi in rules)


def _stack(pages: list[_Page]) -> Grid | None:
    """The pages' tables, one under the other, with the lines of text around them, as one grid."""
    ruled = [p for p in pages if p.xs]
    if not ruled:
        return None
    columns = _snap([x for p in ruled for x in p.xs])  # every page's edges: a column is where any page has one
    width = len(columns) - 1
    rows: list[list[str]] = []
    places: list[tuple[int, int]] = []
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = []
    around = []
    for page in pages:
        owner = _owners(page) if page.xs else []
        cells, above, below = _assign(page, owner)
        around.append((page, owner, cells, _texts(above), _texts(below)))
    # A line that comes back on other pages outside the table, whatever its numbers (a running
    # header or footer), or a page number, is the page's, not the plan's: only its first showing
    # above the first table is kept (the plan's title repeated on every page).
    seen = Counter(key for *_, above, below in around for key in {_furniture_key(t) for t in above + below})
    header: list[list[str]] = []  # the first page's table rows, to know its header repeated on the next pages
    before: set[str] = set()  # the texts of the table on the page before
    for page, owner, cells, above, below in around:
        for n, text in enumerate(above, 1):
            if _is_furniture(text, seen) and (header or not page.xs) or squeeze(text) in before:
                continue  # ... or a cell merged over the page break, its text printed again above the table
            rows.append([text] + [""] * (width - 1))
            places.append((page.number, -n))
        if page.xs:
            table, merges = _table_rows(page, owner, cells, columns)
            # The header printed again at the top of each page: the first page's rows, as they are.
            skip = 0 if not header else next((k for k in range(min(6, len(table), len(header)), 0, -1)
                                              if table[:k] == header[:k]), 0)
            header = header or table
            first = len(rows) - skip
            rows.extend(table[skip:])
            places.extend((page.number, i + 1) for i in range(skip, len(table)))
            merged.extend(((first + r0, c0), (first + r1, c1)) for (r0, c0), (r1, c1) in merges if r0 >= skip)
            before = {squeeze(text) for row in table for text in row if text}
        for n, text in enumerate(below, 1):
            if not _is_furniture(text, seen):
                rows.append([text] + [""] * (width - 1))
                places.append((page.number, -1000 - n))
    return Grid("PDF", rows, merged, pages=places)


def _texts(clusters: list[Cluster]) -> list[str]:
    return [words for line in pdftext.lines(clusters) if (words := pdftext.text([line]))]


_PAGE_NUMBER = re.compile(r"^(?:หน้า(?:ที่)?|page)?[-–(\s]*[0-9๐-๙]+[-–)\s]*(?:(?:/|จาก|of)\s*[0-9๐-๙]+)?$", re.I)
_NUMBERS = re.compile(r"[0-9๐-๙\s]+")


def _furniture_key(text: str) -> str:
    return _NUMBERS.sub("", text)


def _is_furniture(text: str, seen: Counter) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip())) or seen[_furniture_key(text)] > 1


def _owners(page: _Page) -> list[list[tuple[int, int]]]:
    """Each box of the ruled table → its cell (the top-left box of boxes with no rule between them)."""
    xs, ys = page.xs, page.ys
    owner = [[(i, j) for j in range(len(xs) - 1)] for i in range(len(ys) - 1)]
    for i in range(len(ys) - 1):
        for j in range(len(xs) - 1):
            if j and not _covered(page.vrules, xs[j], (ys[i] + ys[i + 1]) / 2):
                owner[i][j] = owner[i][j - 1]
            elif i and not _covered(page.hrules, ys[i], (xs[j] + xs[j + 1]) / 2):
                owner[i][j] = owner[i - 1][j]
    return owner


def _assign(page: _Page, owner) -> tuple[dict[tuple[int, int], list[Cluster]], list[Cluster], list[Cluster]]:
    """The page's letters by the cell they are in, and those above and below the table.

    A spreadsheet prints a cell's text whole even when its row is too short for it, cut to the cell
    by a clipping path: the lines past the rule are in the file, though not seen. Such a letter is in
    the cell of its clipping path, not in the row its box runs into."""
    xs, ys = page.xs, page.ys
    cells: dict[tuple[int, int], list[Cluster]] = {}
    above: list[Cluster] = []
    below: list[Cluster] = []
    for c in page.clusters:
        where = _cell_at(page, owner, c.cx, c.cy)
        if c.clip is not None and xs:
            x0, y0, x1, y1 = c.clip
            if (clipped := _cell_at(page, owner, *c.clip)) is not None:
                where = clipped
            elif not (x0 <= c.cx <= x1 and y0 <= c.cy <= y1):
                # Not seen: cut off by a clip wider than a cell (a cell merged over the page break,
                # centred on all of it): it is in the cell where the clip lets it show on this page.
                x, y = min(max(c.cx, x0, xs[0]), x1, xs[-1]), min(max(c.cy, y0, ys[0]), y1, ys[-1])
                where = _cell_at(page, owner, x, y) or where
        if where is not None:
            cells.setdefault(where, []).append(c)
        else:
            (above if not xs or c.cy < ys[0] else below).append(c)
    return cells, above, below


def _cell_at(page: _Page, owner, x: float, y: float, x1: float | None = None,
             y1: float | None = None) -> tuple[int, int] | None:
    """The cell at a point, or the cell a rectangle is (within a rule's width) — None if none."""
    xs, ys = page.xs, page.ys
    if x1 is not None:  # a cell merged over a page break is clipped to all of it: its part on this page
        if not xs:
            return None
        x, y, x1, y1 = max(x, xs[0]), max(y, ys[0]), min(x1, xs[-1]), min(y1, ys[-1])
        if x >= x1 or y >= y1:
            return None
        cell = _cell_at(page, owner, (x + x1) / 2, (y + y1) / 2)
        if cell is None:
            return None
        (i, j), (i1, j1) = cell, next((r, c) for r in range(len(owner) - 1, -1, -1)
                                      for c in range(len(owner[r]) - 1, -1, -1) if owner[r][c] == cell)
        inside = xs[j] - RULE <= x and x1 <= xs[j1 + 1] + RULE and ys[i] - RULE <= y and y1 <= ys[i1 + 1] + RULE
        return cell if inside else None
    if not xs or not (ys[0] <= y <= ys[-1] and xs[0] <= x <= xs[-1]):
        return None
    i = min(bisect.bisect_right(ys, y) - 1, len(ys) - 2)
    j = min(bisect.bisect_right(xs, x) - 1, len(xs) - 2)
    return owner[i][j]


def _table_rows(page: _Page, owner, cells: dict[tuple[int, int], list[Cluster]],
                columns: list[float]) -> tuple[list[list[str]], list[tuple[tuple[int, int], tuple[int, int]]]]:
    """The page's table as rows of the grid's columns, and its merged cells (rows counted on the page)."""
    xs, ys = page.xs, page.ys
    nrows, ncols = len(ys) - 1, len(xs) - 1
    # Which of the grid's columns each page column spans.
    span = [(_nearest(columns, xs[j]), _nearest(columns, xs[j + 1]) - 1) for j in range(ncols)]
    width = len(columns) - 1
    extent: dict[tuple[int, int], tuple[int, int]] = {}
    for i in range(nrows):
        for j in range(ncols):
            extent[owner[i][j]] = (i, j)  # the last box of each cell: its bottom-right
    rows = []
    for i in range(nrows):
        row = [""] * width
        for j in range(ncols):
            if owner[i][j] == (i, j) and (i, j) in cells:
                row[span[j][0]] = pdftext.text(pdftext.lines(cells[(i, j)]))
        rows.append(row)
    merges = []
    for (i, j), (i1, j1) in extent.items():
        c0, c1 = span[j][0], span[j1][1]
        if (i1, c1) != (i, c0):
            merges.append(((i, c0), (i1, c1)))
    return rows, merges


def _nearest(values: list[float], x: float) -> int:
    k = bisect.bisect_left(values, x)
    if k == len(values) or (k and x - values[k - 1] < values[k] - x):
        k -= 1
    return k
