"""One cell → a clean value, or a `CellError` with its problem code. The shape of click's
`ParamType.convert`: return the value or fail with a reason.

These parse; the rules on the parsed values (a มิติ out of 1-4, no quarter marked, an unknown
department) are the pandera schema's (schema.py). A number that is not a finite amount (NaN, ±inf,
1e309, 400 typed nines, a negative or absurd budget) is refused here, at its cell, so that nothing
non-finite reaches a total or a writer.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from .form import DIMENSIONS, NO_BUDGET
from .thai import clean_text, parse_number, squeeze, to_arabic_digits

MAX_TEXT = 5000  # characters in one cell; a real ตัวชี้วัด is a few hundred
# Baht, one project: a whole province's yearly budget is below this. 20,000 rows of it per file and
# every organisation of the country summed stay far from float overflow (9e307 + 9e307 = inf).
MAX_BUDGET = 1e12
MAX_DIMENSION_DIGITS = 6  # a มิติ is 1-4; int() of 4,300 digits and more raises

_DATES = (dt.date, dt.datetime, dt.time, dt.timedelta)


class CellError(Exception):
    def __init__(self, code: str, detail: str = "", detail_en: str = ""):
        super().__init__(code)
        self.code = code
        self.detail = detail
        self.detail_en = detail_en


# What Excel shows in a cell whose formula failed (grid.py keeps them; calamine gives "" for them).
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!",
                          "#PYTHON!", "#EXTERNAL!"})


_LIBREOFFICE_ERROR = re.compile(r"^Err:\d{3}$")  # what LibreOffice shows for its own errors (Err:502)


def is_excel_error(value: Any) -> bool:
    # "#" or "Err:" first: every cell's text comes here, and copying a long one to strip it cost more
    # than the rest.
    return isinstance(value, str) and ("#" in value or "Err:" in value) and (
        value.strip().upper() in EXCEL_ERRORS or bool(_LIBREOFFICE_ERROR.match(value.strip())))


def _excel_date(value: Any) -> CellError:
    """What Excel made of a typed 1/2 or 8:30, said as a date or time the clerk recognises; the
    problem shows what was typed (problems.as_typed)."""
    from .thai import THAI_MONTHS

    if isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        return CellError("excel-date", f"วันที่ {day.day} {THAI_MONTHS[day.month - 1]} {day.year + 543}",
                         f"the date {day.day} {day:%B} {day.year}")
    return CellError("excel-date", "เวลา", "a time")


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not clean_text(value))


def parse_text(value: Any) -> str | None:
    if value is None:
        return None
    if is_excel_error(value):
        raise CellError("excel-error")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.timedelta):
        # A cell formatted as a duration ([h]:mm): shown as Excel shows it. It has no isoformat,
        # which took `validate` down with a traceback (tests/test_properties.py).
        total = int(value.total_seconds())
        sign, total = "-" if total < 0 else "", abs(total)
        value = f"{sign}{total // 3600}:{total // 60 % 60:02d}:{total % 60:02d}"
    elif isinstance(value, _DATES):
        value = value.isoformat()
    text = clean_text(str(value))
    if len(text) > MAX_TEXT:
        raise CellError("text-too-long", f"{MAX_TEXT:,}")
    return text or None


def parse_quantity(value: Any) -> float | str | None:
    if isinstance(value, _DATES):
        raise _excel_date(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise CellError("bad-quantity")
        return float(value)
    text = parse_text(value)
    if text is None:
        return None
    number = parse_number(text)
    return text if number is None else number


_NO_BUDGET_WORDS = {squeeze(w) for w in (NO_BUDGET, "ไม่ใช้งบ", "ไม่มีงบประมาณ", "ไม่ใช้งบประมาณฯ", "ไม่ได้ใช้งบประมาณ",
                                          "ไม่ใช้งบประมาณ (บาท)", "-", "–", "—", "--")}
_BAHT = re.compile(r"(บาท|฿|\.-|-)$")


def parse_budget(value: Any) -> tuple[float | None, bool]:
    """(amount, no_budget): (10000.0, False), (None, True) for ไม่ใช้งบประมาณ, (None, False) if empty."""
    if isinstance(value, _DATES):
        raise _excel_date(value)
    if isinstance(value, bool):
        raise CellError("bad-budget")
    if isinstance(value, (int, float)):
        return _amount(float(value)), False
    text = parse_text(value)
    if text is None:
        return None, False
    key = squeeze(text).strip("()[]")
    if key in _NO_BUDGET_WORDS:
        return None, True
    while (stripped := _BAHT.sub("", key)) != key and stripped:
        key = stripped
    number = parse_number(key)
    if number is None:
        raise CellError("bad-budget")
    return _amount(number), False


def _amount(number: float) -> float:
    if not 0 <= number <= MAX_BUDGET:  # NaN too
        raise CellError("bad-budget")
    return number


def parse_summed_budget(value: Any) -> tuple[float | None, bool]:
    """`parse_budget` for the readers that add budgets up without the schema (check, province): a
    negative amount is `bad-budget` there too, so that it is never summed."""
    amount, no_budget = parse_budget(value)
    if amount is not None and amount < 0:
        raise CellError("bad-budget")
    return amount, no_budget


_DIMENSION_PREFIX = re.compile(r"^(มิติที่|มิติ|ที่)")
_LEADING_NUMBER = re.compile(rf"^([0-9]{{1,{MAX_DIMENSION_DIGITS}}})(?:\.0*)?(?![0-9])")
_DIMENSION_NAMES = {squeeze(n): d.number for d in DIMENSIONS for n in (d.name, d.old_name)}


def parse_dimension(value: Any) -> int | None:
    """An integer as found (the schema checks 1-4), or None if empty."""
    if isinstance(value, _DATES):
        raise _excel_date(value)
    if isinstance(value, bool):
        raise CellError("bad-dimension")
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or not float(value).is_integer() or abs(value) >= 10**MAX_DIMENSION_DIGITS:
            raise CellError("bad-dimension")
        return int(value)
    text = parse_text(value)
    if text is None:
        return None
    key = _DIMENSION_PREFIX.sub("", to_arabic_digits(squeeze(text)))
    match = _LEADING_NUMBER.match(key)
    if match:
        return int(match.group(1))
    for name, number in _DIMENSION_NAMES.items():
        if key.startswith(name):
            return number
    raise CellError("bad-dimension")


_MARKS = {"/", "／", "\\", "✓", "✔", "√", "☑", "☒", "x", "X", "×", "✗", "✘", "*", "1", "●", "•", "TRUE", "true",
          "ใช่", "/ /", "//",
          "ü", "þ"}  # ü and þ: a tick and a ticked box typed in the Wingdings font
_NO_MARKS = {"-", "0", "FALSE", "false"}


def parse_mark(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, Refused):
        raise CellError(value.code)
    if isinstance(value, bool):
        return value
    if isinstance(value, _DATES):
        raise CellError("bad-quarter-mark")
    if isinstance(value, (int, float)):
        if value == 1:
            return True
        if value == 0:
            return False
        raise CellError("bad-quarter-mark")
    if is_excel_error(value):
        raise CellError("excel-error")
    text = clean_text(str(value))
    if not text or text in _NO_MARKS:
        return False
    if text in _MARKS or squeeze(text) in _MARKS:
        return True
    raise CellError("bad-quarter-mark")


class Refused(str):
    """A cell's value, as typed, that the reader could not turn into the cells it stands for (a
    ไตรมาส column's "5" in place of four quarter marks): the quarter's parser raises `code` at its
    cell, so that validate, check and province report it alike."""

    def __new__(cls, text: str, code: str) -> "Refused":
        refused = super().__new__(cls, text)
        refused.code = code
        return refused

    def __reduce__(self):  # pickled as what it is (a str subclass would lose `code`)
        return Refused, (str(self), self.code)


_WHOLE_YEAR = {squeeze(w) for w in ("ทุกไตรมาส", "ตลอดปี", "ทั้งปี", "ตลอดทั้งปี", "ตลอดปีงบประมาณ", "ทั้ง 4 ไตรมาส",
                                     "ครบทุกไตรมาส", "ไตรมาส 1-4")}
_QUARTER_WORDS = re.compile(r"ไตรมาสที่|ไตรมาส|ที่|q")
_QUARTER_RANGE = re.compile(r"^([1-4])(?:-([1-4]))?$")


def parse_quarters(value: Any) -> tuple[bool, bool, bool, bool]:
    """The quarters one ไตรมาส column names: 2, ๒, "1,2", "1 และ 3", "ไตรมาส 2", "ไตรมาสที่ 1-4",
    "Q1/Q2", "ทุกไตรมาส". Empty or "-": none. Anything else is `bad-quarters`, never a guess (12 may
    be "1,2" or a month; a date is what Excel made of 1/2 or 1-4)."""
    if value is None:
        return (False,) * 4
    if isinstance(value, bool) or isinstance(value, _DATES):
        raise CellError("bad-quarters")
    if isinstance(value, (int, float)):
        if value in (1, 2, 3, 4):
            return tuple(n == value for n in (1, 2, 3, 4))
        raise CellError("bad-quarters")
    if is_excel_error(value):
        raise CellError("excel-error")
    text = to_arabic_digits(clean_text(str(value))).lower()
    if not text or text in ("-", "–", "—"):
        return (False,) * 4
    if squeeze(text) in _WHOLE_YEAR:
        return (True,) * 4
    text = _QUARTER_WORDS.sub(" ", text.replace("และ", ",").replace("ถึง", "-"))
    text = re.sub(r"\s*[-–—]\s*", "-", text).strip(" .")
    quarters = [False] * 4
    tokens = [t for t in re.split(r"[,;/\s]+", text) if t]
    for token in tokens:
        match = _QUARTER_RANGE.match(token)
        if not match or (match.group(2) and match.group(2) < match.group(1)):
            raise CellError("bad-quarters")
        for n in range(int(match.group(1)), int(match.group(2) or match.group(1)) + 1):
            quarters[n - 1] = True
    if not tokens:
        raise CellError("bad-quarters")
    return tuple(quarters)


def parse_department(value: Any) -> str | None:
    """The department as typed, cleaned; the schema matches it against the configured names."""
    text = parse_text(value)
    return None if text is None else text.replace("\n", " ")


def parse_amount(value: Any) -> float | None:
    """Baht as typed (`๑๐,๐๐๐`, `10,000 บาท`, `-` for none → 0), or None if empty."""
    try:
        amount, none = parse_budget(value)
    except CellError as exc:
        raise CellError("bad-amount" if exc.code == "bad-budget" else exc.code) from None
    return 0.0 if none else amount


def parse_choice(value: Any, choices: tuple[str, ...], synonyms: tuple[tuple[str, str], ...] = ()) -> str | None:
    """One of `choices` as the dropdown writes it, or None if empty. Typed text is matched without
    spaces, its Thai marks normalised: a choice or one of its synonyms (เสร็จแล้ว), a part of one choice
    only (แล้วเสร็จ), or either with words after it (ดำเนินการแล้วเสร็จ 100%) is that choice; anything
    else is `bad-choice`, which lists the choices."""
    if isinstance(value, _DATES):
        raise CellError("bad-choice", " / ".join(choices), " / ".join(choices))
    text = parse_text(value)
    if text is None:
        return None
    key = squeeze(text).rstrip(".")
    keys = {squeeze(c): c for c in choices}
    keys.update((squeeze(typed), c) for typed, c in synonyms if c in choices and squeeze(typed) not in keys)
    if key in keys:
        return keys[key]
    starts = [k for k in keys if key.startswith(k)]
    longest = {keys[k] for k in starts if len(k) == max(map(len, starts))} if starts else set()
    near = list(longest) or [c for k, c in keys.items() if len(key) >= 3 and key in k and k == squeeze(c)]
    if len(set(near)) == 1:
        return near[0]
    raise CellError("bad-choice", " / ".join(choices), " / ".join(choices))


def parse_period(value: Any) -> tuple[str | None, list[tuple[int | None, int, int | None]]]:
    """When a project was done: the text as typed and the dates in it, (year พ.ศ. or None, month,
    day or None); a date cell is one such date."""
    from .thai import find_dates

    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d"), [(value.year + 543, value.month, value.day)]
    text = parse_text(value)
    return text, (find_dates(text) if text else [])
