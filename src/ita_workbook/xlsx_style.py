"""The look shared by every workbook we write with xlsxwriter: font, Thai-digit number formats,
header and cell formats, A4 landscape page setup, and row heights for wrapped Thai text.

Neither Excel (for merged cells) nor headless LibreOffice (at all) fits a row to wrapped Thai text,
so every row whose text is known when writing gets a height from `row_height`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Iterable

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from .config import DEFAULT_FONT

# Clerks' text starting with = or containing a URL stays text (see FIELD-NOTES).
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}

FONT_SIZE = 16  # official documents: TH SarabunPSK 16 pt
# Numbers stay numbers but show Thai digits; D07 (Buddhist calendar) breaks numbers in LibreOffice.
THAI_INTEGER = "[$-D00041E]#,##0"
THAI_DATE = "[$-D07041E]d mmmm yyyy"
TEXT_FORMAT = "@"  # typed values stay text: 1/2 or 3-4 never turn into dates
HEADER_FILL = "#D9D9D9"

A4 = 9
# Line height as a multiple of the font size, with room for the stacked marks. Laksaman, which
# stands in for TH SarabunPSK on Linux, spans 1.96 em (its ascent + descent); Excel's rows for
# TH SarabunPSK are nearer 1.5 (not measured here). Line counts are rounded up, which covers the
# difference in LibreOffice; in Excel rows come out a little tall rather than clipped.
LINE_HEIGHT = 1.75
ROW_PADDING = 4.0  # points above and below the text
# Average advance of a spacing Thai/Latin character in TH SarabunPSK-like fonts, in em; above and
# below vowels and tone marks take no width. Measured on the seed plan with Laksaman's metrics.
CHAR_EM = 0.53
SPACE_EM = 0.32
# Thai line breaking (at word boundaries) wastes the end of most lines.
WRAP_SLACK = 0.9
_ZERO_WIDTH = frozenset("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b"
                        "\u0e4c\u0e4d\u0e4e\u200b\u200c\u200d")


# Workbooks from `new_workbook` have the form's font as their default (Normal) font: empty rows then
# take its line height in Excel and LibreOffice alike and still grow with what is typed (a row
# given a height would not), and column widths count its digits: 12 pixels at 16 pt, with 7 of
# padding (xlsxwriter's metrics for a 104-pixel default column).
DIGIT_PIXELS, CELL_PADDING = 12, 7
_FORM_FONT_METRICS = {"default_column_width": 104, "default_row_height": 32}


def new_workbook(path: str | Path, font: str = DEFAULT_FONT) -> xlsxwriter.Workbook:
    return xlsxwriter.Workbook(str(path), {
        **WORKBOOK_OPTIONS, **_FORM_FONT_METRICS,
        # Not tied to the theme: with scheme "minor" Excel would show the theme's fonts instead
        # (Calibri, and Tahoma for Thai).
        "default_format_properties": {"font_name": font, "font_size": FONT_SIZE, "font_scheme": "none"}})


def column_width(width: float) -> float:
    """A form width (characters of Excel's usual Calibri 11, as in form.py) as a `set_column`
    width of a `new_workbook` workbook, whose characters are the form font's: the same pixels."""
    return round((width * 7 + 5 - CELL_PADDING) / DIGIT_PIXELS, 2)


class Formats:
    """The formats of one workbook, each distinct set of properties made once.

    `formats(bold=True, align="center")` returns the font's format with those properties added;
    the named methods are the ones the printed forms share."""

    def __init__(self, workbook: xlsxwriter.Workbook, font: str = DEFAULT_FONT, size: int = FONT_SIZE):
        self.workbook = workbook
        self.font = font
        self.size = size
        self._made: dict[tuple, Format] = {}

    def __call__(self, **props: Any) -> Format:
        merged = {"font_name": self.font, "font_size": self.size, "valign": "top", **props}
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


def text_width_em(text: str) -> float:
    return sum(0.0 if ch in _ZERO_WIDTH else SPACE_EM if ch == " " else CHAR_EM for ch in text)


def column_points(width: float) -> float:
    """The room for text in a column of form width `width` (characters of Calibri 11)."""
    pixels = width * 7 + 5  # 7 pixels a character, 5 of padding
    return max(pixels - 6, 1) * 0.75  # less the cell's inner margins; 96 pixels to 72 points


def line_count(text: str, width: float, size: float = FONT_SIZE) -> int:
    """How many lines `text` takes wrapped in a column (or merged columns) of Excel width `width`."""
    room = column_points(width) * WRAP_SLACK
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += max(1, math.ceil(text_width_em(paragraph) * size / room))
    return lines


def row_height(cells: Iterable[tuple[str, float]], size: float = FONT_SIZE, min_lines: int = 1) -> float:
    """The height in points a row needs so that none of its (text, width) cells is clipped."""
    lines = max([min_lines, *(line_count(text, width, size) for text, width in cells if text)])
    return round(lines * size * LINE_HEIGHT + 2 * ROW_PADDING, 1)
