"""An xlsx sheet's drawing part (xl/drawings/drawingN.xml): its anchors and what each holds."""

from __future__ import annotations

import re
import xml.parsers.expat
import zipfile

from . import (DEFAULT_COLUMN_WIDTH, DEFAULT_ROW_EMU, EMU_PER_PIXEL, MAX_DRAWING_BYTES, MAX_DRAWINGS,
               PIXELS_PER_CHARACTER, Drawing, DrawingsUnread, _number, _parser, _share)

# DrawingML preset shapes that are a line, and the block arrows a clerk inserts as "arrow" shapes.
LINE_PRESETS = {"line", "straightConnector1", "bentConnector2", "bentConnector3", "curvedConnector3", "lineInv"}
ARROW_PRESETS = {"rightArrow", "leftArrow", "leftRightArrow", "notchedRightArrow", "stripedRightArrow",
                 "homePlate", "chevron", "rightArrowCallout", "leftArrowCallout", "leftRightArrowCallout"}


def read_xlsx(zf: zipfile.ZipFile, sheet_target: str, sheet_part: bytes) -> list[Drawing]:
    """The objects of the drawing part(s) a sheet's relationships name. Raises DrawingsUnread."""
    folder, _, file = sheet_target.rpartition("/")
    rels_name = f"{folder}/_rels/{file}.rels"
    try:
        rels = zf.read(rels_name)
    except KeyError:
        return []
    from .. import grid as grids

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
    from .. import grid as grids

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


_ANCHORS = {"twoCellAnchor", "oneCellAnchor", "absoluteAnchor"}
_OBJECTS = {"sp": "shape", "cxnSp": "line", "pic": "picture", "graphicFrame": "chart", "grpSp": "group",
            "contentPart": "other"}


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
