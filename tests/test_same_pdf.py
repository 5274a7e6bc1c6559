"""The published PDF is the same on every machine (issue 21): drawn with the shipped Sarabun only, its
pages and lines do not depend on the other fonts a machine has. Each machine is played by a fontconfig
file that hides or adds fonts, as FONTCONFIG_FILE tells LibreOffice's fontconfig."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from ita_workbook import form, master, pdf
from ita_workbook.master import FONT_SIZE
from ita_workbook.xlsx_style import ARIAL_COLUMNS, measuring
from ita_workbook.config import load_config
from ita_workbook.master import Heading, write_master
from ita_workbook.validate import validate_files
from seed import PLAN_TOML, write_department_workbooks

pytestmark = [
    pytest.mark.skipif(pdf.find_libreoffice() is None or shutil.which("pdftotext") is None
                       or shutil.which("pdffonts") is None, reason="LibreOffice or poppler not installed"),
    pytest.mark.skipif(pdf.print_font("TH SarabunPSK")[0] != pdf.SARABUN, reason="fontpkg-sarabun not installed"),
]

TLWG = "/usr/share/fonts/truetype/tlwg"
# Machines: a Thai font only (LibreOffice installed with --no-install-recommends and fonts-thai-tlwg),
# that with LibreOffice's recommended fonts, and every font this machine has (its own fontconfig).
MACHINES = {
    "tlwg only": [TLWG],
    "tlwg, liberation, dejavu": [TLWG, "/usr/share/fonts/truetype/liberation", "/usr/share/fonts/truetype/dejavu"],
    "all system fonts": None,
}


def _fontconfig(folder: Path, dirs: list[str] | None) -> Path:
    if dirs is None:
        return Path("/etc/fonts/fonts.conf")
    config = folder / "fonts.conf"
    config.write_text("<?xml version='1.0'?><fontconfig>" + "".join(f"<dir>{d}</dir>" for d in dirs)
                      + f"<cachedir>{folder / 'cache'}</cachedir>"
                      "<include ignore_missing='yes'>/etc/fonts/conf.d</include></fontconfig>", encoding="utf-8")
    return config


@lru_cache(maxsize=1)
def _seed_plan():
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        write_department_workbooks(Path(folder))
        return validate_files(sorted(Path(folder).glob("*.xlsx")), load_config(PLAN_TOML)).plan


def _pages(made: Path) -> list[list[str]]:
    """Each page's lines of text as pdftotext lays them out, spaces squeezed."""
    text = subprocess.run(["pdftotext", "-layout", str(made), "-"], capture_output=True, text=True, check=True).stdout
    return [[" ".join(line.split()) for line in page.splitlines() if line.strip()] for page in text.split("\f")[:-1]]


def _embedded(made: Path) -> set[str]:
    fonts = subprocess.run(["pdffonts", str(made)], capture_output=True, text=True, check=True).stdout
    return {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]}


@pytest.mark.skipif(not Path(TLWG, "Laksaman.ttf").is_file(), reason="fonts-thai-tlwg not installed")
def test_the_masters_pdf_has_the_same_pages_and_lines_whatever_fonts_the_machine_has(tmp_path: Path, monkeypatch):
    # Before: Arial (the workbook's default font: the columns' unit) was Liberation Sans or DejaVu Sans,
    # and the seed's master printed on 8 pages or 7.
    font, files = pdf.print_font("TH SarabunPSK")
    plan, order = _seed_plan(), load_config(PLAN_TOML).department_names
    xlsx = tmp_path / "master.xlsx"
    write_master(plan, xlsx, Heading(organisation="เทศบาลตำบลโพทะเล", fiscal_year=2566), department_order=order,
                 form_only=True, font=font)
    printed = {}
    for n, (machine, dirs) in enumerate(MACHINES.items()):
        folder = tmp_path / str(n)
        folder.mkdir()
        monkeypatch.setenv("FONTCONFIG_FILE", str(_fontconfig(folder, [d for d in dirs if Path(d).is_dir()]
                                                              if dirs else dirs)))
        made = pdf.to_pdf(xlsx, folder / "master.pdf", fonts=files)
        assert _embedded(made) == {"Sarabun-Regular", "Sarabun-Bold"}, machine
        printed[machine] = _pages(made)
    first = printed["tlwg only"]
    assert len(first) <= 10  # the original's pages
    for machine, pages in printed.items():
        assert [len(page) for page in pages] == [len(page) for page in first], machine
        assert pages == first, machine


# --- the seed's master and report as printed: whole rows, words whole -------------------------------

_LINE = re.compile(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', re.S)
_WORD_TEXT = re.compile(r">([^<]*)</word>")


def _drawn_cells(made: Path, texts: set[str]) -> list[tuple[str, list[str]]]:
    """Each cell that shows one of `texts`, with the lines it was drawn in: runs of lines one under the
    other that start at one x (left-aligned) or share their middle (centred) and put together give the
    text. (pdftotext's blocks do not follow cells: a narrow column comes as one block with its header.)"""
    by_base = {_base(t): t for t in texts if t}
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(made), "-"], capture_output=True, text=True,
                         check=True).stdout
    found = []
    for page in xml.split("<page ")[1:]:
        lines = [(float(y0), float(x0), float(x1), " ".join(_WORD_TEXT.findall(body)))
                 for x0, y0, x1, y1, body in _LINE.findall(page)]
        for align in (lambda x0, x1: round(x0), lambda x0, x1: round((x0 + x1) / 2)):
            columns: dict[int, list[tuple[float, str]]] = {}
            for y0, x0, x1, text in lines:
                columns.setdefault(align(x0, x1), []).append((y0, _NUMBERED.sub("", text)))
            for column in columns.values():
                column.sort()
                start = 0
                while start < len(column):
                    for end in range(start + 1, len(column) + 1):
                        drawn = [text for _, text in column[start:end]]
                        base = _base(" ".join(drawn))
                        if base in by_base:
                            found.append((by_base[base], drawn))
                            break
                        if not any(known.startswith(base) for known in by_base):
                            break
                    start += 1
    return found


_NUMBERED = re.compile(r"^[๐-๙]+\. ")  # pdftotext puts a row's ที่ in the line of its name when close


def _base(text: str) -> str:
    """The letters of a text without spaces and marks: pdftotext spaces Thai marks apart and moves some."""
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Mn")


def _bounds(text: str, words) -> set[int]:
    from pythainlp.tokenize import word_tokenize

    bounds, at = {0}, 0
    for token in word_tokenize(text, engine="newmm", custom_dict=words):
        at += len(token)
        bounds.add(at)
    return bounds


def _split_words(text: str, lines: list[str], room: float = 0.0) -> list[str]:
    """Where `lines` (a cell of `text` as drawn) break inside one of pythainlp's words: each such word.
    A compound wider than the column's `room` (points, as the estimator measures) may break between
    the words ICU's dictionary has in it (ศูนย์ข้อมูล|ข่าวสาร), never inside one of those."""
    from ita_workbook.xlsx_style import _dictionary, default_words, measuring, text_width

    bounds, icu = _bounds(text, default_words()), _bounds(text, _dictionary())
    split, drawn, at = [], 0, 0
    for line in lines[:-1]:
        drawn += len(_base(line))
        while at < len(text) and len(_base(text[:at])) < drawn:
            at += 1
        while at < len(text) and (text[at].isspace() or unicodedata.category(text[at]) == "Mn"):
            at += 1  # the marks of its last letter, and the spaces after it, stay on the line
        if at not in bounds and not text[at - 1].isspace():
            word = text[max(b for b in bounds if b < at):min(b for b in bounds if b > at)]
            with measuring(pdf.SARABUN):
                too_wide = text_width(word, FONT_SIZE) > room
            if not (too_wide and at in icu):
                split.append(word)
    return split


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


def _name_columns(made: Path) -> list[tuple[str, list[tuple[float, float]]]]:
    """Each page's name column as drawn: its words' letters in reading order, and each of its words'
    (bottom, bottom of its row): a row ends where the next thing printed left of the column starts
    (the next row's number, a มิติ heading, the totals) or at the page's footer."""
    xml = subprocess.run(["pdftotext", "-bbox", str(made), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in xml.split("<page ")[1:]:
        words = [(float(x0), float(y0), float(x1), float(y1), w) for x0, y0, x1, y1, w in _WORD.findall(page)]
        header = next(w for w in words if w[4].startswith("แผนงาน"))  # centred over the name column
        numbers = [w for w in words if re.match(r"^[๐-๙]+\.$", w[4]) and w[1] > header[3]]
        numbers = [w for w in numbers if w[0] < min(n[0] for n in numbers) + 5]  # column ที่, not ๒. in a text
        # where most lines right of the numbers start: the name column's text, one indent into it
        left = Counter(round(x0) for x0, y0, *_ in words if y0 > header[3] and max(n[2] for n in numbers) < x0
                       < (header[0] + header[2]) / 2).most_common(1)[0][0] - 0.5
        right = header[0] + header[2] - left  # as far right of the middle as the text starts left of it
        tops = sorted([y0 for x0, y0, *_ in words if x0 < left - 2] + [w[1] for w in words if w[4] == "หน้า"])
        column = sorted((y0, x0, y1, w) for x0, y0, x1, y1, w in words if left - 1 <= x0 < right and y0 > header[3])
        pages.append(("".join(w for *_, w in column),
                      [(y1, min((t for t in tops if t > y0 + 1), default=float("inf"))) for y0, _, y1, _ in column]))
    return pages


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> tuple[Path, Path, object]:
    """The example's master and six-month report, with their PDFs, as `make demo` makes them."""
    from click.testing import CliRunner

    from ita_workbook.cli import main
    from seed import EXAMPLE_DIR, load_example_script

    folder = tmp_path_factory.mktemp("printed")
    run = lambda *args: CliRunner().invoke(main, [str(a) for a in args])  # noqa: E731
    master = folder / "master.xlsx"
    done = run("merge", EXAMPLE_DIR / "departments", "--config", PLAN_TOML, "--date", "2023-03-22", "-o", master,
               "--pdf")
    assert done.exit_code == 0, done.output
    done = run("report-template", "--plan", master, "--round", "6", "--config", PLAN_TOML, "-o", folder / "forms")
    assert done.exit_code == 0, done.output
    load_example_script("fill_reports.py").fill_reports(folder / "forms", folder / "returned")
    report = folder / "report.xlsx"
    done = run("report", folder / "returned", "--plan", master, "--round", "6", "--config", PLAN_TOML, "-o", report,
               "--pdf", "--date", "2023-04-05")
    assert done.exit_code == 0, done.output
    return master.with_suffix(".pdf"), report.with_suffix(".pdf"), _seed_plan()


def test_the_printed_master_and_report_draw_every_name_whole_inside_its_row(printed):
    # Before: the report measured its rows on its columns' full widths, not less the indent of their
    # text; project ๑๘'s name was cut after "…เพื่อยกระดับคุณธรรมและ", its last line over the border.
    master_pdf, report_pdf, plan = printed
    for made in (master_pdf, report_pdf):
        pages = _name_columns(made)
        drawn = "".join(_base(text) for text, _ in pages)
        assert [p.name for p in plan.projects if _base(p.name) not in drawn] == [], made.name
        for n, (_, words) in enumerate(pages, start=1):
            assert [(bottom, row) for bottom, row in words if bottom > row + 0.5] == [], (made.name, n)


def test_the_printed_short_texts_break_only_between_words(printed):
    # Before: the master's unit column had ข่าวสา|รของ, เทศบา|ลตำบล, โพทะเ|ล; the report ไม่ใช้งบ|ประมาณ
    # and กองยุทธศาสตร์และงบ|ประมาณ.
    master_pdf, report_pdf, plan = printed
    units = {p.unit for p in plan.projects if isinstance(p.unit, str)}
    short = {p.department for p in plan.projects} | {form.NO_BUDGET}
    assert any(len(lines) > 1 for _, lines in _drawn_cells(master_pdf, units))  # some do wrap
    with measuring(pdf.SARABUN):  # the unit column's room in the master's PDF
        widths = master._column_widths(plan.ordered(load_config(PLAN_TOML).department_names))
        unit_room = ARIAL_COLUMNS.room(master.text_rooms(widths, form.COLUMNS)[1 + 1])
    for made, texts, room in ((master_pdf, units, unit_room), (master_pdf, short, 0.0), (report_pdf, short, 0.0)):
        split = [(text, lines, _split_words(text, lines, room)) for text, lines in _drawn_cells(made, texts)]
        assert [s for s in split if s[2]] == [], made.name


def test_the_printed_report_states_the_score_on_its_colour(printed):
    # Before: the score and its colour were on the summary sheet only, which the PDF leaves out.
    from ita_workbook.report_form import LIGHT_FILL

    _, report_pdf, _ = printed
    text = subprocess.run(["pdftotext", "-layout", str(report_pdf), "-"], capture_output=True, text=True,
                          check=True).stdout.split("\f")[-2]
    line = next(line for line in text.splitlines() if "ผลการนำแผนไปสู่การปฏิบัติ" in line)
    # the example's 41 projects: 22 done, 10 in progress (fill_reports.py) -> (22 + 5) / 41 = 65.85 %
    assert " ".join(line.split()).startswith("ผลการนำแผนไปสู่การปฏิบัติ ร้อยละ ๖๕.๘๕ ระดับ เขียว")
    last = str(_pages_of(report_pdf))
    ppm = subprocess.run(["pdftoppm", "-r", "30", "-f", last, "-l", last, str(report_pdf)], capture_output=True,
                         check=True).stdout
    pixels = ppm.split(b"\n", 3)[3]
    green = bytes.fromhex(LIGHT_FILL["green"].lstrip("#"))
    shown = sum(pixels[i:i + 3] == green for i in range(0, len(pixels), 3))
    assert shown > 200  # a line of the page's width on that fill


def _pages_of(made: Path) -> int:
    info = subprocess.run(["pdfinfo", str(made)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))
