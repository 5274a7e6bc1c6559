"""Synthetic department workbooks for the benchmarks: N files of 10 projects each, in the official layout.

Each file is what a department sends back: the title lines, the official two-row merged header,
10 projects typed like the seed plan of เทศบาลตำบลโพทะเล (Thai text with its stray spaces, Thai
or Arabic digits, `ไม่ใช้ งบประมาณ` and amounts, `/` or `✓` marks), 20 empty bordered rows left
under them, and the hidden `_ita_workbook` sheet a template carries.

Writing 10,000 workbooks with xlsxwriter would take minutes, so a few dozen base workbooks are
written once and each file is a copy of one with its project names made unique: the names carry a
marker that is replaced in xl/sharedStrings.xml (duplicate names across files would only be
warnings, but a real plan has none and the benchmark measures the clean path). The hidden sheet's
department carries the marker too: each file stands for a department of its own, since one
department's plan in two files is an error (`sent-twice`), and N files of one organisation have
more departments than any has.

    python benchmarks/generate.py N [FOLDER]      # default FOLDER: benchmarks/data/N
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

import xlsxwriter

from ita_workbook.config import DEFAULT_DEPARTMENTS, DEFAULT_FONT
from ita_workbook.form import COLUMNS, LOCATION, METADATA_SHEET, QUARTER_KEYS, SUBTITLE, TITLE
from ita_workbook.thai import parse_number, to_arabic_digits, to_thai_digits

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
# Bump when the files change, so that `make bench` regenerates data left by an older generator.
GENERATOR_VERSION = 3
PROJECTS_PER_FILE = 10
SPARE_ROWS = 20
FIRST_DATA_ROW = 6  # 0-based: four title lines, then the two header rows
MARKER = "@@SERIAL@@"
KEYS = tuple(c.key for c in COLUMNS)
ORGANISATION, DISTRICT, PROVINCE, YEAR = "เทศบาลตำบลตัวอย่าง", "เมือง", "พิจิตร", 2566
# How the clerks of the base workbooks type: digits as text in Thai or Arabic, or number cells; a mark.
STYLES = (("thai", "/"), ("arabic", "/"), ("numbers", "✓"), ("thai", "✓"))


def _seed_rows() -> list[dict[str, str]]:
    """The 41 projects of the seed plan as typed (examples/ is no package: load its script by path)."""
    path = ROOT / "examples" / "pho-thale-2566" / "make_departments.py"
    spec = importlib.util.spec_from_file_location("pho_thale_make_departments", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    rows = module.seed_rows()
    for row in rows:
        if parse_number(row["unit"]) is not None:
            row["unit"] = "ครั้ง"  # the seed's one numeric unit is a warning; the benchmark files are clean
    return rows


def _cell(key: str, text: str, digits: str, mark: str) -> str | float:
    if key in QUARTER_KEYS:
        return mark if text.strip() else ""
    if digits != "thai":
        text = to_arabic_digits(text)
    if digits == "numbers" and key in ("quantity", "budget", "dimension"):
        number = parse_number(text)
        if number is not None:
            return number
    return text


def write_base(path: Path, department: str, typed_department: str, projects: list[dict[str, str]],
               digits: str, mark: str) -> None:
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                           "strings_to_numbers": False})
    base = {"font_name": DEFAULT_FONT, "font_size": 16, "text_wrap": True, "valign": "top", "border": 1}
    cell = book.add_format(base)
    centre = book.add_format({**base, "align": "center"})
    money = book.add_format({**base, "align": "right", "num_format": "[$-D00041E]#,##0"})
    head = book.add_format({**base, "bold": True, "align": "center", "valign": "vcenter", "bg_color": "#D9D9D9"})
    title = book.add_format({"font_name": DEFAULT_FONT, "font_size": 18, "bold": True, "align": "center"})
    sheet = book.add_worksheet("แผนปฏิบัติการ")
    last = len(COLUMNS) - 1
    for col, column in enumerate(COLUMNS):
        sheet.set_column(col, col, column.width)
    year = to_thai_digits(YEAR)
    titles = (TITLE.format(year=year), SUBTITLE.format(organisation=ORGANISATION),
              LOCATION.format(district=DISTRICT, province=PROVINCE), f"หน่วยงานรับผิดชอบ {department}")
    for row, text in enumerate(titles):
        sheet.merge_range(row, 0, row, last, text, title)
    top = len(titles)
    col = 0
    while col < len(COLUMNS):
        column = COLUMNS[col]
        if column.group:
            span = sum(1 for c in COLUMNS if c.group == column.group)
            sheet.merge_range(top, col, top, col + span - 1, column.group, head)
            for i in range(span):
                sheet.write_string(top + 1, col + i, COLUMNS[col + i].header, head)
            col += span
        else:
            sheet.merge_range(top, col, top + 1, col, column.header, head)
            col += 1
    first = top + 2
    assert first == FIRST_DATA_ROW
    for i, project in enumerate(projects):
        r = first + i
        for col, key in enumerate(KEYS):
            if key == "no":
                value: str | float = to_thai_digits(f"{i + 1}.") if digits == "thai" else f"{i + 1}."
            elif key == "department":
                value = typed_department
            elif key == "name":
                value = f"{project['name']} (แผนที่ {MARKER}-{to_thai_digits(i + 1)})"
            else:
                value = _cell(key, project[key], digits, mark)
            centred = key in QUARTER_KEYS or key in ("no", "dimension", "quantity")
            if isinstance(value, float):
                sheet.write_number(r, col, value, money if key == "budget" else centre)
            elif value:
                sheet.write_string(r, col, value, centre if centred else cell)
            else:
                sheet.write_blank(r, col, None, centre)
        sheet.set_row(r, 150)
    for r in range(first + len(projects), first + len(projects) + SPARE_ROWS):
        for col in range(len(COLUMNS)):
            sheet.write_blank(r, col, None, cell)
    sheet.repeat_rows(top, top + 1)
    sheet.set_paper(9)
    sheet.set_landscape()
    meta = book.add_worksheet(METADATA_SHEET)
    values = {"form_version": "2566.1", "organisation": ORGANISATION, "fiscal_year": str(YEAR),
              "department": f"{department} {MARKER}", "generated": "2022-09-01T09:00:00+07:00"}
    for row, (key, value) in enumerate(values.items()):
        meta.write_string(row, 0, key)
        meta.write_string(row, 1, value)
    meta.hide()
    book.close()


def _bases(folder: Path) -> list[tuple[str, Path]]:
    """(department, path) of one base workbook per clerk style and department: 10 of the seed's
    projects each. Consecutive bases belong to different departments."""
    rows = _seed_rows()
    paths = []
    for s, (digits, mark) in enumerate(STYLES):
        for d, dept in enumerate(DEFAULT_DEPARTMENTS):
            start = (d * len(STYLES) + s) * 7
            projects = [rows[(start + k) % len(rows)] for k in range(PROJECTS_PER_FILE)]
            # Some clerks type an alias of their department (matched through the config).
            typed = dept.aliases[0] if s == 1 and dept.aliases else dept.name
            path = folder / f"base-{s}-{d:02d}.xlsx"
            write_base(path, dept.name, typed, projects, digits, mark)
            paths.append((dept.name, path))
    return paths


def _read_entries(path: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(path) as zf:
        return [(info, zf.read(info)) for info in zf.infolist()]


def generate(count: int, folder: Path | None = None) -> Path:
    """`count` department files in `folder`; kept as they are when a manifest says they are current."""
    folder = folder or DATA / str(count)
    manifest = folder / ".manifest.json"
    wanted = {"files": count, "generator": GENERATOR_VERSION, "projects_per_file": PROJECTS_PER_FILE}
    if manifest.exists() and json.loads(manifest.read_text()) == wanted:
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="ita-bench-") as tmp:
        bases = [(dept, _read_entries(path)) for dept, path in _bases(Path(tmp))]
    marker = MARKER.encode()
    width = len(str(count))
    for n in range(count):
        dept, entries = bases[n % len(bases)]
        serial = to_thai_digits(str(n + 1).zfill(width)).encode()
        target = folder / f"{str(n + 1).zfill(width)}-{dept}.xlsx"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for info, data in entries:
                if info.filename == "xl/sharedStrings.xml":
                    data = data.replace(marker, serial)
                out.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    manifest.write_text(json.dumps(wanted))
    return folder


def main(argv: list[str]) -> int:
    if not argv or not argv[0].isdigit():
        print(__doc__)
        return 2
    folder = generate(int(argv[0]), Path(argv[1]) if len(argv) > 1 else None)
    print(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
