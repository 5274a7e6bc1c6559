"""A workbook's visible sheets as plain grids of values, loaded so that no file can take the process down.

python-calamine reads every format fast, but it allocates a dense grid from the first to the last
cell: one value at XFD1048576 aborts the process (it tried to allocate 512 GB here). So an xlsx
sheet's XML is scanned for the cells that hold values before calamine sees it, and the other formats
(xls, xlsb, ods), whose cell positions are not cheap to scan, are loaded in a child process with a
memory and CPU limit.
"""

from __future__ import annotations

import pickle
import re
import subprocess
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .form import INSTRUCTIONS_SHEET, METADATA_SHEET

MAX_SHEET_CELLS = 4_000_000  # rows x columns of one sheet's used area (calamine: 32 bytes a cell)
MAX_FILE_CELLS = 4_000_000  # the same, summed over the sheets read from one file
MAX_SHEETS = 250  # visible sheets looked at in one file
# Address space: a 30,000-row .xls or .ods loads within 200 MB; an 800-byte .ods repeating one cell
# over a million rows made calamine fill 1.1 GB of RAM under the former 1,500 MB (tests/corpus).
CHILD_MEMORY_BYTES = 400 * 2**20
CHILD_CPU_SECONDS = 60


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
        self.reason = reason  # "encrypted", "corrupt", "limit"


def load(path: Path, kind: str, sheets: frozenset[str] | None = None) -> Loaded:
    """`sheets`: the only visible sheets of an xlsx to scan and load (the hidden metadata is always
    read); other formats load every sheet."""
    if kind in ("xlsx", "xlsm"):
        return _load(path, _scan_xlsx(path, sheets), sheets)
    return _load_in_child(path)


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
    ods_merges = _ods_merges(path) if scans is None and zipfile.is_zipfile(path) else None
    with workbook:
        visible = []
        for meta in workbook.sheets_metadata:
            if meta.name == METADATA_SHEET:
                loaded.metadata = _read_metadata(workbook, meta.name, scans)
            elif meta.visible == SheetVisibleEnum.Visible and meta.typ == SheetTypeEnum.WorkSheet and meta.name != INSTRUCTIONS_SHEET \
                    and (sheets is None or meta.name in sheets):
                visible.append(meta.name)
        loaded.skipped_sheets = max(0, len(visible) - MAX_SHEETS)
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
            for (r, c), shown in (scan.errors if scan else {}).items():
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


# A tag's attributes are matched up to the next "<" (never inside a tag in XML), not only the next
# ">": with "[^>]*", tags that never close, repeated, made the scan quadratic (80 KB of `<c r="A1" `
# took 1 s, 1 MB minutes; tests/corpus). Now every byte is looked at a bounded number of times.
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^<>]*>")
_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^<>]*>")
# A cell with content (not self-closing): its reference. Formatting-only cells are `<c r=".." s=".."/>`.
_FILLED_CELL = re.compile(rb'<(?:\w+:)?c\s+r="([A-Z]{1,3})([0-9]{1,7})"[^<>/]*>')
# A row whose first cell has content but no reference of its own: calamine places it by the row.
_ROW_WITH_CELL = re.compile(rb'<(?:\w+:)?row\s+r="([0-9]{1,7})"[^<>]*>\s*<(?:\w+:)?c(?![^<>]*\sr=)[^<>/]*>')
# A cell's body ends at its </c>, and can never run past the next cell's start.
_FORMULA_CELL = re.compile(rb'<(?:\w+:)?c\s+r="([A-Z]{1,3})([0-9]{1,7})"[^<>/]*>'
                           rb'((?:(?!</(?:\w+:)?c>|<(?:\w+:)?c[\s>/]).)*?)</(?:\w+:)?c>', re.S)


# A cell holding an Excel error value (t="e"): calamine gives "" for it, which read as "empty, fill it in".
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\s+r="([A-Z]{1,3})([0-9]{1,7})"[^<>/]*\st="e"[^<>/]*>'
                         rb'(?:(?!</(?:\w+:)?c>|<(?:\w+:)?c[\s>/]).)*?<(?:\w+:)?v>([^<]{1,20})</(?:\w+:)?v>', re.S)
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\s+r="([0-9]{1,7})"[^<>]*\shidden="(?:1|true)"')
_STORED_VALUE = re.compile(rb"<(?:\w+:)?v(?:\s[^<>]*)?>[^<]|<(?:\w+:)?is[\s>]")


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
                    xml = zf.read(target)
                except KeyError:
                    continue
                scans[name] = _scan_sheet(xml)
    except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, ValueError, EOFError) as exc:
        raise LoadError("corrupt") from exc
    return scans


_SST = re.compile(rb"<(?:\w+:)?sst\b[^<>]*>")
_SHARED_STRING = re.compile(rb"<(?:\w+:)?si[\s>/]")
MAX_SHARED_STRINGS_CLAIMED = 100_000  # beyond those present: reserved room costs 24 bytes each


def _check_shared_strings(zf: zipfile.ZipFile) -> None:
    """calamine reserves room for as many shared strings as the part claims before it reads them:
    uniqueCount="2000000000" aborted the whole process on a 48 GB allocation (tests/corpus). A claim
    far beyond the strings present is a damaged or hostile file."""
    for name in (i.filename for i in zf.infolist() if i.filename.lower() == "xl/sharedstrings.xml"):
        xml = zf.read(name)
        tag = _SST.search(xml)
        claimed = dict(_ATTR.findall(tag.group())).get(b"uniqueCount", b"0") if tag else b"0"
        if not claimed.isdigit():
            raise LoadError("corrupt")
        if int(claimed) <= MAX_SHARED_STRINGS_CLAIMED:
            continue  # within the margin whatever is present: no need to count
        present = sum(1 for _ in _SHARED_STRING.finditer(xml))
        if int(claimed) > present + MAX_SHARED_STRINGS_CLAIMED:
            raise LoadError("corrupt")


def _sheet_targets(zf: zipfile.ZipFile) -> dict[str, str]:
    workbook = zf.read("xl/workbook.xml")
    try:
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    by_id = {}
    for rel in _RELATIONSHIP.findall(rels):
        attrs = dict(_ATTR.findall(rel))
        target = attrs.get(b"Target", b"").decode("utf-8", "replace")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        by_id[attrs.get(b"Id", b"")] = re.sub(r"[^/]+/\.\./", "", target)
    targets = {}
    for tag in _SHEET.findall(workbook):
        attrs = dict(_ATTR.findall(tag))
        rid = next((v for k, v in attrs.items() if k.endswith(b":id")), None)
        name = _unescape(attrs.get(b"name", b"").decode("utf-8", "replace"))
        if rid in by_id:
            targets[name] = by_id[rid]
    return targets


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _scan_sheet(xml: bytes) -> _Scan:
    refs = _FILLED_CELL.findall(xml)
    # Distinct values first (a set is built at C speed): a sheet has far fewer rows and columns than cells.
    columns, rows = {c for c, _ in refs}, {r for _, r in refs}
    rows.update(_ROW_WITH_CELL.findall(xml))
    max_row = max(map(int, rows), default=0)
    widest = max(columns, key=lambda c: (len(c), c), default=b"A")
    unevaluated = set()
    if b"<f" in xml or b":f" in xml:
        for col, row, body in _FORMULA_CELL.findall(xml):
            if re.search(rb"<(?:\w+:)?f[\s>/]", body) and not _STORED_VALUE.search(body):
                unevaluated.add((int(row) - 1, column_number(col) - 1))
    hidden = {int(r) - 1 for r in _HIDDEN_ROW.findall(xml)} if b"hidden=" in xml else set()
    errors = {(int(row) - 1, column_number(col) - 1): value.decode("utf-8", "replace")
              for col, row, value in _ERROR_CELL.findall(xml)} if b't="e"' in xml else {}
    return _Scan(max_row * column_number(widest), unevaluated, hidden, errors)


def _ods_merges(path: Path) -> dict[str, list] | None:
    """Merged ranges of an ods file (calamine gives none for ods), from content.xml."""
    import xml.etree.ElementTree as ET

    table_ns = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    tag = lambda local: f"{{{table_ns}}}{local}"  # noqa: E731
    merges: dict[str, list] = {}
    try:
        with zipfile.ZipFile(path) as zf, zf.open("content.xml") as content:
            sheet, row, col = "", -1, 0
            for event, el in ET.iterparse(content, events=("start", "end")):
                if event == "start" and el.tag == tag("table"):
                    sheet, row = el.get(tag("name"), ""), -1
                    merges[sheet] = []
                elif event == "start" and el.tag == tag("table-row"):
                    row, col = row + 1, 0
                elif event == "end" and el.tag == tag("table-row"):
                    row += int(el.get(tag("number-rows-repeated"), "1")) - 1
                    el.clear()
                elif event == "start" and el.tag in (tag("table-cell"), tag("covered-table-cell")):
                    rows_spanned = int(el.get(tag("number-rows-spanned"), "1"))
                    cols_spanned = int(el.get(tag("number-columns-spanned"), "1"))
                    if rows_spanned > 1 or cols_spanned > 1:
                        merges[sheet].append(((row, col), (row + rows_spanned - 1, col + cols_spanned - 1)))
                    col += int(el.get(tag("number-columns-repeated"), "1"))
    except (KeyError, ET.ParseError, zipfile.BadZipFile, ValueError, OSError):
        return None
    return merges


# --- other formats: a child process with limits ---------------------------------------------------

def _load_in_child(path: Path) -> Loaded:
    try:
        done = subprocess.run([sys.executable, "-m", "ita_workbook.grid", str(path)], capture_output=True,
                              timeout=CHILD_CPU_SECONDS * 2, check=False)
    except subprocess.TimeoutExpired:
        raise LoadError("limit") from None
    if done.returncode == 3:
        raise LoadError(done.stdout.decode(errors="replace").strip() or "corrupt")
    if done.returncode != 0:
        raise LoadError("limit")
    return pickle.loads(done.stdout)


def _child_main(path: str) -> int:
    try:
        import resource
    except ImportError:  # Windows: no rlimits; the parent's timeout still bounds the child
        resource = None
    if resource is not None:
        resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY_BYTES, CHILD_MEMORY_BYTES))
        resource.setrlimit(resource.RLIMIT_CPU, (CHILD_CPU_SECONDS, CHILD_CPU_SECONDS))
    try:
        loaded = _load(Path(path), None)
    except LoadError as exc:
        sys.stdout.write(exc.reason)
        return 3
    except MemoryError:
        return 4
    # Dates and times pickle as they are; only this process's own output is unpickled.
    sys.stdout.buffer.write(pickle.dumps(loaded))
    return 0


if __name__ == "__main__":
    # Import by name, so that what is pickled names ita_workbook.grid's classes, not __main__'s.
    from ita_workbook.grid import _child_main as child_main

    sys.exit(child_main(sys.argv[1]))
