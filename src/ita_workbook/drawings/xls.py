"""An .xls sheet's drawings: its OfficeArt records and the OBJ records naming them."""

from __future__ import annotations

import struct

from .. import biff
from . import DEFAULT_ROW_EMU, MAX_DRAWINGS, Drawing, DrawingsUnread

# A sheet's drawing is an OfficeArt (Escher) stream cut into its MSODRAWING records, each shape's
# container followed by the OBJ record that says what the object is (MS-XLS 2.4.181, MS-ODRAW).
# What is read of each shape: its type (the FSP record's instance), whether it is the group or a
# child of one, its arrowheads (OPT properties lineStartArrowhead/lineEndArrowhead) and its anchor
# (OfficeArtClientAnchorSheet: the cells of its corners, x in 1/1024 of a column's width, y in 1/256
# of a row's height). Text in text boxes is not read.

_OBJ, _MSODRAWING = 0x005D, 0x00EC
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


def read_xls(stream: bytes, sheet_names: list[str], wanted: set[str]) -> dict[str, list[Drawing]]:
    """Sheet name → the objects drawn on it, of the `wanted` sheets of an .xls's workbook stream
    (biff.workbook_stream; comments and drop-down arrows aside). Raises DrawingsUnread("damaged")
    for a drawing stream that cannot be walked."""
    records = biff.Records(stream)
    found: dict[str, list[Drawing]] = {}
    for name, begin in zip(sheet_names, records.sheet_starts()):
        if name not in wanted:
            continue
        drawings: list[Drawing] = []
        shape: dict | None = None
        group_at = None  # index in `drawings` of the group whose children follow
        for kind, body in records.at(begin):
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
