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

import io
import re
import struct
import xml.parsers.expat
import zipfile
from dataclasses import dataclass

EMU_PER_PIXEL = 9525
EMU_PER_INCH = 914400
PIXELS_PER_CHARACTER = 7  # Excel's column width unit at its default font (Calibri 11: digit 7 px wide)
DEFAULT_COLUMN_WIDTH = 8.43  # characters, when the sheet names none
DEFAULT_ROW_EMU = 190500  # 15 points: rows of a drawing placed by position only
MAX_DRAWING_BYTES = 10 * 2**20  # one sheet's drawing part; a plan's holds a few KB
MAX_DRAWINGS = 5000  # objects on one sheet; beyond, the sheet's drawings are `too-many`

# DrawingML preset shapes that are a line, and the block arrows a clerk inserts as "arrow" shapes.
LINE_PRESETS = {"line", "straightConnector1", "bentConnector2", "bentConnector3", "curvedConnector3", "lineInv"}
ARROW_PRESETS = {"rightArrow", "leftArrow", "leftRightArrow", "notchedRightArrow", "stripedRightArrow",
                 "homePlate", "chevron", "rightArrowCallout", "leftArrowCallout", "leftRightArrowCallout"}


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


# --- xlsx ---------------------------------------------------------------------------------------------

def read_xlsx(zf: zipfile.ZipFile, sheet_target: str, sheet_part: bytes) -> list[Drawing]:
    """The objects of the drawing part(s) a sheet's relationships name. Raises DrawingsUnread."""
    folder, _, file = sheet_target.rpartition("/")
    rels_name = f"{folder}/_rels/{file}.rels"
    try:
        rels = zf.read(rels_name)
    except KeyError:
        return []
    from . import grid as grids

    try:
        relationships = grids._elements(rels, b"Relationship")
    except grids.LoadError:
        raise DrawingsUnread("damaged") from None
    parts = []
    for attrs in relationships:
        if attrs.get(b"Type", "").endswith("/drawing") and attrs.get(b"TargetMode") != "External":
            target = attrs.get(b"Target", "")
            path = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}"
            while re.search(r"[^/]+/\.\./", path):
                path = re.sub(r"[^/]+/\.\./", "", path, count=1)
            parts.append(path)
    if not parts:
        return []
    widths = _column_widths(sheet_part)
    found: list[Drawing] = []
    for name in parts:
        try:
            info = zf.getinfo(name)
        except KeyError:
            continue
        if info.file_size > MAX_DRAWING_BYTES:
            raise DrawingsUnread("too-many")
        try:
            data = zf.read(info)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise DrawingsUnread("damaged") from exc
        found.extend(_parse_drawing(data[:MAX_DRAWING_BYTES + 1], widths))
    return found


class _Widths:
    """Column widths in EMU, from the sheet's <cols> and <sheetFormatPr>."""

    def __init__(self, default: float, given: dict[int, float]):
        self.default, self.given = default, given

    def __call__(self, col: int) -> float:
        return self.given.get(col, self.default)

    def walk(self, col: int, offset: float, length: float) -> tuple[int, float]:
        """The column and the offset in it reached `length` EMU right of `offset` in `col`."""
        at = offset + length
        while at > self(col) and col < 16_383:
            at -= self(col)
            col += 1
        return col, at


def _column_widths(sheet_part: bytes) -> _Widths:
    from . import grid as grids

    head = sheet_part[:sheet_part.find(b"<sheetData")] if b"<sheetData" in sheet_part else b""
    head = head[:1 << 20]  # <cols> comes before the data: a plan's is under 2 KB
    try:
        formats = grids._elements(head, b"sheetFormatPr")
        cols = grids._elements(head, b"col")
    except grids.LoadError:
        formats, cols = [], []
    default_chars = DEFAULT_COLUMN_WIDTH
    if formats:
        default_chars = _number(formats[0].get(b"defaultColWidth"), None) or \
            (_number(formats[0].get(b"baseColWidth"), 8) + 0.71)
    emu = lambda chars: max(chars, 0) * PIXELS_PER_CHARACTER * EMU_PER_PIXEL  # noqa: E731
    given: dict[int, float] = {}
    for attrs in cols[:16_384]:
        first, last = int(_number(attrs.get(b"min"), 1)), int(_number(attrs.get(b"max"), 1))
        width = 0.0 if attrs.get(b"hidden") in ("1", "true") else emu(_number(attrs.get(b"width"), default_chars))
        for col in range(max(first, 1) - 1, min(last, 16_384, first + 16_384)):
            given[col] = width
    return _Widths(emu(default_chars), given)


def _number(text: str | None, default: float | None) -> float | None:
    try:
        return float(text) if text is not None else default
    except ValueError:
        return default


_ANCHORS = {"twoCellAnchor", "oneCellAnchor", "absoluteAnchor"}
_OBJECTS = {"sp": "shape", "cxnSp": "line", "pic": "picture", "graphicFrame": "chart", "grpSp": "group",
            "contentPart": "other"}


def _parser() -> xml.parsers.expat.XMLParserType:
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")

    def refuse(*_args) -> None:
        raise DrawingsUnread("damaged")  # a DTD: no entity of its own is ever expanded

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    return parser


def _parse_drawing(data: bytes, widths: _Widths) -> list[Drawing]:
    found: list[Drawing] = []
    anchor: dict | None = None
    path: list[str] = []
    text: list[str] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal anchor
        local = name.rpartition(" ")[2]
        path.append(local)
        if local in _ANCHORS and anchor is None:
            anchor = {"type": local, "from": [0, 0, 0, 0], "to": [0, 0, 0, 0], "ext": (0, 0), "pos": (0, 0),
                      "kind": None, "line": False, "arrow": False, "head": False}
            text.clear()
            return
        if anchor is None:
            return
        if local in _OBJECTS and anchor["kind"] is None:
            anchor["kind"] = _OBJECTS[local]
        elif local == "cNvSpPr" and attrs.get("txBox") in ("1", "true") and anchor["kind"] == "shape":
            anchor["kind"] = "textbox"
        elif local == "prstGeom":
            preset = attrs.get("prst", "")
            anchor["line"] = anchor["line"] or preset in LINE_PRESETS
            anchor["arrow"] = anchor["arrow"] or preset in ARROW_PRESETS
        elif local in ("headEnd", "tailEnd") and attrs.get("type", "none") != "none":
            anchor["head"] = True
        elif local == "ext" and len(path) >= 2 and path[-2] in _ANCHORS:
            anchor["ext"] = (_int(attrs.get("cx")), _int(attrs.get("cy")))
        elif local == "pos" and len(path) >= 2 and path[-2] in _ANCHORS:
            anchor["pos"] = (_int(attrs.get("x")), _int(attrs.get("y")))
        elif local == "cxnSp":
            anchor["line"] = True

    def end(name: str) -> None:
        nonlocal anchor
        local = path.pop()
        if anchor is None:
            return
        if local in ("col", "colOff", "row", "rowOff") and path and path[-1] in ("from", "to"):
            value = _int("".join(text))
            anchor[path[-1]][("col", "colOff", "row", "rowOff").index(local)] = value
        if local == "t":
            anchor.setdefault("texts", []).append("".join(text))
        text.clear()
        if local in _ANCHORS and not any(p in _ANCHORS for p in path):
            if anchor["kind"] is not None:
                if len(found) >= MAX_DRAWINGS:
                    raise DrawingsUnread("too-many")
                found.append(_drawing(anchor, widths))
            anchor = None

    def characters(data: str) -> None:
        if anchor is not None and sum(map(len, text)) < 10_000:
            text.append(data)

    parser = _parser()
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, characters
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise DrawingsUnread("damaged") from exc
    return found


def _int(text: str | None) -> int:
    try:
        return max(0, min(int((text or "0").strip()), 10**12))
    except ValueError:
        return 0


def _drawing(anchor: dict, widths: _Widths) -> Drawing:
    kind = anchor["kind"]
    if kind in ("shape", "line") and anchor["line"]:
        kind = "line"
    elif kind == "shape" and anchor["arrow"]:
        kind = "arrow"
    elif kind == "line":  # a connector drawn as a bent or curved path: still a line
        kind = "line"
    has_line = kind == "group" and (anchor["line"] or anchor["arrow"])
    text = " ".join(t.strip() for t in anchor.get("texts", []) if t.strip())[:1000]
    common = {"arrow_head": anchor["head"], "has_line": has_line, "text": text}
    if anchor["type"] == "twoCellAnchor":
        c0, x0, r0, _ = anchor["from"]
        c1, x1, r1, y1 = anchor["to"]
        return Drawing(kind, (r0, c0), (r1, c1), _share(x0, widths(c0)), _share(x1, widths(c1)), y1, **common)
    cx, cy = anchor["ext"]
    if anchor["type"] == "oneCellAnchor":
        c0, x0, r0, y0 = anchor["from"]
        exact = True
    else:  # absoluteAnchor: a position on the sheet
        c0, x0 = widths.walk(0, 0, anchor["pos"][0])
        r0, y0 = divmod(anchor["pos"][1], DEFAULT_ROW_EMU)
        exact = False
    c1, x1 = widths.walk(c0, x0, cx)
    r1, y1 = divmod(y0 + cy, DEFAULT_ROW_EMU)
    return Drawing(kind, (r0, c0), (r0 + r1, c1), _share(x0, widths(c0)), _share(x1, widths(c1)),
                   y1 or (1 if r1 == 0 else 0), exact=exact and r1 == 0, **common)


def _share(offset: float, width: float) -> float:
    return 1.0 if width <= 0 else max(0.0, min(offset / width, 1.0))


# --- ods ----------------------------------------------------------------------------------------------

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
_SVG = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_ODS_KINDS = {"line": "line", "connector": "line", "measure": "line", "frame": "shape", "custom-shape": "shape",
              "rect": "shape", "ellipse": "shape", "circle": "shape", "polyline": "shape", "polygon": "shape",
              "path": "shape", "g": "group"}
_LENGTH = re.compile(r"\s*(-?[0-9.]+)\s*(in|cm|mm|pt|pc|px)?\s*")
_EMU_PER = {"in": EMU_PER_INCH, "cm": 360000, "mm": 36000, "pt": 12700, "pc": 152400, "px": EMU_PER_PIXEL, None: 360000}
MAX_ODS_LINES = 100_000  # columns or rows whose sizes are kept: past them, the last size stands


def _length(value: str | None) -> float:
    match = _LENGTH.fullmatch(value or "")
    try:
        return float(match[1]) * _EMU_PER[match[2]] if match else 0.0
    except ValueError:
        return 0.0


def read_ods(zf: zipfile.ZipFile) -> dict[str, list[Drawing]]:
    """Sheet name → the objects drawn on it, from content.xml. LibreOffice writes a drawing inside
    the cell it is anchored to (a connector, or one anchored to the page, inside the sheet's first
    cell), its svg:x/y (or x1/y1, x2/y2) from that cell's top-left corner: its corners are found by
    walking the column widths and row heights of the column and row styles from there.
    Raises DrawingsUnread."""
    sizes: dict[str, float] = {}  # column or row style → its width or height
    arrow_styles: set[str] = set()
    sheets: dict[str, dict] = {}
    state = {"sheet": None, "style": "", "col": 0, "cell_col": 0, "repeated": 1}
    open_drawing: list[dict] = []
    path: list[str] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        ns, _, local = name.rpartition(" ")
        path.append(local)
        sheet = state["sheet"]
        if ns == _STYLE and local == "style":
            state["style"] = attrs.get(f"{_STYLE} name", "")
        elif ns == _STYLE and local in ("table-column-properties", "table-row-properties"):
            size = attrs.get(f"{_STYLE} column-width") or attrs.get(f"{_STYLE} row-height")
            sizes[state["style"]] = _length(size)
        elif ns == _STYLE and local == "graphic-properties":
            if attrs.get(f"{_DRAW} marker-end") or attrs.get(f"{_DRAW} marker-start"):
                arrow_styles.add(state["style"])
        elif ns == _TABLE and local == "table":
            state["sheet"] = sheet = {"widths": [], "heights": [], "drawings": []}
            sheets[attrs.get(f"{_TABLE} name", "")] = sheet
        elif sheet is None:
            return
        elif ns == _TABLE and local == "table-column":
            repeated = int(_number(attrs.get(f"{_TABLE} number-columns-repeated"), 1))
            room = max(0, MAX_ODS_LINES - len(sheet["widths"]))
            sheet["widths"].extend([sizes.get(attrs.get(f"{_TABLE} style-name", ""), 0.0)] * min(repeated, room))
        elif ns == _TABLE and local == "table-row":
            state["col"] = 0
            state["repeated"] = int(_number(attrs.get(f"{_TABLE} number-rows-repeated"), 1))
            state["height"] = sizes.get(attrs.get(f"{_TABLE} style-name", ""), DEFAULT_ROW_EMU) or DEFAULT_ROW_EMU
            sheet["heights"].append(state["height"])
        elif ns == _TABLE and local in ("table-cell", "covered-table-cell"):
            state["cell_col"] = state["col"]
            state["col"] += int(_number(attrs.get(f"{_TABLE} number-columns-repeated"), 1))
        elif ns == _DRAW and local == "text-box" and open_drawing:
            open_drawing[0]["kind"] = "textbox"
        elif ns == _DRAW and local == "enhanced-geometry" and open_drawing and open_drawing[0]["kind"] == "shape":
            shape = attrs.get(f"{_DRAW} type", "")
            if "arrow" in shape or "chevron" in shape or "pentagon" in shape:
                open_drawing[0]["kind"] = "arrow"  # LibreOffice's block arrows: right-arrow, left-right-arrow …
        elif ns == _DRAW and local in _ODS_KINDS:
            if open_drawing:  # a part of a group: the group stands for it
                open_drawing[0]["line"] |= _ODS_KINDS[local] == "line"
                return
            if len(sheet["drawings"]) >= MAX_DRAWINGS:
                raise DrawingsUnread("too-many")
            in_cell = len(path) >= 2 and path[-2] == "table-cell"
            open_drawing.append({"kind": _ODS_KINDS[local], "attrs": attrs, "depth": len(path), "texts": [],
                                 "line": False, "row": len(sheet["heights"]) - 1 if in_cell else 0,
                                 "col": state["cell_col"] if in_cell else 0})

    def end(name: str) -> None:
        local = path.pop()
        sheet = state["sheet"]
        if open_drawing and len(path) + 1 == open_drawing[0]["depth"] and local in _ODS_KINDS:
            sheet["drawings"].append(open_drawing.pop())
        elif local == "table-row" and sheet is not None and state["repeated"] > 1:
            room = max(0, MAX_ODS_LINES - len(sheet["heights"]))
            sheet["heights"].extend([state["height"]] * min(state["repeated"] - 1, room))

    def characters(data: str) -> None:
        if open_drawing and sum(map(len, open_drawing[0]["texts"])) < 1000:
            open_drawing[0]["texts"].append(data)

    parser = _parser()
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, characters
    try:
        with zf.open("content.xml") as content:
            while chunk := content.read(1 << 16):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except KeyError:
        return {}
    except (xml.parsers.expat.ExpatError, zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise DrawingsUnread("damaged") from exc
    return {name: [_ods_drawing(d, sheet["widths"], sheet["heights"], arrow_styles) for d in sheet["drawings"]]
            for name, sheet in sheets.items() if sheet["drawings"]}


def _ods_drawing(d: dict, widths: list[float], heights: list[float], arrow_styles: set[str]) -> Drawing:
    attrs = d["attrs"]
    get = lambda key: _length(attrs.get(f"{_SVG} {key}"))  # noqa: E731
    if f"{_SVG} x1" in attrs:
        x0, x1 = sorted((get("x1"), get("x2")))
        y0, y1 = sorted((get("y1"), get("y2")))
    else:
        x0, y0 = get("x"), get("y")
        x1, y1 = x0 + get("width"), y0 + get("height")
    width = lambda c: widths[c] if c < len(widths) else (widths[-1] if widths else DEFAULT_COLUMN_WIDTH * 7 * EMU_PER_PIXEL)  # noqa: E731
    height = lambda r: heights[r] if r < len(heights) else (heights[-1] if heights else DEFAULT_ROW_EMU)  # noqa: E731

    def walk(start: int, at: float, size) -> tuple[int, float]:
        while at > size(start) > 0 and start < MAX_ODS_LINES:
            at -= size(start)
            start += 1
        return start, at

    c0, left = walk(d["col"], x0, width)
    c1, right = walk(d["col"], x1, width)
    r0, _ = walk(d["row"], y0, height)
    r1, bottom = walk(d["row"], y1, height)
    return Drawing(d["kind"], (r0, c0), (r1, c1), _share(left, width(c0)), _share(right, width(c1)),
                   int(bottom) or 1, attrs.get(f"{_DRAW} style-name", "") in arrow_styles, d["line"],
                   " ".join("".join(d["texts"]).split())[:1000])


# --- xls ----------------------------------------------------------------------------------------------
# A sheet's drawing is an OfficeArt (Escher) stream cut into its MSODRAWING records, each shape's
# container followed by the OBJ record that says what the object is (MS-XLS 2.4.181, MS-ODRAW).
# What is read of each shape: its type (the FSP record's instance), whether it is the group or a
# child of one, its arrowheads (OPT properties lineStartArrowhead/lineEndArrowhead) and its anchor
# (OfficeArtClientAnchorSheet: the cells of its corners, x in 1/1024 of a column's width, y in 1/256
# of a row's height). Text in text boxes is not read.

_OBJ, _BOUNDSHEET, _EOF, _MSODRAWING = 0x005D, 0x0085, 0x000A, 0x00EC
# OBJ record object types (MS-XLS 2.5.143 ftCmo.ot) that are no drawing over the table: a comment's
# note, and the drop-down arrow of an autofilter or a validation list.
_NOT_DRAWN = {0x19, 0x14}
_OBJ_KINDS = {0x05: "chart", 0x08: "picture", 0x00: "group"}
_FSP, _OPT, _CLIENT_ANCHOR = 0xF00A, 0xF00B, 0xF010
_ARROWHEADS = {0x01D0, 0x01D1}
# MSOSPT shape types: lines and connectors; block arrows; a picture frame; a text box.
_XLS_LINES = {20, 32, 33, 34, 35, 36, 37, 38, 39, 40}
_XLS_ARROWS = {13, 15, 55, 66, 69, 76, 77, 78, 93, 94}
_XLS_KINDS = {75: "picture", 202: "textbox"}


def read_xls(xls: bytes, sheet_names: list[str], wanted: set[str]) -> dict[str, list[Drawing]]:
    """Sheet name → the objects drawn on it, of the `wanted` sheets of an .xls (comments and drop-down
    arrows aside). Raises DrawingsUnread("damaged") for a drawing stream that cannot be walked."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(xls)) as ole:
            stream = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            data = ole.openstream(stream).read() if stream else b""
    except (OSError, ValueError, IndexError, TypeError, struct.error):
        return {}
    budget = len(data) // 4

    def records(pos: int):
        nonlocal budget
        while pos + 4 <= len(data) and budget > 0:
            budget -= 1
            kind, size = struct.unpack_from("<HH", data, pos)
            yield kind, data[pos + 4:pos + 4 + size]
            if kind == _EOF:
                return
            pos += 4 + size

    starts = [struct.unpack_from("<I", body)[0] for kind, body in records(0) if kind == _BOUNDSHEET and len(body) >= 4]
    found: dict[str, list[Drawing]] = {}
    for name, begin in zip(sheet_names, starts):
        if name not in wanted:
            continue
        drawings: list[Drawing] = []
        shape: dict | None = None
        group_at = None  # index in `drawings` of the group whose children follow
        for kind, body in records(begin):
            if kind == _MSODRAWING:
                shape = _escher_shapes(body, shape)
            elif kind == _OBJ and len(body) >= 6:
                ot = struct.unpack_from("<H", body, 4)[0]
                if shape is None or ot in _NOT_DRAWN:
                    shape = None
                    continue
                if len(drawings) >= MAX_DRAWINGS:
                    raise DrawingsUnread("too-many")
                line = shape["type"] in _XLS_LINES or shape["type"] in _XLS_ARROWS
                if shape.get("anchor") is None:  # a child of the group before: the group stands for it
                    if group_at is not None and line:
                        drawings[group_at] = _replace(drawings[group_at], has_line=True)
                    shape = None
                    continue
                drawing = _xls_drawing(shape, _OBJ_KINDS.get(ot))
                group_at = len(drawings) if drawing.kind == "group" else group_at
                drawings.append(drawing)
                shape = None
        if drawings:
            found[name] = drawings
    return found


def _replace(drawing: Drawing, **changes) -> Drawing:
    import dataclasses

    return dataclasses.replace(drawing, **changes)


def _escher_shapes(payload: bytes, shape: dict | None) -> dict | None:
    """Walks one MSODRAWING record's OfficeArt records (containers entered, atoms read): the shape
    being described when it ends, to be named by the OBJ record that follows."""
    at = 0
    while at + 8 <= len(payload):
        head, kind, size = struct.unpack_from("<HHI", payload, at)
        at += 8
        if head & 0xF == 0xF:  # a container: its records follow (and may go on in the next record)
            continue
        atom = payload[at:at + size]
        if len(atom) < size:
            break  # cut at the record's end: an atom never is in a plan's drawing
        at += size
        if kind == _FSP and len(atom) >= 8:
            flags = struct.unpack_from("<I", atom, 4)[0]
            shape = None if flags & 0x4 else {"type": head >> 4, "group": bool(flags & 0x1), "head": False,
                                              "anchor": None}  # 0x4: the sheet's own patriarch
        elif kind == _OPT and shape is not None:
            for i in range(min(head >> 4, len(atom) // 6)):
                pid, value = struct.unpack_from("<HI", atom, i * 6)
                if pid & 0x3FFF in _ARROWHEADS and value:
                    shape["head"] = True
        elif kind == _CLIENT_ANCHOR and shape is not None and len(atom) >= 18:
            shape["anchor"] = struct.unpack_from("<8H", atom, 2)
    return shape


def _xls_drawing(shape: dict, obj_kind: str | None) -> Drawing:
    col0, dx0, row0, dy0, col1, dx1, row1, dy1 = shape["anchor"]
    kind = "group" if shape["group"] else obj_kind or (
        "line" if shape["type"] in _XLS_LINES else "arrow" if shape["type"] in _XLS_ARROWS
        else _XLS_KINDS.get(shape["type"], "shape"))
    return Drawing(kind, (row0, col0), (row1, col1), min(dx0, 1024) / 1024, min(dx1, 1024) / 1024,
                   int(DEFAULT_ROW_EMU * min(dy1, 256) / 256), shape["head"])
