"""A workbook's visible sheets as plain grids of values, loaded so that no file can take the process down.

python-calamine reads every format fast, but it allocates a dense grid from the first to the last
cell: one value at XFD1048576 aborts the process (it tried to allocate 512 GB here). So an xlsx
sheet's XML is scanned for the cells that hold values before calamine sees it (cut into tags as
calamine cuts it, in time linear in its size), and every format is loaded in a child process with
a memory and CPU limit (sandbox.py), so that what the scan cannot foresee costs one file, not the
run. Each file is read from disk once: its bytes feed the safety checks, the scan and calamine.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from collections.abc import Iterator
from typing import Any

from . import biff, drawings as drawn, safety
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
    drawings: list[drawn.Drawing] = field(default_factory=list)  # objects drawn over the sheet (drawings.py)
    drawings_unread: str = ""  # why they could not be read ("damaged", "too-many"): drawn_periods names it
    # A PDF's grid (pdfgrid.py): each row's page and its row in that page's table (n > 0), or its
    # line of text above the table (-n) or below it (-1000 - n). None for a workbook's sheet.
    pages: list[tuple[int, int]] | None = None

    def place(self, row: int, col: int) -> str:
        """Where a PDF's cell is, for a person (Thai, then English): its page, row and column."""
        page, n = self.pages[row]
        if n > 0:
            return f"หน้า {page} แถว {n} คอลัมน์ {col + 1} / page {page} row {n} column {col + 1}"
        if n > -1000:
            return f"หน้า {page} บรรทัด {-n} / page {page} line {-n}"
        return f"หน้า {page} บรรทัด {-1000 - n} ใต้ตาราง / page {page} line {-1000 - n} below the table"


@dataclass
class Loaded:
    grids: list[Grid] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    too_large: list[str] = field(default_factory=list)  # sheets not read: used area over the limit
    skipped_sheets: int = 0  # visible sheets past MAX_SHEETS
    kind: str = ""  # the file's format, as safety.read_input found it
    sealed: str = ""  # the sheet asked for as `sealed`, not loaded: its seal says it is as written (`seal`)


class LoadError(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "encrypted", "corrupt", "limit", "crashed"


def load(path: Path, sheets: frozenset[str] | None = None, sealed: str | None = None) -> Loaded:
    """`sheets`: the only visible sheets of an xlsx to scan and load (the hidden metadata is always
    read); other formats load every sheet. `sealed`: a sheet of `sheets` left unread when the file's
    seal (`seal`) still matches; `Loaded.sealed` names it then. Read in the reader's child process
    (sandbox.py), which also looks at the file (safety.py: `Unreadable` is raised here as there); a
    file that takes the child down is `LoadError("limit")` or `LoadError("crashed")`, and the next
    file is read. The child finds the file's format from its bytes."""
    from . import sandbox

    try:
        return sandbox.run("load", str(path), sheets, sealed)
    except sandbox.ChildFailed as exc:
        raise LoadError(exc.reason) from None


def load_each(calls: list[tuple[Path, frozenset[str] | None]]) -> Iterator[Loaded | Exception]:
    """`load` of each (path, sheets), in order, the next files read by the child while this
    process works on the one before (sandbox.run_each): a LoadError or `safety.Unreadable` is given,
    not raised, and so is any other exception the child met on that file (a bug of ours)."""
    from . import sandbox

    for ok, value in sandbox.run_each("load", ((str(path), sheets) for path, sheets in calls)):
        if ok:
            yield value
        elif isinstance(value, sandbox.ChildFailed):
            yield LoadError(value.reason)
        else:
            yield value


def load_here(path: str, sheets: frozenset[str] | None = None, sealed: str | None = None) -> Loaded:
    """The same, in this process (what the child runs): the file is read once, and its bytes feed
    the safety checks, the seal, the xlsx scan and calamine."""
    with safety.read_input(Path(path)) as source:
        if source.kind == "pdf":
            from .pdfgrid import load_pdf

            return load_pdf(source)
        if source.kind in ("xlsx", "xlsm"):
            unread = sealed if sealed and sheets and sealed in sheets and _seal_holds(source.zip, sealed) else ""
            if unread:
                sheets = sheets - {unread}
            loaded = _load(source, _scan_xlsx(source.zip, sheets), sheets)
            loaded.sealed = unread
        else:
            loaded = _load(source, None)  # every sheet: `sheets` is for an xlsx
    loaded.kind = source.kind
    return loaded


def _load(source: safety.Input, scans: dict[str, _Scan] | None, sheets: frozenset[str] | None = None) -> Loaded:
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

    loaded = Loaded()
    try:
        # By content, not by name: calamine picks its reader by the file's extension, so an .xls or
        # .ods renamed .xlsx (a clerk asked to "send an xlsx") failed as damaged (tests/corpus).
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(source.data))
    except PasswordError:
        raise LoadError("encrypted") from None
    except (CalamineError, OSError, ValueError) as exc:
        raise LoadError("corrupt") from exc
    ods_merges, other_errors = _ods_merges_and_errors(source.zip) if scans is None and source.zip is not None \
        else (None, {})
    with workbook:
        visible = []
        for meta in workbook.sheets_metadata:
            if meta.name == METADATA_SHEET:
                loaded.metadata = _read_metadata(workbook, meta.name, scans)
            elif meta.visible == SheetVisibleEnum.Visible and meta.typ == SheetTypeEnum.WorkSheet and meta.name != INSTRUCTIONS_SHEET \
                    and (sheets is None or meta.name in sheets):
                visible.append(meta.name)
        loaded.skipped_sheets = max(0, len(visible) - MAX_SHEETS)
        other_drawings: dict[str, list[drawn.Drawing]] = {}
        unread: dict[str, str] = {}
        if source.zip is None:  # an .xls: calamine gives "" for its error cells too
            names = [meta.name for meta in workbook.sheets_metadata]
            stream = biff.workbook_stream(source.data)  # taken out of the OLE file once, for both
            if stream is not None:
                other_errors = _xls_errors(stream, names, set(visible[:MAX_SHEETS]))
                try:
                    other_drawings = drawn.read_xls(stream, names, set(visible[:MAX_SHEETS]))
                except drawn.DrawingsUnread as exc:
                    unread = dict.fromkeys(visible, exc.reason)
        elif scans is None:  # an .ods
            try:
                other_drawings = drawn.read_ods(source.zip)
            except drawn.DrawingsUnread as exc:
                unread = dict.fromkeys(visible, exc.reason)
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
                                     scan.hidden_rows if scan else set(),
                                     scan.drawings if scan else other_drawings.get(name, []),
                                     scan.drawings_unread if scan else unread.get(name, "")))
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


# --- xlsx: the seal of a sheet as its writer left it ----------------------------------------------

SEAL_LABEL = b"ita-workbook printed-sheet sha256="
# The parts a sheet's values are read from: which part is the sheet (the workbook and its
# relationships; the 1904 date system too), the shared strings its text cells point into, the styles
# that make a number a date, and the sheet's own part.
_SEALED_PARTS = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/sharedStrings.xml")


def seal(zf: zipfile.ZipFile, sheet: str) -> bytes | None:
    """The zip comment saying that `sheet`'s values are as the writer left them: a sha256 of the
    inflated parts they are read from. Excel and LibreOffice write no zip comment when they save, so
    a file saved by either has none, and an edited part no longer matches. Not a signature: whoever
    edits the XML by hand can write a new one (SECURITY.md). None if the sheet has no part."""
    target = _sheet_targets(zf).get(sheet)
    if target is None:
        return None
    digest = hashlib.sha256()
    for name in (*_SEALED_PARTS, target):
        try:
            part = zf.read(name)
        except KeyError:
            digest.update(name.encode() + b"\0absent\0")
            continue
        digest.update(name.encode() + b"\0" + len(part).to_bytes(8, "big") + part)
    return SEAL_LABEL + digest.hexdigest().encode()


def seal_file(path: Path, sheet: str) -> None:
    """Write `sheet`'s seal as the zip comment of the xlsx at `path` (just written, not yet in place)."""
    with zipfile.ZipFile(path, "a") as zf:
        zf.comment = seal(zf, sheet) or b""


def _seal_holds(zf: zipfile.ZipFile, sheet: str) -> bool:
    """The file's comment is `sheet`'s seal, and its parts still match it. Any doubt is False: the
    sheet is then read and compared in full."""
    if not zf.comment.startswith(SEAL_LABEL):
        return False
    try:
        return zf.comment == seal(zf, sheet)
    except (KeyError, zipfile.BadZipFile, zlib.error, OSError, RuntimeError, ValueError, EOFError, LoadError):
        return False


# --- xlsx: a scan of the sheet XML --------------------------------------------------------------

@dataclass
class _Scan:
    cells: int  # rows x columns up to the last cell holding something
    unevaluated: set[tuple[int, int]]
    hidden_rows: set[int]
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # cells showing #REF!, #N/A …
    drawings: list[drawn.Drawing] = field(default_factory=list)
    drawings_unread: str = ""


def _scan_xlsx(zf: zipfile.ZipFile, sheets: frozenset[str] | None = None) -> dict[str, _Scan]:
    """Sheet name → its used area and its formula cells without a value, from the raw XML (of
    `sheets` and the metadata sheet only, when `sheets` is given)."""
    scans: dict[str, _Scan] = {}
    try:
        _check_shared_strings(zf)
        for name, target in _sheet_targets(zf).items():
            if sheets is not None and name not in sheets and name != METADATA_SHEET:
                continue
            try:
                part = zf.read(target)  # at most safety.MAX_UNZIPPED_BYTES, as inflated: checked before
            except KeyError:
                continue
            scans[name] = _scan_sheet(part)
            if name != METADATA_SHEET:
                try:
                    scans[name].drawings = drawn.read_xlsx(zf, target, part)
                except drawn.DrawingsUnread as exc:
                    scans[name].drawings_unread = exc.reason
    except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, ValueError, EOFError) as exc:
        raise LoadError("corrupt") from exc
    return scans


_SHARED_STRING = re.compile(rb"<(?:\w+:)?si[\s>/]")
MAX_SHARED_STRINGS_CLAIMED = 100_000  # beyond those present: reserved room costs 24 bytes each


def _check_shared_strings(zf: zipfile.ZipFile) -> None:
    """calamine reserves room for as many shared strings as the part claims before it reads them:
    uniqueCount="2000000000" aborted the whole process on a 48 GB allocation (tests/corpus). A claim
    far beyond the strings present is a damaged or hostile file. Only the part's start is inflated,
    unless the claim needs counting."""
    for info in (i for i in zf.infolist() if i.filename.lower() == "xl/sharedstrings.xml"):
        with zf.open(info) as part:
            xml = part.read(1 << 12)
            if (root := _START_TAG.match(xml)) is None:  # cut short: more before the first element
                xml += part.read()
                if (root := _START_TAG.match(xml)) is None:
                    raise LoadError("corrupt")
            claimed = _attributes(root[2]).get(b"uniqueCount", "0").strip() if root[1] == b"sst" else "0"
            if not (claimed.isascii() and claimed.isdigit()) or len(claimed) > 12:
                raise LoadError("corrupt")
            if int(claimed) <= MAX_SHARED_STRINGS_CLAIMED:
                continue  # within the margin whatever is present: no need to count
            xml += part.read()
        present = sum(1 for _ in _SHARED_STRING.finditer(xml))
        if int(claimed) > present + MAX_SHARED_STRINGS_CLAIMED:
            raise LoadError("corrupt")


def _sheet_targets(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part, from the workbook and its relationships, cut into tags as calamine
    reads them: attributes in any order and either quote, references decoded (a pattern for one
    style let the other skip the scan)."""
    workbook = zf.read("xl/workbook.xml")
    try:
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    by_id = {}
    for attrs in _elements(rels, b"Relationship"):
        target = attrs.get(b"Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        by_id[attrs.get(b"Id", "")] = re.sub(r"[^/]+/\.\./", "", target)
    targets = {}
    for attrs in _elements(workbook, b"sheet"):
        rid = next((v for k, v in attrs.items() if k.endswith(b":id")), None)
        if rid in by_id:
            targets[attrs.get(b"name", "")] = by_id[rid]
    return targets


def _elements(xml: bytes, local: bytes) -> list[dict[bytes, str]]:
    """The attributes of the elements named `local` (with any prefix) of a part; a DTD, or anything
    else that is not XML, makes it `corrupt` (calamine refuses a DTD too)."""
    found, at = [], 0
    while (tag := _START_TAG.match(xml, at)) is not None:
        at = tag.end()
        if tag[1] == local:
            found.append(_attributes(tag[2]))
    if _NOT_A_START_TAG.match(xml, at).end() != len(xml):
        raise LoadError("corrupt")
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


# The sheet XML is cut into tags as quick-xml (calamine's parser) cuts it, by regular expressions
# over the bytes: a tag runs from `<` to the first `>` outside quotes; comments, CDATA sections and
# processing instructions are passed whole; an element is known by its local name, after the first
# colon; a self-closing element is an element with nothing in it (calamine expands them). Only what
# places a cell comes back to Python: a cell with its content, a row's start and end, the end of the
# sheet data. Text, other tags and self-closing cells whose `r` comes first (`<c r="B1" s="1"/>`,
# as every writer puts it) are passed over inside the expression, the last of them kept: it places
# a following cell that has no `r`. Every quantifier is possessive (nothing is tried twice) and no
# quoted value may hold a `<` (XML forbids it), so that a tag can never swallow the start of another
# and the work is linear in the part's size. What cannot be cut this way (a DTD, a `<` that starts
# nothing, a comment or tag that never ends, a cell that never closes) makes the part `corrupt`,
# as it made expat refuse it.
_SPACE = rb"[ \t\r\n]"  # XML's white space, and quick-xml's (\f and \v belong to a name)
_PREFIX = rb"(?:[^ \t\r\n/<>:]*:)?"
_QUOTED = rb"""(?:"[^<"]*+"|'[^<']*+')"""
_ATTRIBUTES = rb"""[^<>"']*+(?:""" + _QUOTED + rb"""[^<>"']*+)*+"""
_PASSED_WHOLE = rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>"
_ENDS_CELL = rb"</" + _PREFIX + rb"c" + _SPACE + rb"*>"
# A reference written plainly, first (` r="B7"`, as every writer writes it) is taken apart by the
# expression: the rest of the tag (` s="3" t="s"`) recurs from cell to cell and is worked out once.
_PLAIN_REFERENCE = rb'(?:[ \t\r\n]+r="([A-Za-z]{1,3})([0-9]{1,7})"(?=[ \t\r\n/>]))?'
_PLAIN_ROW = rb'(?:[ \t\r\n]+r="([0-9]{1,7})"(?=[ \t\r\n/>]))?'
_SKIPPED = (rb"(?:[^<]++|" + _PASSED_WHOLE
            + rb'|<' + _PREFIX + rb'c[ \t\r\n]+r="([A-Za-z]{1,3})[0-9]{1,7}"(?=[ \t\r\n/>])' + _ATTRIBUTES + rb"(?<=/)>"
            + rb"|<(?!/?" + _PREFIX + rb"(?:c|row)(?:" + _SPACE + rb"|/?>)|/" + _PREFIX + rb"sheetData" + _SPACE
            + rb"*>)[^!?<>\"']" + _ATTRIBUTES + rb">)*+")
_CELL_CONTENT = rb"(?:[^<]++|" + _PASSED_WHOLE + rb"|<(?!" + _ENDS_CELL[1:] + rb")[^!?<>\"']" + _ATTRIBUTES + rb">)*+"
_ROW_STARTS = rb"<" + _PREFIX + rb"row(?=" + _SPACE + rb"|/?>)" + _PLAIN_ROW + rb"(" + _ATTRIBUTES + rb")>"
_TOKEN = re.compile(
    _SKIPPED + rb"(?:<" + _PREFIX + rb"c(?=" + _SPACE + rb"|>)" + _PLAIN_REFERENCE + rb"(" + _ATTRIBUTES + rb")(?<!/)>"
    + rb"(?:<v>([^<]*+)</v>|(" + _CELL_CONTENT + rb"))" + _ENDS_CELL
    + rb"|<" + _PREFIX + rb"c(?=" + _SPACE + rb"|/>)" + _PLAIN_REFERENCE + rb"(" + _ATTRIBUTES + rb")(?<=/)>"
    + rb"|" + _ROW_STARTS
    + rb"|(</)" + _PREFIX + rb"row" + _SPACE + rb"*>(?:[^<]*+" + _ROW_STARTS + rb")?"
    + rb"|</" + _PREFIX + rb"sheetData" + _SPACE + rb"*>)", re.DOTALL)
_SKIP_ALL = re.compile(_SKIPPED, re.DOTALL)
# The token's groups. First the column letters of the last self-closing cell passed over; then what
# the token is, told by its last group (None, or the cell passed over: the end of the sheet data):
# a cell (its plain reference's letters and digits, the rest of its tag, then its <v> text or its
# content), a self-closing cell (the same three), a row's start (its plain number, the rest of its
# tag), a row's end with perhaps the next row's start.
_PASSED_CELL = 1
_CELL, _VALUE, _CONTENT = 2, 5, 6
_EMPTY_CELL = 7  # …9
_ROW_START = 10  # …11
_ROW_END, _NEXT_ROW = 12, 13  # …14
# Small parts (the sheet list, its relationships, the shared strings' first tag): every start tag.
_NOT_A_START_TAG = re.compile(rb"(?:[^<]++|" + _PASSED_WHOLE + rb"|</[^<>]*+>)*+", re.DOTALL)
_START_TAG = re.compile(_NOT_A_START_TAG.pattern + rb"<" + _PREFIX + rb"([^!? \t\r\n/<>][^ \t\r\n/<>]*+)(" + _ATTRIBUTES + rb")>",
                        re.DOTALL)
_ATTRIBUTE = re.compile(rb"""[ \t\r\n]+([^ \t\r\n=/]+)[ \t\r\n]*=[ \t\r\n]*(?:"([^"]*)"|'([^']*)')""")
_ATTRIBUTES_WHOLE = re.compile(rb"""(?:[ \t\r\n]+[^ \t\r\n=/"']+[ \t\r\n]*=[ \t\r\n]*(?:"[^"]*"|'[^']*'))*[ \t\r\n]*/?""")
# Inside a cell: its elements, text and CDATA, to tell a value from a formula without one.
_CONTENT_TOKEN = re.compile(rb"<!--.*?-->|<\?.*?\?>|<!\[CDATA\[(.*?)\]\]>|<(/?)" + _PREFIX
                            + rb"([^ \t\r\n/<>]*)(" + _ATTRIBUTES + rb")>|([^<]+)", re.DOTALL)
_FORMULA_TAG = re.compile(rb"<" + _PREFIX + rb"f(?=[ \t\r\n/>])")
_ELEMENT_STARTS = re.compile(rb"<[^!?/]")
_ENTITY = re.compile(rb"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos));")
_NAMED = {b"amp": "&", b"lt": "<", b"gt": ">", b"quot": '"', b"apos": "'"}


def _text(raw: bytes) -> str:
    """Bytes of a value or an attribute as an XML parser gives them: references decoded."""
    if b"&" not in raw:
        return raw.decode("utf-8", "replace")
    out, at = [], 0
    for ref in _ENTITY.finditer(raw):
        out.append(raw[at:ref.start()].decode("utf-8", "replace"))
        decimal, hexadecimal, named = ref.groups()
        code = int(decimal) if decimal else int(hexadecimal, 16) if hexadecimal else None
        out.append(_NAMED[named] if named else chr(code) if code < 0x110000 else "\ufffd")
        at = ref.end()
    out.append(raw[at:].decode("utf-8", "replace"))
    return "".join(out)


def _attributes(raw: bytes) -> dict[bytes, str]:
    """A tag's attributes; each name once and every value quoted, or the part is damaged (expat
    refused such a tag too)."""
    if _ATTRIBUTES_WHOLE.fullmatch(raw) is None:
        raise LoadError("corrupt")
    pairs = _ATTRIBUTE.findall(raw)
    found = {name: _text(double or single) for name, double, single in pairs}
    if len(found) != len(pairs):
        raise LoadError("corrupt")
    return found


def _row_index(digits: bytes) -> int:
    """0-based, as _position reads the digits of a reference."""
    number = int(digits)
    return number - 1 if number else _ABSURD


@lru_cache(maxsize=100_000)
def _column(letters: bytes) -> int:
    return column_number(letters.upper()) - 1


# Both remembered: the same few dozen attribute lists (` r="A1" s="1" t="s"`) recur in every
# department's file. Bounded, so that a hostile sheet cannot grow them.
@lru_cache(maxsize=100_000)
def _cell_attributes(raw: bytes) -> tuple[tuple[int, int] | None, bool]:
    """A cell's place from its `r` (None: next to the cell before), and whether it shows an error."""
    found = _attributes(raw)
    reference = found.get(b"r")
    return (None if reference is None else _position(reference)), found.get(b"t") == "e"


@lru_cache(maxsize=100_000)
def _row_attributes(raw: bytes) -> tuple[int | None, bool, bool]:
    """A row's index from its `r` (None: the one after the row before), whether it is hidden, and
    whether it is self-closing."""
    found = _attributes(raw)
    reference = found.get(b"r")
    return (None if reference is None else _position(reference)[0]), found.get(b"hidden") in ("1", "true"), \
        raw.endswith(b"/")


def _content(raw: bytes, error_cell: bool) -> tuple[bool, bool, bool, str]:
    """What a cell holds: (an element at all, a formula, a stored value, the error it shows), read
    as an XML parser reports it (text inside <v> is a stored value; an <is> is one)."""
    if not error_cell and _FORMULA_TAG.search(raw) is None and b"<!" not in raw and b"<?" not in raw:
        return _ELEMENT_STARTS.search(raw) is not None, False, False, ""  # no formula: only "any element?" counts
    filled = formula = stored = in_value = False
    shown: list[str] = []
    for token in _CONTENT_TOKEN.finditer(raw):
        cdata, end, local, attributes, text = token.groups()
        if local is not None:
            if end:
                in_value = in_value and local != b"v"
                continue
            filled = True
            formula = formula or local == b"f"
            stored = stored or local == b"is"
            in_value = (in_value or local == b"v") and not (local == b"v" and attributes.endswith(b"/"))
        elif in_value and (text or cdata):
            stored = True
            if error_cell and sum(map(len, shown)) < 20:
                shown.append(_text(text or cdata))
    return filled, formula, stored, "".join(shown)[:20]


def _scan_sheet(data: bytes) -> _Scan:
    """The used area, the formula cells without a stored value and the hidden rows of a sheet part,
    as calamine reads it: a cell is where its `r` says, or next to the cell before it; its row is
    where the row's `r` says, or the one after the row before; a self-closing cell or row holds
    nothing but counts as one, as in calamine. Time is linear in the part's size; calamine stops at
    </sheetData>, and so does this."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4]:
        raise LoadError("corrupt")  # UTF-16: expat refused it, and calamine reads no cell of it
    row = col = open_rows = 0
    max_row = max_col = -1
    unevaluated: set[tuple[int, int]] = set()
    hidden: set[int] = set()
    # A cell holding an Excel error value (t="e"): calamine gives "" for it, which would read as
    # "empty, fill it in". Its shown value (#REF!, #N/A …), at most 20 characters.
    errors: dict[tuple[int, int], str] = {}
    at, match = 0, _TOKEN.match
    while (token := match(data, at)) is not None:
        at, what = token.end(), token.lastindex
        if token[_PASSED_CELL] is not None:
            col = _column(token[_PASSED_CELL]) + 1
        if what == _VALUE or what == _CONTENT or what == _EMPTY_CELL + 2:
            first = _EMPTY_CELL if what == _EMPTY_CELL + 2 else _CELL
            place, error_cell = _cell_attributes(token[first + 2])
            if token[first] is not None:
                if place is not None:
                    raise LoadError("corrupt")  # r given twice (expat refused it)
                place = _row_index(token[first + 1]), _column(token[first])
            cell_row, col = place or (row, col)
            if what == _VALUE:  # <c …><v>…</v></c>: nearly every cell holding something
                if cell_row > max_row:
                    max_row = cell_row
                if col > max_col:
                    max_col = col
                if error_cell and token[_VALUE]:
                    errors[(cell_row, col)] = _text(token[_VALUE])[:20]
            elif what == _CONTENT and token[_CONTENT]:
                if not error_cell and token[_CONTENT].startswith(b"<is>"):  # an inline string: a value stored
                    filled, formula, stored, shown = True, False, True, ""
                else:
                    filled, formula, stored, shown = _content(token[_CONTENT], error_cell)
                if filled:
                    max_row, max_col = max(max_row, cell_row), max(max_col, col)
                    if formula and not stored:
                        unevaluated.add((cell_row, col))
                    if shown:
                        errors[(cell_row, col)] = shown
            col += 1
            continue
        if what == _ROW_END or what == _NEXT_ROW + 1:
            if open_rows:
                open_rows -= 1
                row, col = row + 1, 0
            if what == _ROW_END:
                continue
            first = _NEXT_ROW
        elif what == _ROW_START + 1:
            first = _ROW_START
        else:
            break  # </sheetData>
        index, is_hidden, closed = _row_attributes(token[first + 1])
        if token[first] is not None:
            if index is not None:
                raise LoadError("corrupt")
            index = _row_index(token[first])
        row = row if index is None else index
        if is_hidden:
            hidden.add(row)
        if closed:  # <row …/>: a row with nothing in it, as calamine reads it
            row, col = row + 1, 0
        else:
            open_rows += 1
    else:
        if _SKIP_ALL.match(data, at).end() != len(data):
            raise LoadError("corrupt")  # something no XML parser reads: a DTD, a tag that never ends …
    return _Scan((max_row + 1) * (max_col + 1), unevaluated, hidden, errors)


MAX_ERROR_CELLS = 100_000  # cells of an .xls or .ods showing an error; a plan has a handful


def _ods_merges_and_errors(zf: zipfile.ZipFile) -> tuple[dict[str, list] | None, dict[str, dict[tuple[int, int], str]]]:
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
        with zf.open("content.xml") as content:
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


# BIFF record types of an .xls (MS-XLS 2.3): a formula with its last value, a constant error or
# boolean; and the error codes (MS-XLS 2.5.97.2).
_FORMULA, _BOOLERR = 0x0006, 0x0205
_XLS_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
               0x2A: "#N/A", 0x2B: "#GETTING_DATA"}


def _xls_errors(stream: bytes, sheet_names: list[str], wanted: set[str]) -> dict[str, dict[tuple[int, int], str]]:
    """The cells of an .xls showing an error (calamine gives "" for them), by sheet and (row,
    column): formulas whose last value is an error, and errors typed as values. Sheets are matched
    to `sheet_names` (calamine's, in the workbook's order) by their order in the workbook stream;
    only the `wanted` ones are scanned, and no record twice (an honest file's sheets never overlap)."""
    import struct

    records = biff.Records(stream)
    errors: dict[str, dict[tuple[int, int], str]] = {}
    found = 0
    for name, start in zip(sheet_names, records.sheet_starts()):
        if name not in wanted:
            continue
        for kind, body in records.at(start):
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
