"""Calibration harness: how many lines LibreOffice really wraps Thai cells to, against our estimate.

    .venv/bin/python tests/calibrate_row_heights.py [--keep DIR] [--show N]

Writes the seed plan's real texts (names, ตัวชี้วัด, ผลลัพธ์, units, departments, headers — as typed and
as the master prints them) into cells laid out like the master (default font Arial 10, 14 pt) and
like a department template (default font TH SarabunPSK 16, 16 pt), at the form's column widths and
others, converts the workbooks to PDF with LibreOffice and reads each cell's lines back from
`pdftotext -bbox` (each cell after a marker `#id` in its own font, so that both share their top).
Every cell is in a row far taller than its text, so nothing is clipped while measuring. Prints, per
layout, the line pitch, the room LibreOffice gives a column, and how the estimator
(`xlsx_style.Columns.line_count`) compares: lines short (clipped), exact, one spare, more. Exits 1
when a cell would be clipped.

Not a test (it needs LibreOffice and takes 10-20 seconds); tests/test_row_heights.py pins the
figures it measured (see the comment in xlsx_style.py). Run it again after changing the estimator,
the fonts or the form's widths, and on a machine with the real TH SarabunPSK to measure that font.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from ita_workbook import form  # noqa: E402
from ita_workbook import xlsx_style  # noqa: E402
from ita_workbook.config import DEFAULT_FONT  # noqa: E402
from ita_workbook.pdf import to_pdf  # noqa: E402

MASTER, TEMPLATE = "master", "template"
# Widths (form units, characters of Calibri 11) each long text is tried at, besides its own column's.
EXTRA_WIDTHS = (9, 14, 20, 24, 30)
PAGE_WIDTH, PAGE_HEIGHT = 842 - 43, 1191 - 43  # points of A3 portrait inside 0.3-inch margins
MARKER_WIDTH = 10  # room for #1234 at 18 pt


@dataclass(frozen=True)
class Case:
    layout: str  # MASTER or TEMPLATE
    text: str
    width: float  # form width; merged ranges are given as their total width
    size: int
    bold: bool = False
    key: str = ""  # the form column the text comes from; "" for headers and titles
    own: bool = True  # at its own column's width (else at one of EXTRA_WIDTHS)


@lru_cache(maxsize=1)
def _printed_rows() -> tuple[dict[str, str], ...]:
    """The seed's projects as the master prints them (merged from the example's departments)."""
    import seed
    from ita_workbook.config import load_config
    from ita_workbook.master import _text_of
    from ita_workbook.validate import validate_files

    with tempfile.TemporaryDirectory() as folder:
        seed.write_department_workbooks(Path(folder))
        result = validate_files(sorted(Path(folder).glob("*.xlsx")), load_config(seed.PLAN_TOML))
    rows = []
    for p in result.plan.projects:
        shown = {"name": p.name, "unit": p.unit, "quantity": p.quantity, "indicator": p.indicator,
                 "outcome": p.outcome, "department": p.department,
                 "budget": form.NO_BUDGET if p.budget is None else p.budget}
        rows.append({key: _text_of(value) for key, value in shown.items() if _text_of(value)})
    return tuple(rows)


def _texts() -> dict[str, set[str]]:
    """Texts by form column key: the seed as typed, and as the master prints it."""
    import seed

    texts: dict[str, set[str]] = defaultdict(set)
    for row in [*seed.seed_rows(), *_printed_rows()]:
        for key, text in row.items():
            if text and key not in form.QUARTER_KEYS and key not in ("no", "dimension"):
                texts[key].add(text)
    return texts


def cases() -> list[Case]:
    texts = _texts()
    width = {c.key: c.width for c in form.COLUMNS}
    found: list[Case] = []
    for layout, size in ((MASTER, 14), (TEMPLATE, 16)):
        for key, values in texts.items():
            widths = {width[key], *(EXTRA_WIDTHS if key in ("name", "indicator", "outcome") else ())}
            found += [Case(layout, t, w, size, key=key, own=w == width[key])
                      for t in sorted(values) for w in sorted(widths)]
        for c in form.COLUMNS:  # the header, bold
            found.append(Case(layout, c.header, c.width, size, bold=True))
        for group in (form.TARGET_GROUP, form.PERIOD_GROUP):
            cols = [c.width for c in form.COLUMNS if c.group == group]
            found.append(Case(layout, group, sum(cols), size, bold=True))
        full = sum(c.width for c in form.COLUMNS)
        for d in form.DIMENSIONS:  # the legend lines and titles span the whole form
            found.append(Case(layout, form.LEGEND_LINE.format(number=d.number, name=d.name), full, size))
        found.append(Case(layout, form.TITLE.format(year="๒๕๖๖") + " (ฉบับร่าง)", full, size + 2, bold=True))
    return found


# --- writing -----------------------------------------------------------------------------------------

def _workbook(path: Path, layout: str):
    if layout == TEMPLATE:
        return xlsx_style.new_workbook(path)
    import xlsxwriter

    from ita_workbook.master import DEFAULT_FONT_OPTIONS
    return xlsxwriter.Workbook(str(path), {**xlsx_style.WORKBOOK_OPTIONS, **DEFAULT_FONT_OPTIONS})


def _set_width(layout: str, width: float) -> float:
    return xlsx_style.column_width(width) if layout == TEMPLATE else width


def write(cases_: list[Case], path: Path, layout: str) -> tuple[dict[int, Case], dict[int, float]]:
    """One sheet per (width, size, bold), as many test columns side by side as fit the page, each
    after a column of markers `#id` in the same font, so that a marker and its cell's first line
    share their top. Returns the cases by id and the height of the row each one is in."""
    book = _workbook(path, layout)
    ids: dict[int, Case] = {}
    heights: dict[int, float] = {}
    sheets: dict[tuple, list[Case]] = defaultdict(list)
    for case in cases_:
        if case.layout == layout:
            sheets[(case.width, case.size, case.bold)].append(case)
    for n, ((width, size, bold), mine) in enumerate(sorted(sheets.items())):
        ws = book.add_worksheet(f"s{n}")
        ws.set_paper(8)  # A3 portrait: the tallest cells (45 lines) fit on a page
        page_width = PAGE_WIDTH
        if (width + 2 * MARKER_WIDTH) * 5.6 > PAGE_WIDTH:  # a title's width: landscape
            ws.set_landscape()
            page_width = PAGE_HEIGHT
        ws.set_print_scale(100)
        ws.set_margins(0.3, 0.3, 0.3, 0.3)
        groups = max(1, int(page_width / 5.6 - MARKER_WIDTH) // int(width + MARKER_WIDTH + 1))
        for g in range(groups):
            ws.set_column(2 * g, 2 * g, _set_width(layout, MARKER_WIDTH))
            ws.set_column(2 * g + 1, 2 * g + 1, _set_width(layout, width))
        ws.set_column(2 * groups, 2 * groups, _set_width(layout, MARKER_WIDTH))  # the last marker: |
        cell = book.add_format({"font_name": DEFAULT_FONT, "font_size": size, "bold": bold,
                                "text_wrap": True, "valign": "top", "align": "left"})
        marker = book.add_format({"font_name": DEFAULT_FONT, "font_size": size, "valign": "top",
                                  "align": "left"})
        for r in range(0, len(mine), groups):
            row_cases = mine[r:r + groups]
            # Generous: the estimate, half again, two lines more; never clipped while measuring.
            lines = max(xlsx_style.line_count(c.text, c.width, c.size) for c in row_cases)
            # LibreOffice allows rows taller than Excel's 409 points, up to a page.
            height = min((lines * 1.5 + 2) * size * 1.7 + 10, PAGE_HEIGHT - 10)
            ws.set_row(r // groups, height)
            for g, case in enumerate(row_cases):
                ids[len(ids)] = case
                heights[len(ids) - 1] = height
                ws.write_string(r // groups, 2 * g, f"#{len(ids) - 1}", marker)
                ws.write_string(r // groups, 2 * g + 1, case.text, cell)
            ws.write_string(r // groups, 2 * len(row_cases), "|", marker)  # where the last cell ends
    book.close()
    return ids, heights


# --- reading the PDF ---------------------------------------------------------------------------------

@dataclass
class Measured:
    lines: int
    room: float  # points from the text's start to the next column's marker: the column's width
    pitch: float | None  # points between consecutive lines' tops
    tight: bool  # the text filled its row: more lines may have been cut off
    text: tuple[str, ...] = ()  # the lines as pdftotext reads them


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
_MARK = re.compile(r"^#(\d+)$")


def read(pdf: Path, ids: dict[int, Case], heights: dict[int, float]) -> dict[int, Measured]:
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True,
                          text=True).stdout
    found: dict[int, Measured] = {}
    for page in html.split("<page ")[1:]:
        words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in _WORD.findall(page)]
        marks = sorted((y0, x0, int(_MARK.match(w)[1])) for x0, y0, x1, y1, w in words if _MARK.match(w))
        rows: dict[float, list[tuple[float, int]]] = defaultdict(list)
        for y0, x0, n in marks:
            rows[round(y0, 1)].append((x0, n))
        tops = sorted(rows)
        for i, top in enumerate(tops):
            bottom = tops[i + 1] if i + 1 < len(tops) else 1e9
            group = sorted(rows[top])
            end = min(x0 for x0, y0, x1, y1, w in words if w == "|" and abs(y0 - top) < 1)
            lefts = [x for x, _ in group] + [end]
            for j, (x, n) in enumerate(group):
                right = lefts[j + 1]
                mine = [(y0, x0, y1, w) for x0, y0, x1, y1, w in words
                        if top - 1 <= y0 < bottom - 1 and x < x0 < right - 0.5 and not _MARK.match(w)]
                starts = sorted({round(y0, 1) for y0, *_ in mine})
                line_tops: list[float] = []
                for y in starts:
                    if not line_tops or y - line_tops[-1] > ids[n].size * 0.5:
                        line_tops.append(y)
                text_left = min((x0 for _, x0, *_ in mine), default=x)
                gaps = [b - a for a, b in zip(line_tops, line_tops[1:])]
                pitch = statistics.mean(gaps) if gaps else None
                text = tuple(" ".join(w for y0, x0, _, w in sorted(mine, key=lambda m: m[1])
                                      if abs(y0 - t) < ids[n].size * 0.5) for t in line_tops)
                tight = len(line_tops) * ids[n].size * 1.66 > heights[n] - ids[n].size  # no room left
                found[n] = Measured(len(line_tops), right - text_left, pitch, tight, text)
    return found


def measure(all_cases: list[Case], keep: Path | None = None) -> list[tuple[Case, Measured]]:
    out: list[tuple[Case, Measured]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for layout in (MASTER, TEMPLATE):
            xlsx = folder / f"calibrate-{layout}.xlsx"
            ids, heights = write(all_cases, xlsx, layout)
            pdf = to_pdf(xlsx, folder / f"calibrate-{layout}.pdf")
            got = read(pdf, ids, heights)
            missing = sorted(set(ids) - set(got))
            if missing:
                print(f"{layout}: {len(missing)} cells not found in the PDF, e.g. {ids[missing[0]]}")
            tight = [n for n in got if got[n].tight]
            if tight:
                print(f"{layout}: {len(tight)} cells taller than a page, left out, e.g. {ids[tight[0]]}")
            out += [(ids[n], got[n]) for n in sorted(got) if not got[n].tight]
    return out


COLUMNS = {MASTER: xlsx_style.ARIAL_COLUMNS, TEMPLATE: xlsx_style.FORM_FONT_COLUMNS}


def estimate(case: Case) -> int:
    return COLUMNS[case.layout].line_count(case.text, case.width, case.size, bold=case.bold)


def report(results: list[tuple[Case, Measured]], show: int = 5) -> int:
    """Print the comparison; return the number of cells the estimator would clip."""
    short = 0
    for layout in (MASTER, TEMPLATE):
        mine = [(c, m) for c, m in results if c.layout == layout]
        if not mine:
            continue
        columns = COLUMNS[layout]
        pitches = defaultdict(list)
        rooms = defaultdict(list)
        for c, m in mine:
            if m.pitch:
                pitches[c.size].append(m.pitch / c.size)
            if c.width <= 40:
                rooms[c.width].append(m.room)
        print(f"\n== {layout}: {len(mine)} cells")
        for size, p in sorted(pitches.items()):
            print(f"  line pitch at {size} pt: {statistics.mean(p):.4f} em (min {min(p):.4f}, max {max(p):.4f})")
        for width, r in sorted(rooms.items()):
            print(f"  column width {width:>5}: LibreOffice {statistics.median(r):7.2f} pt,"
                  f" estimator's room {columns.room(width):7.2f} pt")
        for subset, cells in (("at their own column's width", [(c, m) for c, m in mine if c.own]),
                              ("at every width", mine)):
            diff = Counter(max(min(estimate(c) - m.lines, 3), -3) for c, m in cells)
            print(f"  {subset} ({len(cells)} cells), estimate - LibreOffice lines: "
                  + ", ".join(f"{d:+d}: {diff[d]} ({diff[d] / len(cells):.0%})" for d in sorted(diff)))
        short += sum(estimate(c) < m.lines for c, m in mine)
        worst = [(estimate(c) - m.lines, c, m) for c, m in mine if not 0 <= estimate(c) - m.lines <= 1]
        for d, c, m in sorted(worst, key=lambda t: t[0])[:show]:
            print(f"  {d:+d}: width {c.width} size {c.size}{' bold' if c.bold else ''}: LibreOffice {m.lines},"
                  f" estimate {m.lines + d}: {c.text[:90]}")
        _report_rows(layout, mine)
    return short


def _report_rows(layout: str, mine: list[tuple[Case, Measured]]) -> None:
    """The seed's project rows: a row is as tall as its tallest cell."""
    measured = {(c.text, c.width): m.lines for c, m in mine if c.own and not c.bold}
    width = {c.key: c.width for c in form.COLUMNS}
    size = 14 if layout == MASTER else 16
    spare = Counter()
    lines = 0
    for row in _printed_rows():
        cells = [Case(layout, text, width[key], size) for key, text in row.items()]
        drawn = max(measured[c.text, c.width] for c in cells)
        spare[max(estimate(c) for c in cells) - drawn] += 1
        lines += drawn
    print(f"  the seed's {sum(spare.values())} project rows ({lines} lines in LibreOffice), estimate - LibreOffice: "
          + ", ".join(f"{d:+d}: {spare[d]}" for d in sorted(spare)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", type=Path, help="keep the workbooks and PDFs in this folder")
    parser.add_argument("--show", type=int, default=8, help="how many mismatches to print per layout")
    args = parser.parse_args()
    results = measure(cases(), args.keep)
    short = report(results, args.show)
    print(f"\ncells the estimator would clip: {short}")
    return 1 if short else 0


if __name__ == "__main__":
    sys.exit(main())
