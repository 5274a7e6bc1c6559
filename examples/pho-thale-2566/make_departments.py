"""เทศบาลตำบลโพทะเล, plan 2566: the departments' workbooks as their clerks would have returned them.

The 41 projects come from the text of the plan the municipality published
(tests/data/seed_pho_thale_2566.txt). Each department's projects are written to
departments/<department>.xlsx, every file in the manner of a different clerk: Thai or Arabic
digits, numbers or text, `✓` for `/`, `10,000 บาท`, the department merged down its rows, a hidden
draft sheet, the two-row header of the official form or a single row of other headers. The data
stays honest: every file validates without errors.

published.xlsx is the plan's table as published, with its hand-counted totals (27/31/15/12, while
the marks count 27/34/15/9): `ita-workbook check published.xlsx` finds the two wrong totals.

    python examples/pho-thale-2566/make_departments.py [OUTPUT_FOLDER]

The tests import this file by path (tests/seed.py) so that the example and the tests read the seed
one way.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import xlsxwriter

from ita_workbook.config import DEFAULT_FONT, load_config
from ita_workbook.form import COLUMN_BY_KEY, COLUMNS, LOCATION, QUARTER_KEYS, SUBTITLE, TITLE
from ita_workbook.output import atomic_path
from ita_workbook.thai import parse_number, to_arabic_digits, to_thai_digits

HERE = Path(__file__).resolve().parent
SEED = HERE.parents[1] / "tests" / "data" / "seed_pho_thale_2566.txt"
PLAN_TOML = HERE / "plan.toml"
KEYS = tuple(c.key for c in COLUMNS)
# Fixed, so that running the script twice writes the same files: the plan's data date.
CREATED = dt.datetime(2023, 3, 22, 9, 0, 0)
ORGANISATION, DISTRICT, PROVINCE, YEAR = "เทศบาลตำบลโพทะเล", "โพทะเล", "พิจิตร", "๒๕๖๖"

_PROJECT_NO = re.compile(r"^[๐-๙0-9]+\.$")


# ---------------------------------------------------------------- the seed, as typed

@dataclass(frozen=True)
class Seed:
    rows: tuple[dict[str, str], ...]  # form column key → the text as typed in the PDF
    preamble: tuple[str, ...]  # title lines above the table
    totals_label: str  # รวมทั้งสิ้น ๔๑ โครงการ
    stated: tuple[str, str, str, str]  # the totals row's quarter cells, as typed
    footer: tuple[str, ...]  # data date, issuer, legend


@lru_cache(maxsize=1)
def read_seed(path: Path = SEED) -> Seed:
    rows: list[dict[str, str]] = []
    preamble: list[str] = []
    footer: list[str] = []
    totals: list[str] | None = None
    for line in path.read_text(encoding="utf-8").split("\n"):
        fields = line.split("\t")
        first = fields[0].strip()
        if _PROJECT_NO.match(first):
            if len(fields) == 14:  # page 1 has an empty column before หน่วยงานรับผิดชอบ
                assert fields[12] == "", fields
                del fields[12]
            fields = fields[:len(KEYS)]
            assert len(fields) == len(KEYS), fields
            rows.append(dict(zip(KEYS, fields)))
        elif first.startswith("รวม"):
            totals = fields
        elif first and len(fields) == 1:
            (footer if totals is not None else preamble).append(first)
    assert totals is not None, "no totals line in the seed"
    quarters = KEYS.index("q1")
    stated = tuple(totals[quarters:quarters + 4])
    return Seed(tuple(rows), tuple(preamble), totals[0].strip(), stated, tuple(footer))  # type: ignore[arg-type]


def seed_rows() -> list[dict[str, str]]:
    """The 41 projects as typed: raw strings keyed by form column key (fresh copies)."""
    return [dict(row) for row in read_seed().rows]


def seed_stated_totals() -> dict:
    """What the published totals row says: the label, its project count and the quarter counts."""
    seed = read_seed()
    count = parse_number(seed.totals_label.replace("รวมทั้งสิ้น", "").replace("โครงการ", ""))
    return {"label": seed.totals_label, "projects": int(count or 0),
            "quarters": tuple(int(parse_number(q) or 0) for q in seed.stated)}


def rows_by_department() -> dict[str, list[dict[str, str]]]:
    """The seed's projects grouped under the configured department names of plan.toml."""
    config = load_config(PLAN_TOML)
    grouped: dict[str, list[dict[str, str]]] = {name: [] for name in config.department_names}
    for row in seed_rows():
        name = config.match_department(row["department"])
        assert name is not None, f"plan.toml has no department for {row['department']!r}"
        grouped[name].append(row)
    return {name: rows for name, rows in grouped.items() if rows}


# ---------------------------------------------------------------- how each clerk typed it

@dataclass(frozen=True)
class Clerk:
    digits: str = "thai"  # thai: as in the plan · arabic: 0-9 in text · numbers: number cells
    mark: str = "/"  # what the clerk ticks a quarter with
    baht: bool = False  # `10,000 บาท`
    tidy_no_budget: bool = False  # `ไม่ใช้งบประมาณ` rather than `ไม่ใช้ งบประมาณ` as in the PDF
    form_header: bool = True  # titles and the two-row merged header of the official form
    headers: dict[str, str] = field(default_factory=dict)  # other headers (from the form's aliases)
    merge_department: bool = False  # the department typed once, merged down its rows
    hidden_draft: bool = False  # a hidden sheet with the clerk's unfinished draft
    sheet: str = "แผน"


CLERKS: dict[str, Clerk] = {
    "สำนักปลัด": Clerk(),
    "กองยุทธศาสตร์และงบประมาณ": Clerk(digits="numbers", merge_department=True, hidden_draft=True),
    "กองคลัง": Clerk(digits="arabic", mark="✓", form_header=False, sheet="Sheet1",
                    headers={"no": "ลำดับ", "budget": "งบประมาณ (บาท)", "q1": "ไตรมาสที่ 1",
                             "q2": "ไตรมาสที่ 2", "q3": "ไตรมาสที่ 3", "q4": "ไตรมาสที่ 4"}),
    "กองการศึกษา": Clerk(digits="arabic", baht=True, tidy_no_budget=True, form_header=False,
                        headers={"name": "โครงการ/กิจกรรม", "department": "หน่วยงานที่รับผิดชอบ"}),
    "กองสวัสดิการสังคม": Clerk(digits="arabic", baht=True),
    "หน่วยตรวจสอบภายใน": Clerk(),
    "ทุกส่วนราชการ": Clerk(digits="arabic", tidy_no_budget=True),
}
PLAIN = Clerk()  # style="form": every file as the official form, text as in the plan


def clerk_value(key: str, text: str, clerk: Clerk) -> str | float:
    """One cell of the seed as this clerk would have typed it."""
    if key in QUARTER_KEYS:
        return clerk.mark if text.strip() else ""
    if clerk.digits != "thai":
        text = to_arabic_digits(text)
    if key == "budget":
        if "งบประมาณ" in text:
            return "ไม่ใช้งบประมาณ" if clerk.tidy_no_budget else text
        if clerk.baht:
            return f"{text} บาท"
    if clerk.digits == "numbers" and key in ("no", "quantity", "budget", "dimension"):
        number = parse_number(text.rstrip("."))
        if number is not None:
            return number
    return text


# ---------------------------------------------------------------- writing

def _formats(book: xlsxwriter.Workbook) -> dict[str, object]:
    base = {"font_name": DEFAULT_FONT, "font_size": 14, "text_wrap": True, "valign": "top", "border": 1}
    head = {**base, "bold": True, "align": "center", "valign": "vcenter", "bg_color": "#DDEBF7"}
    return {
        "cell": book.add_format(base),
        "centre": book.add_format({**base, "align": "center"}),
        "money": book.add_format({**base, "num_format": "#,##0"}),
        "head": book.add_format(head),
        "title": book.add_format({"font_name": DEFAULT_FONT, "font_size": 16, "bold": True, "align": "center"}),
        "line": book.add_format({"font_name": DEFAULT_FONT, "font_size": 14}),
        "total": book.add_format({**base, "bold": True, "align": "center", "valign": "vcenter"}),
    }


def _new_book(path: Path, title: str) -> xlsxwriter.Workbook:
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                           "strings_to_numbers": False})
    book.set_properties({"title": title, "author": ORGANISATION, "company": ORGANISATION,
                         "created": CREATED})
    return book


def _visible_length(text: str) -> int:
    # Thai vowels and tone marks above or below a letter take no width of their own.
    return sum(not unicodedata.combining(ch) and unicodedata.category(ch) != "Mn" for ch in text)


def _row_height(values: dict[str, object]) -> float:
    """Neither Excel nor LibreOffice fits rows to wrapped Thai text: estimate the lines."""
    lines = 1
    for key, value in values.items():
        per_line = max(1, int(COLUMN_BY_KEY[key].width * 0.7))
        lines = max(lines, -(-_visible_length(str(value)) // per_line))
    return 20 * lines + 6


def _write_header(sheet, row: int, fmt, clerk: Clerk) -> int:
    """The form's header from row `row` (0-based); returns the first data row."""
    if not clerk.form_header:
        for col, column in enumerate(COLUMNS):
            header = clerk.headers.get(column.key, column.header)
            assert header in column.headers, f"{header!r} is not a header of {column.key}"
            sheet.write_string(row, col, header, fmt["head"])
        sheet.set_row(row, 45)
        return row + 1
    col = 0
    while col < len(COLUMNS):
        column = COLUMNS[col]
        if column.group:
            span = sum(1 for c in COLUMNS if c.group == column.group)
            sheet.merge_range(row, col, row, col + span - 1, column.group, fmt["head"])
            for i in range(span):
                sheet.write_string(row + 1, col + i, COLUMNS[col + i].header, fmt["head"])
            col += span
        else:
            sheet.merge_range(row, col, row + 1, col, column.header, fmt["head"])
            col += 1
    sheet.set_row(row, 24)
    sheet.set_row(row + 1, 45)  # ไตรมาส ๑ wraps in its narrow column
    return row + 2


def _write_titles(sheet, lines: list[str], fmt) -> int:
    for i, line in enumerate(lines):
        sheet.merge_range(i, 0, i, len(COLUMNS) - 1, line, fmt["title"])
        sheet.set_row(i, 24)
    return len(lines) + 1


def _setup_sheet(sheet) -> None:
    for col, column in enumerate(COLUMNS):
        sheet.set_column(col, col, column.width)
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)


def _write_rows(sheet, first: int, rows: list[dict[str, str]], fmt, clerk: Clerk, department: str) -> int:
    for i, seed_row in enumerate(rows):
        r = first + i
        values: dict[str, object] = {}
        for col, key in enumerate(KEYS):
            if key == "department" and clerk.merge_department:
                continue
            text = to_thai_digits(f"{i + 1}.") if key == "no" and clerk.digits == "thai" else (
                f"{i + 1}." if key == "no" else seed_row[key])
            value = clerk_value(key, text, clerk)
            values[key] = value
            centred = key in QUARTER_KEYS or key in ("no", "dimension")
            if isinstance(value, float):
                sheet.write_number(r, col, value, fmt["money"] if key == "budget" else fmt["centre"])
            elif value:
                sheet.write_string(r, col, value, fmt["centre"] if centred else fmt["cell"])
            else:
                sheet.write_blank(r, col, None, fmt["centre"])
        sheet.set_row(r, _row_height(values))
    if clerk.merge_department and rows:
        col = KEYS.index("department")
        typed = clerk_value("department", rows[0]["department"], clerk)
        last = first + len(rows) - 1
        if last > first:
            sheet.merge_range(first, col, last, col, typed, fmt["centre"])
        else:
            sheet.write_string(first, col, typed, fmt["centre"])
    return first + len(rows)


def _write_draft(book, fmt, rows: list[dict[str, str]]) -> None:
    """A clerk's unfinished draft left on a hidden sheet: it is not part of the returned plan."""
    sheet = book.add_worksheet("ร่าง")
    sheet.hide()
    _setup_sheet(sheet)
    first = _write_header(sheet, 0, fmt, PLAIN)
    for i, seed_row in enumerate(rows[:2]):
        sheet.write_string(first + i, KEYS.index("name"), seed_row["name"], fmt["cell"])
        sheet.write_string(first + i, KEYS.index("budget"), "รอยืนยันยอดเงิน", fmt["cell"])


def write_department_workbook(path: Path, department: str, rows: list[dict[str, str]],
                              clerk: Clerk) -> Path:
    with atomic_path(path) as tmp:
        book = _new_book(tmp, f"แผนปฏิบัติการป้องกันการทุจริต {YEAR} — {department}")
        fmt = _formats(book)
        sheet = book.add_worksheet(clerk.sheet)
        _setup_sheet(sheet)
        first = 0
        if clerk.form_header:
            titles = [TITLE.format(year=YEAR), SUBTITLE.format(organisation=ORGANISATION),
                      LOCATION.format(district=DISTRICT, province=PROVINCE), f"หน่วยงาน {department}"]
            first = _write_titles(sheet, titles, fmt)
        first = _write_header(sheet, first, fmt, clerk)
        _write_rows(sheet, first, rows, fmt, clerk, department)
        if clerk.hidden_draft:
            _write_draft(book, fmt, rows)
        book.close()
    return path


def write_department_workbooks(folder: str | Path, style: str = "clerks") -> list[Path]:
    """One workbook per department of the seed. style: "clerks" (each clerk's own manner, as in the
    example) or "form" (every file the official form, the text exactly as in the plan)."""
    if style not in ("clerks", "form"):
        raise ValueError(f"unknown style {style!r}")
    folder = Path(folder)
    return [write_department_workbook(folder / f"{name}.xlsx", name, rows,
                                      CLERKS[name] if style == "clerks" else PLAIN)
            for name, rows in rows_by_department().items()]


def write_published_plan(path: str | Path, totals: tuple = (27, 31, 15, 12), *,
                         totals_as: str = "text", count: int | None = None,
                         budget_total: float | None = None, rows: list[dict[str, str]] | None = None,
                         with_totals: bool = True) -> Path:
    """The plan's table typed into Excel like the official form: title lines, the merged two-row
    header, the rows as in the PDF (Thai-digit text), the totals row `รวมทั้งสิ้น N โครงการ` with
    `totals` in the quarter columns (Thai-digit text, or numbers with totals_as="number"), footer."""
    if totals_as not in ("text", "number"):
        raise ValueError(f"unknown totals_as {totals_as!r}")
    seed = read_seed()
    rows = seed_rows() if rows is None else rows
    path = Path(path)
    with atomic_path(path) as tmp:
        book = _new_book(tmp, seed.preamble[0])
        fmt = _formats(book)
        sheet = book.add_worksheet("แผนปฏิบัติการ")
        _setup_sheet(sheet)
        first = _write_titles(sheet, list(seed.preamble), fmt)
        first = _write_header(sheet, first, fmt, PLAIN)
        sheet.repeat_rows(first - 2, first - 1)
        for i, row in enumerate(rows):
            for col, key in enumerate(KEYS):
                centred = key in QUARTER_KEYS or key in ("no", "dimension", "quantity", "budget")
                if row[key]:
                    sheet.write_string(first + i, col, row[key], fmt["centre"] if centred else fmt["cell"])
                else:
                    sheet.write_blank(first + i, col, None, fmt["centre"])
            sheet.set_row(first + i, _row_height({k: row[k] for k in KEYS}))
        r = first + len(rows)
        if with_totals:
            label = f"รวมทั้งสิ้น {to_thai_digits(len(rows) if count is None else count)} โครงการ"
            sheet.merge_range(r, 0, r, KEYS.index("budget") - 1, label, fmt["total"])
            for col in range(KEYS.index("budget"), len(KEYS)):
                sheet.write_blank(r, col, None, fmt["total"])
            if budget_total is not None:
                sheet.write_number(r, KEYS.index("budget"), budget_total, fmt["money"])
            for q, stated in zip(QUARTER_KEYS, totals):
                col = KEYS.index(q)
                if totals_as == "number":
                    sheet.write_number(r, col, stated, fmt["total"])
                else:
                    sheet.write_string(r, col, to_thai_digits(stated), fmt["total"])
            sheet.set_row(r, 24)
            r += 1
        for i, line in enumerate(seed.footer):
            sheet.write_string(r + 1 + i, 0, line, fmt["line"])
            sheet.set_row(r + 1 + i, 21)
        book.close()
    return path


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else HERE
    for path in write_department_workbooks(out / "departments"):
        print(path)
    print(write_published_plan(out / "published.xlsx"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
