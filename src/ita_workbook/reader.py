"""A workbook → the rows of its form tables, each value with its cell address.

Takes a form description (form.PLAN_FORM by default) and finds every visible sheet whose first rows
hold its header (one to three rows, merged or not) in any of its layouts (the yearly form, months,
4-year, e-PlanNACC); spreads merged values over the cells they cover, except a merge across the
table, which is a heading; tells headings (มิติ, ภารกิจ 1.1 …) from projects by what a row holds;
joins rows that only continue the text of the project above, skips blank rows and repeated page
headers, and stops a table at its `รวม…` row. Never raises for a bad file: what cannot be read
becomes a Problem.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from . import grid as grids
from .form import (DIMENSIONS, DATA_AS_OF, ISSUER, LEGEND_TITLE, MONEY, PLAN_FORM, QUARTER_KEYS, SOURCE_PREFIX,
                   TOTALS_PREFIX, YEAR_PREFIX, Form, Layout, quarter_of_month)
from .problems import Problem
from .safety import Unreadable
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
    layout: Layout | None = None  # which of the form's layouts the header has
    years: list[int] = field(default_factory=list)  # a 4-year plan's budget columns, by year
    budget_year: int | None = None  # the year whose column was read as the budget
    headings: int = 0  # มิติ heading rows that gave the projects below them their มิติ
    lacks: list[str] = field(default_factory=list)  # of form.counted_keys, what the table does not carry
    title: list[str] = field(default_factory=list)  # text lines above a sheet's first header
    extra: dict[int, str] = field(default_factory=dict)  # 0-based column → header of a column not on the form
    form: Form = PLAN_FORM
    lone_departments: list[RawRow] = field(default_factory=list)  # rows holding only a department of their own
    header_top: int = 0  # 1-based, the header's first row
    # What each row of the sheet from the header down was read as (0-based row → a role, ledger.py), so
    # that the ledger accounts for every cell the reader passed over.
    roles: dict[int, str] = field(default_factory=dict)
    unit: Unit | None = None  # the budget's money unit, where the header or the title block states one


@dataclass(frozen=True)
class Unit:
    """A money unit stated for the budget: baht per unit (None: a unit the reader does not know)."""
    word: str
    baht: float | None
    sheet_row: int  # 0-based row and column of the cell that states it
    col: int


@dataclass
class Workbook:
    path: str
    kind: str = ""
    tables: list[Table] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    sheets: dict[str, list[list[Any]]] = field(default_factory=dict)  # read_workbook(keep_sheets=…)
    sealed: str = ""  # read_workbook(sealed=…): the sheet left unread, its seal holding (grid.seal)
    ledgers: list[Any] = field(default_factory=list)  # ledger.Ledger of each sheet read as a plan

    @property
    def rows(self) -> list[RawRow]:
        return [row for table in self.tables for row in table.rows]


def read_workbook(path: str | Path, keep_sheets: tuple[str, ...] = (), only_sheets: tuple[str, ...] = (), *,
                  form: Form = PLAN_FORM, fiscal_year: int | None = None, sealed: str | None = None) -> Workbook:
    """`keep_sheets`: visible sheets whose cells are kept in `sheets` for the caller to read, instead
    of being searched for a form table (the province reads a master's data sheet this way, loaded
    with the same guards as the rest). `only_sheets`: of an xlsx, load only these (and the hidden
    metadata). `fiscal_year`: of a 4-year plan, the year whose budget column is read as the budget.
    `sealed`: a sheet of `only_sheets` left unread while the file's seal holds (grid.seal); the
    Workbook's `sealed` then names it."""
    try:
        loaded = grids.load(Path(path), frozenset(only_sheets) if only_sheets else None, sealed=sealed)
    except (grids.LoadError, Unreadable) as exc:
        loaded = exc
    book = _read_loaded(Workbook(str(path)), loaded, keep_sheets, form=form, fiscal_year=fiscal_year)
    book.sealed = loaded.sealed if isinstance(loaded, grids.Loaded) else ""
    return book


def read_workbooks(paths: list[str | Path], keep_sheets: tuple[str, ...] = (), only_sheets: tuple[str, ...] = (), *,
                   form: Form = PLAN_FORM, fiscal_year: int | None = None) -> Iterator[Workbook | Exception]:
    """`read_workbook` of each path, in order; the reader child reads the next files while this
    process finds the tables of the one before (on two cores, reading 1,000 files takes about half
    the time). A bug of ours met on a file is given in its place, not raised."""
    sheets = frozenset(only_sheets) if only_sheets else None
    loads = grids.load_each([(Path(path), sheets) for path in paths])
    try:
        for path, loaded in zip(paths, loads):
            if not isinstance(loaded, (grids.Loaded, grids.LoadError, Unreadable)):
                yield loaded  # a bug of ours, met in the child
                continue
            try:
                yield _read_loaded(Workbook(str(path)), loaded, keep_sheets, form=form, fiscal_year=fiscal_year)
            except Exception as exc:  # noqa: BLE001 - the caller names it for that file
                yield exc
    finally:
        loads.close()  # its child stopped now, not when the garbage is collected


def _read_loaded(book: Workbook, loaded: grids.Loaded | grids.LoadError | Unreadable,
                 keep_sheets: tuple[str, ...] = (), *, form: Form = PLAN_FORM, fiscal_year: int | None = None) -> Workbook:
    if isinstance(loaded, Unreadable):
        book.problems.append(_unreadable(book.path, loaded.reason, loaded.detail, loaded.detail_en))
        return book
    if isinstance(loaded, grids.LoadError):
        book.problems.append(_load_problem(book.path, loaded.reason))
        return book
    book.kind, book.metadata = loaded.kind, loaded.metadata
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
            tables = read_tables(book.path, sheet, MAX_PROJECT_ROWS - len(book.rows), form=form,
                                 fiscal_year=fiscal_year, defaults=_defaults(book.metadata, form))
            _forget_spread_rows(book, sheet, tables)
            book.problems.extend(_drawn(book.path, sheet, tables))
            book.tables.extend(tables)
            if tables:
                from .ledger import account

                ledger = account(book.path, sheet, tables)
                book.ledgers.append(ledger)
                book.problems.extend(ledger.problems)
        except TooManyRows:
            book.tables = []  # all or nothing: a file is never half read
            book.problems.append(Problem(
                "unreadable-file", book.path, value="too-many-rows",
                detail=f"มีโครงการเกิน {MAX_PROJECT_ROWS:,} แถว ซึ่งไม่ใช่แผนของกอง แยกเป็นหลายไฟล์",
                detail_en=f"over {MAX_PROJECT_ROWS:,} project rows, which is no department's plan; split it"))
            break
    for table in book.tables:
        book.problems.extend(Problem("department-only-row", book.path, sheet=row.sheet, row=row.row,
                                     cell=row.cells["department"].address, column="department",
                                     value=str(row.value("department")))
                             for row in table.lone_departments)
    if not book.tables and not book.sheets and not any(p.is_error for p in book.problems):
        book.problems.append(Problem("header-not-found", book.path))
    return book


def _drawn(path: str, sheet: grids.Grid, tables: list[Table]) -> list[Problem]:
    from .drawn_periods import read_drawn  # periods drawn as arrows: marks of their projects, or problems

    return read_drawn(path, sheet, tables)


def _defaults(metadata: dict[str, str], form: Form) -> dict[str, str]:
    """What a generated template pre-fills in its empty input rows (its department): a cell holding
    exactly that is no sign of a project, nor a value the clerk typed."""
    return {key: squeeze(value) for key, value in metadata.items()
            if key in form.column_by_key and isinstance(value, str) and value.strip()}


def lacks_problem(path: str, table: Table, form: Form = PLAN_FORM) -> Problem | None:
    """One `layout-lacks` problem naming the table's layout, what it does not carry of what is
    counted, and the form's columns it has: said once, never counted as zeros."""
    if not table.lacks:
        return None
    by_key = {c.key: c for c in form.columns}

    def names(keys, english: bool) -> list[str]:
        shown = []
        for key in keys:
            if key in QUARTER_KEYS:
                name = "quarters" if english else "ไตรมาส"
            elif key == "budget" and table.years:
                years = f"{table.years[0]}-{table.years[-1]}"
                name = (f"a budget for the fiscal year asked (its years: {years}; give --year)" if english
                        else f"งบประมาณของปีที่ต้องการ (มีปี {years} ระบุด้วย --year)")
            elif key == "dimension":
                name = "dimensions (neither a column nor heading rows)" if english else "มิติ (ไม่มีทั้งคอลัมน์และแถวหัวข้อมิติ)"
            else:
                name = by_key[key].english if english else by_key[key].header
            if name not in shown:
                shown.append(name)
        return shown

    layout = table.layout or form.layouts[-1]
    found = [by_key[k].header for k in by_key if k in table.columns] + [f"ปี {y}" for y in table.years]
    found_en = [by_key[k].english for k in by_key if k in table.columns] + [f"year {y}" for y in table.years]
    other = [k for k in table.missing if k not in table.lacks and k != "no"]
    return Problem("layout-lacks", path, sheet=table.sheet, row=table.header_row, value=",".join(table.lacks),
                   detail=f"{layout.thai} ไม่มี{' '.join(names(table.lacks, False))} "
                          f"(คอลัมน์ที่พบ: {', '.join(found) or '-'}; ไม่มีคอลัมน์: "
                          f"{', '.join(names(other, False)) or '-'})",
                   detail_en=f"{layout.english} without {', '.join(names(table.lacks, True))} "
                             f"(columns found: {', '.join(found_en) or '-'}; missing: "
                             f"{', '.join(names(other, True)) or '-'})")


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
    if value.__class__ is str and not value:  # most cells of a header search: checked first
        return ""
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
    """Header text → column key, for the form's columns and then its other layouts' (a quarter's
    months, ต.ค.-ธ.ค., are the quarter's before they are October's)."""
    aliases: dict[str, str] = {}
    for column in (*form.columns, *form.layout_columns):
        for alias in column.headers:
            aliases.setdefault(_header_key(alias), column.key)
    return aliases


# A qualifier never holds Thai letters: "มิติที่ 1" is a header, "มิติที่ ๑ การสร้าง…" a heading.
_QUALIFIER = re.compile(r"^(\(.*\)|\[.*\]|ปี.*|พ\.ศ.*|\d[^ก-ฮ]*|[-:/].*)$")
_YEAR_HEADER = re.compile(r"^(?:ปี|พ\.ศ\.?|ปีพ\.ศ\.?)?(25\d\d)(?:\.0)?$")  # 2561.0: a year typed as a number


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


def _year_header(text: str) -> int | None:
    match = _YEAR_HEADER.match(text)
    return int(match.group(1)) if match else None


@lru_cache(maxsize=4096)  # every file's titles and header come here, column by column
def _column_key(texts: tuple[str, ...], form: Form) -> str | None:
    """The key of one column from its header texts, top to bottom: the lowest text that names a
    column, else all of them joined; a year above "งบประมาณ (บาท)" is that year's budget column."""
    key = next((k for t in reversed(texts) if (k := _match_header(t, form=form))), None) \
        or _match_header("".join(texts), form=form)
    if key == "quarters" and len(texts) > 1 and (joined := _match_header("".join(texts), form=form)) in QUARTER_KEYS:
        key = joined  # "ไตรมาส" merged over 1 2 3 4: a column per quarter
    year = next((y for t in texts if (y := _year_header(t))), None)
    if year and key in (None, "budget"):
        return f"{YEAR_PREFIX}{year}"
    if key == "budget" and len(set(texts)) > 1 and (source := _source(texts[-1])):
        return f"{SOURCE_PREFIX}{source}"  # งบประมาณ over เงินอุดหนุน: one column of a budget split by source
    if key in (None, "dimension") and (mark := _DIMENSION_MARK.search(texts[-1])):
        return f"{DIMENSION_MARK_PREFIX}{mark.group(1)}"
    return key


_SOURCES = {_text_header_key(s): s for s in MONEY.sources}


def _source(text: str) -> str | None:
    """The money source a budget's sub-header names (เงินอุดหนุน, อื่นๆ (ระบุ)), its unit left aside."""
    bare = re.sub(r"\(.*\)$", "", text) if text.endswith(")") and not text.startswith("(") else text
    return _SOURCES.get(bare) or _SOURCES.get(text)


# "สอดคล้อง (มิติที่ 2)", "มิติที่ ๒": a column per มิติ, the project's marked (e-PlanNACC lists).
_DIMENSION_MARK = re.compile(r"มิติ(?:ที่)?([1-4])\)?$")
DIMENSION_MARK_PREFIX = "dimension:"


def _match_rows(block: list[list[Any]], form: Form) -> dict[str, int]:
    """Column key → column, for a header of one to three rows."""
    columns: dict[str, int] = {}
    for col in range(max(len(row) for row in block)):
        texts = tuple(t for row in block if col < len(row) and (t := _header_key(row[col])))
        key = _column_key(texts, form) if texts else None
        if key and key not in columns:
            columns[key] = col
    years = [k for k in columns if k.startswith(YEAR_PREFIX)]
    if len(years) == 1 and "budget" not in columns:  # "งบประมาณ (บาท)" under "ปี 2566": the budget
        columns["budget"] = columns.pop(years[0])
    elif len(years) == 1:  # one year's money beside the budget: not understood (the ledger says so)
        columns.pop(years[0])
    sources = [k for k in columns if k.startswith(SOURCE_PREFIX)]
    if len(sources) == 1 and "budget" not in columns:  # one source alone is the budget
        columns["budget"] = columns.pop(sources[0])
    elif sources and "budget" in columns:  # เงินอุดหนุน beside a column the header calls งบประมาณ: both added up
        columns[f"{SOURCE_PREFIX}budget"] = columns.pop("budget")
    marks = [k for k in columns if k.startswith(DIMENSION_MARK_PREFIX)]
    if len(marks) == 1 and "dimension" not in columns:  # "มิติที่ 1" alone heads the มิติ column
        columns["dimension"] = columns.pop(marks[0])
    elif "dimension" in columns:
        for key in marks:
            columns.pop(key)
    return columns


def _names_project(row: list[Any], form: Form) -> bool:
    """Whether a row names the project column (a header's first row): `"name" in _match_rows([row])`,
    stopping at that column (every title line and header row of every file is asked)."""
    return any((text := _header_key(value)) and _column_key((text,), form) == "name" for value in row)


_YEAR_WORD = re.compile(r"^(?:ปี|พ\.ศ\.?|ปีพ\.ศ\.?)(25\d\d)$")


def _header_words(row: list[Any], form: Form) -> bool:
    """Whether a row holds header words in several columns (a header's lower row), not one heading
    nor a first project (whose "มิติที่ 1" or "2566" only look like headers)."""
    if any(isinstance(v, (int, float)) and not isinstance(v, bool) and not 2400 <= v <= 2700 for v in row):
        return False  # a budget, a quantity, a running number: a project's row
    texts = [t for v in row if (t := _header_key(v))]
    aliases = _aliases(form)
    years = [t for t in texts if _year_header(t)]
    # Bare years (2561 2562 …) side by side are a 4-year plan's header; one alone is a project's year.
    exact = [t for t in texts if t in aliases or _YEAR_WORD.match(t) or (len(years) >= 2 and t in years)]
    qualified = [t for t in texts if t not in exact and _match_header(t, form=form)]
    if len(exact) < 2 and (len(exact) + len(qualified) < 3 or any(len(t) > 40 for t in texts)):
        return False
    return len(set(texts)) > 1 or not _is_heading_text(texts[0])


def _find_header(rows: list[list[Any]], start: int, window: int,
                 form: Form = PLAN_FORM) -> tuple[int, int, dict[str, int]] | None:
    """(first header row, last header row, columns) of the first header at or below `start`, within
    the search window.

    The header's first row names the project column itself, so a title line above a header is
    never taken for the header's top half. Rows below it are the header's too while they hold header
    words in several columns (one row between may hold a group's words only, e.g. the fiscal year
    over month columns); a มิติ heading right under a one-row header is no header row."""
    for r in range(start, min(len(rows), start + window)):
        if not _names_project(rows[r], form):
            continue
        last = r
        for k in (1, 2):
            if r + k < len(rows) and _header_words(rows[r + k], form):
                last = r + k
        columns = _match_rows(rows[r:last + 1], form)
        layout = _layout(columns, form)
        if len(columns) >= form.min_header_columns or (layout is not None and layout.signature):
            return r, last, columns
    return None


def _layout(columns: dict[str, int], form: Form) -> Layout | None:
    """The first of the form's layouts whose signature the header has (the form itself, last); None
    for a form typed in one layout only (the result report)."""
    for layout in form.layouts:
        if all(sum(k.startswith(prefix) for k in columns) >= count for prefix, count in layout.signature):
            return layout
    return None


def _looks_like_header(row: list[Any], columns: dict[str, int], form: Form = PLAN_FORM) -> bool:
    """A page header repeated inside the table, or its second row."""
    # Every project row comes here. Short cells first (their keys are cached: units, marks, the
    # header's own words); a long text (a project's name, indicator, outcome: new in every file) is
    # made a key only while three hits are still within reach, so a project row makes one at most.
    aliases = _aliases(form)  # _match_header(text, exact=True), without a call a cell
    hits = 0
    long_cells = []
    for key, col in columns.items():
        if col < len(row):
            value = row[col]
            if value.__class__ is str and len(value) > _SHORT_CELL:
                long_cells.append((key, value))
            elif (text := _header_key(value)) and aliases.get(text) == key:
                hits += 1
    for done, (key, value) in enumerate(long_cells):
        if hits + len(long_cells) - done < 3:
            break  # even if this and every long text left were header words: too few
        if (text := _header_key(value)) and aliases.get(text) == key:
            hits += 1
    return hits >= 3


_SHORT_CELL = 40  # characters: any header word, any unit or mark


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


WIDE_MERGE = 0.6  # of a sheet's width: a merge this wide is a title or a heading, never spread


def _fill_merged(sheet: grids.Grid) -> tuple[set[tuple[int, int]], set[int]]:
    """Spread each merged range's value over its cells; return the cells that got it that way, and
    the rows where a merge spans most of the width (a title or a heading: its text is not spread,
    or it would be read as a budget, quarter marks and a department)."""
    rows = sheet.rows
    width = max((len(row) for row in rows), default=0)
    inherited: set[tuple[int, int]] = set()
    wide: set[int] = set()
    for (r0, c0), (r1, c1) in sheet.merged:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        # One or two rows high: a block merged over many rows hides what is under it, as in Excel.
        if c1 - c0 + 1 >= max(3, WIDE_MERGE * width) and r1 - r0 < 2:
            wide.update(range(r0, min(r1, len(rows) - 1) + 1))
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if (r, c) != (r0, c0):
                    row[c] = value
                    inherited.add((r, c))
    return inherited, wide


class TooManyRows(Exception):
    pass


def read_tables(path: str, sheet: grids.Grid, limit: int = MAX_PROJECT_ROWS, *,
                form: Form = PLAN_FORM, fiscal_year: int | None = None,
                defaults: dict[str, str] | None = None) -> list[Table]:
    rows = sheet.rows
    inherited, wide = _fill_merged(sheet)
    found = _find_header(rows, 0, HEADER_SEARCH_ROWS, form)
    tables: list[Table] = []
    end = 0  # the row after the last table read
    while found is not None:
        top, header_row, columns = found
        above = _heading_above(rows, end, top)
        table = Table(sheet.name, header_row + 1, columns, layout=_layout(columns, form),
                      title=[] if tables else _title_lines(rows, top if above is None else above[0], form),
                      extra=_extra_columns(rows, top, header_row, columns) if top <= header_row else tables[-1].extra,
                      form=form, header_top=top + 1)
        table.roles.update((r, "header") for r in range(top, header_row + 1))
        section = None
        if above is not None:
            table.roles[above[0]] = "heading"
            section = RawCell(above[1], cell_address(*above[2]), inherited=True)
            table.headings += 1
        table.years = sorted(int(k.removeprefix(YEAR_PREFIX)) for k in columns if k.startswith(YEAR_PREFIX))
        if fiscal_year in table.years:
            table.budget_year = fiscal_year
        table.unit = _money_unit(rows, table, tables[0] if tables else None)
        next_row, stop = _read_rows(path, sheet, table, header_row + 1, inherited, wide,
                                    limit - sum(len(t.rows) for t in tables), form, defaults or {}, section)
        end = next_row
        table.missing = _missing(table, form)
        table.lacks = [k for k in form.counted_keys if k in table.missing or (k == "dimension" and not _has_dimension(table))]
        if table.rows or table.totals or not tables:
            tables.append(table)
        if stop:
            break
        # Past a totals row: a new header starts a second table; without one, projects typed below
        # the totals still belong to this header (never dropped).
        found = _find_header(rows, next_row, 3, form) or (next_row, next_row - 1, columns)
    return tables


def _heading_above(rows: list[list[Any]], start: int, top: int) -> tuple[int, int, tuple[int, int]] | None:
    """(row, มิติ, its cell) of a มิติ heading right above a header (the header typed again under each
    มิติ's heading, the first heading above the first header): the projects below it are of that มิติ."""
    for r in range(top - 1, max(start, top - 3) - 1, -1):
        cells = [(c, v) for c, v in enumerate(rows[r]) if _present(v)]
        if not cells:
            continue
        c, value = cells[0]
        number = _section_dimension(squeeze(str(value))) if isinstance(value, str) else None
        texts = {str(v).strip() for _, v in cells}
        return (r, number, (r, c)) if number and len(texts) == 1 else None
    return None


def _money_unit(rows: list[list[Any]], table: Table, first: Table | None) -> Unit | None:
    """The budget's unit: stated in a money column's header ("งบประมาณ (พันบาท)", "บาท" under it),
    else in the title block ("หน่วย : พันบาท"); a later table of the sheet (`first` is the first)
    keeps the first's."""
    money = [col for key, col in table.columns.items()
             if key == "budget" or key.startswith((YEAR_PREFIX, SOURCE_PREFIX))]
    for col in money:
        for r in range(table.header_top - 1, table.header_row):
            value = rows[r][col] if col < len(rows[r]) else None
            if isinstance(value, str) and (unit := _unit_in(_header_key(value), header=True)):
                return Unit(unit[0], unit[1], r, col)
    if first is not None:
        return first.unit
    for r in range(0, table.header_top - 1):
        for c, value in enumerate(rows[r]):
            if isinstance(value, str) and (unit := _unit_in(_header_key(value), header=False)):
                return Unit(unit[0], unit[1], r, c)
    return None


_UNIT_WORDS = tuple(word for word, _ in MONEY.units)
# "หน่วย : พันบาท", "(หน่วย: บาท)", "หน่วย บาท": at the end of its text, the unit one short word after
# a colon, or a known unit (หน่วยตรวจสอบภายใน is a department).
_UNIT_SAID = re.compile(rf"{MONEY.unit_said}(?:เงิน)?(?:[:=]([^()\[\]:=]{{1,12}})|({'|'.join(_UNIT_WORDS)}))\)?$")


def _unit_in(key: str, header: bool) -> tuple[str, float | None] | None:
    """(unit, baht per unit) a text states: "หน่วย:พันบาท" anywhere; in a money header also a
    qualifier "(พันบาท)" or a unit it ends with. A qualifier naming no year, source or number is an
    unknown unit (baht None)."""
    key = key.replace("\uff08", "(").replace("\uff09", ")")  # full-width brackets
    if (said := _UNIT_SAID.search(key)) and (word := (said.group(1) or said.group(2)).strip(":.) ")):
        return word, MONEY.unit(word)
    if not header:
        return None
    qualifier = re.search(r"\(([^()]*)\)$", key)
    if qualifier:
        word = qualifier.group(1).strip(":. ")
        if MONEY.unit(word) is not None:
            return word, MONEY.unit(word)
        if not word or _year_header(word) or _source(word) or re.fullmatch(r"[\d.,\-/]+", word):
            return None
        return word, None
    word = next((w for w in _UNIT_WORDS if key.endswith(w)), None)
    return (word, MONEY.unit(word)) if word else None


def _missing(table: Table, form: Form) -> list[str]:
    """The form's columns the table has no column for, nor anything standing for it (months for
    the quarters, the year's column of a 4-year plan for the budget, มิติ headings for the มิติ)."""
    have = set(table.columns)
    if any(k.startswith("month") for k in have):
        have |= {quarter_of_month(k) for k in have if k.startswith("month")}
    if "quarters" in have:
        have |= set(QUARTER_KEYS)
    if table.budget_year is not None or any(k.startswith(SOURCE_PREFIX) for k in have):
        have.add("budget")
    if table.headings or any(k.startswith(DIMENSION_MARK_PREFIX) for k in have):
        have.add("dimension")
    return [c.key for c in form.columns if c.key not in have]


def _has_dimension(table: Table) -> bool:
    return "dimension" in table.columns or bool(table.headings) or \
        any(k.startswith(DIMENSION_MARK_PREFIX) for k in table.columns)


def _title_lines(rows: list[list[Any]], header_row: int, form: Form = PLAN_FORM) -> list[str]:
    """The lines above a sheet's first header: the plan's title, organisation and place."""
    lines = []
    for values in rows[:header_row]:
        if _names_project(values, form):
            break  # the header's first row
        # A title merged across the page has its text spread over every cell: once is enough.
        text = " ".join(dict.fromkeys(v.strip() for v in values if isinstance(v, str) and v.strip()))
        if text:
            lines.append(text)
    return lines


LABEL_KEYS = ("no", "name", "mission")  # what a heading row may hold: its number and its text


def _read_rows(path: str, sheet: grids.Grid, table: Table, first: int, inherited: set, wide: set[int],
               limit: int, form: Form = PLAN_FORM, defaults: dict[str, str] | None = None,
               section: RawCell | None = None) -> tuple[int, bool]:
    """Read from `first` to the totals row (→ the row after it, False) or the end/footer (→ True).

    What a row is comes from what it holds: a row with only a number and a text (a มิติ or ภารกิจ
    heading such as "มิติที่ ๑ …", "๑.๑ การสร้างจิตสำนึก…", "1.2.2 …", or one text merged across the
    table) is a heading; a row with data beyond its name is a project. A cell holding the template's
    pre-filled default (`defaults`: its department) says nothing of what its row is, and a row holding
    only a department is no project (kept in `table.lone_departments` unless it is the default).
    `section`: the มิติ of a heading above the header. What each row was read as goes in `table.roles`."""
    defaults = defaults or {}

    def typed(cells: dict[str, RawCell], *keys: str) -> set[str]:
        return {k for k in _own(cells, *keys)
                if not (k in defaults and isinstance(cells[k].value, str) and squeeze(cells[k].value) == defaults[k])}

    rows = sheet.rows
    label_cols = sorted(table.columns[k] for k in LABEL_KEYS if k in table.columns)  # the leftmost text labels a row
    months = sorted((k for k in table.columns if k.startswith("month")), key=lambda k: int(k[5:]))
    dimension_marks = sorted(k for k in table.columns if k.startswith(DIMENSION_MARK_PREFIX))
    quarters_named = "quarters" in table.columns and not any(q in table.columns for q in QUARTER_KEYS)
    budget_key = f"{YEAR_PREFIX}{table.budget_year}" if table.budget_year is not None else None
    sources = [k for k in table.columns if k.startswith(SOURCE_PREFIX)]
    money = [k for k in table.columns if k == "budget" or k.startswith((YEAR_PREFIX, SOURCE_PREFIX))]
    scale = table.unit.baht if table.unit is not None and table.unit.baht not in (None, 1.0) else None
    header = [rows[r] for r in range(table.header_top - 1, table.header_row)]
    roles = table.roles
    numbered = 0  # of table.headings, the ภารกิจ numbers that gave a มิติ
    unevaluated = sheet.unevaluated
    places = [(key, col, _column_letters(col)) for key, col in table.columns.items()]  # cell_address's letters
    on_pages = sheet.pages is not None  # a PDF's grid: a cell is placed at its page, row and column
    for r in range(first, len(rows)):
        values = rows[r]
        width = len(values)
        number = str(r + 1)
        cells = {}
        for key, col, letters in places:
            value = values[col] if col < width else None
            if isinstance(value, str) and not value.strip():
                value = None
            place = (r, col)
            address = letters + number if not on_pages else sheet.place(r, col)
            cells[key] = RawCell(value, address, place in inherited, place in unevaluated)
        if scale is not None:
            for key in money:
                cells[key].value = _scaled(cells[key].value, scale)
        if sources:
            cells["budget"] = _summed([cells[k] for k in sources])
        if months:
            _quarters_from_months(cells, months)
        if dimension_marks:
            cells["dimension"] = _dimension_from_marks(cells, dimension_marks)
        if budget_key is not None:
            cells["budget"] = cells[budget_key]
        label = next((str(values[c]).strip() for c in label_cols
                      if c < len(values) and isinstance(values[c], str) and values[c].strip()), "")
        key = squeeze(label)
        # A project may be called รวมใจ…: a totals row has no unit, มิติ, indicator or department.
        if key.startswith(TOTALS_PREFIX) and not typed(cells, *form.totals_free_keys):
            if "มิติ" in key:  # a subtotal of one มิติ: the grand total is further down
                roles[r] = "subtotal"
                continue
            roles[r] = "totals"
            table.totals = RawRow(path, sheet.name, r + 1, cells, label=label)
            return r + 1, False
        if _is_footer(label):
            return r, True
        if quarters_named:  # a totals row's ไตรมาส cell states no quarter: not read as one
            _quarters_from_column(cells)
        own = typed(cells, *cells)
        if not own:
            roles[r] = "blank"  # nothing of its own in the table's columns: the ledger looks at the rest
            continue
        if _looks_like_header(values, table.columns, form) or _repeats(values, header):
            roles[r] = "header"
            continue
        if _is_column_numbering(values):
            roles[r] = "numbering"
            continue
        if own == {"department"}:  # a department typed, or changed, in a row left otherwise empty
            roles[r] = "department-only"
            table.lone_departments.append(RawRow(path, sheet.name, r + 1, {"department": cells["department"]}))
            continue
        if own <= set(LABEL_KEYS):
            heading = _heading(cells, own, r in wide)
            if heading is not None:
                number, address = heading
                if number:
                    section = RawCell(number, address, inherited=True)
                    table.headings += 1
                roles[r] = "heading"
                continue
        if "mission" in own and (number := _mission_dimension(squeeze(str(cells["mission"].value)),
                                                              table.headings > numbered)):
            numbered += not _section_dimension(squeeze(str(cells["mission"].value)))
            section = RawCell(number, cells["mission"].address, inherited=True)
            table.headings += 1
        if own <= form.continuation_keys and table.rows and not _own(cells, "no", "name", *form.quarter_keys):
            roles[r] = "continuation"
            _join(table.rows[-1], cells, form.continuation_keys)
            continue
        if section is not None and not _present(cells["dimension"].value if "dimension" in cells else None):
            cells["dimension"] = section
        if len(table.rows) >= limit:
            raise TooManyRows
        roles[r] = "project"
        table.rows.append(RawRow(path, sheet.name, r + 1, cells, hidden=r in sheet.hidden_rows))
    return len(rows), True


def _repeats(values: list[Any], header: list[list[Any]]) -> bool:
    """Whether a row is one of the header's rows typed again (under each มิติ heading, on each page)."""
    present = [(c, v) for c, v in enumerate(values) if _present(v)]
    return len(present) >= 2 and any(
        all(c < len(row) and isinstance(v, str) and isinstance(row[c], str) and v.strip() == row[c].strip()
            for c, v in present) for row in header)


def _scaled(value: Any, scale: float) -> Any:
    """An amount typed in a stated unit (140 under พันบาท), in baht; what is no amount, as typed."""
    from .cells import CellError, parse_summed_budget

    try:
        amount, _ = parse_summed_budget(value)
    except CellError:
        return value
    return value if amount is None else amount * scale


def _summed(parts: list[RawCell]) -> RawCell:
    """One budget from its columns by source, at the first part's cell: their sum; a part that is no
    amount is the budget's cell as typed, so it is reported at its own cell."""
    from .cells import CellError, parse_summed_budget

    total, typed, no_budget = 0.0, [], None
    for part in parts:
        if part.unevaluated:
            return part
        try:
            amount, none = parse_summed_budget(part.value)
        except CellError:
            return part
        if amount is not None:
            total += amount
            typed.append(part)
        elif none:
            no_budget = part
    if typed:
        return RawCell(total, typed[0].address, all(p.inherited for p in typed))
    return no_budget or RawCell(None, parts[0].address, all(p.inherited for p in parts))


def _quarters_from_months(cells: dict[str, RawCell], months: list[str]) -> None:
    """A quarter's cell from its three months, so that a mark is read, or a wrong one reported, at
    its own cell: a month holding what is no mark, else a marked month, else the first month."""
    from .cells import CellError, parse_mark

    def rank(cell: RawCell) -> int:
        if cell.unevaluated:
            return 0
        try:
            return 1 if parse_mark(cell.value) else 2
        except CellError:
            return 0

    for quarter in QUARTER_KEYS:
        own = [cells[m] for m in months if quarter_of_month(m) == quarter]
        if own:
            cells[quarter] = min(own, key=rank)


def _quarters_from_column(cells: dict[str, RawCell]) -> None:
    """The four quarter cells of a row whose one ไตรมาส column names them ("1,2"), each at that
    column's cell; what names no quarter is given to the first quarter as typed (`cells.Refused`),
    which reports it there, and the others are left empty."""
    from .cells import CellError, Refused, parse_quarters
    from .problems import as_typed

    cell = cells["quarters"]
    try:
        marks = (False,) * 4 if cell.unevaluated else parse_quarters(cell.value)
    except CellError as exc:
        typed = int(cell.value) if isinstance(cell.value, float) and cell.value.is_integer() else cell.value
        cells["q1"] = RawCell(Refused(as_typed(typed), exc.code), cell.address, cell.inherited)
        marks = (None,) * 4
    for key, mark in zip(QUARTER_KEYS, marks):
        if key not in cells:
            cells[key] = RawCell(True if mark else None, cell.address, cell.inherited,
                                 cell.unevaluated and key == "q1")


def _dimension_from_marks(cells: dict[str, RawCell], marks: list[str]) -> RawCell:
    """The มิติ of a row with a column per มิติ: the number of the one marked, at its cell; a cell
    holding what is no mark is the row's มิติ cell (reported there), none marked an empty one."""
    from .cells import CellError, parse_mark

    marked = []
    for key in marks:
        cell = cells[key]
        try:
            if parse_mark(cell.value):
                marked.append(RawCell(int(key.removeprefix(DIMENSION_MARK_PREFIX)), cell.address, cell.inherited))
        except CellError:
            return cell
    if len(marked) > 1:  # two มิติ for one project: the cell is shown as typed, so it is reported
        return RawCell(f"หลายมิติ ({', '.join(str(c.value) for c in marked)})", marked[0].address)
    return marked[0] if marked else RawCell(None, cells[marks[0]].address)


_SUBHEADING = re.compile(r"^(\d+(\.\d+)+\.?|ภารกิจ(ที่)?\d*)(?!\d)")


def _heading(cells: dict[str, RawCell], own: set[str], wide: bool) -> tuple[int | None, str] | None:
    """(มิติ or None, address) of a heading row, or None when the row is a project with only a name.

    A heading is a มิติ (มิติที่ ๑ …, or a มิติ's name), a ภารกิจ numbered like 1.1 or 1.2.2 (in the
    name column or in the ที่ column beside its text), or any text merged across the table."""
    texts = [(squeeze(to_arabic_digits(str(cells[k].value))), cells[k].address) for k in LABEL_KEYS if k in own]
    for text, address in texts:
        if number := _section_dimension(text):
            return number, address
    if wide or any(_SUBHEADING.match(text) for text, _ in texts):
        return None, texts[0][1]
    return None


def _extra_columns(rows: list[list[Any]], top: int, header_row: int, columns: dict[str, int]) -> dict[int, str]:
    """Columns the clerk added (หมายเหตุ …): their header text, from the header's rows."""
    matched = set(columns.values())
    extra = {}
    for col in range(len(rows[header_row])):
        # Every text of its header, top down: "งบประมาณ" over "ที่ได้รับ" speaks of money.
        texts = dict.fromkeys(str(v).strip() for r in range(top, header_row + 1)
                              if col < len(rows[r]) and isinstance(v := rows[r][col], str) and v.strip())
        if texts and col not in matched:
            extra[col] = " ".join(texts)
    return extra


_SECTION = re.compile(r"^มิติ(?:ที่)?([1-4])(?!\d)")
_NUMBERING = re.compile(r"^(\d+[.)]?)")
_DIMENSION_NAMES = tuple((squeeze(n), d.number) for d in DIMENSIONS for n in (d.name, d.old_name))


_MISSION_NUMBER = re.compile(r"^([1-4])\.\d")


def _mission_dimension(text: str, headed: bool) -> int | None:
    """The มิติ a ภารกิจ cell gives the projects beside it: a มิติ it names, or, in a table without
    มิติ headings (`headed`), its own first number (ภารกิจตามมิติ 1.1 … 4.4 are numbered by มิติ)."""
    if number := _section_dimension(text):
        return number
    match = None if headed else _MISSION_NUMBER.match(to_arabic_digits(text))
    return int(match.group(1)) if match else None


def _section_dimension(label: str) -> int | None:
    """The มิติ a heading names: "มิติที่ ๑ …", or a มิติ's name (this or the 2561-2564 one), numbered or not."""
    label = to_arabic_digits(label)
    match = _SECTION.match(label)
    if match:
        return int(match.group(1))
    bare = _NUMBERING.sub("", label)
    return next((number for name, number in _DIMENSION_NAMES if bare.startswith(name)), None)


def _is_heading_text(text: str) -> bool:
    return bool(_section_dimension(text) or _SUBHEADING.match(to_arabic_digits(text)))


_FOOTER_STARTS = (*(squeeze(text.split("{")[0]) for text in (DATA_AS_OF, ISSUER, LEGEND_TITLE)),
                  "ข้อมูลณวันที่", "ผู้ออกรายงาน")


def _is_footer(label: str) -> bool:
    """The lines under the form (ข้อมูล ณ วันที่…, ผู้ออกรายงาน…, คำอธิบาย) end a table without totals."""
    return bool(label) and squeeze(label).startswith(_FOOTER_STARTS)


def _own(cells: dict[str, RawCell], *keys: str) -> set[str]:
    """The keys among `keys` whose cell holds a value of its own row (not spread from a merge above)."""
    return {k for k in keys if k in cells and (_present(cells[k].value) or cells[k].unevaluated)
            and not cells[k].inherited}


# A template that spreads a long ตัวชี้วัด/ผลลัพธ์ over continuation rows (template --from) lists them in
# its hidden metadata, each as its sheet, row and the texts it was given: such a row is the tool's own,
# not warned about (`continuation-row`) while it still holds what was written; a clerk's own is.
SPREAD_ROWS = "spread_rows"


def spread_mark(sheet: str, row: int, texts: Iterable[str]) -> str:
    """One continuation row (1-based) and the texts of its continuation columns, in key order."""
    import hashlib

    digest = hashlib.sha1("\x1f".join(t.strip() for t in texts if t.strip()).encode()).hexdigest()[:16]
    return f"{sheet}!{row}:{digest}"


def _forget_spread_rows(book: Workbook, sheet: grids.Grid, tables: list[Table]) -> None:
    """Drops from `continued` the template's own continuation rows (SPREAD_ROWS), unchanged."""
    marks = set(book.metadata.get(SPREAD_ROWS, "").split("\n")) - {""}
    for table in tables if marks else ():
        cols = [table.columns[k] for k in sorted(table.form.continuation_keys) if k in table.columns]

        def ours(address: str) -> bool:
            row = int(address.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
            values = sheet.rows[row - 1] if row <= len(sheet.rows) else []
            texts = [values[c] for c in cols if c < len(values) and isinstance(values[c], str)]
            return spread_mark(sheet.name, row, texts) in marks

        for raw in table.rows:
            raw.continued = [a for a in raw.continued if not ours(a)]


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
