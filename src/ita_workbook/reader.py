"""A workbook → the rows of its form tables, each value with its cell address.

Finds every visible sheet whose first rows hold the form's header (one or two rows, merged or not),
spreads vertically merged values over the rows they cover, joins rows that only continue the text of
the project above, skips blank rows and repeated page headers, and stops a table at its `รวม…` row.
Never raises for a bad file: what cannot be read becomes a Problem.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import grid as grids
from .form import DATA_AS_OF, ISSUER, LEGEND_TITLE, PLAN_FORM, TOTALS_PREFIX, Form
from .problems import Problem
from .safety import Unreadable, inspect_file
from .thai import squeeze, to_arabic_digits

HEADER_SEARCH_ROWS = 30
MAX_PROJECT_ROWS = 20_000  # in one file; a department's plan has tens (memory: ~6 KB a row)


@dataclass(slots=True)
class RawCell:
    value: Any
    address: str
    inherited: bool = False  # filled from a merged range that starts above
    unevaluated: bool = False  # a formula whose value was never computed


@dataclass(slots=True)
class RawRow:
    path: str
    sheet: str
    row: int  # 1-based
    cells: dict[str, RawCell]
    label: str = ""  # for a totals row: its `รวม…` text
    hidden: bool = False  # hidden in Excel (read all the same, and said)
    continued: list[str] = field(default_factory=list)  # first cell of each row joined into this one

    def value(self, key: str) -> Any:
        cell = self.cells.get(key)
        return None if cell is None else cell.value


@dataclass
class Table:
    sheet: str
    header_row: int  # 1-based, the last header row
    columns: dict[str, int]  # column key → 0-based column
    rows: list[RawRow] = field(default_factory=list)
    totals: RawRow | None = None
    missing: list[str] = field(default_factory=list)  # form columns not found in the header
    title: list[str] = field(default_factory=list)  # text lines above a sheet's first header
    extra: dict[int, str] = field(default_factory=dict)  # 0-based column → header of a column not on the form
    extra_used: set[int] = field(default_factory=set)  # those of them holding data in a project row
    form: Form = PLAN_FORM


@dataclass
class Workbook:
    path: str
    kind: str = ""
    tables: list[Table] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    sheets: dict[str, list[list[Any]]] = field(default_factory=dict)  # read_workbook(keep_sheets=…)

    @property
    def rows(self) -> list[RawRow]:
        return [row for table in self.tables for row in table.rows]


def read_workbook(path: str | Path, keep_sheets: tuple[str, ...] = (), only_sheets: tuple[str, ...] = (),
                  form: Form = PLAN_FORM) -> Workbook:
    """`form`: whose header to look for (the plan's, a result report's). `keep_sheets`: visible sheets whose cells are kept in `sheets` for the caller to read, instead
    of being searched for a form table (the province reads a master's data sheet this way, loaded
    with the same guards as the rest). `only_sheets`: of an xlsx, load only these (and the hidden
    metadata)."""
    path = Path(path)
    book = Workbook(str(path))
    try:
        book.kind = inspect_file(path)
        loaded = grids.load(path, book.kind, frozenset(only_sheets) if only_sheets else None)
    except Unreadable as exc:
        book.problems.append(_unreadable(book.path, exc.reason, exc.detail, exc.detail_en))
        return book
    except grids.LoadError as exc:
        book.problems.append(_load_problem(book.path, exc.reason))
        return book
    book.metadata = loaded.metadata
    if book.kind == "xlsm":
        book.problems.append(Problem("macros-ignored", book.path))
    for name in loaded.too_large:
        book.problems.append(Problem(
            "unreadable-file", book.path, sheet=name, value="sheet-too-large",
            detail=f"แผ่นงาน \"{name}\" มีพื้นที่ข้อมูลใหญ่ผิดปกติ (เกิน {grids.MAX_SHEET_CELLS:,} ช่อง) "
                   "ลบแถวและคอลัมน์ว่างที่อยู่ไกลออก หรือคัดลอกตารางไปไว้ในไฟล์ใหม่",
            detail_en=f"sheet '{name}' has an absurdly large used area (over {grids.MAX_SHEET_CELLS:,} cells); "
                      "delete the far-away cells or copy the table into a new file"))
    if loaded.skipped_sheets:
        book.problems.append(Problem(
            "unreadable-file", book.path, value="too-many-sheets",
            detail=f"มีแผ่นงานมากเกินไป อ่านเพียง {grids.MAX_SHEETS} แผ่นแรก ไม่ได้อ่านอีก {loaded.skipped_sheets} แผ่น",
            detail_en=f"too many sheets: only the first {grids.MAX_SHEETS} were read, "
                      f"{loaded.skipped_sheets} were not"))
    for sheet in loaded.grids:
        if sheet.name in keep_sheets:
            book.sheets[sheet.name] = sheet.rows  # the caller reads it: not searched for a form table
            continue
        try:
            book.tables.extend(read_tables(book.path, sheet, MAX_PROJECT_ROWS - len(book.rows), form))
        except TooManyRows:
            book.tables = []  # all or nothing: a file is never half read
            book.problems.append(Problem(
                "unreadable-file", book.path, value="too-many-rows",
                detail=f"มีโครงการเกิน {MAX_PROJECT_ROWS:,} แถว ซึ่งไม่ใช่แผนของกอง แยกเป็นหลายไฟล์",
                detail_en=f"over {MAX_PROJECT_ROWS:,} project rows, which is no department's plan; split it"))
            break
    if not book.tables and not book.sheets and not any(p.is_error for p in book.problems):
        book.problems.append(Problem("header-not-found", book.path))
    return book


def _unreadable(path: str, reason: str, detail: str, detail_en: str) -> Problem:
    return Problem("unreadable-file", path, value=reason, detail=detail, detail_en=detail_en)


def _load_problem(path: str, reason: str) -> Problem:
    if reason == "encrypted":
        return _unreadable(path, reason, "ไฟล์ถูกตั้งรหัสผ่านไว้ เปิดไฟล์แล้วลบรหัสผ่าน (ไฟล์ > ข้อมูล > ป้องกันเวิร์กบุ๊ก) "
                                         "แล้วบันทึกและส่งใหม่",
                           "the file is password-protected; remove the password (File > Info > Protect "
                           "Workbook), save and send it again")
    if reason == "crashed":
        return _unreadable(path, reason, "โปรแกรมอ่านไฟล์หยุดทำงานกลางคันที่ไฟล์นี้ (ไฟล์อื่นอ่านต่อตามปกติ) บันทึกเป็น .xlsx ใหม่ "
                                         "แล้วส่งใหม่ หากยังไม่ได้ โปรดแจ้งผู้พัฒนาพร้อมไฟล์",
                           "the reader stopped on this file (the other files were read); save it again as "
                           ".xlsx and send it, and report it with the file if it persists")
    if reason == "limit":
        return _unreadable(path, reason, "ไฟล์ใช้หน่วยความจำหรือเวลาเกินขีดจำกัดขณะอ่าน บันทึกเป็น .xlsx ใหม่ "
                                         "หรือคัดลอกตารางไปไว้ในไฟล์ใหม่",
                           "reading the file went past the memory or time limit; save it as .xlsx or copy "
                           "the table into a new file")
    return _unreadable(path, "corrupt", "ไฟล์เสียหาย อ่านไม่ได้ เปิดในโปรแกรมแล้วบันทึกเป็น .xlsx ใหม่",
                       "the file is damaged; open it and save it again as .xlsx")


# --- header ----------------------------------------------------------------------------------------

_DASHES = str.maketrans("–—‐−", "----")


def _header_key(value: Any) -> str:
    if value is None or isinstance(value, (bool, dt.date, dt.time, dt.timedelta)):
        return ""
    text = str(value)
    # Cached: the same titles and headers come in every file, and a row's cells are looked at twice.
    return _cached_header_key(text) if len(text) <= 1000 else _text_header_key(text)


@lru_cache(maxsize=4096)
def _cached_header_key(text: str) -> str:
    return _text_header_key(text)


_DASH = re.compile("[–—‐−]")


def _text_header_key(text: str) -> str:
    key = to_arabic_digits(squeeze(text)).lower()
    if _DASH.search(key):  # translate() is slow on Thai text: only when there is a dash to change
        key = key.translate(_DASHES)
    return key.rstrip(":*")


@lru_cache(maxsize=8)
def _aliases(form: Form) -> dict[str, str]:
    """Header text (as `_header_key` makes it) → column key, for every header the form knows."""
    aliases: dict[str, str] = {}
    for column in form.columns:
        for alias in column.headers:
            aliases.setdefault(_header_key(alias), column.key)
    return aliases


_QUALIFIER = re.compile(r"^(\(.*\)|\[.*\]|ปี.*|พ\.ศ.*|\d.*|[-:/].*)$")


def _match_header(text: str, exact: bool = False, form: Form = PLAN_FORM) -> str | None:
    if not text:
        return None
    aliases = _aliases(form)
    if text in aliases or exact:
        return aliases.get(text)
    return _match_qualified(text, form)


@lru_cache(maxsize=4096)  # every file's titles and header go through the loop below
def _match_qualified(text: str, form: Form) -> str | None:
    # "ไตรมาส1(ต.ค.-ธ.ค.)", "งบประมาณปี2566": an alias followed by a qualifier, never by more words.
    for alias, key in _aliases(form).items():
        if text.startswith(alias) and _QUALIFIER.match(text[len(alias):]):
            return key
    return None


def _match_row(row: list[Any], below: list[Any] | None, form: Form = PLAN_FORM) -> tuple[dict[str, int], bool]:
    """Column key → column, and whether the row below took part (a two-row header)."""
    columns: dict[str, int] = {}
    used_below = False
    for col in range(len(row)):
        top = _header_key(row[col])
        bottom = _header_key(below[col]) if below is not None and col < len(below) else ""
        for text, from_below in ((bottom, True), (top, False), (top + bottom, True)):
            key = _match_header(text, form=form)
            if key and key not in columns:
                columns[key] = col
                used_below |= from_below and text != top
                break
    return columns, used_below


def _find_header(rows: list[list[Any]], start: int, window: int,
                 form: Form = PLAN_FORM) -> tuple[int, dict[str, int]] | None:
    """(last header row, columns) of the first header at or below `start`, within the search window.

    The header's first row names the project column itself, so a title line above a header is
    never taken for the header's top half."""
    for r in range(start, min(len(rows), start + window)):
        alone, _ = _match_row(rows[r], None, form)
        if "name" not in alone:
            continue
        below = rows[r + 1] if r + 1 < len(rows) else None
        columns, used_below = _match_row(rows[r], below, form)
        if len(columns) >= form.min_header_columns:
            return (r + 1 if used_below else r), columns
    return None


def _looks_like_header(row: list[Any], columns: dict[str, int], form: Form = PLAN_FORM) -> bool:
    """A page header repeated inside the table, or its second row."""
    hits = sum(1 for key, col in columns.items()
               if col < len(row) and _match_header(_header_key(row[col]), exact=True, form=form) == key)
    return hits >= 3


_COLUMN_NUMBERS = re.compile(r"^\(?\d{1,2}\)?$")


def _is_column_numbering(values: list[Any]) -> bool:
    """A row such as (1) (2) (3) … under the header."""
    count = 0
    for value in values:  # stops at the first cell that is no column number: a project's name
        if not _present(value):
            continue
        text = _header_key(value) if not isinstance(value, (int, float)) or not math.isfinite(value) \
            else str(int(value))
        if not _COLUMN_NUMBERS.match(text):
            return False
        count += 1
    return count >= 5


# --- tables ----------------------------------------------------------------------------------------

def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def cell_address(row: int, col: int) -> str:
    return f"{_column_letters(col)}{row + 1}"


@lru_cache(maxsize=1024)  # every cell of every row gets an address: the letters are worked out once
def _column_letters(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _fill_merged(sheet: grids.Grid) -> set[tuple[int, int]]:
    """Spread each merged range's value over its cells; return the cells that got it that way."""
    rows = sheet.rows
    inherited: set[tuple[int, int]] = set()
    for (r0, c0), (r1, c1) in sheet.merged:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if (r, c) != (r0, c0):
                    row[c] = value
                    inherited.add((r, c))
    return inherited


class TooManyRows(Exception):
    pass


def read_tables(path: str, sheet: grids.Grid, limit: int = MAX_PROJECT_ROWS, form: Form = PLAN_FORM) -> list[Table]:
    rows = sheet.rows
    inherited = _fill_merged(sheet)
    found = _find_header(rows, 0, HEADER_SEARCH_ROWS, form)
    tables: list[Table] = []
    while found is not None:
        header_row, columns = found
        table = Table(sheet.name, header_row + 1, columns,
                      missing=[c.key for c in form.columns if c.key not in columns],
                      title=[] if tables else _title_lines(rows, header_row, form),
                      extra=_extra_columns(rows, header_row, columns, form), form=form)
        next_row, stop = _read_rows(path, sheet, table, header_row + 1, inherited,
                                    limit - sum(len(t.rows) for t in tables))
        if table.rows or table.totals or not tables:
            tables.append(table)
        if stop:
            break
        # Past a totals row: a new header starts a second table; without one, projects typed below
        # the totals still belong to this header (never dropped).
        found = _find_header(rows, next_row, 3, form) or (next_row - 1, columns)
    return tables


def _title_lines(rows: list[list[Any]], header_row: int, form: Form = PLAN_FORM) -> list[str]:
    """The lines above a sheet's first header: the plan's title, organisation and place."""
    lines = []
    for values in rows[:header_row]:
        if "name" in _match_row(values, None, form)[0]:
            break  # the header's first row
        # A title merged across the page has its text spread over every cell: once is enough.
        text = " ".join(dict.fromkeys(v.strip() for v in values if isinstance(v, str) and v.strip()))
        if text:
            lines.append(text)
    return lines


def _read_rows(path: str, sheet: grids.Grid, table: Table, first: int, inherited: set,
               limit: int) -> tuple[int, bool]:
    """Read from `first` to the totals row (→ the row after it, False) or the end/footer (→ True)."""
    rows = sheet.rows
    form = table.form
    label_cols = [table.columns[k] for k in ("no", "name") if k in table.columns]
    section: RawCell | None = None  # the มิติ of a heading row such as "มิติที่ ๑ การสร้าง…"
    for r in range(first, len(rows)):
        values = rows[r]
        cells = {}
        for key, col in table.columns.items():
            value = values[col] if col < len(values) else None
            if isinstance(value, str) and not value.strip():
                value = None
            cells[key] = RawCell(value, cell_address(r, col), (r, col) in inherited, (r, col) in sheet.unevaluated)
        label = next((str(values[c]).strip() for c in label_cols
                      if c < len(values) and isinstance(values[c], str) and values[c].strip()), "")
        key = squeeze(label)
        # A project may be called รวมใจ…: a totals row has no unit, มิติ, indicator or department.
        if key.startswith(TOTALS_PREFIX) and not _own(cells, *form.totals_free_keys):
            if "มิติ" in key:  # a subtotal of one มิติ: the grand total is further down
                continue
            table.totals = RawRow(path, sheet.name, r + 1, cells, label=label)
            return r + 1, False
        if _is_footer(label):
            return r, True
        own = _own(cells, *cells)
        if not own or _looks_like_header(values, table.columns, form) or _is_column_numbering(values):
            continue
        if len(own) == 1 and own <= {"no", "name"} and (number := _section_dimension(key)):
            address = cells[own.pop()].address
            section = RawCell(number, address, inherited=True)
            continue
        if own <= form.continuation_keys and table.rows and not _own(cells, "no", "name", *form.quarter_keys):
            _join(table.rows[-1], cells, form.continuation_keys)
            continue
        if section is not None and "dimension" in cells and not _present(cells["dimension"].value):
            cells["dimension"] = section
        if len(table.rows) >= limit:
            raise TooManyRows
        table.extra_used.update(c for c in table.extra if c < len(values) and _present(values[c])
                                and (r, c) not in inherited)
        table.rows.append(RawRow(path, sheet.name, r + 1, cells, hidden=r in sheet.hidden_rows))
    return len(rows), True


def _extra_columns(rows: list[list[Any]], header_row: int, columns: dict[str, int],
                   form: Form = PLAN_FORM) -> dict[int, str]:
    """Columns the clerk added (หมายเหตุ …): their header text, from the header's one or two rows."""
    above = rows[header_row - 1] if header_row > 0 else []
    two_rows = "name" in _match_row(above, None, form)[0]
    matched = set(columns.values())
    extra = {}
    for col, value in enumerate(rows[header_row]):
        candidates = [value, above[col] if two_rows and col < len(above) else None]
        text = next((str(v).strip() for v in candidates if isinstance(v, str) and v.strip()), "")
        if text and col not in matched:
            extra[col] = text
    return extra


_SECTION = re.compile(r"^มิติ(?:ที่)?([1-4])(?!\d)")


def _section_dimension(label: str) -> int | None:
    match = _SECTION.match(to_arabic_digits(label))
    return int(match.group(1)) if match else None


_FOOTER_STARTS = (*(squeeze(text.split("{")[0]) for text in (DATA_AS_OF, ISSUER, LEGEND_TITLE)),
                  "ข้อมูลณวันที่", "ผู้ออกรายงาน")


def _is_footer(label: str) -> bool:
    """The lines under the form (ข้อมูล ณ วันที่…, ผู้ออกรายงาน…, คำอธิบาย) end a table without totals."""
    return bool(label) and squeeze(label).startswith(_FOOTER_STARTS)


def _own(cells: dict[str, RawCell], *keys: str) -> set[str]:
    """The keys among `keys` whose cell holds a value of its own row (not spread from a merge above)."""
    return {k for k in keys if k in cells and (_present(cells[k].value) or cells[k].unevaluated)
            and not cells[k].inherited}


def _join(project: RawRow, cells: dict[str, RawCell], keys: frozenset[str]) -> None:
    project.continued.append(min((cells[k].address for k in _own(cells, *keys)), key=_column_order))
    for key in sorted(keys):
        extra = cells.get(key)
        if extra is None or extra.inherited or not _present(extra.value):
            continue
        mine = project.cells.get(key)
        if mine is None or not _present(mine.value):
            project.cells[key] = RawCell(extra.value, extra.address)
        else:
            mine.value = f"{mine.value}\n{extra.value}"


def _column_order(address: str) -> tuple[int, str]:
    letters = address.rstrip("0123456789")
    return len(letters), letters
