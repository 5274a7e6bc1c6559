"""A PDF's table → one grid of cells (grid.Grid), as a workbook's sheet, for the same reader.

A PDF holds no cells, only letters at positions and lines drawn on the page. The table is found from
its ruled lines: every vertical rule's x is a column edge, every horizontal rule's y a row edge, and
two neighbouring boxes with no rule between them are one merged cell (a heading over two columns,
"ที่" over the header's two rows) — given to the reader as a merged range, as a workbook's. A row of
the table is a row of the grid however many lines its text wraps to; the pages' tables are stacked
into one grid (the header repeated on each page is skipped by the reader, as in a workbook), and the
lines of text above and below a table are rows of their own (the plan's title, its footer). Where
each row came from is kept (`Grid.pages`), so that a problem is placed at its page, row and column.

pypdfium2 (PDFium, as in Chrome): measured on the tool's own PDFs in Thai, it gives every letter
with its Unicode and box where pdfminer.six (under pdfplumber) turned า into "(cid:9)" and doubled
ำ as "ำา"; it is native, about 30 times faster, has wheels for Windows, macOS and Linux, and runs no
JavaScript (built without V8/XFA; no form environment is set up here). It is read in the reader's
child process with its memory and CPU limits (sandbox.py), and within the limits below.

Letters are put back together as the page shows them, not as the file orders them: Thai marks
(above and below) go with the letter before them; a line is the letters whose baselines agree, read
left to right; a space is where the file has one or where the gap is wider than a third of the
letter's size (letters spaced apart for justification are joined again); the lines of a cell are
joined with a space, or with nothing between two Thai letters (a wrap inside Thai text is no space).
ํ+า, a tone mark before its vowel and Thai digits are left to thai.clean_text and the cell parsers,
which clean every source's text the same way.
"""

from __future__ import annotations

import bisect
import ctypes
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from .grid import Grid, Loaded
from .safety import Input, Unreadable
from .thai import THAI_PRIVATE_USE, squeeze

MAX_PAGES = 300  # a plan is a few to a few dozen pages
MAX_PAGE_SIDE = 14_400  # points: PDF's own limit (200 inches); more is a forged page
MAX_PAGE_CHARS = 60_000  # letters on one page: a dense A4 page has a few thousand
MAX_FILE_CHARS = 1_000_000
MAX_PAGE_OBJECTS = 50_000  # drawn objects on one page (LibreOffice's plan page: a few hundred)
RULE = 3.0  # points: a path thinner than this one way is a ruled line
SNAP = 2.0  # points: edges this close are one
MIN_TEXT_CHARS = 20  # fewer letters in the whole file: no text layer (a scan)
MAX_GARBLED_SHARE = 0.05  # of the letters: more undecodable ones than this, the text layer is garbled


@dataclass
class _Cluster:
    """A letter with the marks drawn on it, in display coordinates (y grows downward)."""
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    space: bool = False
    clip: tuple[float, float, float, float] | None = None  # the rectangle its text is clipped to

    def add(self, mark: _Cluster) -> None:
        """A mark drawn on this letter; a font that moves the pen for a mark (none should) moves the letter's end."""
        self.text += mark.text
        if mark.x1 - mark.x0 > 0.2 * self.size and mark.x0 <= self.x1 + 1:
            self.x1 = max(self.x1, mark.x1)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class _Page:
    number: int  # 1-based
    xs: list[float] = field(default_factory=list)  # column edges of its ruled table
    ys: list[float] = field(default_factory=list)  # row edges
    hrules: list[tuple[float, float, float]] = field(default_factory=list)  # (y, x0, x1)
    vrules: list[tuple[float, float, float]] = field(default_factory=list)  # (x, y0, y1)
    clusters: list[_Cluster] = field(default_factory=list)


def _refused(detail: str, detail_en: str, reason: str) -> Unreadable:
    return Unreadable(detail, detail_en, reason)


def load_pdf(source: Input) -> Loaded:
    """The PDF's table as one grid, or Unreadable naming why not: a scan, garbled text, no table,
    past a limit, damaged, or locked with a password."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(source.data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise _refused("ไฟล์ PDF ถูกตั้งรหัสผ่านไว้ ขอไฟล์ที่ไม่มีรหัสผ่าน",
                           "the PDF is password-protected; ask for one without a password", "encrypted") from None
        raise _refused("ไฟล์ PDF เสียหาย อ่านไม่ได้ ขอไฟล์ใหม่", "the PDF is damaged; ask for it again",
                       "corrupt") from None
    try:
        if len(doc) > MAX_PAGES:
            raise _refused(f"PDF มี {len(doc):,} หน้า เกิน {MAX_PAGES} หน้า ซึ่งไม่ใช่แผน",
                           f"the PDF has {len(doc):,} pages, over {MAX_PAGES}: no plan", "too-large")
        pages, letters, odd = [], 0, 0
        for index in range(len(doc)):
            page = _read_page(doc, index)
            pages.append(page)
            for cluster in page.clusters:
                letters += len(cluster.text)
                odd += sum(_undecodable(ch) for ch in cluster.text)
            if letters > MAX_FILE_CHARS:
                raise _refused("PDF มีข้อความมากผิดปกติ จึงไม่อ่าน", "the PDF holds an absurd amount of text; not read",
                               "too-large")
    finally:
        doc.close()
    if letters < MIN_TEXT_CHARS:
        raise _refused("PDF นี้ไม่มีข้อความให้อ่าน (เป็นภาพสแกนหรือภาพถ่ายของเอกสาร) โปรแกรมอ่านตัวอักษรจากภาพไม่ได้ "
                       "ขอไฟล์ Excel หรือ PDF ที่สร้างจากโปรแกรม (ไม่ใช่สแกน) หรือพิมพ์ตารางลงแบบฟอร์ม Excel",
                       "this PDF has no text to read (a scan or photo of the document); letters in pictures "
                       "are not read: ask for the Excel file or a PDF saved from a program (not scanned), or "
                       "type the table into the Excel form", "pdf-scan")
    if odd > MAX_GARBLED_SHARE * letters:
        raise _refused("ข้อความใน PDF นี้ถอดเป็นตัวอักษรไม่ได้ (แบบอักษรในไฟล์ไม่มีตารางรหัสอักขระ ได้ตัวอักษรที่อ่านไม่ออก) "
                       f"{odd:,} จาก {letters:,} ตัว ขอไฟล์ Excel หรือ PDF ที่บันทึกใหม่ด้วยแบบอักษรมาตรฐาน",
                       f"the PDF's text cannot be decoded (its fonts map no letters to Unicode: {odd:,} of "
                       f"{letters:,} come out garbled); ask for the Excel file or a PDF saved again with a "
                       "standard font", "pdf-garbled")
    grid = _stack(pages)
    if grid is None:
        raise _refused("ไม่พบตารางใน PDF นี้ (ไม่มีเส้นตาราง) ขอไฟล์ Excel ของแผน หรือพิมพ์ตารางลงแบบฟอร์ม Excel",
                       "no table in this PDF (no ruled lines); ask for the plan's Excel file, or type the table "
                       "into the Excel form", "pdf-no-table")
    return Loaded(grids=[grid], kind="pdf")


_LATIN1_KEPT = frozenset("\u00a0°·×÷«»©®±¼½¾")  # signs a plan may hold
# Where a Thai plan's letters come from: ASCII, Thai, and punctuation, currency, arrows, maths, boxes,
# ticks and other signs. A font without a Unicode map gives letters from elsewhere (private use,
# Latin-1 for a legacy Thai font: ¡ÒÃ for การ, CJK or Cyrillic for glyph numbers taken as codes).
_PLAN_RANGES = ((0x20, 0x7E), (0x0E01, 0x0E5B), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x22FF),
                (0x2460, 0x27BF), (0x3000, 0x3000), (0xFF01, 0xFF5E))


def _undecodable(ch: str) -> bool:
    """A letter no plan's text holds (outside _PLAN_RANGES and the Latin-1 signs)."""
    code = ord(ch)
    return ch not in _LATIN1_KEPT and not any(lo <= code <= hi for lo, hi in _PLAN_RANGES)


def _read_page(doc, index: int) -> _Page:
    import pypdfium2.raw as raw

    page = doc[index]
    try:
        left, bottom, right, top = page.get_mediabox()
        width, height = right - left, top - bottom
        if not (0 < width <= MAX_PAGE_SIDE and 0 < height <= MAX_PAGE_SIDE):
            raise _refused(f"หน้า {index + 1} ของ PDF มีขนาดผิดปกติ จึงไม่อ่าน",
                           f"page {index + 1} of the PDF has an absurd size; not read", "too-large")
        textpage = page.get_textpage()
        rotation = _text_rotation(textpage, raw, page.get_rotation() % 360)

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
            _read_letters(textpage, box, result, raw)
        finally:
            textpage.close()
    finally:
        page.close()
    _find_edges(result)
    return result


def _text_rotation(textpage, raw, rotate: int) -> int:
    """How far the page is turned (clockwise, 0/90/180/270) so that its text reads left to right: from
    the letters' own angle (a landscape table is often drawn turned on a portrait page, with or
    without /Rotate to show it upright), else the page's /Rotate."""
    import math

    votes: Counter = Counter()
    count = textpage.count_chars()
    for i in range(0, count, max(1, count // 200)):
        if not raw.FPDFText_IsGenerated(textpage.raw, i):
            angle = raw.FPDFText_GetCharAngle(textpage.raw, i)
            if angle >= 0:
                votes[-round(math.degrees(angle) / 90) % 4 * 90] += 1  # PDFium's angle turns clockwise
    return votes.most_common(1)[0][0] if votes else rotate


def _read_rules(page, box, result: _Page, raw) -> None:
    count = 0
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=4):
        count += 1
        if count > MAX_PAGE_OBJECTS:
            raise _refused(f"หน้า {result.number} ของ PDF มีรูปวาดมากผิดปกติ จึงไม่อ่าน",
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


def _read_letters(textpage, box, result: _Page, raw) -> None:
    import pypdfium2 as pdfium

    count = textpage.count_chars()
    if count > MAX_PAGE_CHARS:
        raise _refused(f"หน้า {result.number} ของ PDF มีข้อความมากผิดปกติ จึงไม่อ่าน",
                       f"page {result.number} of the PDF holds an absurd amount of text; not read", "too-large")
    handle = textpage.raw
    clusters = result.clusters
    strays: list[tuple[_Cluster, _Cluster | None]] = []  # marks, each with the letter before it
    letter: _Cluster | None = None
    clips: dict[int, tuple[float, float, float, float] | None] = {}

    def clip_of(i: int) -> tuple[float, float, float, float] | None:
        obj = raw.FPDFText_GetTextObject(handle, i)
        key = ctypes.cast(obj, ctypes.c_void_p).value or 0
        if key not in clips:
            clips[key] = _clip_box(obj, box, raw) if key else None
        return clips[key]
    for i in range(count):
        if raw.FPDFText_IsGenerated(handle, i):  # PDFium's guessed spaces and line ends: ours are measured
            continue
        code = raw.FPDFText_GetUnicode(handle, i)
        if code == 0 or 0xD800 <= code <= 0xDFFF:
            continue
        if code == 2:  # PDFium's mark for a hyphen ending a line (E-|Service): a hyphen as printed
            code = 0x2D
        ch = chr(code).translate(THAI_PRIVATE_USE) if 0xF700 <= code <= 0xF71A else chr(code)
        try:
            x0, y0, x1, y1 = box(*textpage.get_charbox(i))
        except pdfium.PdfiumError:
            continue  # a letter without a place (none seen in a plan): not on the page
        if unicodedata.category(ch) == "Mn":  # a mark above or below: with the letter it is drawn on
            mark = _Cluster(ch, x0, y0, x1, y1, 0.0)
            if clusters and not clusters[-1].space and _on(mark, clusters[-1]):
                clusters[-1].add(mark)
            else:
                strays.append((mark, letter))
            continue
        if ch in "\r\n":
            continue
        size = raw.FPDFText_GetFontSize(handle, i) or (y1 - y0) or 1.0
        if y1 - y0 < size / 4:  # a font without glyph boxes: a letter's height on its baseline
            y0 = y1 - size * 0.6
        space = ch.isspace()
        if space and clusters:  # a space's box has no height: it stands on the line of the letter before
            y0, y1 = clusters[-1].y0, clusters[-1].y1
        clusters.append(_Cluster(ch, x0, y0, x1, y1, size, space=space, clip=clip_of(i)))
        letter = clusters[-1] if unicodedata.category(ch)[0] in "LN" else letter  # not a quote: it sits high
    # Marks not drawn on the letter before them in the file (a font lacking them is replaced, for the
    # marks alone, by another, written out after the letters): on the letter they sit on.
    for mark, before in strays:
        under = [c for c in clusters if not c.space and _on(mark, c)
                 and (before is None or abs(c.y1 - before.y1) <= (before.y1 - before.y0) / 2)]  # on its line
        if under:
            min(under, key=lambda c: abs(c.cx - mark.cx) + abs(c.cy - mark.cy)).add(mark)
        elif before is not None:  # on no letter (typed after a space): with the letter before, as
            before.add(mark)  # thai.clean_text joins a workbook's "ท ุ"
        else:
            clusters.append(_Cluster(mark.text, mark.x0, mark.y0, mark.x1, mark.y1, 1.0))


def _clip_box(obj, box, raw) -> tuple[float, float, float, float] | None:
    """The rectangle a text object is clipped to (a cell), or None if it is not clipped."""
    clip = raw.FPDFPageObj_GetClipPath(obj)
    if not clip or raw.FPDFClipPath_CountPaths(clip) != 1:
        return None
    xs, ys = [], []
    x, y = ctypes.c_float(), ctypes.c_float()
    for k in range(min(raw.FPDFClipPath_CountPathSegments(clip, 0), 10)):
        if raw.FPDFPathSegment_GetPoint(raw.FPDFClipPath_GetPathSegment(clip, 0, k), x, y):
            xs.append(x.value)
            ys.append(y.value)
    if not xs:
        return None
    return box(min(xs), min(ys), max(xs), max(ys))


def _on(mark: _Cluster, letter: _Cluster) -> bool:
    """Whether a mark's box sits on a letter: over its width, and above or below it by at most its height."""
    height = max(letter.y1 - letter.y0, 1.0)
    return letter.x0 - 1 <= mark.cx <= letter.x1 + 1 and letter.y0 - height <= mark.cy <= letter.y1 + height


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


def _texts(clusters: list[_Cluster]) -> list[str]:
    return [text for line in _lines(clusters) if (text := _text([line]))]


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


def _assign(page: _Page, owner) -> tuple[dict[tuple[int, int], list[_Cluster]], list[_Cluster], list[_Cluster]]:
    """The page's letters by the cell they are in, and those above and below the table.

    A spreadsheet prints a cell's text whole even when its row is too short for it, cut to the cell
    by a clipping path: the lines past the rule are in the file, though not seen. Such a letter is in
    the cell of its clipping path, not in the row its box runs into."""
    xs, ys = page.xs, page.ys
    cells: dict[tuple[int, int], list[_Cluster]] = {}
    above: list[_Cluster] = []
    below: list[_Cluster] = []
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


def _table_rows(page: _Page, owner, cells: dict[tuple[int, int], list[_Cluster]],
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
                row[span[j][0]] = _text(_lines(cells[(i, j)]))
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


def _lines(clusters: list[_Cluster]) -> list[list[_Cluster]]:
    """Letters grouped into lines (a letter whose height overlaps the line's by a third joins it:
    a quotation mark or a full stop sits high or low), top to bottom, each left to right."""
    lines: list[list[_Cluster]] = []
    top = bottom = 0.0
    for c in sorted(clusters, key=lambda c: c.cy):
        height = max(c.y1 - c.y0, 0.5)
        if lines and min(c.y1, bottom) - max(c.y0, top) >= 0.3 * min(height, max(bottom - top, 0.5)):
            lines[-1].append(c)
            top, bottom = min(top, c.y0), max(bottom, c.y1)
        else:
            lines.append([c])
            top, bottom = c.y0, c.y1
    for line in lines:
        line.sort(key=lambda c: c.x0)
    return lines


def _thai(ch: str) -> bool:
    return "\u0e00" <= ch <= "\u0e7f"


def _text(lines: list[list[_Cluster]]) -> str:
    """The lines' text. A space is where the file has one or the gap is over a third of the letter's
    size; but in a line whose letters are spaced apart (justified Thai: most gaps a sixth of the size or
    more, spaces typed between letters or not), only a gap clearly wider than the usual one is a space."""
    out = ""
    for line in lines:
        letters = [c for c in line if not c.space]
        gaps = sorted(b.x0 - a.x1 for a, b in zip(letters, letters[1:]))
        usual = gaps[len(gaps) // 2] if len(gaps) >= 4 else 0.0
        spaced = usual > letters[0].size / 6 if letters else False
        text, prev, gap_pending = "", None, False
        for c in line:
            if c.space:
                gap_pending = True
                continue
            if prev is not None and (c.x0 - prev.x1 > usual + c.size / 4 if spaced
                                     else gap_pending or c.x0 - prev.x1 > c.size / 3):
                text += " "
            text += c.text
            prev, gap_pending = c, False
        if text:
            if out and not (_thai(out[-1]) and _thai(text[0])) and out[-1] != "-":
                out += " "
            out += text
    return out
