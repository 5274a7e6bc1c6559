"""A workbook's visible sheets as plain grids of values, loaded so that no file can take the process down.

python-calamine reads every format fast, but it allocates a dense grid from the first to the last
cell: one value at XFD1048576 aborts the process (it tried to allocate 512 GB here). So an xlsx
sheet's XML is scanned for the cells that hold values before calamine sees it (by expat, as
calamine reads it), and every format is loaded in a child process with a memory and CPU limit
(sandbox.py), so that what the scan cannot foresee costs one file, not the run.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from collections.abc import Iterator
from typing import Any, BinaryIO
from xml.parsers import expat
from xml.parsers.expat import ExpatError

from .form import INSTRUCTIONS_SHEET, METADATA_SHEET

MAX_SHEET_CELLS = 4_000_000  # rows x columns of one sheet's used area (calamine: 32 bytes a cell)
MAX_FILE_CELLS = 4_000_000  # the same, summed over the sheets read from one file
MAX_SHEETS = 250  # visible sheets looked at in one file


@dataclass
class Grid:
    name: str
    rows: list[list[Any]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)  # 0-based, inclusive
    unevaluated: set[tuple[int, int]] = field(default_factory=set)  # formula cells with no stored value
    hidden_rows: set[int] = field(default_factory=set)  # 0-based


@dataclass
class Loaded:
    grids: list[Grid] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    too_large: list[str] = field(default_factory=list)  # sheets not read: used area over the limit
    skipped_sheets: int = 0  # visible sheets past MAX_SHEETS


class LoadError(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "encrypted", "corrupt", "limit", "crashed"


def load(path: Path, kind: str, sheets: frozenset[str] | None = None) -> Loaded:
    """`sheets`: the only visible sheets of an xlsx to scan and load (the hidden metadata is always
    read); other formats load every sheet. Read in the reader's child process (sandbox.py): a file
    that takes it down is `LoadError("limit")` or `LoadError("crashed")`, and the next file is read."""
    from . import sandbox

    try:
        return sandbox.run("load", str(path), kind, sheets)
    except sandbox.ChildFailed as exc:
        raise LoadError(exc.reason) from None


def load_each(calls: list[tuple[Path, str, frozenset[str] | None]]) -> Iterator[Loaded | LoadError]:
    """`load` of each (path, kind, sheets), in order, the next files read by the child while this
    process works on the one before (sandbox.run_each): a LoadError is given, not raised."""
    from . import sandbox

    for ok, value in sandbox.run_each("load", ((str(path), kind, sheets) for path, kind, sheets in calls)):
        if ok:
            yield value
        elif isinstance(value, sandbox.ChildFailed):
            yield LoadError(value.reason)
        elif isinstance(value, LoadError):
            yield value
        else:
            raise value


def load_here(path: str, kind: str, sheets: frozenset[str] | None = None) -> Loaded:
    """The same, in this process: what the child runs."""
    if kind in ("xlsx", "xlsm"):
        return _load(Path(path), _scan_xlsx(Path(path), sheets), sheets)
    return _load(Path(path), None)



def _load(path: Path, scans: dict[str, _Scan] | None, sheets: frozenset[str] | None = None) -> Loaded:
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

    loaded = Loaded()
    try:
        # By content, not by name: calamine picks its reader by the file's extension, so an .xls or
        # .ods renamed .xlsx (a clerk asked to "send an xlsx") failed as damaged (tests/corpus).
        with path.open("rb") as fh:
            workbook = CalamineWorkbook.from_filelike(fh)
    except PasswordError:
        raise LoadError("encrypted") from None
    except (CalamineError, OSError, ValueError) as exc:
        raise LoadError("corrupt") from exc
    ods_merges, other_errors = _ods_merges_and_errors(path) if scans is None and zipfile.is_zipfile(path) else (None, {})
    with workbook:
        visible = []
        for meta in workbook.sheets_metadata:
            if meta.name == METADATA_SHEET:
                loaded.metadata = _read_metadata(workbook, meta.name, scans)
            elif meta.visible == SheetVisibleEnum.Visible and meta.typ == SheetTypeEnum.WorkSheet and meta.name != INSTRUCTIONS_SHEET \
                    and (sheets is None or meta.name in sheets):
                visible.append(meta.name)
        loaded.skipped_sheets = max(0, len(visible) - MAX_SHEETS)
        if scans is None and not zipfile.is_zipfile(path):  # an .xls: calamine gives "" for its error cells too
            other_errors = _xls_errors(path, [meta.name for meta in workbook.sheets_metadata], set(visible[:MAX_SHEETS]))
        budget = MAX_FILE_CELLS
        for name in visible[:MAX_SHEETS]:
            scan = scans.get(name) if scans is not None else None
            if scan is not None and (scan.cells > MAX_SHEET_CELLS or scan.cells > budget):
                loaded.too_large.append(name)
                continue
            try:
                sheet = workbook.get_sheet_by_name(name)
            except (CalamineError, ValueError) as exc:
                raise LoadError("corrupt") from exc
            area = sheet.height * sheet.width
            if area > MAX_SHEET_CELLS or area > budget:
                loaded.too_large.append(name)
                continue
            budget -= area
            rows = sheet.to_python(skip_empty_area=False)
            merged = sheet.merged_cell_ranges
            if merged is None and ods_merges:
                merged = ods_merges.get(name, [])
            merged = [r for r in (merged or []) if _sane_range(r)]
            for (r, c), shown in (scan.errors if scan else other_errors.get(name, {})).items():
                if r < len(rows) and c < len(rows[r]) and rows[r][c] in ("", None):
                    rows[r][c] = shown
            loaded.grids.append(Grid(name, rows, merged, scan.unevaluated if scan else set(),
                                     scan.hidden_rows if scan else set()))
    return loaded


def _sane_range(rng: tuple[tuple[int, int], tuple[int, int]]) -> bool:
    (r0, c0), (r1, c1) = rng
    return 0 <= r0 <= r1 and 0 <= c0 <= c1


def _read_metadata(workbook, name: str, scans) -> dict[str, str]:
    scan = scans.get(name) if scans is not None else None
    if scan is not None and scan.cells > 10_000:
        return {}
    sheet = workbook.get_sheet_by_name(name)
    if sheet.height * sheet.width > 10_000:
        return {}
    data = {}
    for row in sheet.to_python(skip_empty_area=False):
        if len(row) >= 2 and isinstance(row[0], str) and row[0]:
            data[row[0].strip()] = str(row[1]).strip()
    return data


# --- xlsx: a scan of the sheet XML --------------------------------------------------------------

@dataclass
class _Scan:
    cells: int  # rows x columns up to the last cell holding something
    unevaluated: set[tuple[int, int]]
    hidden_rows: set[int]
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # cells showing #REF!, #N/A …


def _scan_xlsx(path: Path, sheets: frozenset[str] | None = None) -> dict[str, _Scan]:
    """Sheet name → its used area and its formula cells without a value, from the raw XML (of
    `sheets` and the metadata sheet only, when `sheets` is given)."""
    scans: dict[str, _Scan] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            _check_shared_strings(zf)
            targets = _sheet_targets(zf)
            for name, target in targets.items():
                if sheets is not None and name not in sheets and name != METADATA_SHEET:
                    continue
                try:
                    part = zf.open(target)
                except KeyError:
                    continue
                with part:
                    scans[name] = _scan_sheet(part)
    except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, ValueError, EOFError, ExpatError) as exc:
        raise LoadError("corrupt") from exc
    return scans


_SHARED_STRING = re.compile(rb"<(?:\w+:)?si[\s>/]")
MAX_SHARED_STRINGS_CLAIMED = 100_000  # beyond those present: reserved room costs 24 bytes each


def _check_shared_strings(zf: zipfile.ZipFile) -> None:
    """calamine reserves room for as many shared strings as the part claims before it reads them:
    uniqueCount="2000000000" aborted the whole process on a 48 GB allocation (tests/corpus). A claim
    far beyond the strings present is a damaged or hostile file."""
    for name in (i.filename for i in zf.infolist() if i.filename.lower() == "xl/sharedstrings.xml"):
        xml = zf.read(name)
        root = _elements(xml, "sst", first=True)
        claimed = root[0].get("uniqueCount", "0").strip() if root else "0"
        if not (claimed.isascii() and claimed.isdigit()) or len(claimed) > 12:
            raise LoadError("corrupt")
        if int(claimed) <= MAX_SHARED_STRINGS_CLAIMED:
            continue  # within the margin whatever is present: no need to count
        present = sum(1 for _ in _SHARED_STRING.finditer(xml))
        if int(claimed) > present + MAX_SHARED_STRINGS_CLAIMED:
            raise LoadError("corrupt")


def _sheet_targets(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part, from the workbook and its relationships, read by expat: attributes in
    any order and either quote, entities decoded (a pattern for one style let the other skip the scan)."""
    workbook = zf.read("xl/workbook.xml")
    try:
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    by_id = {}
    for attrs in _elements(rels, "Relationship"):
        target = attrs.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        by_id[attrs.get("Id", "")] = re.sub(r"[^/]+/\.\./", "", target)
    targets = {}
    for attrs in _elements(workbook, "sheet"):
        rid = next((v for k, v in attrs.items() if k.endswith(":id")), None)
        if rid in by_id:
            targets[attrs.get("name", "")] = by_id[rid]
    return targets


class _Stop(Exception):
    """The scan has seen what it needs (nothing after </sheetData> is a cell: calamine stops there too)."""


def _elements(xml: bytes, local: str, first: bool = False) -> list[dict[str, str]]:
    """The attributes of the elements named `local` (with any prefix), read by expat; of the first
    element of the part only, with `first`."""
    found: list[dict[str, str]] = []
    parser = expat.ParserCreate()

    def start(name: str, attrs: dict[str, str]) -> None:
        if name[name.rfind(":") + 1:] == local:
            found.append(attrs)
        if first:
            raise _Stop

    def refuse(*_: Any) -> None:
        raise LoadError("corrupt")  # calamine refuses a DTD too

    parser.StartElementHandler, parser.StartDoctypeDeclHandler = start, refuse
    try:
        parser.Parse(_as_calamine_reads_it(xml), True)
    except _Stop:
        pass
    return found


def column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


# A reference far past Excel's grid (rows over 1,048,576, columns past XFD) is counted as it is,
# so that the sheet is refused; one too long to be a number at all is counted as this.
_ABSURD = 10**12
_REFERENCE = re.compile(r"([A-Za-z]{0,12})([0-9]{0,15})")


# Remembered: the same few hundred references (A1 … O30) recur in every department's file, and
# working one out was a third of the scan. Bounded, so that a hostile sheet cannot grow it.
@lru_cache(maxsize=100_000)
def _position(reference: str) -> tuple[int, int]:
    """(row, column), 0-based, as calamine reads a reference: letters of either case, then digits.
    Anything else calamine refuses (the file is damaged); a missing or zero row it would wrap round
    to 4 billion."""
    match = _REFERENCE.fullmatch(reference)
    if match is None:
        if reference.isascii() and reference.isalnum():
            return _ABSURD, _ABSURD
        raise LoadError("corrupt")
    letters, digits = match.groups()
    row = int(digits) - 1 if digits and int(digits) else _ABSURD
    return row, column_number(letters.upper().encode()) - 1


_C, _ROW, _V, _F, _IS, _SHEET_DATA, _OTHER = range(1, 8)  # never 0: looked up with `or`
_KINDS = {"c": _C, "row": _ROW, "v": _V, "f": _F, "is": _IS, "sheetData": _SHEET_DATA}


# Characters XML 1.0 forbids but calamine reads, typed into a cell raw or as a character reference
# (ESC, BEL…): expat would refuse the whole sheet for one of them. They are never markup, so the scan
# reads them as spaces. (A control byte is never part of a UTF-8 sequence.)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r")
_CONTROLS_AS_SPACES = bytes.maketrans(_CONTROL_BYTES, b" " * len(_CONTROL_BYTES))
_FORBIDDEN_REFERENCE = re.compile(rb"&#(?:[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F]|[dD][89a-fA-F][0-9a-fA-F]{2}|[fF]{3}[eEfF])"
                                  rb"|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]));")


def _as_calamine_reads_it(data: bytes) -> bytes:
    data = data.translate(_CONTROLS_AS_SPACES)
    return _FORBIDDEN_REFERENCE.sub(b" ", data) if b"&#" in data else data


def _scan_sheet(source: bytes | BinaryIO) -> _Scan:
    """The used area, the formula cells without a stored value and the hidden rows of a sheet part,
    from its XML read by expat as calamine reads it: a cell is where its `r` says, or next to the
    cell before it; its row is where the row's `r` says, or the one after the row before.
    Self-closing cells (formatting only) hold nothing and move nothing, as in calamine. The part is
    streamed: memory stays flat whatever its size, and time is linear (0.7 s for 20,000 rows)."""
    parser = expat.ParserCreate()  # no namespace processing: elements are told by their local name
    parser.buffer_text = True
    row = col = 0
    max_row = max_col = -1
    in_cell = filled = formula = stored = False
    reference: str | None = None
    cell_at = 0
    rows_open: list[tuple[int, int]] = []  # (where the row starts, the row index before it)
    unevaluated: set[tuple[int, int]] = set()
    hidden: set[int] = set()
    # A cell holding an Excel error value (t="e"): calamine gives "" for it, which would read as
    # "empty, fill it in". Its shown value (#REF!, #N/A …), at most 20 characters.
    errors: dict[tuple[int, int], str] = {}
    error_cell = False
    error_text: list[str] = []
    kinds: dict[str, int] = {}  # element name → its kind, by its local name (as calamine matches them)

    def kind_of(name: str) -> int:
        kinds[name] = _KINDS.get(name[name.rfind(":") + 1:], _OTHER)
        return kinds[name]

    def stored_text(text: str) -> None:
        nonlocal stored
        stored = True
        if error_cell and sum(map(len, error_text)) < 20:
            error_text.append(text)

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal in_cell, filled, formula, stored, reference, cell_at, row, error_cell
        kind = kinds.get(name) or kind_of(name)
        if in_cell:
            filled = True
            if kind == _V:
                parser.CharacterDataHandler = stored_text
            elif kind == _F:
                formula = True
            elif kind == _IS:
                stored = True
        elif kind == _C:
            in_cell, filled, formula, stored = True, False, False, False
            reference, cell_at = attrs.get("r"), parser.CurrentByteIndex
            error_cell = attrs.get("t") == "e"
            error_text.clear()
        elif kind == _ROW:
            rows_open.append((parser.CurrentByteIndex, row))
            if "r" in attrs:
                row = _position(attrs["r"])[0]
            if attrs.get("hidden") in ("1", "true"):
                hidden.add(row)

    def end(name: str) -> None:
        nonlocal in_cell, row, col, max_row, max_col
        kind = kinds.get(name) or kind_of(name)
        if in_cell:
            if kind == _V:
                parser.CharacterDataHandler = None
            elif kind == _C:
                in_cell = False
                if parser.CurrentByteIndex == cell_at:
                    return  # <c …/>: calamine sees no cell at all
                if reference is not None:
                    cell_row, col = _position(reference)
                else:
                    cell_row = row
                if filled:
                    max_row, max_col = max(max_row, cell_row), max(max_col, col)
                if formula and not stored:
                    unevaluated.add((cell_row, col))
                if error_cell and error_text:
                    errors[(cell_row, col)] = "".join(error_text)[:20]
                col += 1
        elif kind == _ROW and rows_open:
            started, before = rows_open.pop()
            if parser.CurrentByteIndex == started:  # <row …/>: calamine ignores it
                row = before
            else:
                row, col = row + 1, 0
        elif kind == _SHEET_DATA:
            raise _Stop

    def refuse(*_: Any) -> None:
        raise LoadError("corrupt")  # calamine refuses a DTD too

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.StartDoctypeDeclHandler = refuse
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    tail = b""
    try:
        while chunk := stream.read(1 << 16):
            data = tail + chunk
            cut = data.rfind(b"&", max(0, len(data) - 16))  # a character reference cut in two: wait for its end
            data, tail = (data[:cut], data[cut:]) if cut != -1 and b";" not in data[cut:] else (data, b"")
            parser.Parse(_as_calamine_reads_it(data), False)
        parser.Parse(_as_calamine_reads_it(tail), True)
    except _Stop:
        pass
    return _Scan((max_row + 1) * (max_col + 1), unevaluated, hidden, errors)


MAX_ERROR_CELLS = 100_000  # cells of an .xls or .ods showing an error; a plan has a handful


def _ods_merges_and_errors(path: Path) -> tuple[dict[str, list] | None, dict[str, dict[tuple[int, int], str]]]:
    """Merged ranges of an ods file (calamine gives none for ods), from content.xml; and its cells
    showing an error (calamine gives "" for them: LibreOffice stores an empty string value beside
    the shown #DIV/0!), by sheet and (row, column), with what they show."""
    import xml.etree.ElementTree as ET

    from .cells import is_excel_error

    table_ns = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    calcext_ns = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
    tag = lambda local: f"{{{table_ns}}}{local}"  # noqa: E731
    merges: dict[str, list] = {}
    errors: dict[str, dict[tuple[int, int], str]] = {}
    found = 0
    try:
        with zipfile.ZipFile(path) as zf, zf.open("content.xml") as content:
            sheet, row, col = "", -1, 0
            row_errors: list[tuple[int, str]] = []
            for event, el in ET.iterparse(content, events=("start", "end")):
                if event == "start" and el.tag == tag("table"):
                    sheet, row = el.get(tag("name"), ""), -1
                    merges[sheet] = []
                elif event == "start" and el.tag == tag("table-row"):
                    row, col = row + 1, 0
                    row_errors = []
                elif event == "end" and el.tag == tag("table-row"):
                    repeated = int(el.get(tag("number-rows-repeated"), "1"))
                    for r in range(row, row + repeated) if row_errors else ():  # a row of errors repeated: each
                        if found >= MAX_ERROR_CELLS:
                            raise LoadError("corrupt")  # no plan: never read with them left empty
                        for c, shown in row_errors:
                            errors.setdefault(sheet, {})[(r, c)] = shown
                            found += 1
                    row += repeated - 1
                    el.clear()
                elif event == "start" and el.tag in (tag("table-cell"), tag("covered-table-cell")):
                    rows_spanned = int(el.get(tag("number-rows-spanned"), "1"))
                    cols_spanned = int(el.get(tag("number-columns-spanned"), "1"))
                    if rows_spanned > 1 or cols_spanned > 1:
                        merges[sheet].append(((row, col), (row + rows_spanned - 1, col + cols_spanned - 1)))
                    col += int(el.get(tag("number-columns-repeated"), "1"))
                elif event == "end" and el.tag == tag("table-cell") and el.get(tag("formula")) is not None:
                    shown = "".join(el.itertext()).strip()[:20]
                    if el.get(f"{{{calcext_ns}}}value-type") == "error" or is_excel_error(shown):
                        repeated = int(el.get(tag("number-columns-repeated"), "1"))
                        if len(row_errors) + repeated > MAX_ERROR_CELLS:
                            raise LoadError("corrupt")
                        row_errors.extend((c, shown or "#VALUE!") for c in range(col - repeated, col))
    except (KeyError, ET.ParseError, zipfile.BadZipFile, ValueError, OSError):
        return None, {}
    return merges, errors


# BIFF record types of an .xls (MS-XLS 2.3): a sheet's place in the stream, a formula with its last
# value, a constant error or boolean, the end of a substream; and the error codes (MS-XLS 2.5.97.2).
_BOUNDSHEET, _FORMULA, _BOOLERR, _EOF = 0x0085, 0x0006, 0x0205, 0x000A
_XLS_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
               0x2A: "#N/A", 0x2B: "#GETTING_DATA"}


def _xls_errors(path: Path, sheet_names: list[str], wanted: set[str]) -> dict[str, dict[tuple[int, int], str]]:
    """The cells of an .xls showing an error (calamine gives "" for them), by sheet and (row,
    column): formulas whose last value is an error, and errors typed as values. Sheets are matched
    to `sheet_names` (calamine's, in the workbook's order) by their order in the workbook stream;
    only the `wanted` ones are scanned, and no record twice (an honest file's sheets never overlap)."""
    import struct

    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            stream = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            data = ole.openstream(stream).read() if stream else b""
    except (OSError, ValueError, IndexError, TypeError, struct.error):  # olefile's own errors are OSErrors
        return {}  # calamine read it: an .xls olefile cannot read is one calamine reads differently

    budget = len(data) // 4  # records scanned in all: a forged file's sheets all pointing at its start cost one pass

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
    errors: dict[str, dict[tuple[int, int], str]] = {}
    found = 0
    for name, start in zip(sheet_names, starts):
        if name not in wanted:
            continue
        for kind, body in records(start):
            code = None
            if kind == _FORMULA and len(body) >= 14 and body[12:14] == b"\xff\xff" and body[6] == 2:
                code = body[8]
            elif kind == _BOOLERR and len(body) >= 8 and body[7] == 1:
                code = body[6]
            if code is not None:
                if found >= MAX_ERROR_CELLS:
                    raise LoadError("corrupt")
                row, col = struct.unpack_from("<HH", body)
                errors.setdefault(name, {})[(row, col)] = _XLS_ERRORS.get(code, "#VALUE!")
                found += 1
    return errors
