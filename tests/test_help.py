"""--help as a Thai clerk reads it: Thai first in every paragraph and entry, the commands in the
year's order, nothing cut off, lines broken only between words.

Run as a script (`python tests/test_help.py`) to rewrite src/ita_workbook/help_words.py after a help
text changed; test_every_help_text_breaks_between_known_words fails until then."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ita_workbook.cli import main
from ita_workbook.commandline import ORDER

WORDS_FILE = Path(__file__).parents[1] / "src" / "ita_workbook" / "help_words.py"
THAI_RUN = re.compile("[\u0e01-\u0e4e]+")
COMMANDS = list(ORDER)


def help_of(command: str | None, width: int) -> str:
    args = [command, "--help"] if command else ["--help"]
    result = CliRunner().invoke(main, args, terminal_width=width, max_content_width=width)
    assert result.exit_code == 0, result.output
    return result.output


def every_help(width: int) -> dict[str, str]:
    return {command or "ita-workbook": help_of(command, width) for command in [None, *COMMANDS]}


def segment(run: str) -> list[str]:
    from pythainlp.tokenize import word_tokenize

    return [w for w in word_tokenize(run, engine="newmm", keep_whitespace=False) if w.strip()]


def needed_words() -> set[str]:
    """Every word of every help text, as pythainlp segments it (the texts laid out on one long line
    each, so that no run is cut)."""
    words: set[str] = set()
    for text in every_help(width=10_000).values():
        for run in THAI_RUN.findall(text):
            words.update(segment(run))
    return words


def test_the_commands_come_in_the_order_of_the_year():
    text = help_of(None, 100)
    shown = re.findall(r"^  ([a-z-]+)  ", text.split("คำสั่ง / Commands:")[1], flags=re.M)
    assert shown == ["init", "template", "validate", "merge", "check", "report-template", "report", "province",
                     "serve"]


def test_the_summary_line_names_every_step_of_the_year():
    first = help_of(None, 10_000).split("\n\n")[1]
    for step in ("template", "validate", "merge", "check", "report-template", "report", "province"):
        assert step in first
    assert "รายงานผล" in first and "จังหวัด" in first


@pytest.mark.parametrize("width", [60, 80, 100])
def test_no_command_summary_is_cut_off(width):
    text = help_of(None, width)
    assert "..." not in text.split("คำสั่ง / Commands:")[1]
    flat = " ".join(text.split())
    assert "The whole round as a page in the browser." in flat
    assert "Check an existing plan's stated totals." in flat


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_paragraph_and_entry_begins_in_thai(command):
    """Laid out wide, each paragraph of help and each option's or command's text is one line: its
    first letter is Thai (English follows beside it)."""
    text = help_of(command, 10_000)
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("วิธีใช้ / Usage:"):
            continue
        entry = re.match(r"^(-\S.*?|[a-z][a-z-]*)\s{2,}(\S.*)$", line)
        said = entry.group(2) if entry else line
        first_letter = re.search(r"[A-Za-z\u0e01-\u0e2e]", said)
        assert first_letter and "\u0e01" <= first_letter.group() <= "\u0e2e", line


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_clicks_own_words_are_said_in_thai(command):
    text = help_of(command, 100)
    assert "ตัวเลือก / Options:" in text and "\nOptions:" not in text
    assert "แสดงคำอธิบายนี้ / Show this message and exit." in " ".join(text.split())
    assert "[required]" not in text and "[default:" not in text


def test_every_help_text_breaks_between_known_words():
    from ita_workbook.help_words import WORDS

    missing = sorted(needed_words() - WORDS)
    assert not missing, f"help_words.py is out of date (run: python {Path(__file__).name}): {missing[:20]}"


@pytest.mark.parametrize("width", [50, 80, 100])
def test_thai_words_are_never_split_across_lines(width):
    """Each line's Thai ends and begins on a word boundary: the words pythainlp finds in the text
    laid out on one line are whole in the wrapped one. Before, "ท้ายร/ายงาน" and "ไว้ในโ/ฟลเดอร์นี้"."""
    wide, narrow = every_help(10_000), every_help(width)
    for name, text in narrow.items():
        whole_words = {w for run in THAI_RUN.findall(wide[name]) for w in segment(run)}
        lines = text.splitlines()
        for above, below in zip(lines, lines[1:]):
            end, start = re.search(f"({THAI_RUN.pattern})$", above.rstrip()), re.match(
                f"\\s*({THAI_RUN.pattern})", below)
            if end and start:
                assert end.group(1) in whole_words or segment(end.group(1))[-1] in whole_words, (name, above, below)
                joined = segment(end.group(1) + start.group(1))
                assert end.group(1).endswith(joined[len(segment(end.group(1))) - 1]), (name, above, below)
    assert "ท้ายร\n" not in " ".join(narrow.values())


def test_thai_lines_are_measured_as_a_terminal_draws_them():
    """Vowel and tone marks above and below take no column: a Thai line may hold more characters
    than the width, but never more columns."""
    from ita_workbook.helpformat import width

    for text in every_help(80).values():
        assert all(width(line) <= 80 for line in text.splitlines() if " " in line.strip())
    assert width("ที่ผู้บริหาร") == 7  # ท ผ บ ร ห า ร


def write_words() -> None:
    words = sorted(needed_words())
    lines = ["\"\"\"The Thai words of every --help text, as pythainlp segments them: where a help line may break",
             "(helpformat.py). Written by `python tests/test_help.py`; a test says when it is out of date.\"\"\"",
             "", "WORDS = frozenset(\"\"\""]
    line = ""
    for word in words:
        if len(line) + len(word) + 1 > 90:
            lines.append(line.rstrip())
            line = ""
        line += word + " "
    lines += [line.rstrip(), "\"\"\".split())", ""]
    WORDS_FILE.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    write_words()
    print(f"wrote {WORDS_FILE}")
