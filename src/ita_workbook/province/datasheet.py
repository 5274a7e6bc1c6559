"""`ข้อมูลรวม`, every project of every plan: its columns, its header (written by xlsxwriter) and its
rows (streamed into the sheet's XML)."""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import form
from ..output import readable
from .model import DATA_SHEET, SUMMARY_SIZE, OrgPlan

if TYPE_CHECKING:
    from .result import ProvinceResult

# (key, Thai header, width) of ข้อมูลรวม: the form's own headers where the form has the column.
DATA_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("organisation", "องค์กรปกครองส่วนท้องถิ่น", 30), ("district", "อำเภอ", 14), ("province", "จังหวัด", 12),
    ("fiscal_year", "ปีงบประมาณ", 10), ("no", "ที่", 6),
    *((key, form.COLUMN_BY_KEY[key].header, width) for key, width in (
        ("name", 45), ("unit", 10), ("quantity", 10), ("budget", 13))),
    ("no_budget", form.NO_BUDGET, 10),
    *((key, form.COLUMN_BY_KEY[key].header, width) for key, width in (
        ("dimension", 6), ("indicator", 40), ("outcome", 30), ("q1", 8), ("q2", 8), ("q3", 8), ("q4", 8),
        ("department", 22))),
    ("source_file", "ไฟล์", 30), ("source_sheet", "แผ่นงาน", 14), ("source_row", "แถว", 7),
)
_DATA_INDEX = {key: i for i, (key, _, _) in enumerate(DATA_COLUMNS)}
_NUMBER_KEYS = {"fiscal_year", "no", "no_budget", "dimension", *form.QUARTER_KEYS, "source_row"}


@dataclass
class _DataSheet:
    """ข้อมูลรวม as xlsxwriter left it (the header), and the plans whose projects are streamed into it."""
    worksheet: Any
    plans: list[OrgPlan]
    rows: int
    text_format: Any
    number_format: Any
    amount_format: Any


def _data_sheet(workbook, styles, result: ProvinceResult) -> _DataSheet:
    from ..xlsx_style import row_height

    ws = workbook.add_worksheet(DATA_SHEET)
    size = SUMMARY_SIZE
    text, number, amount = styles(), styles(num_format="0"), styles(num_format="#,##0.00")
    # The columns' own formats: what is typed there later looks the same, and every format gets
    # its style number (xf_index) when the workbook closes, for the streamed rows to use.
    for i, (key, _, width) in enumerate(DATA_COLUMNS):
        ws.set_column(i, i, width, amount if key == "budget" else number if key in _NUMBER_KEYS else text)
    head = styles(bold=True, bg_color="#D9D9D9", text_wrap=True, valign="top")
    ws.write_row(0, 0, [header for _, header, _ in DATA_COLUMNS], head)
    ws.set_row(0, row_height([(header, width) for _, header, width in DATA_COLUMNS], size))
    ws.set_default_row(row_height([("ก", 10)], size))
    plans = [plan for plan in result.counted if plan.read_as]
    rows = sum(plan.tally.projects for plan in plans)
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, max(rows, 1), len(DATA_COLUMNS) - 1)
    return _DataSheet(ws, plans, rows, text, number, amount)


# --- ข้อมูลรวม, streamed -----------------------------------------------------------------------------
# xlsxwriter keeps every cell of a sheet as an object until it closes: 350,000 projects x 21 columns
# took 46 s and 735 MB here, too slow and too big for a national consolidation. So xlsxwriter writes
# the whole workbook (styles, the header, the autofilter, the other sheets) with ข้อมูลรวม holding
# its header only, and the data rows are then streamed into that sheet's XML as inline strings,
# with the style numbers xlsxwriter gave the formats.

_XML_ESCAPES = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;",
                **{c: f"_x{c:04X}_" for c in range(32) if c not in (9, 10)}, 0xFFFE: "_xFFFE_", 0xFFFF: "_xFFFF_"}
_NEEDS_ESCAPE = re.compile("[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
_ESCAPED_UNDERSCORE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
_COMPRESS_LEVEL = 3  # measured on ข้อมูลรวม: 3 times faster than the default (6), a quarter larger
# Pieces in flight: at national scale 8 MB pieces four deep held 60 MB more at the peak than 2 MB
# pieces two deep, for the same CPU time.
_CHUNK_BYTES = 2 << 20
_CHUNKS_AHEAD = 2


def _xml_text(text: str) -> str:
    if not _NEEDS_ESCAPE.search(text):
        return text
    # A literal `_x0041_` in a clerk's text would be read back as "A": its underscore is escaped too.
    return _ESCAPED_UNDERSCORE.sub("_x005F_", text).translate(_XML_ESCAPES)


# Placeholders in rendered rows, filled in by the writer: the row number, and the style numbers that
# xlsxwriter gives the formats only when it closes the workbook. No cell text holds them (_xml_text
# escapes control characters).
_ROW, _END = b"\x00", b"\x04"
_STYLES = {"text": "\x01", "number": "\x02", "amount": "\x03"}


_LETTERS = {key: "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i] for i, (key, _, _) in enumerate(DATA_COLUMNS)}
# Each column's cell up to its value: an inline string, or a number in the column's style.
_TEXT_OPEN = {key: f'<c r="{letter}\x00"{_STYLES["text"]} t="inlineStr"><is><t' for key, letter in _LETTERS.items()}
_NUMBER_OPEN = {key: f'<c r="{letter}\x00"{_STYLES["amount" if key == "budget" else "number"]}><v>'
                for key, letter in _LETTERS.items()}


def _cell(key: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
        return f"{_TEXT_OPEN[key]}{space}>{_xml_text(value)}</t></is></c>"
    return f"{_NUMBER_OPEN[key]}{int(value) if isinstance(value, bool) else value!r}</v></c>"


def _render_rows(plan: OrgPlan) -> bytes:
    """The plan's projects as rows of ข้อมูลรวม: XML with placeholders, compressed. Done where the plan
    is read (in the worker processes), so that 350,000 projects are never sent between processes.
    The same cells as `_cell` makes, written out for the types an Entry holds (a call a cell cost
    half the time)."""
    cell = _cell
    # What every row of the plan repeats is made once.
    head = "".join(cell(key, value) for key, value in (
        ("organisation", plan.organisation), ("district", plan.district), ("province", plan.province),
        ("fiscal_year", plan.fiscal_year)))
    source = cell("source_file", readable(Path(plan.path).name))
    texts = [t for p in plan.projects for t in (p.name, p.unit, p.indicator, p.outcome, p.department, p.sheet)]
    # Nearly always nothing to escape nor keep spaces of, which one search of all the texts says.
    plain = all(type(t) is str for t in texts) and not _NEEDS_ESCAPE.search("\n".join(texts)) \
        and not any(t and (t[0].isspace() or t[-1].isspace()) for t in texts)
    text = _plain_text if plain else cell
    mark = ("0", "1")
    q1, q2, q3, q4, no_budget = (_NUMBER_OPEN[key] for key in ("q1", "q2", "q3", "q4", "no_budget"))
    rows = ["".join(('<row r="\x00">', head, cell("no", p.no), text("name", p.name), text("unit", p.unit),
                     cell("quantity", p.quantity), cell("budget", p.budget),
                     no_budget, mark[p.no_budget], "</v></c>", cell("dimension", p.dimension),
                     text("indicator", p.indicator), text("outcome", p.outcome),
                     q1, mark[p.q1], "</v></c>", q2, mark[p.q2], "</v></c>", q3, mark[p.q3], "</v></c>",
                     q4, mark[p.q4], "</v></c>",
                     text("department", p.department), source, text("source_sheet", p.sheet),
                     cell("source_row", p.row), "</row>"))
            for p in plan.projects]
    return zlib.compress("\x04".join(rows).encode("utf-8"), 1)


def _plain_text(key: str, value: str) -> str:
    """`_cell` of a text that needs no escaping and has no spaces to keep at its ends."""
    return f"{_TEXT_OPEN[key]}>{value}</t></is></c>" if value else ""


def _stream_data_rows(plain: Path, target: Path, data: _DataSheet) -> None:
    """Copy `plain` to `target`, with the plans' rendered rows put into ข้อมูลรวม's sheet XML, numbered.
    A second thread compresses what is ready (zlib lets go of the GIL): two cores at work."""
    import queue
    import threading

    from xlsxwriter.utility import xl_col_to_name

    index = data.worksheet.index + 1  # xlsxwriter names the files sheet1.xml, sheet2.xml… in order
    part = f"xl/worksheets/sheet{index}.xml"
    last = f"{xl_col_to_name(len(DATA_COLUMNS) - 1)}{data.rows + 1}"
    styles = {_STYLES["text"].encode(): data.text_format, _STYLES["number"].encode(): data.number_format,
              _STYLES["amount"].encode(): data.amount_format}
    with zipfile.ZipFile(plain) as source, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=_COMPRESS_LEVEL) as out:
        for info in source.infolist():
            if info.filename != part:
                out.writestr(info, source.read(info), compress_type=info.compress_type)
                continue
            xml = source.read(info).decode("utf-8")
            head, tail = xml.split("</sheetData>", 1)
            head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', head, count=1)
            # By name: a ZipInfo of our own would be deflated at the default level, not the archive's.
            with out.open(part, "w", force_zip64=True) as sheet:
                chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=_CHUNKS_AHEAD)
                failed: list[BaseException] = []

                def compress() -> None:
                    try:
                        while (chunk := chunks.get()) is not None:
                            sheet.write(chunk)
                    except BaseException as exc:  # noqa: BLE001 - raised again in the writing thread
                        failed.append(exc)
                        while chunks.get() is not None:  # drained, so that the writing thread never blocks
                            pass

                writer = threading.Thread(target=compress, daemon=True)
                writer.start()
                try:
                    chunks.put(head.encode("utf-8"))
                    number, batch, size = 2, [], 0
                    for plan in data.plans:
                        if not plan.rows:  # a plan without projects has nothing rendered
                            continue
                        rows = zlib.decompress(plan.rows)
                        for marker, fmt in styles.items():
                            rows = rows.replace(marker, b' s="%d"' % fmt.xf_index)
                        rows = rows.split(_END)
                        batch.append(b"".join(row.replace(_ROW, b"%d" % n) for n, row in enumerate(rows, number)))
                        number += len(rows)
                        size += len(batch[-1])
                        # Large pieces: the other thread takes the GIL back after each, which can
                        # take this thread's switch interval (5 ms) every time.
                        if size >= _CHUNK_BYTES:
                            chunks.put(b"".join(batch))
                            batch, size = [], 0
                    chunks.put(b"".join(batch) + ("</sheetData>" + tail).encode("utf-8"))
                finally:
                    chunks.put(None)
                    writer.join()
                if failed:
                    raise failed[0]
