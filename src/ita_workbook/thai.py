"""Thai text, digits and dates: cleaning what clerks type, and writing what the form shows."""

from __future__ import annotations

import datetime as _dt
import math
import re
from functools import lru_cache

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")

# What pythainlp.util.normalize fixes, found cheaply so that clean text skips it: invisible
# characters, ํ typed for ำ, ๅ, เเ for แ, a tone mark before its vowel, a follow vowel before its tone
# mark, a mark typed twice, and a mark dangling after a space.
_NEEDS_THAI_NORMALISE = re.compile(
    "[\u200b\u200c\u0e4d\u0e45]|\u0e40\u0e40|[\u0e48-\u0e4c][\u0e31\u0e34-\u0e3a\u0e47]"
    "|[\u0e30\u0e32\u0e33][\u0e48-\u0e4b]|([\u0e30-\u0e3a\u0e47-\u0e4e]) *\\1"
    "|(?:^|\\s)[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]"
)
# Zero-width and direction marks (LRM/RLM, embeddings and overrides, isolates), BOM and soft
# hyphen: invisible in Excel, yet they made "‪กองคลัง‬" no department and hid duplicates.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u3000]+")
_ALL_SPACE = re.compile(r"\s+")

# Windows' and Adobe's Thai fonts draw shifted marks (a tone mark lowered where no vowel is above, a
# vowel moved left of a tall consonant) and ฐ ญ without their tail with glyphs in the private use area;
# a PDF made with such a font may give those codes as the text. Each is the letter it draws.
THAI_PRIVATE_USE = str.maketrans({
    0xF700: "ฐ", 0xF701: "\u0e34", 0xF702: "\u0e35", 0xF703: "\u0e36", 0xF704: "\u0e37",
    0xF705: "\u0e48", 0xF706: "\u0e49", 0xF707: "\u0e4a", 0xF708: "\u0e4b", 0xF709: "\u0e4c",
    0xF70A: "\u0e48", 0xF70B: "\u0e49", 0xF70C: "\u0e4a", 0xF70D: "\u0e4b", 0xF70E: "\u0e4c",
    0xF70F: "ญ", 0xF710: "\u0e31", 0xF711: "\u0e4d", 0xF712: "\u0e47", 0xF713: "\u0e48",
    0xF714: "\u0e49", 0xF715: "\u0e4a", 0xF716: "\u0e4b", 0xF717: "\u0e4c", 0xF718: "\u0e38",
    0xF719: "\u0e39", 0xF71A: "\u0e3a",
})

THAI_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
               "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")


@lru_cache(maxsize=65536)
def _normalise_thai(text: str) -> str:
    from pythainlp.util import normalize  # light (~0.07 s), only paid when Thai marks appear

    return normalize(text)


# Text copied out of a PDF comes letter-spaced where the PDF placed letters one by one: "กิ จ ก ร ร ม",
# "แล ะ ก า ร". A Thai word never begins with ะ า ำ ๅ, and three single letters in a row (each with its
# marks) are not words either: such spaces are the copy's, not the writer's, and are taken out.
_LETTER = "[\u0e01-\u0e30\u0e32\u0e33\u0e40-\u0e45][\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]*"
_NOT_FIRST = "[\u0e30\u0e32\u0e33\u0e45]"
_SHORT = re.compile(f"{_LETTER}|{_NOT_FIRST}[\u0e01-\u0e4e]{{0,3}}")
_SPACED_LETTERS = re.compile(f"(?:^|\\s)(?:{_LETTER}) (?:{_LETTER}|{_NOT_FIRST}) (?:{_LETTER}|{_NOT_FIRST})|[\u0e01-\u0e4e] {_NOT_FIRST}")


def _join_spaced_letters(line: str) -> str:
    tokens = line.split(" ")
    joined: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if token and _SHORT.fullmatch(token):
            run.append(token)
            continue
        joined.extend(["".join(run)] if len(run) >= 3 else run)
        run = []
        if token:
            joined.append(token)
    out: list[str] = []
    for token in joined:
        if out and re.match(_NOT_FIRST, token) and re.search("[\u0e01-\u0e4e]$", out[-1]):
            out[-1] += token
        else:
            out.append(token)
    return " ".join(out)


# Anything clean_text changes besides the ends: a line break, a tab or odd space, an invisible
# character, two spaces. Most cells have none of it (nor marks to normalise) and only need trimming.
_NOT_PLAIN = re.compile("[\r\n\t\u00a0\u2000-\u200f\u202a-\u202f\u3000\u2060\u2066-\u2069\ufeff\u00ad]|  ")
_CACHED_LENGTH = 1000  # longer texts are cleaned each time, so that the cache stays small


def clean_text(value: str) -> str:
    """Thai-normalised, trimmed, runs of spaces collapsed, letter-spacing copied from a PDF taken out;
    single line breaks kept. Never NFKC."""
    # A cell's text is cleaned several times (as a header candidate, a label, a value) and units and
    # departments repeat down the columns: each short text is cleaned once.
    return _clean_cached(value) if len(value) <= _CACHED_LENGTH else _clean(value)


@lru_cache(maxsize=8192)
def _clean_cached(value: str) -> str:
    return _clean(value)


def _clean(value: str) -> str:
    if not _NOT_PLAIN.search(value) and not _NEEDS_THAI_NORMALISE.search(value) \
            and not _SPACED_LETTERS.search(value):
        return value.strip()
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if _NEEDS_THAI_NORMALISE.search(text):
        # The cache keys on the raw text: the same texts repeat down a column.
        text = _normalise_thai(text) if len(text) <= 2000 else _normalise_long(text)
    text = _INVISIBLE.sub("", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(_join_spaced_letters(line) if _SPACED_LETTERS.search(line) else line for line in lines if line)


def _normalise_long(text: str) -> str:
    return "\n".join(_normalise_thai(line) for line in text.split("\n"))


def squeeze(value: str) -> str:
    """Text with every space removed: for names that clerks break with spaces (กอง ยุทธศาสตร์ฯ)."""
    return _ALL_SPACE.sub("", clean_text(value))


_ARABIC_OF = tuple(zip(THAI_DIGITS, "0123456789"))


def to_arabic_digits(text: str) -> str:
    # str.translate is slow on Thai text (16 µs for a 150-character cell); replacing just the
    # digits present takes a microsecond.
    for thai, arabic in _ARABIC_OF:
        if thai in text:
            text = text.replace(thai, arabic)
    return text


def to_thai_digits(text: str | int) -> str:
    text = str(text)
    for arabic, thai in _THAI_OF:  # as to_arabic_digits: only the digits present
        if arabic in text:
            text = text.replace(arabic, thai)
    return text


_THAI_OF = tuple(zip("0123456789", THAI_DIGITS))


_LATIN_O = re.compile(r"(?<=[\d,.])[oO]|[oO](?=[\d,.])")
# ASCII digits only (Thai ones are turned into them first): float() also takes ٣ or ²… and int() not all.
_NUMBER = re.compile(r"^[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]+)?$")


def parse_number(text: str) -> float | None:
    """A number typed as text: Thai or Arabic digits, thousands commas, Latin `o` for a Thai zero.

    Returns None when the text is not a plain number."""
    raw = squeeze(to_arabic_digits(text))
    if not raw or not any(ch.isdigit() for ch in raw):
        return None
    # A Latin o typed for ๐ between or after digits (๑o,ooo), never a whole word.
    while (fixed := _LATIN_O.sub("0", raw)) != raw:
        raw = fixed
    if not _NUMBER.match(raw):
        return None
    number = float(raw.replace(",", ""))
    return number if math.isfinite(number) else None  # 400 typed nines are inf


_WHOLE = re.compile(r"[0-9]{1,9}")


def whole_number(text: str) -> int | None:
    """`2566`, `๒๕๖๖` or `2566.0` → 2566; None for anything else. Only ASCII and Thai digits:
    `str.isdigit` also says yes to ²⁵⁶⁷, which int() refuses, and int() of 4,300 digits raises."""
    digits = to_arabic_digits(str(text)).strip()
    digits = digits[:-2] if digits.endswith(".0") else digits
    return int(digits) if _WHOLE.fullmatch(digits) else None


def thai_number(value: float, decimals: int = 0) -> str:
    """`140000` → `๑๔๐,๐๐๐` (for text cells only; number cells use a Thai-digit number format)."""
    return to_thai_digits(f"{value:,.{decimals}f}")


def thai_date(day: _dt.date) -> str:
    """`2023-03-22` → `๒๒ มีนาคม ๒๕๖๖` (Buddhist Era)."""
    return to_thai_digits(f"{day.day} {THAI_MONTHS[day.month - 1]} {day.year + 543}")


def parse_date(text: str) -> _dt.date:
    """YYYY-MM-DD in either era (2566-03-22 or 2023-03-22), Thai digits allowed; ValueError if not."""
    year, month, day = (int(part) for part in to_arabic_digits(text.strip()).split("-"))
    return _dt.date(year - 543 if year > 2400 else year, month, day)


THAI_MONTH_ABBREVIATIONS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.",
                            "พ.ย.", "ธ.ค.")
_MONTH_NUMBER = {**{squeeze(m): i for i, m in enumerate(THAI_MONTHS, 1)},
                 **{m.replace(".", ""): i for i, m in enumerate(THAI_MONTH_ABBREVIATIONS, 1)}}
_MONTH_WORD = "|".join(sorted((re.escape(m) for m in _MONTH_NUMBER), key=len, reverse=True))
# "15 ธันวาคม 2568", "๑-๓ ธ.ค. ๖๘", "มี.ค. 69", "ตุลาคม"; the dots of an abbreviation are dropped first.
_THAI_DATE = re.compile(rf"(?:(\d{{1,2}})(?:\s*[-–]\s*\d{{1,2}})?\s*)?(?<![ก-๛])({_MONTH_WORD})(?![ก-๛])\s*(?:พศ\s*)?(\d{{4}}|\d{{2}}(?!\d))?")
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?!\d)")


def find_dates(text: str) -> list[tuple[int | None, int, int | None]]:
    """The dates written in `text`, as (year พ.ศ. or None, month, day or None): Thai month names or
    their abbreviations, with or without day and year (2- or 4-digit, either era), or d/m/y."""
    plain = to_arabic_digits(clean_text(text)).replace(".", "")
    found: list[tuple[int | None, int, int | None]] = []
    for day, month, year in _NUMERIC_DATE.findall(to_arabic_digits(clean_text(text))):
        if 1 <= int(month) <= 12 and 1 <= int(day) <= 31:
            found.append((_buddhist_year(year), int(month), int(day)))
    if found:
        return found
    for day, month, year in _THAI_DATE.findall(plain):
        found.append((_buddhist_year(year) if year else None, _MONTH_NUMBER[month], int(day) if day else None))
    return found


def _buddhist_year(digits: str) -> int:
    year = int(digits)
    if year < 100:
        return 2500 + year  # ๖๘ is 2568
    return year if year > 2400 else year + 543


def closest(text: str, choices: list[str]) -> str | None:
    """The choice `text` is most likely a slip for, or None when none is close.

    Close means a typo (a few characters wrong: at most one in four of the shorter name) or the
    choice cut short (`text` its first half or more). Names sharing a first word (กองช่าง, กองคลัง)
    are not close: a ratio over the whole name would call them so."""
    found = []
    for choice in choices:
        shorter, longer = sorted((text, choice), key=len)
        cut_short = longer.startswith(shorter) and len(shorter) * 2 >= len(longer)
        distance = _edits(text, choice)
        typo = distance <= max(1, len(shorter) // 4)
        if typo or cut_short:
            found.append((0 if typo else 1, distance, choice))  # a typo before a name cut short
    return min(found)[2] if found else None


def _edits(a: str, b: str) -> int:
    """Levenshtein distance: insertions, deletions and substitutions turning `a` into `b`."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]
