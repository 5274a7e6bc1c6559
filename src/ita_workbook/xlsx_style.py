"""The look shared by every workbook we write with xlsxwriter: font, Thai-digit number formats,
header and cell formats, A4 landscape page setup, and the one way we measure wrapped Thai text.

Neither Excel (for merged cells) nor headless LibreOffice (at all) fits a row to wrapped Thai text,
so every row whose text is known when writing gets a height from `row_height`, which wraps the text
the way LibreOffice does (see "how much room wrapped Thai text takes" below).
"""

from __future__ import annotations

import io
import itertools
import math
import re
from bisect import bisect_left
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import _utf16_len, _utf16_truncate, xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from .config import DEFAULT_FONT
from .thai import to_arabic_digits, to_thai_digits

# Clerks' text starting with = or containing a URL stays text (see FIELD-NOTES).
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}

FONT_SIZE = 16  # official documents: TH SarabunPSK 16 pt
# Numbers stay numbers but show Thai digits; D07 (Buddhist calendar) breaks numbers in LibreOffice.
THAI_LOCALE = "[$-D00041E]"
THAI_INTEGER = "[$-D00041E]#,##0"
THAI_DATE = "[$-D07041E]d mmmm yyyy"
TEXT_FORMAT = "@"  # typed values stay text: 1/2 or 3-4 never turn into dates
HEADER_FILL = "#D9D9D9"

A4 = 9


# Workbooks from `new_workbook` have the form's font as their default (Normal) font: empty rows then
# take its line height in Excel and LibreOffice alike and still grow with what is typed (a row
# given a height would not), and column widths count its digits: 12 pixels at 16 pt, with 7 of
# padding (xlsxwriter's metrics for a 104-pixel default column).
DIGIT_PIXELS, CELL_PADDING = 12, 7
_FORM_FONT_METRICS = {"default_column_width": 104, "default_row_height": 32}


class _FormulasOnce(Worksheet):
    """xlsxwriter's worksheet, each formula (of a validation, a conditional format, a cell) prepared
    once per process: xlsxwriter runs some 200 regular expressions over every formula it writes (to
    prefix Excel's newer functions), and every department's template has the same validations and
    checks; that was a fifth of `template` (BENCHMARKS.md). The preparation depends on nothing but
    its arguments and the sheet's `use_future_functions`."""

    _prepared: dict[tuple, str] = {}

    def _prepare_formula(self, *args: Any, **kwargs: Any) -> str:
        key = (args, tuple(sorted(kwargs.items())), getattr(self, "use_future_functions", None))
        prepared = self._prepared.get(key)
        if prepared is None:
            prepared = super()._prepare_formula(*args, **kwargs)
            if len(self._prepared) < 4096:
                self._prepared[key] = prepared
        return prepared


def new_workbook(path: str | Path, font: str = DEFAULT_FONT) -> xlsxwriter.Workbook:
    workbook = xlsxwriter.Workbook(str(path), {
        **WORKBOOK_OPTIONS, **_FORM_FONT_METRICS,
        # Forms to fill are small: their parts are put together in memory, not written to temporary
        # files and removed again (13 files a template; most of `template`'s time on this machine).
        "in_memory": True,
        # Not tied to the theme: with scheme "minor" Excel would show the theme's fonts instead
        # (Calibri, and Tahoma for Thai).
        "default_format_properties": {"font_name": font, "font_size": FONT_SIZE, "font_scheme": "none"}})
    workbook.worksheet_class = _FormulasOnce
    return workbook


def column_width(width: float) -> float:
    """A form width (characters of Excel's usual Calibri 11, as in form.py) as a `set_column`
    width of a `new_workbook` workbook, whose characters are the form font's: the same pixels."""
    return round((width * 7 + 5 - CELL_PADDING) / DIGIT_PIXELS, 2)


# The digits printed forms show, `[plan] digits` in plan.toml: Thai (๑๒๓, as official documents
# customarily do) or Arabic (123). Number cells stay numbers either way; only their format differs.
THAI, ARABIC = "thai", "arabic"
DIGITS = (THAI, ARABIC)


def in_digits(text: str, digits: str = THAI) -> str:
    """`text` with its digits in the chosen convention: ร้อยละ 80 → ร้อยละ ๘๐ (Thai)."""
    return to_thai_digits(text) if digits == THAI else to_arabic_digits(str(text))


class Formats:
    """The formats of one workbook, each distinct set of properties made once.

    `formats(bold=True, align="center")` returns the font's format with those properties added;
    the named methods are the ones the printed forms share."""

    def __init__(self, workbook: xlsxwriter.Workbook, font: str = DEFAULT_FONT, size: float = FONT_SIZE,
                 digits: str = THAI):
        self.workbook = workbook
        self.font = font
        self.size = size
        self.digits = digits
        self._made: dict[tuple, Format] = {}

    def __call__(self, **props: Any) -> Format:
        merged = {"font_name": self.font, "font_size": self.size, "valign": "top", **props}
        if self.digits != THAI and "num_format" in merged:
            merged["num_format"] = merged["num_format"].replace(THAI_LOCALE, "")
        key = tuple(sorted(merged.items()))
        if key not in self._made:
            self._made[key] = self.workbook.add_format(merged)
        return self._made[key]

    def title(self, **props: Any) -> Format:
        return self(**{"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True, **props})

    def header(self, **props: Any) -> Format:
        return self(**{"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True,
                       "border": 1, "bg_color": HEADER_FILL, **props})

    def cell(self, align: str = "left", **props: Any) -> Format:
        """A bordered table cell, text wrapped and aligned to the top like the printed form."""
        return self(**{"align": align, "text_wrap": True, "border": 1, **props})

    def paragraph(self, **props: Any) -> Format:
        return self(**{"text_wrap": True, "align": "left", **props})


def a4_landscape(ws: Worksheet, repeat_rows: tuple[int, int] | None = None, *,
                 font: str = DEFAULT_FONT) -> None:
    """A4 landscape, one page wide, header rows repeated on every page, page numbers in the footer."""
    ws.set_paper(A4)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.center_horizontally()
    if repeat_rows is not None:
        ws.repeat_rows(*repeat_rows)
    ws.set_footer(f'&C&"{font},Regular"&14หน้า &P / &N', {"margin": 0.25})


def write_details(workbook: xlsxwriter.Workbook, name: str, values: dict[str, str], protect: bool = True) -> None:
    """A hidden sheet of key (column A) / value (column B) rows, all text: what a workbook we wrote is,
    for the reader (grid.py reads it back as `metadata`)."""
    ws = workbook.add_worksheet(name)
    for row, (key, value) in enumerate(values.items()):
        ws.write_string(row, 0, key)
        ws.write_string(row, 1, value)
    ws.hide()
    if protect:
        ws.protect()


# --- how much room wrapped Thai text takes -------------------------------------------------------
# One estimator for every workbook we write: the text is wrapped the way LibreOffice wraps it, with
# each character's advance, and the row gets as many lines as that takes. Measured with
# tests/calibrate_row_heights.py (LibreOffice 7.4, fonts-thai-tlwg; re-run it after changing fonts,
# widths or this code):
# - "TH SarabunPSK" is drawn with Laksaman at its full size: LibreOffice ignores fontconfig's 0.66
#   scaling, so text is 1.5 times as wide as in the real TH SarabunPSK (ก: 580/1000 em, real 386).
# - Lines are 1.657 em apart (Laksaman's typographic ascent + descent) whatever the size; a cell
#   keeps 1 pt of margin on each side of its text.
# - A column of form width w is 5.549 w + 4.0 points wide in a workbook whose default font is
#   Arial 10, and 5.075 w + 3.55 in one from `new_workbook` (the form font, widths by column_width).
# - LibreOffice breaks Thai lines between words of ICU's dictionary (pythainlp ships its word list),
#   at spaces and after a hyphen, and a word wider than the column between characters. Here lines
#   break only there, never at punctuation inside a word ("/", "(", ".") where LibreOffice sometimes
#   does too: fewer places to break can only take more lines, never fewer.
# Against 1,588 cells (the seed's names, units, ตัวชี้วัด, ผลลัพธ์, departments, headers and titles,
# 14 pt in the master's layout and 16 pt in the template's, at widths 9 to 163), with the room
# below (1 % narrower than measured): at their own column's width (408 cells) none is a line short,
# 95 % are exact and 5 % have one spare line; at every width 2 cells are a line short (ร้องเรียน/
# ร้องทุกข์ at width 20, cut otherwise than ICU does), 88 % are exact, 11 % have one spare line. Of
# the seed's 41 project rows (298 lines in LibreOffice), 3 have a spare line, none is short.
# The two estimators this one replaces: master.py's left no cell short but gave the seed's rows 50
# spare lines (Excel's narrower columns, 1.7 em lines); xlsx_style's average widths left 50 of the
# template's 204 cells a line or two short.
# The example's master (41 projects) prints on 8 pages here (master.py's layout), 18 before this
# estimator; the published original took 8 to 10.
# The real font, from SIPA's TH Sarabun New 1.35 (read with fontTools; TH SarabunPSK itself was not
# at hand: its ก of 386/1000 em is New's, so the two are taken to share metrics): ก 0.386 em, x-height
# 0.34 em, lines 1.301 em (844 + 457, USE_TYPO_METRICS off) plus a gap of 0.03. Laksaman draws Thai
# 1.50 times as wide (fontconfig's 0.66 matrix is ignored by LibreOffice) with lines 1.657 em apart,
# so a row sized here holds about twice the real font's text: nothing clips in Excel on an office PC,
# but the rows are roomy there. Google's Sarabun is New scaled 1.53 (Thai advances; sd 0.05) with
# lines 1.30 em apart: within 2 % of Laksaman's widths, so the published PDF is drawn with it
# (pdf.print_font) and its rows are measured with Laksaman's advances x 1.02 and Sarabun's own line pitch
# (SARABUN below, `measuring`): the seed's master prints on 7 pages, 8 with Laksaman's rows.
# The xlsx keeps Laksaman's rows, not the real TH SarabunPSK's (about half as tall): where that font
# is missing (LibreOffice here, a Mac, a PC without it) a wider one stands in, and rows sized for the
# real font would cut its text; sized for Laksaman, nothing is cut anywhere (inferred for Excel with
# the real font: New's advances are 1/1.50 of Laksaman's and its lines 1.301 em, under 1.66 even
# rounded up to whole pixels at 96 dpi).
# In print, LibreOffice 7.4 draws text at about 0.88 of the scale it fits the columns and rows to a
# page (the seed's master: columns at 0.675, text at 0.59), so printed rows keep about one spare
# line; not counted on, since a LibreOffice that scales text like its columns would then cut lines.
LINE_PITCH = 1.66  # em between lines
CELL_MARGIN = 1.0  # points on each side of a cell's text


@dataclass(frozen=True)
class FontMetrics:
    """How a font drawing the form's text differs from Laksaman, whose advances are tabled below:
    `scale` times as wide, lines `pitch` em apart."""
    scale: float
    pitch: float


LAKSAMAN = FontMetrics(1.0, LINE_PITCH)
# Google's Sarabun, which the PDFs are drawn with (pdf.print_font): measured in LibreOffice 7.4, its
# lines are 20.806 pt apart at 16 pt (1.3004 em, its ascent 1.068 + descent 0.232), regular and bold;
# its advances are 0.96-1.02 times Laksaman's over the seed's longer lines, so 1.02 (never a line
# short for being narrower), and its lines 1.31 em (the last pixel's rounding). LibreOffice sees no
# other font when it draws the PDF (pdf.py), so the workbook's Arial 10 is Sarabun 10 too, whose
# digits (0.550 em, Liberation Sans's 0.556) make columns 0.99 times as wide (5.50 w + 3.9 points,
# measured): the room is narrower by that, taken with the advances (1.02 / 0.99).
SARABUN = FontMetrics(1.03, 1.31)
_MEASURED_AS = {"sarabun": SARABUN}
_METRICS: ContextVar[FontMetrics] = ContextVar("font_metrics", default=LAKSAMAN)


def font_metrics(font: str) -> FontMetrics:
    """The metrics rows are measured with for text in `font`: Sarabun's own, else Laksaman's (what
    LibreOffice here draws TH SarabunPSK with; see above for why not the real TH SarabunPSK's)."""
    return _MEASURED_AS.get(font.replace(" ", "").lower(), LAKSAMAN)


@contextmanager
def measuring(font: str):
    """Row heights and line counts inside the block are for text drawn in `font` (a workbook written
    for the PDF in Sarabun gets Sarabun's tighter rows; the xlsx keeps Laksaman's)."""
    token = _METRICS.set(font_metrics(font))
    try:
        yield
    finally:
        _METRICS.reset(token)

# Points a row needs beyond its lines: the margins above and below, and 1 pt more so that the tails
# of ฎ ฏ and the vowels below (ุ ู) on the last line clear the border.
ROW_PADDING = 2 * CELL_MARGIN + 1.0
SAFETY = 0.99  # of the measured room: rounding, another LibreOffice or its dictionary

# Advance widths (1/1000 em) of Laksaman and Laksaman Bold for U+0020-U+007E and U+0E01-U+0E5B;
# above/below vowels and tone marks take none.
_ASCII = (
    324, 221, 312, 606, 543, 879, 636, 180, 285, 285, 428, 618, 243, 324, 243, 406, 544, 544, 544, 544, 544,
    544, 544, 544, 544, 544, 243, 243, 618, 618, 618, 425, 806, 601, 568, 610, 648, 527, 527, 639, 663, 221,
    397, 565, 530, 824, 663, 731, 568, 732, 570, 529, 570, 700, 586, 884, 628, 550, 637, 294, 394, 294, 619,
    529, 306, 517, 603, 497, 603, 562, 309, 467, 586, 215, 233, 475, 300, 904, 586, 598, 603, 603, 326, 424,
    357, 586, 512, 762, 478, 506, 482, 312, 230, 312, 625)
_THAI = (
    580, 568, 574, 591, 591, 613, 442, 552, 567, 568, 574, 780, 780, 639, 639, 515, 693, 800, 816, 588, 588,
    568, 646, 503, 631, 643, 643, 573, 573, 672, 672, 639, 601, 564, 484, 568, 573, 639, 503, 591, 658, 573,
    642, 682, 582, 559, 588, 536, 0, 475, 475, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 618, 305, 567, 356, 364, 367,
    308, 600, 0, 0, 0, 0, 0, 0, 0, 0, 676, 675, 675, 675, 675, 675, 675, 675, 675, 675, 675, 785, 1048)
_ASCII_BOLD = (
    339, 252, 437, 694, 552, 1034, 731, 254, 367, 367, 515, 627, 258, 339, 258, 415, 568, 568, 568, 568, 568,
    568, 568, 568, 568, 568, 258, 258, 627, 627, 627, 434, 860, 678, 595, 649, 690, 538, 538, 682, 709, 245,
    424, 618, 540, 863, 709, 779, 586, 779, 594, 549, 633, 725, 634, 920, 640, 595, 678, 351, 403, 351, 628,
    565, 315, 552, 654, 521, 654, 588, 382, 499, 636, 245, 257, 511, 320, 956, 636, 619, 648, 648, 370, 445,
    388, 628, 538, 722, 524, 543, 538, 383, 266, 383, 634)
_THAI_BOLD = (
    588, 624, 648, 606, 606, 681, 478, 586, 609, 624, 648, 849, 849, 639, 639, 559, 740, 828, 866, 609, 609,
    588, 658, 538, 651, 669, 669, 622, 622, 725, 725, 639, 627, 580, 494, 588, 600, 639, 570, 606, 693, 600,
    658, 703, 592, 579, 571, 511, 0, 505, 505, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 585, 312, 594, 379, 404, 379,
    314, 657, 0, 0, 0, 0, 0, 0, 0, 0, 676, 685, 685, 685, 685, 685, 685, 685, 685, 685, 685, 789, 1048)


class _Advances(dict):
    """Character → advance (em), worked out the first time it is met: every text of a plan is
    measured, some several times, and a lookup per character is what that costs."""

    def __init__(self, ascii_: tuple[int, ...], thai: tuple[int, ...]):
        super().__init__()
        self.ascii, self.thai = ascii_, thai

    def __missing__(self, ch: str) -> float:
        code = ord(ch)
        if 0x20 <= code <= 0x7E:
            em = self.ascii[code - 0x20] / 1000
        elif 0x0E01 <= code <= 0x0E5B:
            em = self.thai[code - 0x0E01] / 1000
        elif unicodedata.combining(ch) or unicodedata.category(ch) == "Cf":
            em = 0.0
        else:
            em = 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.6
        if len(self) < 65536:  # a text of every character in Unicode stays bounded
            self[ch] = em
        return em


_REGULAR, _BOLD = _Advances(_ASCII, _THAI), _Advances(_ASCII_BOLD, _THAI_BOLD)


def _em(text: str, bold: bool = False) -> float:
    return sum(map((_BOLD if bold else _REGULAR).__getitem__, text))


def text_width(text: str, size: float = FONT_SIZE, bold: bool = False) -> float:
    """Points `text` takes on one line."""
    return _em(text, bold) * size


_SPACES = re.compile(r"(\s+)")
# pythainlp's two ways of cutting Thai into the dictionary's words; where they differ, the one that
# takes more lines is taken (fewer lines short, see above).
_ENGINES = ("newmm", "longest")


def _word_list(words: Iterable[str]):
    """pythainlp's `Trie(words)`, answering as it does (the same `prefixes` and `in`) but made in a
    tenth of the time: a word set and its sorted list instead of a node per letter. pythainlp's own
    trie of ICU's 26,383 words took 0.13 s of every command that measures Thai text (a third of
    `template`), of its own 62,106 words 0.2-0.5 s; its tokenizers ask the dictionary only these two things
    (tests/test_text_measuring.py cuts texts with both and compares). `words` in their file's order
    are nearly sorted, which sorting them again finds quickly (sorting a set took 20 ms)."""
    from pythainlp.util import Trie

    class WordList(Trie):
        _WORD, _LONGER = 1, 2  # what a piece of text is: a word, the start of a longer word, or both

        def __init__(self, words: Iterable[str]) -> None:  # no nodes: Trie's own fields stay unset
            self._sorted = list(dict.fromkeys(sorted(word.strip() for word in words)))  # Trie.add strips
            self._words = frozenset(self._sorted)
            self._kinds: dict[str, int] = {}

        def _kind(self, piece: str) -> int:
            kind = self._kinds.get(piece)
            if kind is None:
                # The first word not before `piece`, and the one after it if that is `piece` itself.
                at = bisect_left(self._sorted, piece)
                after = self._sorted[at + 1:at + 2] if self._sorted[at:at + 1] == [piece] else self._sorted[at:at + 1]
                kind = (self._WORD if piece in self._words else 0) | (self._LONGER if after and after[0].startswith(piece) else 0)
                if len(self._kinds) < 65536:  # pieces of a long text of every letter stay bounded
                    self._kinds[piece] = kind
            return kind

        def prefixes(self, text: str, start: int = 0) -> list[str]:
            """The words `text` starts with at `start`, shortest first (Trie.prefixes)."""
            found = []
            for end in range(start + 1, len(text) + 1):
                kind = self._kind(text[start:end])
                if kind & self._WORD:
                    found.append(text[start:end])
                if not kind & self._LONGER:
                    break
            return found

        def __contains__(self, word: object) -> bool:
            return word in self._words

        def __iter__(self):
            return iter(self._sorted)

        def __len__(self) -> int:
            return len(self._words)

        def add(self, word: str) -> None:
            raise TypeError("a fixed word list")

        remove = add

    return WordList(words)


# pythainlp's word lists read as their files' lines, in order, with the rules of pythainlp's own
# `thai_icu_words` and `thai_words` (`get_corpus`; tests/test_text_measuring.py: the same words).

@lru_cache(maxsize=1)
def _dictionary():
    """ICU's Thai words, which LibreOffice breaks lines between (`thai_icu_words`: what follows "#"
    dropped, spaces stripped, empty lines skipped)."""
    from pythainlp.corpus import get_corpus_as_is

    return _word_list(filter(None, (line.split("#", 1)[0].strip() for line in get_corpus_as_is("icubrk_th.txt"))))


@lru_cache(maxsize=1)
def default_words():
    """pythainlp's own Thai words (`thai_words`, which `word_tokenize` cuts with by default: empty lines
    skipped), for `word_tokenize(..., custom_dict=default_words())`."""
    from pythainlp.corpus import get_corpus_as_is

    return _word_list(filter(None, get_corpus_as_is("words_th.txt")))


def _thai_letter(ch: str) -> bool:
    # Letters, vowels and marks; not ฯ and ๆ, which stay with their word, nor digits or ฿.
    return ("\u0e01" <= ch <= "\u0e3a" or "\u0e40" <= ch <= "\u0e4e") and ch not in "\u0e2f\u0e46"


# Characters of a run without spaces cut into words at once: the "longest" engine's time grows with
# the square of the run (5 cells of 4,990 letters took 40 s of a merge). A longer run is cut in pieces
# of this length first: a word split at a seam may cost a row one line more than LibreOffice gives it,
# never fewer. A real sentence between two spaces is well under this.
SEGMENT_RUN = 150


@lru_cache(maxsize=65536)
def _words(run: str, engine: str) -> tuple[str, ...]:
    """The dictionary words of a run of text without spaces (cached: phrases recur across a plan)."""
    if len(run) > SEGMENT_RUN:
        return tuple(word for start in range(0, len(run), SEGMENT_RUN)
                     for word in _words(run[start:start + SEGMENT_RUN], engine))
    from pythainlp.tokenize import word_tokenize  # imports pythainlp once (~0.03 s)

    words = word_tokenize(run, custom_dict=_dictionary(), engine=engine) if len(run) > 1 else [run]
    return tuple(words) if "".join(words) == run else (run,)


@lru_cache(maxsize=65536)
def _run_units(run: str, engine: str) -> tuple[tuple[str, ...], ...]:
    """A run of text without spaces cut where LibreOffice may end a line inside it (between two Thai
    words, after a hyphen), each unit as its words. Cached per run, not per text: a plan's texts are
    mostly new, their runs (phrases between spaces) mostly not."""
    units: list[list[str]] = []
    for word in _words(run, engine):
        last = units[-1][-1][-1] if units else " "
        if last == " " or (_thai_letter(last) and _thai_letter(word[0])) or (last == "-" and word[0].isalpha()):
            units.append([word])
        else:
            units[-1].append(word)
    return tuple(tuple(unit) for unit in units)


@lru_cache(maxsize=16384)
def _units(paragraph: str, engine: str) -> tuple[tuple[str, ...], ...]:
    """`paragraph` cut where LibreOffice may end a line (after spaces, between two Thai words, after a
    hyphen), each unit as its words; spaces stay at the end of the unit before them."""
    units: list[list[str]] = []
    for run in _SPACES.split(paragraph):
        if not run:
            continue
        if run.isspace():
            if units:
                units[-1][-1] += run
            else:
                units.append([run])
        else:
            units += map(list, _run_units(run, engine))
    return tuple(tuple(unit) for unit in units)


def unbroken_widths(text: str, size: float = FONT_SIZE, bold: bool = False) -> list[float]:
    """Points of each piece of `text` a line never breaks inside (a word with the punctuation stuck to
    it): a column narrower than the widest piece breaks it mid-word."""
    return [text_width("".join(unit).rstrip(), size, bold) for paragraph in str(text).split("\n")
            for engine in _ENGINES for unit in _units(paragraph, engine)] or [0.0]


class _Lines:
    """Lines filled one piece at a time, each piece on the current line if it fits, else on the next."""

    def __init__(self, start: str, room: float, bold: bool):
        self.lines: list[str] = []
        self.line, self.used, self.room, self.bold = start, 0.0, room, bold

    def _next(self) -> None:
        if self.line.strip():
            self.lines.append(self.line)
            self.line, self.used = "", 0.0

    def add(self, piece: str) -> bool:
        """False, on an empty line, when `piece` is wider than a whole line."""
        width = _em(piece.rstrip(), self.bold)  # spaces at the end of a line hang in the margin
        if self.used + width > self.room:
            self._next()
            if width > self.room:
                return False
        self.line, self.used = self.line + piece, self.used + _em(piece, self.bold)
        return True

    def add_characters(self, word: str) -> None:
        for ch in word:
            advance = _em(ch, self.bold)
            if self.used + advance > self.room and advance > 0 and not ch.isspace():
                self._next()
            self.line, self.used = self.line + ch, self.used + advance

    def close(self) -> list[str]:
        return [*self.lines, self.line]


@lru_cache(maxsize=16384)
def _wrap(text: str, room: float, bold: bool, engine: str) -> tuple[str, ...]:
    """`text` cut into the lines it takes in `room` em; the lines put together give `text` back."""
    lines: list[str] = []
    for n, paragraph in enumerate(text.split("\n")):
        filling = _Lines("\n" if n else "", room, bold)
        for unit in _units(paragraph, engine):
            # A unit wider than a line breaks between its words, a word between its characters.
            if not filling.add("".join(unit)):
                for word in unit:
                    if not filling.add(word):
                        filling.add_characters(word)
        lines += filling.close()
    return tuple(lines)


# Counting lines without building them: the same filling as `_Lines` and `_wrap`, on each unit's
# width worked out once (the same sums of the same advances, so the same floats and the same
# counts), and no strings put together. Row heights need only the count; a 1,000-file merge measures
# some 80,000 texts, and building their lines was a fifth of its time (BENCHMARKS.md).
# tests/test_row_heights.py checks count == len(_wrap(...)) over every text of the seed at many widths.

@lru_cache(maxsize=65536)
def _run_widths(run: str, engine: str, bold: bool) -> tuple[tuple[float, float, bool, tuple[str, ...]], ...]:
    """`_unit_widths` of a run without spaces: each unit's width (em) twice, as no space follows it yet."""
    return tuple((em, em, True, unit) for em, unit in ((_em("".join(unit), bold), unit)
                                                       for unit in _run_units(run, engine)))


def _unit_widths(paragraph: str, engine: str, bold: bool) -> tuple[tuple[float, float, bool, tuple[str, ...]], ...]:
    """Each unit of `paragraph` (`_units`): its width without and with its trailing spaces (em),
    whether it holds anything but spaces, and its words (needed only when a unit is wider than a line).
    Put together from its runs' widths: a unit's width with its spaces is its width without them plus
    each space's advance in turn, the very sum `_em` makes of the whole, so the same float."""
    advance = (_BOLD if bold else _REGULAR).__getitem__
    widths: list[tuple[float, float, bool, tuple[str, ...]]] = []
    for run in _SPACES.split(paragraph):
        if not run:
            continue
        if not run.isspace():
            widths += _run_widths(run, engine, bold)
        elif widths:
            stripped, full, shows, unit = widths[-1]
            for ch in run:
                full += advance(ch)
            widths[-1] = (stripped, full, shows, (*unit[:-1], unit[-1] + run))
        else:
            widths.append((_em("", bold), _em(run, bold), False, (run,)))
    return tuple(widths)


def _paragraph_lines(units: tuple[tuple[float, float, bool, tuple[str, ...]], ...], room: float, bold: bool) -> int:
    """len() of what `_Lines` makes in `_wrap` of a paragraph of these `_unit_widths`, counted."""
    done, used, content = 0, 0.0, False  # lines finished; the current line's width and whether it shows

    def add(stripped: float, full: float, shows: bool) -> bool:  # _Lines.add
        nonlocal done, used, content
        if used + stripped > room:
            if content:  # _Lines._next
                done, used, content = done + 1, 0.0, False
            if stripped > room:
                return False
        used, content = used + full, content or shows
        return True

    for stripped, full, shows, unit in units:
        if add(stripped, full, shows):
            continue
        for word in unit:
            if add(_em(word.rstrip(), bold), _em(word, bold), bool(word.strip())):
                continue
            for ch in word:  # _Lines.add_characters
                advance, space = _em(ch, bold), ch.isspace()
                if used + advance > room and advance > 0 and not space and content:
                    done, used, content = done + 1, 0.0, False
                used, content = used + advance, content or not space
    return done + 1


@lru_cache(maxsize=65536)
def _line_count(text: str, room: float, bold: bool) -> int:
    """len(the longer of the two engines' `_wrap`), each text counted once per column and size."""
    if "\n" not in text and _em(text, bold) <= room:
        return 1
    return max(sum(_paragraph_lines(units, room, bold) for units in cut) for cut in _cuts(text, bold))


@lru_cache(maxsize=32768)
def _cuts(text: str, bold: bool) -> tuple[tuple[tuple[tuple[float, float, bool, tuple[str, ...]], ...], ...], ...]:
    """Each engine's `_unit_widths` of each paragraph of `text`; one cut only where the engines cut the
    text alike (most texts), so that its lines are counted once. Kept per text for every width it is
    measured at (the master measures a project's texts on its form and again on the e-PlanNACC sheet:
    32,768 texts hold a 10,000-project plan's names)."""
    cuts = tuple(tuple(_unit_widths(paragraph, engine, bold) for paragraph in text.split("\n"))
                 for engine in _ENGINES)
    return cuts[:1] if all(cut == cuts[0] for cut in cuts) else cuts


def lines_height(lines: int, size: float = FONT_SIZE) -> float:
    """The height of a row of `lines` lines of the font being measured (`measuring`): in whole
    pixels (Excel's unit, 0.75 pt), rounded up."""
    return math.ceil((lines * size * _METRICS.get().pitch + ROW_PADDING) / 0.75) * 0.75


@dataclass(frozen=True)
class Columns:
    """How wide LibreOffice draws a column of form width `width` (characters of Calibri 11, as in
    form.py) in a workbook with a given default font, and the lines text takes in it."""
    per_width: float
    padding: float

    def room(self, width: float) -> float:
        """Points of text one line holds in a column (or merged columns) of form width `width`, as
        Laksaman measures it (`text_width`): the room less what a wider font being measured takes."""
        return max((self.per_width * width + self.padding - 2 * CELL_MARGIN) * SAFETY / _METRICS.get().scale, 1.0)

    def wrap(self, text: str, width: float, size: float = FONT_SIZE, bold: bool = False) -> tuple[str, ...]:
        """The lines `text` takes; put together they give `text` back."""
        room = round(self.room(width) / size, 3)
        text = str(text)
        if "\n" not in text and _em(text, bold) <= room:
            return (text,)  # fits on one line whole: no need to cut it into words (most cells)
        return max((_wrap(text, room, bold, engine) for engine in _ENGINES), key=len)

    def line_count(self, text: str, width: float, size: float = FONT_SIZE, bold: bool = False) -> int:
        """len(self.wrap(...)), counted without building the lines."""
        return _line_count(str(text), round(self.room(width) / size, 3), bold) if text else 1

    def row_height(self, cells: Iterable[tuple[str, float]], size: float = FONT_SIZE, min_lines: int = 1,
                   bold: bool = False) -> float:
        """The height (points) a row needs so that none of its (text, form width) cells is clipped."""
        lines = max([min_lines, *(self.line_count(t, w, size, bold) for t, w in cells if t)])
        return lines_height(lines, size)


# Workbooks whose default font is Arial 10 (the master, the province workbook).
ARIAL_COLUMNS = Columns(5.549, 4.0)
# Workbooks from `new_workbook`, columns set with `column_width`.
FORM_FONT_COLUMNS = Columns(5.075, 3.55)

room, wrap, line_count, row_height = (ARIAL_COLUMNS.room, ARIAL_COLUMNS.wrap, ARIAL_COLUMNS.line_count,
                                      ARIAL_COLUMNS.row_height)


# A cell's XML by kind, as xlsxwriter's _write_cell writes it: text (its shared-string number),
# number, boolean, blank. A row's template (_row_xml) takes {0} for the row's number and {i} for the
# i-th cell's value, and leaves {k} for the number of the sheet's k-th format, known at the close.
_CELL_XML = {"s": '<c r="{ref}" s="{{{{{slot}}}}}" t="s"><v>{{{i}}}</v></c>',
             "n": '<c r="{ref}" s="{{{{{slot}}}}}"><v>{{{i}:.16G}}</v></c>',
             "b": '<c r="{ref}" s="{{{{{slot}}}}}" t="b"><v>{{{i}}}</v></c>',
             "x": '<c r="{ref}" s="{{{{{slot}}}}}"/>'}


@lru_cache(maxsize=1024)
def _row_xml(kinds: str, slots: tuple[int, ...]) -> str:
    """The cells of a row, from column A, of `kinds` (letters of _CELL_XML) in the formats `slots`:
    a template to `.format(row number, *values)`. The rows of a sheet share a few."""
    return "".join(_CELL_XML[kind].format(ref=xl_col_to_name(col) + "{0}", slot=slot, i=col + 1)
                   for col, (kind, slot) in enumerate(zip(kinds, slots)))


def _kept(ws: Worksheet, value: object) -> tuple[str, object]:
    """A cell's kind (as in _CELL_XML) and the value its XML holds: a string is interned in the
    workbook's shared strings here, as xlsxwriter's write_string does, cut at Excel's limit as it is."""
    if type(value) is str and value and len(value) <= ws.xls_strmax // 2:  # most cells: nothing to check
        return "s", ws.str_table._get_shared_string_index(value)
    if isinstance(value, bool):
        return "b", int(value)
    if isinstance(value, (int, float)):
        if not math.isfinite(value):  # as xlsxwriter's write_number: no silent "NAN" in the XML
            raise TypeError("NAN/INF not supported in write_number()")
        return "n", value
    if value is None or value == "":
        return "x", None
    value, limit = str(value), ws.xls_strmax
    if len(value) > limit // 2 and _utf16_len(value) > limit:
        value = _utf16_truncate(value, limit)
    return "s", ws.str_table._get_shared_string_index(value)


class FittedRows(Worksheet):
    """A worksheet some of whose rows (`refit`, 0-based) are written with their height but without
    `customHeight`, which xlsxwriter always adds. Excel then fits such a row to the font it draws when
    it opens the file (TH SarabunPSK on the office PC: narrower and tighter than Laksaman, which rows
    are measured with), while LibreOffice, which never refits a row on load, keeps the height measured
    for its stand-in. For rows without merged cells only: Excel never fits a row with merged cells."""

    def __init__(self) -> None:
        super().__init__()
        self.refit: set[int] = set()

    def _write_row(self, row: int, *args: Any, **kwargs: Any) -> None:
        if row not in self.refit:
            return super()._write_row(row, *args, **kwargs)
        fh, self.fh = self.fh, io.StringIO()
        try:
            super()._write_row(row, *args, **kwargs)
            fh.write(self.fh.getvalue().replace(' customHeight="1"', "", 1))
        finally:
            self.fh = fh


class StreamedRows(FittedRows):
    """A worksheet whose body (the master's projects, its data and e-PlanNACC rows) goes into the
    sheet's XML as it is given, through a temporary file, instead of through xlsxwriter's cells (an
    object per cell and a dict entry, kept to the end, then turned into XML a call at a time: on a
    1,000-file merge that was a third of the master's writing). What stays in memory is a height a
    row (for page breaks and comment boxes), however many rows. The rows above and below the body
    (titles, header, totals, footer), their merges, comments, columns and page setup go through
    xlsxwriter as usual.

    Every body row has a cell in each column from A on (blank cells carry their format), so a block
    of 16 rows spans those columns, as xlsxwriter works it out. Formats get their numbers when the
    workbook closes, in the order xlsxwriter gives them: the sheet's XML is byte for byte
    xlsxwriter's for the same cells (tests/test_streamed_rows.py, tests/test_line_count.py).

    Made with `workbook.add_worksheet(name, worksheet_class=StreamedRows)`."""

    def __init__(self) -> None:
        super().__init__()
        self._stream = None  # the temporary file of the body's XML, a row a line, from the first row
        self._first = self._next = self._width = 0
        self._pixels: list[int | None] = []  # each body row's height, None for the sheet's default
        self._slots: dict[Format, int] = {}  # the body's formats, in the order of their first use

    def stream_row(self, row: int, cells: Sequence[tuple[object, Format]], height: float | None = None,
                   refit: bool = False) -> None:
        """Row `row` (the body's first, or the one after the last): its cells from column A, each
        (value, format), a value a bool, number, string or blank (None or ""); every row has as many
        cells as the first. `height` in points; None keeps one given by `set_row` before, if any.

        `refit`: a row without merged cells, left to Excel to fit (`FittedRows`)."""
        if self._stream is None:
            self._start(row, len(cells))
        elif row != self._next or len(cells) != self._width:
            raise ValueError(f"streamed rows go down one at a time, {self._width} cells each: "
                             f"row {row + 1} of {len(cells)} cells after row {self._next}")
        kinds, values = zip(*(_kept(self, value) for value, _ in cells)) if cells else ((), ())
        slots = tuple(self._slots.setdefault(fmt, len(self._slots)) for _, fmt in cells)
        xml = _row_xml("".join(kinds), slots).format(row + 1, *values)
        if (self.set_row(row, height) if height is not None else self._check_dimensions(row, 0)) == -1:
            raise ValueError(f"row {row + 1} is past Excel's limit of {self.xls_rowmax:,} rows")
        self._check_dimensions(row, self._width - 1)
        # xlsxwriter's own <row> element, its height in whole pixels as set_row leaves it.
        info = self.row_info.pop(row, None)
        self._pixels.append(self.row_sizes.pop(row)[0] if row in self.row_sizes else None)
        if refit:
            self.refit.add(row)
        fh, self.fh = self.fh, self._stream
        try:
            self._write_row(row, self._spans, info)
            self.fh.write(xml)
            self._xml_end_tag("row")
            self.fh.write("\n")
        finally:
            self.fh = fh
        self._next = row + 1

    def write_body(self, first_row: int, rows: Iterable[Sequence[object]], cell_format: Format,
                   number_format: Format | None = None, heights: Iterable[float | None] = ()) -> None:
        """Rows from `first_row` down, each cell a bool, a number (in `number_format` if given), a
        string or blank (None or ""), all in `cell_format`; their `heights` in points, if given."""
        number_format = number_format or cell_format
        for row, (values, height) in enumerate(itertools.zip_longest(rows, heights), start=first_row):
            self.stream_row(row, [(value, number_format if isinstance(value, (int, float))
                                   and not isinstance(value, bool) else cell_format) for value in values], height)

    def stream_merge(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        """Merge a range of the body (its cells are streamed as usual: the first holds the value, the
        others are blank in the same format)."""
        self._check_dimensions(first_row, first_col)
        self._check_dimensions(last_row, last_col)
        self.merge.append([first_row, first_col, last_row, last_col])

    def row_points(self, row: int) -> float:
        """The height of `row` in points, as the file will say (the default where none was set)."""
        return self._size_row(row) * 0.75

    def _start(self, row: int, width: int) -> None:
        import tempfile

        if self.table and max(self.table) >= row:
            raise ValueError(f"streamed rows start below the rows written through xlsxwriter (row {row + 1})")
        self._stream = tempfile.TemporaryFile("w+", encoding="utf-8", dir=self.tmpdir)
        self._first = self._next = row
        self._width = width
        self._spans = f"1:{width}"

    def _size_row(self, row: int, anchor: int = 0):
        if self._first <= row < self._next and self._pixels[row - self._first] is not None:
            return self._pixels[row - self._first]
        return super()._size_row(row, anchor)

    def _calculate_spans(self) -> None:
        super()._calculate_spans()
        if self._stream is None:
            return
        for block in (self._first // 16, (self._next - 1) // 16):  # blocks shared with xlsxwriter's rows
            if int(self.row_spans.get(block, self._spans).split(":")[1]) > self._width:
                raise ValueError(f"rows beside the streamed ones reach past their {self._width} columns")
            self.row_spans[block] = self._spans

    def _write_sheet_data(self) -> None:
        if self._stream is None:
            return super()._write_sheet_data()
        if any(self._first <= r < self._next for r in [*(r for r, cells in self.table.items() if cells),
                                                         *self.row_info]):
            raise ValueError("cells or heights given through xlsxwriter among the streamed rows")
        low, high = self.dim_rowmin, self.dim_rowmax
        self._xml_start_tag("sheetData")
        try:
            if low < self._first:
                self.dim_rowmax = self._first - 1
                self._write_rows()
            # Numbered now, after the rows above, in the order of first use: as xlsxwriter numbers them.
            numbers = [fmt._get_xf_index() for fmt in self._slots]
            self._stream.seek(0)
            write = self.fh.write
            for line in self._stream:
                write(line[:-1].format(*numbers))
            if self._next <= high:
                self.dim_rowmin, self.dim_rowmax = self._next, high
                self._write_rows()
        finally:
            self.dim_rowmin, self.dim_rowmax = low, high
            self._stream.close()
        self._xml_end_tag("sheetData")


def table_row_height(values: Sequence[object], widths: Sequence[float], size: int = 14) -> float:
    """The height of a row of `write_table`."""
    return min(row_height([(str(v), w) for v, w in zip(values, widths) if isinstance(v, str) and v], size), 409.0)


def write_table(ws, styles: Formats, headers: list[str], widths: list[float], rows: list[list[object]],
                size: int = 14, heights: Sequence[float] | None = None) -> None:
    """A plain sheet to filter and copy from: a bold header row, one row per record, heights for its
    text (Arial-default workbooks: the master's, the report's), A4 landscape. `heights`: the rows',
    when measured already (`table_row_height`)."""
    head, text = styles.header(font_size=size), styles.cell("left", font_size=size)
    number = styles.cell("center", font_size=size, num_format=THAI_INTEGER)
    for col, (header, width) in enumerate(zip(headers, widths)):
        ws.set_column(col, col, width)
        ws.write_string(0, col, header, head)
    ws.set_row(0, row_height(list(zip(headers, widths)), size, bold=True))
    if heights is None:
        heights = [table_row_height(values, widths, size) for values in rows]
    body = ([str(v) if isinstance(v, bool) else v for v in values] for values in rows)  # True as text
    if isinstance(ws, StreamedRows):
        ws.write_body(1, body, text, number, heights)
    else:
        for r, height in enumerate(heights, start=1):
            ws.set_row(r, height)
        for r, values in enumerate(body, start=1):
            for col, value in enumerate(values):
                if isinstance(value, (int, float)):
                    ws.write_number(r, col, value, number)
                elif value in (None, ""):
                    ws.write_blank(r, col, None, text)
                else:
                    ws.write_string(r, col, str(value), text)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
    a4_landscape(ws, repeat_rows=(0, 0), font=styles.font)
