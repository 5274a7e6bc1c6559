"""The objects drawn over a sheet (lines, arrows, connectors, shapes, text boxes, pictures, charts),
each with the cells its corners sit in: read in the reader's child (sandbox.py) beside the cells.

Thai plans often mark a project's period with an arrow drawn over the month or quarter columns and
leave the cells empty; read as cells alone, such a plan counts no period at all and looks complete.
What is drawn is therefore part of the grid (grid.Grid.drawings), and drawn_periods.py reads it
against the tables.

xlsx: `xl/drawings/drawingN.xml`, found through the sheet's relationships, parsed by expat with no
DTD (so no entity but XML's five) and a bounded size. ods: the draw: elements of content.xml. xls:
the OfficeArt records of each sheet's drawing, with the OBJ record naming each object.
"""

from __future__ import annotations

import xml.parsers.expat
from dataclasses import dataclass

EMU_PER_PIXEL = 9525
EMU_PER_INCH = 914400
PIXELS_PER_CHARACTER = 7  # Excel's column width unit at its default font (Calibri 11: digit 7 px wide)
DEFAULT_COLUMN_WIDTH = 8.43  # characters, when the sheet names none
DEFAULT_ROW_EMU = 190500  # 15 points: rows of a drawing placed by position only
MAX_DRAWING_BYTES = 10 * 2**20  # one sheet's drawing part; a plan's holds a few KB
MAX_DRAWINGS = 5000  # objects on one sheet; beyond, the sheet's drawings are `too-many`


@dataclass(frozen=True)
class Drawing:
    """One object as the sheet anchors it: its corners' cells (0-based row, column) and how far into
    those cells they are. `kind`: "line" (a line or connector, with or without an arrow head),
    "arrow" (a block arrow shape), "shape", "textbox", "picture", "chart", "group" (its parts as one),
    "other". `start_x`/`end_x`: the share (0 … 1) of its first and last column's width at which it
    starts and ends; `end_y`: EMU into its last row (a line along a row's bottom border ends 0 into
    the row below)."""

    kind: str
    start: tuple[int, int]
    end: tuple[int, int]
    start_x: float = 0.0
    end_x: float = 1.0
    end_y: int = 1
    arrow_head: bool = False
    has_line: bool = False  # a group holding a line or arrow
    text: str = ""
    exact: bool = True  # False: placed from an absolute position, rows taken at a default height

    @property
    def is_line(self) -> bool:
        return self.kind in ("line", "arrow")


class DrawingsUnread(Exception):
    """The sheet's drawings could not be read: `reason` is "damaged" or "too-many"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _number(text: str | None, default: float | None) -> float | None:
    try:
        return float(text) if text is not None else default
    except ValueError:
        return default


def _share(offset: float, width: float) -> float:
    return 1.0 if width <= 0 else max(0.0, min(offset / width, 1.0))


def _parser() -> xml.parsers.expat.XMLParserType:
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")

    def refuse(*_args) -> None:
        raise DrawingsUnread("damaged")  # a DTD: no entity of its own is ever expanded

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    return parser


# Each source in its own room; imported last, as they use what is above.
from .ods import read_ods  # noqa: E402
from .xls import read_xls  # noqa: E402
from .xlsx import read_xlsx  # noqa: E402

__all__ = ["Drawing", "DrawingsUnread", "read_ods", "read_xls", "read_xlsx"]
