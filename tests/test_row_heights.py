"""Row heights: the one estimator (xlsx_style) against what LibreOffice really renders.

The pinned cases were measured with tests/calibrate_row_heights.py (LibreOffice 7.4, fonts-thai-tlwg:
"TH SarabunPSK" drawn with Laksaman): the lines each cell wrapped to, the width of each column. The
last test converts the seed's master with LibreOffice and checks every row on the PDF pages."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import unicodedata
from functools import lru_cache
from pathlib import Path

import openpyxl
import pytest

from ita_workbook import form, master, pdf, xlsx_style
from ita_workbook.config import Config, load_config
from ita_workbook.master import FORM_SHEET, Heading, write_master
from ita_workbook.plan import Plan
from ita_workbook.template import FORM_SHEET as TEMPLATE_SHEET
from ita_workbook.template import write_template
from ita_workbook.validate import validate_files
from ita_workbook.xlsx_style import ARIAL_COLUMNS, FORM_FONT_COLUMNS, LINE_PITCH, lines_height
from seed import PLAN_TOML, seed_rows, write_department_workbooks

HAS_LIBREOFFICE = pdf.find_libreoffice() is not None and shutil.which("pdftotext") is not None


INDICATOR_2 = ("๑.มีการเผยแพร่ประมวลจริยธรรม อย่างน้อย ๓ ช่องทาง ๒. คณะผู้บริหาร สมาชิกสภา พนักงานเทศบาล "
               "ลูกจ้างประจำ พนักงาน ปฏิบัติงานของเทศบาล ตำบลโพทะเลปฏิบัติตาม ประมวลจริยธรรมของ "
               "เทศบาลตำบลโพทะเล (สำรวจโดยใช้แบบ ประเมินติดตามผล)")
OUTCOME_2 = ("คณะผู้บริหาร สมาชิกสภา พนักงานเทศบาล ลูกจ้างประจำ พนักงาน ปฏิบัติงานของเทศบาล "
             "ตำบลโพทะเลปฏิบัติตาม ประมวลจริยธรรมของ เทศบาลตำบลโพทะเล (สำรวจโดยใช้แบบ ประเมินติดตามผล)")
NAME_2 = "มาตรการ “ส่งเสริมการ ปฏิบัติงานตามประมวล จริยธรรมของเทศบาลตำบล โพทะเล"
E_SERVICE = "มีระบบการให้บริการประชาชน ผ่านระบบอิเล็กทรอนิกส์ (E- Service) อย่างน้อย ๑ ภารกิจ"
TITLE = "แผนปฏิบัติการป้องกันการทุจริต ประจำปี พ.ศ. ๒๕๖๖ (ฉบับร่าง)"

# (columns, text, form width, size, bold, lines in LibreOffice)
MEASURED = [
    (ARIAL_COLUMNS, INDICATOR_2, 30, 14, False, 10),
    (ARIAL_COLUMNS, INDICATOR_2, 20, 14, False, 15),
    (ARIAL_COLUMNS, OUTCOME_2, 24, 14, False, 9),
    (ARIAL_COLUMNS, NAME_2, 30, 14, False, 3),
    (ARIAL_COLUMNS, NAME_2, 9, 14, False, 11),
    (ARIAL_COLUMNS, E_SERVICE, 30, 14, False, 4),
    (ARIAL_COLUMNS, E_SERVICE, 9, 14, False, 13),
    (ARIAL_COLUMNS, "กองยุทธศาสตร์และงบประมาณ", 14, 14, False, 4),
    (ARIAL_COLUMNS, "ศูนย์ข้อมูลข่าวสารของเทศบาลตำบลโพทะเล", 9, 14, False, 7),
    (ARIAL_COLUMNS, "ทุกครั้งที่ ดำเนินการ", 9, 14, False, 3),
    (ARIAL_COLUMNS, "หน่วยงานรับผิดชอบ", 14, 14, True, 2),
    (ARIAL_COLUMNS, "เป้าหมายที่ดำเนินงาน", 18, 14, True, 2),
    (ARIAL_COLUMNS, TITLE, 163, 16, True, 1),
    (FORM_FONT_COLUMNS, INDICATOR_2, 30, 16, False, 12),
    (FORM_FONT_COLUMNS, OUTCOME_2, 24, 16, False, 13),
    (FORM_FONT_COLUMNS, NAME_2, 20, 16, False, 7),
    (FORM_FONT_COLUMNS, "ไม่ใช้งบประมาณ", 11, 16, False, 2),
    (FORM_FONT_COLUMNS, "กองยุทธศาสตร์และงบประมาณ", 14, 16, False, 4),
    (FORM_FONT_COLUMNS, "หน่วยงานรับผิดชอบ", 14, 16, True, 2),
]


@pytest.mark.parametrize("columns, text, width, size, bold, measured", MEASURED)
def test_never_fewer_lines_than_libreoffice_and_at_most_one_spare(columns, text, width, size, bold, measured):
    assert measured <= columns.line_count(text, width, size, bold) <= measured + 1


def test_lines_break_where_libreoffice_breaks_them():
    # ตัวชี้วัด of project ๒ in the master (30 wide, 14 pt), line by line as LibreOffice drew it.
    drawn = ["๑.มีการเผยแพร่ประมวล", "จริยธรรม อย่างน้อย ๓ ช่อง", "ทาง ๒. คณะผู้บริหาร สมาชิก",
             "สภา พนักงานเทศบาล ลูกจ้าง", "ประจำ พนักงาน ปฏิบัติงาน", "ของเทศบาล ตำบลโพทะเล",
             "ปฏิบัติตาม ประมวลจริยธรรม", "ของ เทศบาลตำบลโพทะเล", "(สำรวจโดยใช้แบบ ประเมิน", "ติดตามผล)"]
    assert [line.strip() for line in ARIAL_COLUMNS.wrap(INDICATOR_2, 30, 14)] == drawn


# LibreOffice's width (points) of a column of form width w: master's layout (Arial 10 default) and the
# template's (form font default, widths by column_width).
COLUMN_POINTS = {ARIAL_COLUMNS: {9: 53.91, 14: 81.61, 24: 137.2, 30: 170.5, 163: 908.59},
                 FORM_FONT_COLUMNS: {9: 49.29, 14: 74.61, 24: 125.41, 30: 155.82, 163: 830.81}}


@pytest.mark.parametrize("columns", list(COLUMN_POINTS))
def test_room_is_what_libreoffice_gives_less_its_margins_and_a_little(columns):
    for width, points in COLUMN_POINTS[columns].items():
        text_room = points - 2 * xlsx_style.CELL_MARGIN
        assert 0.98 * text_room <= columns.room(width) <= text_room


def test_row_heights_hold_libreoffice_lines_in_whole_pixels():
    for size in (14, 16, 18):
        for lines in range(1, 18):
            height = lines_height(lines, size)
            needed = lines * 1.657 * size + 2 * xlsx_style.CELL_MARGIN  # measured pitch, cell margins
            assert needed < height <= needed + 3, (size, lines)  # under an eighth of a line spare
            assert height / 0.75 == round(height / 0.75)
    assert LINE_PITCH >= 1.657


def test_wrap_gives_every_seed_text_back():
    for row in seed_rows():
        for key in ("name", "unit", "quantity", "indicator", "outcome", "department"):
            for width in (9, 14, 30):
                lines = ARIAL_COLUMNS.wrap(row[key], width, 14)
                assert "".join(lines) == row[key]
                assert ARIAL_COLUMNS.line_count(row[key], width, 14) == len(lines)
    assert "".join(ARIAL_COLUMNS.wrap("บรรทัดแรก\nบรรทัดที่สอง ยาวมากพอที่จะขึ้นบรรทัดใหม่", 9, 14)) \
        == "บรรทัดแรก\nบรรทัดที่สอง ยาวมากพอที่จะขึ้นบรรทัดใหม่"


def test_master_and_template_rows_come_from_the_one_estimator(tmp_path: Path):
    projects = _seed_plan().projects[:3]
    path = tmp_path / "m.xlsx"
    layout = write_master(Plan(projects), path, Heading(fiscal_year=2566))
    ws = openpyxl.load_workbook(path)[FORM_SHEET]
    widths = {c.key: w - (master.INDENT if c.kind == form.TEXT else 0)  # left-aligned text is indented
              for c, w in zip(form.COLUMNS, master._column_widths(projects))}
    for project, (first, last) in zip(projects, layout.project_rows):
        assert first == last
        shown = {"name": project.name, "unit": project.unit, "quantity": project.quantity,
                 "budget": ws[f"E{first}"].value if project.budget is None else project.budget,
                 "indicator": project.indicator, "outcome": project.outcome, "department": project.department}
        cells = [(master._text_of(value), widths[key]) for key, value in shown.items()]
        assert ws.row_dimensions[first].height == ARIAL_COLUMNS.row_height(cells, 14)

    tpath = tmp_path / "t.xlsx"
    prefill = [{"name": p.name, "indicator": p.indicator, "outcome": p.outcome} for p in projects]
    tlayout = write_template(tpath, Config(), None, prefill=prefill)
    tws = openpyxl.load_workbook(tpath)[TEMPLATE_SHEET]
    for offset, values in enumerate(prefill):
        row = tlayout.first_data_row + offset + 1
        cells = [(values[k], _template_width(k)) for k in values]
        assert tws.row_dimensions[row].height == FORM_FONT_COLUMNS.row_height(cells)


def _template_width(key: str) -> float:
    from ita_workbook.template import TEMPLATE_WIDTHS
    return TEMPLATE_WIDTHS.get(key, form.COLUMN_BY_KEY[key].width)


@lru_cache(maxsize=1)
def _seed_plan() -> Plan:
    with tempfile.TemporaryDirectory() as folder:
        write_department_workbooks(Path(folder))
        return validate_files(sorted(Path(folder).glob("*.xlsx")), load_config(PLAN_TOML)).plan


# --- the seed's master through LibreOffice --------------------------------------------------------------

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
_NUMBER = re.compile(r"^[๐-๙]+\.$")


def _bare(text: str) -> str:
    """Text without spaces and marks: pdftotext spaces Thai marks apart and reorders some."""
    return "".join(ch for ch in text if not ch.isspace() and not unicodedata.combining(ch)
                   and ch not in "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d")


SARABUN_FILES = pdf.print_font("TH SarabunPSK")[1]
# The xlsx as LibreOffice on a Linux desktop draws it: TH SarabunPSK as Laksaman (fonts-thai-tlwg), Arial
# as Liberation Sans (Arial's metrics, as on the office PC) — these fonts and no others, so that the
# result does not depend on what else the machine has (DejaVu Sans for Arial took 8 pages, Liberation 11).
LAKSAMAN_DIRS = [d for d in ("/usr/share/fonts/truetype/tlwg", "/usr/share/fonts/truetype/liberation")
                 if Path(d, "Laksaman.ttf" if "tlwg" in d else "LiberationSans-Regular.ttf").is_file()]


def _desktop_fonts(folder: Path) -> Path:
    """A fontconfig file that sees only Laksaman's and Liberation's folders, with the usual aliases."""
    config = folder / "fonts.conf"
    config.write_text("<?xml version='1.0'?><fontconfig>" + "".join(f"<dir>{d}</dir>" for d in LAKSAMAN_DIRS)
                      + f"<cachedir>{folder / 'cache'}</cachedir><include ignore_missing='yes'>/etc/fonts/conf.d"
                      "</include></fontconfig>", encoding="utf-8")
    return config


# (font the master is written in, its font files for LibreOffice, lines drawn em apart, most pages): the xlsx drawn with Laksaman, and the PDF that merge publishes
# (Sarabun, shipped, and nothing else: rows measured for its metrics).
PRINTS = [pytest.param("TH SarabunPSK", [], 1.657, 11, id="laksaman",
                       marks=pytest.mark.skipif(len(LAKSAMAN_DIRS) < 2,
                                                reason="needs fonts-thai-tlwg and fonts-liberation")),
          pytest.param("Sarabun", SARABUN_FILES, 1.3004, 8, id="sarabun",
                       marks=pytest.mark.skipif(not SARABUN_FILES, reason="fontpkg-sarabun not installed"))]


@pytest.mark.skipif(not HAS_LIBREOFFICE, reason="LibreOffice or poppler not installed")
@pytest.mark.parametrize("font, files, pitch, most_pages", PRINTS)
def test_the_seed_master_prints_without_clipping_in_few_pages(tmp_path: Path, monkeypatch, font, files, pitch,
                                                               most_pages):
    if not files:
        monkeypatch.setenv("FONTCONFIG_FILE", str(_desktop_fonts(tmp_path)))
    plan, order = _seed_plan(), load_config(PLAN_TOML).department_names
    xlsx = tmp_path / "master.xlsx"
    layout = write_master(plan, xlsx, Heading(organisation="เทศบาลตำบลโพทะเล", fiscal_year=2566),
                          department_order=order, form_only=True, font=font)
    ws = openpyxl.load_workbook(xlsx)[FORM_SHEET]
    heights = [ws.row_dimensions[first].height for first, _ in layout.project_rows]
    made = pdf.to_pdf(xlsx, tmp_path / "master.pdf", fonts=files)
    html = subprocess.run(["pdftotext", "-bbox", str(made), "-"], capture_output=True, text=True, check=True).stdout
    pages = [_rows_on(page) for page in html.split("<page ")[1:]]
    # 18 before the estimator was made one, 12 before the quarter columns gave their width to the texts
    assert len(pages) <= most_pages
    assert all(len(rows) >= 2 for rows in pages[:-1]), [len(rows) for rows in pages]  # no lone project

    rows = [row for page in pages for row in page]
    assert [number for number, _, _ in rows] == list(range(1, len(plan.projects) + 1))
    for (number, lines, name), project, height in zip(rows, plan.ordered(order), heights):
        # Every line LibreOffice drew fits in its row (a line that does not is drawn cut, or not at all
        # and then missing from the name).
        assert lines * pitch * master.FONT_SIZE + 2 <= height, (number, lines, height)
        assert name == _bare(project.name), number


def _rows_on(page: str) -> list[tuple[int, int, str]]:
    """(number, lines drawn, name) of each project row on a page of `pdftotext -bbox`."""
    boxes = _WORD.findall(page)
    words = [(float(y0), float(x0), w) for x0, y0, x1, y1, w in boxes]
    numbers = [(y, x, w) for y, x, w in words if _NUMBER.match(w)]
    left = min((x for _, x, _ in numbers), default=0)
    tops = sorted((y, x, w) for y, x, w in numbers if x < left + 5)  # column ที่, not ๒. in a text
    # The name column's middle: its header's (repeated on every page), drawn centred over it.
    middle = next((float(x0) + float(x1)) / 2 for x0, y0, x1, y1, w in boxes
                  if w.startswith("แผนงาน") and float(y0) < tops[0][0])
    # Where the last row of a page ends: the page footer, or the totals row (pdftotext cuts its รวมทั้งสิ้น).
    ends = [y for y, _, w in words if w == "หน้า" or w.startswith("รวมทั")]
    rows = []
    for i, (top, x_number, number) in enumerate(tops):
        bottom = tops[i + 1][0] if i + 1 < len(tops) else min(y for y in ends if y > top)
        mine = sorted((y, x, w) for y, x, w in words if top - 1 <= y < bottom - 1 and x > x_number + 1)
        starts = sorted({y for y, _, _ in mine})
        line_tops = [y for n, y in enumerate(starts) if n == 0 or y - starts[n - 1] > 4]
        # The name starts one indent into its column; the next column's text starts at least one
        # indent into that one, past the name column's right edge less the indent (2 middle - left).
        name_left = min(x for _, x, _ in mine)
        name = "".join(w for _, x, w in mine if x < 2 * middle - name_left)
        rows.append((_from_thai(number), len(line_tops), _bare(name)))
    return rows


def _from_thai(number: str) -> int:
    return int(number.rstrip(".").translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")))
