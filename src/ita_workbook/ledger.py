"""Every non-empty cell of a sheet read as a plan, in exactly one place.

After the reader has found a sheet's tables and said what each row is (`Table.roles`), this pass
goes over every cell of the grid that holds something of its own (a merged range counts once, at
its first cell) and writes down its fate: a project's **value**, the **continuation** of a
project's text, **structure** (title block, header, มิติ/ภารกิจ heading, totals, footer, legend,
signature, a template's pre-filled default), or a **problem** at its cell or its column. Nothing is
passed over in silence, so a count is never "OK" while a cell that could change it was not read.

A cell that could change a count and is not understood is an error: a value under a header that
speaks of money, a unit, a year, a source, a period or a มิติ the reader does not know; a number or a
mark in a column without a header, or under the table in its money or period columns; a budget unit
it does not know. Text nobody counts (หมายเหตุ, a note beside the table) is a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .form import MONEY, QUARTER_KEYS, SOURCE_PREFIX, YEAR_PREFIX
from .grid import Grid
from .problems import Problem
from .reader import _present, cell_address as reader_address  # reader imports this module only when it reads
from .thai import parse_number, squeeze, to_arabic_digits

VALUE = "value"
CONTINUATION = "continuation"
STRUCTURE = "structure"
PROBLEM = "problem"

# What a row may be read as (reader.Table.roles): title, header (and a header typed again), heading,
# totals, subtotal, numbering ((1) (2) …), project, continuation, blank (nothing of its own in the
# table's columns), department-only; a row of no table's, below the first header, is "outside".


@dataclass
class Ledger:
    """Each non-empty cell's fate: `fates[(row, col)]` (0-based) is (fate, what): ("value", "budget"),
    ("structure", "header"), ("problem", "stray-value") …; `doubles` lists a cell given two fates
    (a bug of ours: the property test asserts it stays empty)."""

    path: str
    sheet: str
    fates: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)
    doubles: list[tuple[int, int]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def put(self, row: int, col: int, fate: str, what: str) -> None:
        if (row, col) in self.fates:
            self.doubles.append((row, col))
        self.fates[(row, col)] = (fate, what)

    def of(self, fate: str) -> list[tuple[int, int]]:
        return sorted(cell for cell, (f, _) in self.fates.items() if f == fate)


def filled_cells(sheet: Grid) -> list[tuple[int, int]]:
    """The cells holding something of their own: not empty, and not a copy the reader spread from a
    merged range's first cell."""
    rows = sheet.rows
    covered = {(r, c) for (r0, c0), (r1, c1) in sheet.merged  # a range past the grid ends at its edge
               for r in range(r0, min(r1, len(rows) - 1) + 1)
               for c in range(c0, min(c1, len(rows[r]) - 1) + 1) if (r, c) != (r0, c0)}
    return [(r, c) for r, row in enumerate(rows) for c, value in enumerate(row)
            if _present(value) and (r, c) not in covered]


def account(path: str, sheet: Grid, tables: list) -> Ledger:
    """The ledger of one sheet whose `tables` the reader found."""
    # A PDF's grid places a cell at its page, row and column, as the reader's values are placed.
    cell_address = sheet.place if sheet.pages is not None else reader_address
    ledger = Ledger(path, sheet.name)
    of_row: dict[int, Any] = {}
    key_of: dict[int, dict[int, str]] = {}  # id(table) → column → key
    for table in tables:
        of_row.update((r, table) for r in table.roles)
        key_of[id(table)] = {col: key for key, col in table.columns.items()}
    first_top = tables[0].header_top - 1
    said: set[tuple[str, int]] = set()  # (code, column) of the column problems already written

    def column_problem(table, code: str, col: int, header: str) -> None:
        if (code, col) not in said:
            said.add((code, col))
            ledger.problems.append(Problem(code, path, sheet=sheet.name, row=table.header_row,
                                           cell=cell_address(table.header_row - 1, col), value=header))

    def stray(table, r: int, c: int, value: Any) -> None:
        """A cell outside the table's columns, or under it: its column's problem, or its own."""
        header = table.extra.get(c) if table is not None else None
        if header is not None and speaks_of_count(header):
            column_problem(table, "unknown-column", c, header)
            ledger.put(r, c, PROBLEM, "unknown-column")
        elif header is not None:
            column_problem(table, "extra-column", c, header)
            ledger.put(r, c, PROBLEM, "extra-column")
        else:
            code = "stray-value" if could_count(value) else "stray-text"
            ledger.problems.append(Problem(code, path, sheet=sheet.name, row=r + 1, cell=cell_address(r, c),
                                           value=_shown(value)))
            ledger.put(r, c, PROBLEM, code)

    for table in tables:
        unit = table.unit
        if unit is not None and unit.baht is None and ("unknown-unit", unit.col) not in said:
            said.add(("unknown-unit", unit.col))
            ledger.problems.append(Problem("unknown-unit", path, sheet=sheet.name, row=unit.sheet_row + 1,
                                           cell=cell_address(unit.sheet_row, unit.col), value=unit.word))
            ledger.put(unit.sheet_row, unit.col, PROBLEM, "unknown-unit")

    last = tables[-1]
    counted_cols = {col for key, col in last.columns.items() if _counted_key(key)}
    for r, c in filled_cells(sheet):
        if (r, c) in ledger.fates:  # a unit already said
            continue
        value = sheet.rows[r][c]
        table = of_row.get(r)
        if table is None:
            if r < first_top:
                ledger.put(r, c, STRUCTURE, "title")
            elif c in counted_cols and could_count(value):
                stray(None, r, c, value)  # a number or mark under the table, in a money or period column
            else:
                ledger.put(r, c, STRUCTURE, "outside")
            continue
        role = table.roles[r]
        key = key_of[id(table)].get(c)
        mine = key is not None
        if role == "header":
            if c in table.extra and speaks_of_count(table.extra[c]):
                column_problem(table, "unknown-column", c, table.extra[c])
                ledger.put(r, c, PROBLEM, "unknown-column")
            else:
                ledger.put(r, c, STRUCTURE, "header")
        elif role in ("totals", "subtotal", "numbering"):
            ledger.put(r, c, STRUCTURE, role)
        elif role == "heading":
            if mine:
                ledger.put(r, c, STRUCTURE, role)
            else:
                stray(table, r, c, value)
        elif role == "department-only" and mine:
            ledger.put(r, c, PROBLEM, "department-only-row")
        elif role == "blank" and mine:  # a template's pre-filled default, alone on its row
            ledger.put(r, c, STRUCTURE, "default")
        elif role == "project" and mine:
            ledger.put(r, c, VALUE, key)
        elif role == "continuation" and mine:
            ledger.put(r, c, CONTINUATION, key)
        else:
            stray(table, r, c, value)
    for table in tables:
        for row in table.rows if table.form.counted_keys else ():  # a plan's: what a report's rows hold is the plan's
            _name_only(ledger, table, row)
    return ledger


def _name_only(ledger: Ledger, table, row) -> None:
    """A row read as a project that holds nothing but its name (and number) — a note, a heading
    without a number, a project left unfilled — or no name at all (a number typed under the
    table): it changes the count, so it is never counted in silence."""
    own = [k for k, cell in row.cells.items() if k not in ("no", "name") and not cell.inherited
           and (_present(cell.value) or cell.unevaluated)]
    name = row.cells.get("name")
    if name is None or name.unevaluated:  # a formula never computed: said as such
        return
    if not _present(name.value):
        first = min(own, key=lambda k: table.columns.get(k, 0), default=None)
        address = row.cells[first].address if first else name.address
        ledger.problems.append(Problem("nameless-row", ledger.path, sheet=row.sheet, row=row.row, cell=address,
                                       column="name"))
        return
    if own or row.continued:
        return
    ledger.problems.append(Problem("name-only-row", ledger.path, sheet=row.sheet, row=row.row, cell=name.address,
                                   column="name", value=_shown(name.value)))
    ledger.fates[(row.row - 1, table.columns["name"])] = (PROBLEM, "name-only-row")


def _counted_key(key: str) -> bool:
    return key in ("budget", "dimension", "quarters", *QUARTER_KEYS) or key.startswith(
        ("month", YEAR_PREFIX, SOURCE_PREFIX, "dimension:"))


_COUNT_WORDS = tuple(squeeze(to_arabic_digits(w)).lower() for w in MONEY.count_words)
_YEAR = re.compile(r"25\d\d")


@lru_cache(maxsize=1024)
def speaks_of_count(header: str) -> bool:
    """Whether a header speaks of money, a unit, a year, a source, a period or a มิติ."""
    key = squeeze(to_arabic_digits(header)).lower()
    return any(word in key for word in _COUNT_WORDS) or bool(_YEAR.search(key))


_SYMBOL = re.compile(r"^[^\w\s]{1,3}$|^[a-zA-Z]$")


def could_count(value: Any) -> bool:
    """A number, a date or what looks like a mark (/, ✓, ●, x, ๑, →): what could change a count."""
    from .cells import CellError, parse_mark

    if isinstance(value, (int, float, dt.date, dt.time)):
        return True
    text = squeeze(to_arabic_digits(str(value)))
    try:
        if parse_mark(text):
            return True
    except CellError:
        pass
    return bool(_SYMBOL.match(text)) or parse_number(text.rstrip("บาท.-")) is not None


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "…"
