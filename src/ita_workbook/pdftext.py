"""The letters of a PDF page → the text of a cell, as the page shows it (pdfgrid.py places them).

A Thai mark goes with the letter it is drawn on, whatever the file's order; marks a Thai font draws
from private use are the marks they are (thai.THAI_PRIVATE_USE); a line is the letters whose heights
overlap, read left to right; a space is where the file has one or the gap is wider than a third of
the letter's size, and in a line of letters spaced apart only where the gap is clearly wider than
the usual one; a cell's lines are joined with a space, or with nothing between two Thai letters.
"""

from __future__ import annotations

import bisect
import ctypes
import unicodedata
from collections import Counter
from dataclasses import dataclass

from .safety import Unreadable
from .thai import THAI_PRIVATE_USE

MAX_PAGE_CHARS = 60_000  # letters on one page: a dense A4 page has a few thousand


@dataclass
class Cluster:
    """A letter with the marks drawn on it, in display coordinates (y grows downward)."""
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    space: bool = False
    clip: tuple[float, float, float, float] | None = None  # the rectangle its text is clipped to
    order: int = 0  # its place in the file's text

    def add(self, mark: Cluster) -> None:
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


_LATIN1_KEPT = frozenset("\u00a0°·×÷«»©®±¼½¾")  # signs a plan may hold
# Where a Thai plan's letters come from: ASCII, Thai, and punctuation, currency, arrows, maths, boxes,
# ticks and other signs. A font without a Unicode map gives letters from elsewhere (private use,
# Latin-1 for a legacy Thai font: ¡ÒÃ for การ, CJK or Cyrillic for glyph numbers taken as codes).
_PLAN_RANGES = ((0x20, 0x7E), (0x0E01, 0x0E5B), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x22FF),
                (0x2460, 0x27BF), (0x3000, 0x3000), (0xFF01, 0xFF5E))


def undecodable(ch: str) -> bool:
    """A letter no plan's text holds (outside _PLAN_RANGES and the Latin-1 signs)."""
    code = ord(ch)
    return ch not in _LATIN1_KEPT and not any(lo <= code <= hi for lo, hi in _PLAN_RANGES)


def text_rotation(textpage, raw, rotate: int) -> int:
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


def read_letters(textpage, box, raw, number: int) -> list[Cluster]:
    """Page `number`'s letters, each with its marks, in display coordinates (`box` turns a PDF box)."""
    import pypdfium2 as pdfium

    count = textpage.count_chars()
    if count > MAX_PAGE_CHARS:
        raise Unreadable(f"หน้า {number} ของ PDF มีข้อความมากผิดปกติ จึงไม่อ่าน",
                         f"page {number} of the PDF holds an absurd amount of text; not read", "too-large")
    handle = textpage.raw
    clusters: list[Cluster] = []
    strays: list[tuple[Cluster, Cluster | None]] = []  # marks, each with the letter before it
    letter: Cluster | None = None
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
            mark = Cluster(ch, x0, y0, x1, y1, 0.0)
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
        clusters.append(Cluster(ch, x0, y0, x1, y1, size, space=space, clip=clip_of(i), order=i))
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
            clusters.append(Cluster(mark.text, mark.x0, mark.y0, mark.x1, mark.y1, 1.0))
    return clusters


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


def _on(mark: Cluster, letter: Cluster) -> bool:
    """Whether a mark's box sits on a letter: over its width, and above or below it by at most its height."""
    height = max(letter.y1 - letter.y0, 1.0)
    return letter.x0 - 1 <= mark.cx <= letter.x1 + 1 and letter.y0 - height <= mark.cy <= letter.y1 + height


def lines(clusters: list[Cluster]) -> list[list[Cluster]]:
    """Letters grouped into lines, top to bottom, each left to right: letters and digits whose heights
    overlap by a third make a line; a sign (a quotation mark or an apostrophe sits high, a full stop
    low, above or below a Thai letter's box) joins the line nearest to it."""
    letters = [c for c in clusters if c.text[:1].isalnum()]
    found: list[list[Cluster]] = []
    bands: list[list[float]] = []
    for c in sorted(letters or clusters, key=lambda c: c.cy):
        height = max(c.y1 - c.y0, 0.5)
        if found and min(c.y1, bands[-1][1]) - max(c.y0, bands[-1][0]) >= \
                0.3 * min(height, max(bands[-1][1] - bands[-1][0], 0.5)):
            found[-1].append(c)
            bands[-1] = [min(bands[-1][0], c.y0), max(bands[-1][1], c.y1)]
        else:
            found.append([c])
            bands.append([c.y0, c.y1])
    alone: list[Cluster] = []
    if letters:
        line_of = {id(d): k for k, line in enumerate(found) for d in line}
        by_order = sorted(letters, key=lambda d: d.order)
        orders = [d.order for d in by_order]
        for c in clusters:
            if not c.text[:1].isalnum():
                # Written right after a letter it stands beside (a closing quote, a full stop), or right
                # before one (an opening quote): on that letter's line.
                at = bisect.bisect_left(orders, c.order)
                before = by_order[at - 1] if at else None
                after = by_order[at] if at < len(by_order) else None
                if before is not None and abs(c.x0 - before.x1) <= c.size and abs(c.cy - before.cy) <= c.size:
                    found[line_of[id(before)]].append(c)
                    continue
                if after is not None and abs(after.x0 - c.x1) <= c.size and abs(c.cy - after.cy) <= c.size:
                    found[line_of[id(after)]].append(c)
                    continue
                def away(k: int) -> float:  # from the line's band; a line it fits in (beside a letter of
                    # it, on none: two letters of one line are never drawn over each other) first
                    width = max(c.x1 - c.x0, 0.1)
                    beside = any(d.x0 - c.size <= c.cx <= d.x1 + c.size for d in found[k])
                    over = any(min(c.x1, d.x1) - max(c.x0, d.x0) > 0.3 * width for d in found[k])
                    return max(bands[k][0] - c.cy, c.cy - bands[k][1], 0) + (0 if beside and not over else 1000)

                k = min(range(len(bands)), key=away)
                if max(bands[k][0] - c.cy, c.cy - bands[k][1]) > 0.5 * c.size:
                    alone.append(c)  # a sign on a line of its own ("-" wrapped alone): no letter's line
                else:
                    found[k].append(c)
        found = sorted(found + lines(alone), key=lambda line: sum(c.cy for c in line) / len(line)) if alone else found
    for line in found:
        line.sort(key=lambda c: c.x0)
    return found


def _thai(ch: str) -> bool:
    return "\u0e00" <= ch <= "\u0e7f"


def text(cell_lines: list[list[Cluster]]) -> str:
    """The lines' text. A space is where the file has one or the gap is over a third of the letter's
    size; but in a line whose letters are spaced apart (justified Thai: most gaps a sixth of the size or
    more, spaces typed between letters or not), only a gap clearly wider than the usual one is a space."""
    out = ""
    for line in cell_lines:
        letters = [c for c in line if not c.space]
        gaps = sorted(b.x0 - a.x1 for a, b in zip(letters, letters[1:]))
        usual = gaps[len(gaps) // 2] if len(gaps) >= 4 else 0.0
        spaced = usual > letters[0].size / 6 if letters else False
        words, prev, gap_pending = "", None, False
        for c in line:
            if c.space:
                gap_pending = True
                continue
            if prev is not None and (c.x0 - prev.x1 > usual + c.size / 4 if spaced
                                     else gap_pending or c.x0 - prev.x1 > c.size / 3):
                words += " "
            words += c.text
            prev, gap_pending = c, False
        if words:
            if out and not (_thai(out[-1]) and _thai(words[0])) and out[-1] != "-":
                out += " "
            out += words
    return out
