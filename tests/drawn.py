"""Objects drawn over a test workbook's sheet, written into its zip as Excel writes them
(xlsxwriter cannot draw connectors and openpyxl keeps no shapes): `draw(path, [Shape(...)])`."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

EMU_PER_CHARACTER = 7 * 9525  # a column width unit, as drawings.py reads it


@dataclass
class Shape:
    """`start`/`end`: (A1 cell, share of its column's width); `kind`: "connector" (Excel's arrow:
    a straight connector with a triangle head), "line" (LibreOffice's: a line shape with a head),
    "rightArrow" (a block arrow), "textbox", "picture"."""

    start: tuple[str, float]
    end: tuple[str, float]
    kind: str = "connector"
    text: str = ""
    row_offset: int = 95250  # EMU into the row: a line across its middle


def _cell(address: str) -> tuple[int, int]:
    letters, digits = re.fullmatch(r"([A-Z]+)([0-9]+)", address).groups()
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(digits) - 1, col - 1


def _anchor(shape: Shape, widths: dict[int, float], n: int) -> str:
    (r0, c0), (r1, c1) = _cell(shape.start[0]), _cell(shape.end[0])
    w = lambda c: widths.get(c, 8.43) * EMU_PER_CHARACTER  # noqa: E731
    place = (f"<xdr:from><xdr:col>{c0}</xdr:col><xdr:colOff>{int(shape.start[1] * w(c0))}</xdr:colOff>"
             f"<xdr:row>{r0}</xdr:row><xdr:rowOff>{shape.row_offset}</xdr:rowOff></xdr:from>"
             f"<xdr:to><xdr:col>{c1}</xdr:col><xdr:colOff>{int(shape.end[1] * w(c1))}</xdr:colOff>"
             f"<xdr:row>{r1}</xdr:row><xdr:rowOff>{shape.row_offset}</xdr:rowOff></xdr:to>")
    xfrm = '<a:xfrm><a:off x="0" y="0"/><a:ext cx="1000" cy="0"/></a:xfrm>'
    if shape.kind == "connector":
        body = (f'<xdr:cxnSp macro=""><xdr:nvCxnSpPr><xdr:cNvPr id="{n}" name="Straight Arrow Connector {n}"/>'
                f'<xdr:cNvCxnSpPr/></xdr:nvCxnSpPr><xdr:spPr>{xfrm}<a:prstGeom prst="straightConnector1"><a:avLst/>'
                '</a:prstGeom><a:ln><a:tailEnd type="triangle"/></a:ln></xdr:spPr></xdr:cxnSp>')
    elif shape.kind == "picture":
        body = (f'<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="{n}" name="Picture {n}"/><xdr:cNvPicPr/></xdr:nvPicPr>'
                f'<xdr:blipFill/><xdr:spPr>{xfrm}<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic>')
    else:
        preset = {"line": "line", "rightArrow": "rightArrow", "textbox": "rect"}[shape.kind]
        box = ' txBox="1"' if shape.kind == "textbox" else ""
        head = '<a:ln><a:tailEnd type="triangle"/></a:ln>' if shape.kind == "line" else ""
        text = (f'<xdr:txBody><a:bodyPr/><a:p><a:r><a:t>{shape.text}</a:t></a:r></a:p></xdr:txBody>'
                if shape.text else "")
        body = (f'<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="{n}" name="Shape {n}"/>'
                f'<xdr:cNvSpPr{box}/></xdr:nvSpPr><xdr:spPr>{xfrm}<a:prstGeom prst="{preset}"><a:avLst/>'
                f'</a:prstGeom>{head}</xdr:spPr>{text}</xdr:sp>')
    return f'<xdr:twoCellAnchor>{place}{body}<xdr:clientData/></xdr:twoCellAnchor>'


def draw(path: Path, shapes: list[Shape], sheet_part: str = "xl/worksheets/sheet1.xml") -> Path:
    """Rewrites the xlsx at `path` with `shapes` drawn over the sheet of `sheet_part`."""
    with zipfile.ZipFile(path) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    sheet = parts[sheet_part].decode()
    widths = {}
    for m in re.finditer(r'<col [^>]*min="(\d+)"[^>]*max="(\d+)"[^>]*width="([0-9.]+)"', sheet):
        for c in range(int(m[1]) - 1, int(m[2])):
            widths[c] = float(m[3])
    drawing = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xdr:wsDr '
               'xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
               'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
               + "".join(_anchor(s, widths, n + 2) for n, s in enumerate(shapes)) + "</xdr:wsDr>")
    folder, _, name = sheet_part.rpartition("/")
    rels_name = f"{folder}/_rels/{name}.rels"
    relationship = ('<Relationship Id="rIdDrawn" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/drawing" Target="../drawings/drawn1.xml"/>')
    if rels_name in parts:
        parts[rels_name] = parts[rels_name].replace(b"</Relationships>", relationship.encode() + b"</Relationships>")
    else:
        parts[rels_name] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="'
                            'http://schemas.openxmlformats.org/package/2006/relationships">'
                            + relationship + "</Relationships>").encode()
    if 'xmlns:r="' not in sheet.split(">", 2)[1]:
        sheet = sheet.replace("<worksheet ", '<worksheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
                              '2006/relationships" ', 1)
    parts[sheet_part] = sheet.replace("</worksheet>", '<drawing r:id="rIdDrawn"/></worksheet>').encode()
    parts["xl/drawings/drawn1.xml"] = drawing.encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/drawings/drawn1.xml" '
                     b'ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/></Types>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path
