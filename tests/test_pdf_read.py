"""Plans published as PDF are read into the same grid as a workbook (pdfgrid.py), or refused by name.

The PDFs are made here: the tool's own (merge --pdf, the seed's published table through LibreOffice,
in Sarabun and in the Thai fonts of fonts-thai-tlwg), turned pages (pypdfium2 turns the content and
sets /Rotate), and small hand-written ones (`_pdf`) for a scan, a garbled text layer and hostile files.
"""

from __future__ import annotations

import ctypes
import re
import shutil
import tempfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from ita_workbook.check import check_files
from ita_workbook.cli import main
from ita_workbook.config import load_config
from ita_workbook.pdf import print_font, to_pdf
from ita_workbook.thai import squeeze
from ita_workbook.validate import validate_files
from seed import EXAMPLE_DIR, PLAN_TOML, write_published_plan
from test_properties import CONFIG, projects  # the plans of the master's round trip

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                                   reason="LibreOffice makes the PDFs")
FIELDS = ("name", "unit", "quantity", "budget", "dimension", "indicator", "outcome", "quarters", "department")


def same(project) -> tuple:
    """A project's fields, texts without their spaces: a PDF does not say whether a line its text
    wrapped at had a space (LibreOffice drops it), so spaces are the one thing a PDF cannot carry."""
    return tuple(squeeze(v) if isinstance(v, str) else v for v in (getattr(project, k) for k in FIELDS))


def _problems(path) -> list[tuple]:
    return [(p.code, p.sheet, p.cell, p.column, p.value, p.detail) for p in check_files([path]).report.all_problems()]


def _published_pdf(folder: Path, font: str = "TH SarabunPSK", **kwargs) -> Path:
    xlsx = write_published_plan(folder / "plan.xlsx", **kwargs)
    if font != "TH SarabunPSK":
        import openpyxl
        from openpyxl.styles import Font

        book = openpyxl.load_workbook(xlsx)
        for row in book.active.iter_rows():
            for cell in row:
                cell.font = Font(name=font, size=cell.font.size, bold=cell.font.bold)
        book.save(xlsx)
    shown, files = print_font(font)
    return to_pdf(xlsx, folder / "plan.pdf", fonts=files)


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory) -> Path:
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.skip("LibreOffice makes the PDFs")
    return _published_pdf(tmp_path_factory.mktemp("seed"))


# --- the seed's own table, published ------------------------------------------------------------

PLACE = re.compile(r"^หน้า (\d+) แถว (\d+) คอลัมน์ (\d+) / page \1 row \2 column \3$")


def test_check_of_the_seeds_pdf_finds_the_wrong_q2_and_q4_totals_at_their_page_row_and_column(seed_pdf):
    found = _problems(seed_pdf)
    assert [(code, sheet, column, value, detail) for code, sheet, _, column, value, detail in found] == [
        ("total-mismatch", "PDF", "q2", "31", "34"), ("total-mismatch", "PDF", "q4", "12", "9")]
    places = [PLACE.match(cell) for _, _, cell, *_ in found]
    assert all(places) and [m[3] for m in places] == ["10", "12"]  # ไตรมาส ๒ and ๔: the 10th and 12th column
    assert places[0][1] == places[1][1] == str(_pages(seed_pdf))  # the totals row: on the last page
    (table,) = check_files([seed_pdf]).tables
    assert (table.projects, table.quarters, table.budget) == (41, (27, 34, 15, 9), 140_000)


def _pages(path: Path) -> int:
    import pypdfium2 as pdfium

    with pdfium.PdfDocument(str(path)) as doc:
        return len(doc)


def test_the_cli_places_the_problem_at_page_row_and_column_in_text_and_json(seed_pdf):
    run = CliRunner().invoke(main, ["check", str(seed_pdf)])
    assert run.exit_code == 1, run.output
    assert re.search(r"\[PDF!หน้า \d+ แถว \d+ คอลัมน์ 10 / page \d+ row \d+ column 10\] ยอดรวม \"ไตรมาส ๒\" "
                     r"ที่ระบุไว้คือ 31 แต่นับจากรายการได้ 34", run.output)
    run = CliRunner().invoke(main, ["check", str(seed_pdf), "--format", "json"])
    import json

    (problem, _) = json.loads(run.output)["files"][0]["problems"]
    assert PLACE.match(problem["cell"]) and problem["sheet"] == "PDF" and problem["column"] == "q2"


def test_the_seeds_pdf_reads_as_its_41_projects(seed_pdf):
    from seed import seed_rows

    config = load_config(PLAN_TOML)
    result = validate_files([seed_pdf], config)
    rows = seed_rows()
    assert len(result.plan.projects) == 41
    assert [squeeze(p.name) for p in result.plan.projects] == [squeeze(r["name"]) for r in rows]
    assert [squeeze(p.indicator) for p in result.plan.projects] == [squeeze(r["indicator"]) for r in rows]
    assert sum(p.budget or 0 for p in result.plan.projects) == 140_000


def test_template_from_a_pdf_prefills_last_years_projects(seed_pdf, tmp_path):
    run = CliRunner().invoke(main, ["template", "--config", str(PLAN_TOML), "--from", str(seed_pdf),
                                    "-o", str(tmp_path / "t")])
    assert run.exit_code == 0, run.output
    config = load_config(PLAN_TOML)
    read = validate_files(sorted((tmp_path / "t").glob("*.xlsx")), config)
    assert len(read.plan.projects) == 41
    assert sorted(squeeze(p.name) for p in read.plan.projects) == \
        sorted(squeeze(p.name) for p in validate_files([seed_pdf], config).plan.projects)


def test_report_template_takes_a_pdf_plan(seed_pdf, tmp_path):
    run = CliRunner().invoke(main, ["report-template", "--plan", str(seed_pdf), "--round", "6",
                                    "--config", str(PLAN_TOML), "-o", str(tmp_path / "r")])
    assert run.exit_code == 0, run.output
    assert "(13 โครงการ / 13 projects)" in run.output  # สำนักปลัดฯ's 13 projects


def test_province_reads_a_folder_of_pdfs_with_the_organisation_from_the_title(seed_pdf, tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    shutil.copy(seed_pdf, folder / "โพทะเล.pdf")
    run = CliRunner().invoke(main, ["province", str(folder), "-o", str(tmp_path / "p.xlsx")])
    assert "เทศบาลตำบลโพทะเล (อ.โพทะเล) — 41 โครงการ/projects" in run.output, run.output
    assert "31 แต่นับจากรายการได้ 34" in run.output


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_a_turned_page_reads_as_upright(seed_pdf, tmp_path, turn):
    turned = _turned(seed_pdf, tmp_path / f"turned{turn}.pdf", turn)
    assert [p[3:] for p in _problems(turned)] == [("q2", "31", "34"), ("q4", "12", "9")]


def _turned(source: Path, target: Path, degrees: int) -> Path:
    """Every page's content turned anticlockwise, and /Rotate turning the page back for the eye."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(str(source))
    for page in doc:
        w, h = page.get_size()
        matrix = raw.FS_MATRIX(*{90: (0, 1, -1, 0, h, 0), 180: (-1, 0, 0, -1, w, h), 270: (0, -1, 1, 0, 0, w)}[degrees])
        raw.FPDFPage_TransFormWithClip(page.raw, ctypes.byref(matrix), None)
        if degrees != 180:
            page.set_mediabox(0, 0, h, w)
            page.set_cropbox(0, 0, h, w)
        page.set_rotation(degrees)
    doc.save(str(target))
    doc.close()
    return target


@needs_soffice
@pytest.mark.parametrize("font", ["Laksaman", "Garuda", "Loma", "Norasi"])
def test_the_seed_printed_in_other_thai_fonts_reads_the_same(tmp_path, font):
    path = _published_pdf(tmp_path, font)
    assert [p[3:] for p in _problems(path)] == [("q2", "31", "34"), ("q4", "12", "9")]


# --- plans in other layouts, printed as their organisations print them ---------------------------

def _layout_variants():
    import layouts

    every = layouts.variants()
    chosen = [next(v for v in every if v.family == family) for family in ("yearly", "months", "four-year", "e-plannacc")]
    chosen.append(next(v for v in every if v.merged_headings and v.subheadings == "merged" and v.department_merged))
    chosen.append(next(v for v in every if v.header_rows == 2 and v.headings and v.totals == "wrong"))
    return chosen


def _printed(variant, folder: Path) -> tuple[Path, Path]:
    """The layout's workbook (tests/layouts.py) as a clerk prints it: ruled, text wrapped in rows tall
    enough, the columns fitted to an A4 landscape page, the header rows repeated on every page."""
    import math

    import layouts
    import openpyxl
    from openpyxl.styles import Alignment, Border, Side
    from openpyxl.utils import get_column_letter

    xlsx = layouts.render(folder / f"{variant.name}.xlsx", variant)
    book = openpyxl.load_workbook(xlsx)
    ws = book.active
    top = len(layouts.TITLE) + 1
    thin = Side(style="thin")
    for row in ws.iter_rows(min_row=top):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = {}
    for col in range(1, ws.max_column + 1):
        letter = get_column_letter(col)
        longest = max((len(str(c.value)) for c in ws[letter][top - 1:] if c.value is not None), default=4)
        widths[col] = ws.column_dimensions[letter].width = min(max(6, longest), 30)
    for r in range(top, ws.max_row + 1):
        lines = max((math.ceil(len(str(ws.cell(r, c).value)) * 0.8 / widths[c]) for c in widths
                     if ws.cell(r, c).value is not None), default=1)
        ws.row_dimensions[r].height = 16 * max(lines, 1) + 4
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = f"{top}:{top + (1 if ws.cell(top + 1, 1).value is None else 0)}"
    book.save(xlsx)
    return xlsx, to_pdf(xlsx, folder / f"{variant.name}.pdf")


@needs_soffice
@pytest.mark.parametrize("variant", _layout_variants(), ids=lambda v: v.name)
def test_a_layouts_pdf_reads_as_its_workbook(tmp_path, variant):
    """Merged headings across the table, departments merged down across page breaks, a header of two
    rows repeated on each page, months, the 4-year plan's year columns, e-PlanNACC's lists."""
    from ita_workbook.check import check_file

    import layouts

    year = layouts.FISCAL_YEAR if variant.family == "four-year" else None
    xlsx, pdf = _printed(variant, tmp_path)
    (xlsx_report, xlsx_tables), (pdf_report, pdf_tables) = check_file(xlsx, year), check_file(pdf, year)
    want = layouts.expected(variant)
    assert [(t.projects, t.dimensions, t.budget) for t in pdf_tables] == \
        [(len(want.names), want.dimension_totals, want.budget)]
    assert [(t.quarters) for t in pdf_tables] == [t.quarters for t in xlsx_tables]
    assert sorted((p.code, p.column) for p in pdf_report.problems) == \
        sorted((p.code, p.column) for p in xlsx_report.problems)
    config = load_config(PLAN_TOML)
    assert [same(p) for p in validate_files([pdf], config, keep_invalid=True).plan.projects] == \
        [same(p) for p in validate_files([xlsx], config, keep_invalid=True).plan.projects]


# --- round trip: the tool's own PDFs --------------------------------------------------------------

@needs_soffice
def test_merge_pdf_of_the_seed_reads_back_as_the_masters_projects(tmp_path):
    from ita_workbook.merge import merge_files

    config = load_config(PLAN_TOML)
    out = tmp_path / "master.xlsx"
    merged = merge_files(sorted((EXAMPLE_DIR / "departments").glob("*.xlsx")), out, config, pdf=True)
    assert merged.pdf, merged.pdf_error
    master = validate_files([out], config, accept_master=True)
    published = validate_files([merged.pdf], config)
    assert [p.code for p in published.report.all_problems() if p.is_error] == []
    assert len(published.plan.projects) == 41
    assert [same(p) for p in published.plan.projects] == [same(p) for p in master.plan.projects]


def _as_read(value) -> object:
    """A cell's value as the parsers see it: a number typed with Thai digits and commas is that number
    (a workbook stores 10000.0, its PDF prints ๑๐,๐๐๐), a text its letters without spaces."""
    from ita_workbook.thai import parse_number, to_arabic_digits

    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return float(value)
    number = parse_number(to_arabic_digits(value).rstrip("."))
    return number if number is not None else squeeze(value)


@needs_soffice
def test_report_pdf_reads_back_as_the_reports_rows(tmp_path):
    """The result report's PDF (report --pdf: its report sheet) read with the report form gives the
    report sheet's 41 rows, value for value."""
    from seed import load_example_script

    from ita_workbook.reader import read_workbook
    from ita_workbook.report_form import report_form

    def run(*args):
        done = CliRunner().invoke(main, [str(a) for a in args])
        assert done.exit_code == 0, done.output

    run("merge", EXAMPLE_DIR / "departments", "--config", PLAN_TOML, "-o", tmp_path / "master.xlsx")
    run("report-template", "--plan", tmp_path / "master.xlsx", "--round", "6", "--config", PLAN_TOML,
        "-o", tmp_path / "forms")
    load_example_script("fill_reports.py").fill_reports(tmp_path / "forms", tmp_path / "returned")
    run("report", tmp_path / "returned", "--plan", tmp_path / "master.xlsx", "--round", "6", "--config", PLAN_TOML,
        "-o", tmp_path / "report.xlsx", "--pdf")
    form = report_form(6)
    (sheet, *_) = read_workbook(tmp_path / "report.xlsx", form=form).tables
    published = read_workbook(tmp_path / "report.pdf", form=form)
    assert published.problems == [] and len(published.rows) == len(sheet.rows) == 41
    assert [[_as_read(r.value(k)) for k in form.column_by_key] for r in published.rows] == \
        [[_as_read(r.value(k)) for k in form.column_by_key] for r in sheet.rows]


@needs_soffice
@settings(deadline=None, max_examples=3, derandomize=True)
@given(st.data())
def test_generated_plans_read_back_from_their_pdf(data):
    from ita_workbook.master import Heading, write_master
    from ita_workbook.plan import Plan
    from ita_workbook.thai import to_thai_digits

    plan = data.draw(st.lists(st.sampled_from(CONFIG.department_names).flatmap(projects), min_size=1, max_size=8))
    whole = Plan(projects=plan, organisation=CONFIG.organisation, fiscal_year=CONFIG.fiscal_year)
    font, files = print_font("TH SarabunPSK")
    with tempfile.TemporaryDirectory() as folder:
        xlsx = Path(folder) / "master.xlsx"
        write_master(whole, xlsx, Heading(organisation=CONFIG.organisation, fiscal_year=CONFIG.fiscal_year),
                     department_order=CONFIG.department_names, font=font, form_only=True)
        pdf = to_pdf(xlsx, Path(folder) / "master.pdf", fonts=files)
        result = validate_files([pdf], CONFIG)
    assert [p.code for p in result.report.all_problems() if p.is_error] == []
    ordered = whole.ordered(CONFIG.department_names)
    expected = [tuple(to_thai_digits(v) if isinstance(v, str) else v for v in same(p)) for p in ordered]
    assert [same(p) for p in result.plan.projects] == expected


# --- refused by name -----------------------------------------------------------------------------

def _pdf(*objects: bytes, pages: bytes = b"[3 0 R]", count: int = 1) -> bytes:
    """A PDF of these objects from 3 on (1: the catalogue, 2: the page tree), with its cross-reference table."""
    bodies = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids %s /Count %d >>" % (pages, count),
              *objects]
    out, offsets = b"%PDF-1.4\n", []
    for n, body in enumerate(bodies, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] /Contents 4 0 R /Resources %s >>"


def _unreadable(path: Path) -> tuple[str, str]:
    (problem,) = [p for p in check_files([path]).report.all_problems() if p.code == "unreadable-file"]
    return problem.value, f"{problem.message} / {problem.message_en}"


def test_a_scan_is_refused_by_name_never_zero_projects(tmp_path, seed_pdf):
    import pypdfium2 as pdfium

    with pdfium.PdfDocument(str(seed_pdf)) as doc:  # the seed's first page as a scanner gives it: pixels
        image = doc[0].render(scale=1, grayscale=True).to_numpy()
    height, width = image.shape[:2]
    path = tmp_path / "scan.pdf"
    path.write_bytes(_pdf(PAGE % b"<< /XObject << /Im1 5 0 R >> >>", _stream(b"q 842 0 0 595 0 0 cm /Im1 Do Q"),
                          _stream(image.tobytes(), b"/Type /XObject /Subtype /Image /Width %d /Height %d "
                                  b"/ColorSpace /DeviceGray /BitsPerComponent 8" % (width, height))))
    reason, message = _unreadable(path)
    assert reason == "pdf-scan" and "ภาพสแกน" in message and "scan" in message
    run = CliRunner().invoke(main, ["check", str(path)])
    assert run.exit_code == 1 and "(unreadable-file)" in run.output and "ไม่ผ่าน / NOT OK" in run.output


def _text_page(text: bytes) -> list[bytes]:
    lines = b"".join(b"BT /F1 12 Tf 50 %d Td <%s> Tj ET\n" % (500 - 20 * k, text.hex().encode()) for k in range(10))
    return [PAGE % b"<< /Font << /F1 5 0 R >> >>", _stream(lines),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]


def test_a_garbled_text_layer_is_refused_by_name(tmp_path):
    # Thai in a legacy 8-bit font without a Unicode map: every reader sees Latin-1 (¡ÒÃ for การ).
    path = tmp_path / "garbled.pdf"
    path.write_bytes(_pdf(*_text_page("แผนปฏิบัติการป้องกันการทุจริต".encode("tis-620"))))
    reason, message = _unreadable(path)
    assert reason == "pdf-garbled" and "ถอดเป็นตัวอักษรไม่ได้" in message and "cannot be decoded" in message


def test_a_pdf_with_text_but_no_table_is_refused_by_name(tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(_pdf(*_text_page(b"Dear colleagues, please find the plan attached.")))
    reason, message = _unreadable(path)
    assert reason == "pdf-no-table" and "ไม่พบตาราง" in message


def test_the_header_may_come_after_junk_as_readers_accept(tmp_path):
    path = tmp_path / "junk-first.pdf"
    path.write_bytes(b"\xef\xbb\xbfjunk\n" + _pdf(*_text_page(b"no table here, only words on the page")))
    assert _unreadable(path)[0] == "pdf-no-table"  # read as a PDF, not refused as no workbook


def _table_pdf(rows: list[list[str]], widths: list[int], *, order=lambda cells: cells) -> bytes:
    """A ruled table drawn by hand: each cell's text with a font whose codes name Unicode letters
    (/uniXXXX), so that the text layer holds exactly these letters; `order` orders the (row, column,
    text) drawn, to draw a table in another order than it reads."""
    chars = sorted({ch for row in rows for text in row for ch in text if ch != " "})
    code = {ch: 33 + k for k, ch in enumerate(chars)} | {" ": 32}
    xs = [50]
    for width in widths:
        xs.append(xs[-1] + width)
    top, height = 500, 40
    ops = [b"%d %d m %d %d l S" % (x, top, x, top - height * len(rows)) for x in xs]
    ops += [b"%d %d m %d %d l S" % (xs[0], top - r * height, xs[-1], top - r * height) for r in range(len(rows) + 1)]
    for r, c, text in order([(r, c, text) for r, row in enumerate(rows) for c, text in enumerate(row) if text]):
        ops.append(b"BT /F1 10 Tf %d %d Td <%s> Tj ET" % (xs[c] + 3, top - r * height - 15,
                                                         bytes(code[ch] for ch in text).hex().encode()))
    font = (b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 32 /LastChar %d /Widths [%s] "
            b"/Encoding << /Type /Encoding /Differences [33 %s 32 /space] >> >>"
            % (33 + len(chars), b" ".join([b"500"] * (len(chars) + 2)), b" ".join(b"/uni%04X" % ord(ch) for ch in chars)))
    return _pdf(PAGE % b"<< /Font << /F1 5 0 R >> >>", _stream(b"\n".join(ops)), font)


ROWS = [["ที่ข้อ", "มาตรการป\uf70bองกัน", "ทํางาน"], ["ข้อหนึ่ง", "โครงการ ปลูกจิต", "หน่วยงาน"]]


def test_thai_marks_a_font_draws_from_private_use_are_the_marks_they_draw(tmp_path):
    from ita_workbook.grid import load_here
    from ita_workbook.thai import clean_text

    path = tmp_path / "pua.pdf"
    path.write_bytes(_table_pdf(ROWS, [60, 200, 80]))
    (grid,) = load_here(str(path)).grids
    assert grid.rows == [["ที่ข้อ", "มาตรการป้องกัน", "ทํางาน"], ["ข้อหนึ่ง", "โครงการ ปลูกจิต", "หน่วยงาน"]]
    assert clean_text(grid.rows[0][2]) == "ทำงาน"  # ํ+า: as the cell parsers clean every source's text
    assert grid.place(1, 2) == "หน้า 1 แถว 2 คอลัมน์ 3 / page 1 row 2 column 3"


def test_a_table_drawn_in_another_order_than_it_reads_reads_the_same(tmp_path):
    from ita_workbook.grid import load_here

    path = tmp_path / "backwards.pdf"
    path.write_bytes(_table_pdf(ROWS, [60, 200, 80], order=lambda cells: sorted(cells, key=lambda t: (-t[1], -t[0]))))
    assert load_here(str(path)).grids[0].rows[1] == ["ข้อหนึ่ง", "โครงการ ปลูกจิต", "หน่วยงาน"]


def test_letters_from_no_plans_alphabet_are_refused_as_garbled(tmp_path):
    path = tmp_path / "no-map.pdf"  # glyph numbers taken as codes: private use, CJK, Cyrillic
    path.write_bytes(_table_pdf([["\ue011\ue022\ue033\ue044", "あいうえお", "Джон"]] * 3, [60, 200, 80]))
    assert _unreadable(path)[0] == "pdf-garbled"


# --- hostile PDFs: one file's problem, never the run's ---------------------------------------------

def _bomb() -> bytes:
    """A content stream of 1.5 MB that inflates to 1 GB (the reader child stops at its memory limit)."""
    packer, parts = zlib.compressobj(9), []
    block = b"0 0 m\n" * (2**20 // 6)
    for _ in range(1024):
        parts.append(packer.compress(block))
    data = b"".join(parts) + packer.flush()
    return _stream(data, b"/Filter /FlateDecode")


@pytest.mark.parametrize("name, build, reasons", [
    ("bomb", lambda: _pdf(PAGE % b"<< >>", _bomb()), {"pdf-scan", "limit", "crashed"}),
    ("deep", lambda: _pdf(PAGE % (b"<< /X " + b"[" * 200_000 + b"]" * 200_000 + b" >>"), _stream(b"")),
     {"pdf-scan", "corrupt", "limit", "crashed"}),
    ("pages", lambda: _pdf(PAGE % b"<< >>", _stream(b""), pages=b"[" + b"3 0 R " * 5000 + b"]", count=5000),
     {"too-large", "pdf-scan", "limit"}),
    ("huge-page", lambda: _pdf((PAGE % b"<< >>").replace(b"842 595", b"9999999 9999999"), _stream(b"")),
     {"too-large", "pdf-scan"}),
    ("damaged", lambda: b"%PDF-1.4\n1 0 obj << /Type /Catalog", {"corrupt"}),
])
def test_a_hostile_pdf_costs_that_file_alone(tmp_path, seed_pdf, name, build, reasons):
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(build())
    report = check_files([path, seed_pdf]).report
    hostile, good = report.files
    assert {p.value for p in hostile.problems if p.code == "unreadable-file"} <= reasons
    assert [p.code for p in hostile.problems] == ["unreadable-file"]
    assert good.projects == 41  # the next file is read as ever


# --- the web page: the same functions, so PDFs are taken there too ---------------------------------

def test_the_page_checks_an_uploaded_pdf_and_reads_it_for_the_province(tmp_path, seed_pdf):
    pytest.importorskip("starlette")
    from test_web import Tab, make_client, text_of

    tab = Tab(make_client(tmp_path))
    assert 'accept=".xlsx,.xlsm,.xls,.xlsb,.ods,.pdf"' in tab.client.get(tab.url + "/check").text
    tab.upload("plans", [seed_pdf])
    shown = text_of(tab.run("/plan-check"))
    assert "27 / 34 / 15 / 9" in shown and "ที่ระบุไว้คือ 31 แต่นับจากรายการได้ 34" in shown
    assert re.search(r"หน้า \d+ แถว \d+ คอลัมน์ 10 / page \d+ row \d+ column 10", shown)
    tab.upload("masters", [seed_pdf])
    shown = text_of(tab.run("/province", {"province": "พิจิตร", "year": "2566"}))
    assert "1 หน่วยงาน, 41 โครงการ" in shown and "เทศบาลตำบลโพทะเล" in shown


# --- text as PDFs give it -------------------------------------------------------------------------

def _line(*words: str, gap: float, word_gap: float, spaces: bool = False) -> list:
    """Letters 4 pt wide, size 12, `gap` apart within a word and `word_gap` between words; with
    `spaces`, a space character typed between every two letters (as justifying programs write)."""
    from ita_workbook.pdftext import Cluster

    out, x = [], 0.0
    for w, word in enumerate(words):
        if w:
            x += word_gap - gap
        for k, letter in enumerate(word):
            if k and spaces:
                out.append(Cluster(" ", x, 0, x, 8, 12, space=True))
            out.append(Cluster(letter, x, 0, x + 4, 8, 12))
            x += 4 + gap
    return out


@pytest.mark.parametrize("spaces", [False, True])
def test_letters_spaced_apart_are_joined_and_the_words_kept(spaces):
    from ita_workbook.pdftext import text

    assert text([_line("ชีวิต", "และการ", gap=3.5, word_gap=8, spaces=spaces)]) == "ชีวิต และการ"
    assert text([_line("ชีวิต", "และการ", gap=0.5, word_gap=5)]) == "ชีวิต และการ"  # as most text is set
    assert text([_line("ชีวิต", "และการ", gap=0.5, word_gap=2)]) == "ชีวิตและการ"  # no space: Thai runs on


def test_a_cells_wrapped_lines_join_without_a_space_inside_thai_and_with_one_elsewhere():
    from ita_workbook.pdftext import text

    assert text([_line("โครงการ", gap=0.5, word_gap=5), _line("ปลูกจิต", gap=0.5, word_gap=5)]) == "โครงการปลูกจิต"
    assert text([_line("E-", gap=0.5, word_gap=5), _line("Service", gap=0.5, word_gap=5)]) == "E-Service"
    assert text([_line("ร้อยละ", gap=0.5, word_gap=5), _line("80", gap=0.5, word_gap=5)]) == "ร้อยละ 80"
