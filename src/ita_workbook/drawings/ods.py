"""An ods file's drawings: the draw: elements of content.xml."""

from __future__ import annotations

import re
import xml.parsers.expat
import zipfile

from . import (DEFAULT_COLUMN_WIDTH, DEFAULT_ROW_EMU, EMU_PER_INCH, EMU_PER_PIXEL, MAX_DRAWINGS, Drawing,
               DrawingsUnread, _number, _parser, _share)

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
