"""`--help` laid out for Thai: click's headings and stock texts said Thai first, and lines broken
only between words.

click wraps at spaces and measures a line by its characters. Thai puts no space between words and
draws its vowel and tone marks above or below a letter, taking no room: click's lines came out short
and a run of Thai longer than the column was cut anywhere ("ท้ายร/ายงาน"). Here a Thai run breaks
only between the words of help_words.WORDS, the words of every help text as pythainlp segments
them, kept once in a file so that `--help` stays instant (pythainlp's dictionary takes ~0.8 s to
load); a test regenerates the list and fails when a help text changed without it. A run that
cannot be split into known words is kept whole: a long line, never a broken word.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import click

# click's own words, as its help shows them.
HEADINGS = {"Options": "ตัวเลือก / Options", "Commands": "คำสั่ง / Commands", "Arguments": "ค่าที่ระบุ / Arguments"}
HELP_OPTION = "แสดงคำอธิบายนี้ / Show this message and exit."
VERSION_OPTION = "แสดงรุ่นของโปรแกรม / Show the version and exit."
USAGE_PREFIX = "วิธีใช้ / Usage: "

_THAI_RUN = re.compile("[\u0e01-\u0e4e]+")  # letters, vowels and marks; Thai digits and ๆ ฯ stand alone
_LONGEST_WORD = 24


def width(text: str) -> int:
    """Columns the text takes in a terminal: Thai vowel and tone marks above or below take none."""
    return sum(0 if unicodedata.combining(ch) or unicodedata.category(ch) == "Mn" else 1 for ch in text)


@lru_cache(maxsize=4096)
def thai_words(run: str) -> tuple[str, ...]:
    """A run of Thai letters as the fewest words of help_words.WORDS, or the run whole when it cannot
    be made of them."""
    from .help_words import WORDS

    best: list[tuple[str, ...] | None] = [()] + [None] * len(run)
    for end in range(1, len(run) + 1):
        for start in range(max(0, end - _LONGEST_WORD), end):
            before = best[start]
            if before is not None and run[start:end] in WORDS \
                    and (best[end] is None or len(before) + 1 < len(best[end])):
                best[end] = (*before, run[start:end])
    return best[-1] or (run,)


def pieces(text: str) -> list[tuple[str, bool]]:
    """The text cut where a line may break, at spaces and between two Thai words of one run:
    (piece, whether a space comes before it). Latin and punctuation stay with the Thai beside them."""
    out: list[tuple[str, bool]] = []
    for chunk in text.split():
        out.append(("", True))
        for part in re.split(f"({_THAI_RUN.pattern})", chunk):
            words = thai_words(part) if _THAI_RUN.fullmatch(part) else (part,)
            out[-1] = (out[-1][0] + words[0], out[-1][1])
            out.extend((word, False) for word in words[1:])
    return out


def wrap(text: str, limit: int, first_indent: str = "", indent: str = "") -> list[str]:
    """One paragraph as lines of at most `limit` columns (indent included), broken at spaces and
    between Thai words; a piece wider than a line stands alone on its line."""
    lines: list[str] = []
    line, used = first_indent, width(first_indent)
    empty = True
    for piece, spaced in pieces(text):
        gap = " " if spaced and not empty else ""
        if not empty and used + len(gap) + width(piece) > limit:
            lines.append(line)
            line, used, gap = indent, width(indent), ""
        line += gap + piece
        used += len(gap) + width(piece)
        empty = False
    lines.append(line)
    return lines


def wrap_paragraphs(text: str, limit: int, indent: str = "") -> str:
    """click's rule for help text: blank lines part paragraphs, a paragraph after a line holding only
    \\b is kept as written, others are rewrapped."""
    out = []
    for paragraph in re.split(r"\n\s*\n", text.expandtabs().strip("\n")):
        lines = paragraph.splitlines()
        if lines and lines[0].strip() == "\b":
            out.append("\n".join(indent + line for line in lines[1:]))
            continue
        inner = " " * (len(lines[0]) - len(lines[0].lstrip())) if lines else ""
        out.append("\n".join(wrap(" ".join(l.strip() for l in lines), limit, indent + inner, indent + inner)))
    return "\n\n".join(out)


class ThaiHelpFormatter(click.HelpFormatter):
    """click's formatter with Thai headings, widths measured as a terminal draws Thai, and lines
    broken between words."""

    def write_heading(self, heading: str) -> None:
        name = heading.rstrip(":")
        super().write_heading(HEADINGS.get(name, name))

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix=USAGE_PREFIX if prefix is None else prefix)

    def write_text(self, text: str) -> None:
        self.write(wrap_paragraphs(text, self.width, " " * self.current_indent))
        self.write("\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((width(term) for term, _ in rows), default=0), col_max) + col_spacing
        for term, text in rows:
            self.write(f"{'':>{self.current_indent}}{term}")
            if not text:
                self.write("\n")
                continue
            if width(term) <= first_col - col_spacing:
                self.write(" " * (first_col - width(term)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            hang = " " * (first_col + self.current_indent)
            lines = wrap_paragraphs(text, self.width - 2, hang).split("\n")
            self.write(lines[0].lstrip() + "\n")
            for line in lines[1:]:
                self.write(f"{line}\n")


class ThaiContext(click.Context):
    formatter_class = ThaiHelpFormatter


# What click adds after an option's help, said Thai first.
_EXTRAS = ((re.compile(r"\[default: "), "[ค่าเริ่มต้น / default: "),
           (re.compile(r"\brequired\]$"), "ต้องระบุ / required]"),
           (re.compile(r"; required\]$"), "; ต้องระบุ / required]"))


def thai_extras(help_text: str) -> str:
    for pattern, thai in _EXTRAS:
        help_text = pattern.sub(thai, help_text)
    return help_text
