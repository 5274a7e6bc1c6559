"""Properties that hold for any input hypothesis can think of, not only the examples we wrote:

- a plan written into the department template (or the master) and read back gives the same projects;
- any value thrown at any cell parser gives a value or a problem code, never an exception;
- bytes of a valid workbook, mutated, never make the reader raise;
- nothing is lost: rows read = projects kept + rows reported with an error, and the master's data
  sheet traces every project back to the cell it was read from.
"""

from __future__ import annotations

import io
import math
import os
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from corpus.build import form_sheet, write_xlsx
from ita_workbook import cells
from ita_workbook.config import Config
from ita_workbook.form import COLUMNS, QUARTER_KEYS
from ita_workbook.plan import Plan, Project
from ita_workbook.problems import CODES, Problem
from ita_workbook.thai import clean_text, to_thai_digits
from ita_workbook.validate import validate_files
from workbooks import good, row, write_form

# The same examples on every run, so that CI never flakes; HYPOTHESIS_EXPLORE=1 draws new ones.
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow],
                    derandomize=not os.environ.get("HYPOTHESIS_EXPLORE"))
CONFIG = Config(organisation="เทศบาลตำบลทดสอบ", district="เมือง", province="พิจิตร", fiscal_year=2567)
HEADERS = {clean_text(h).replace(" ", "") for c in COLUMNS for h in c.headers}


@pytest.fixture(autouse=True, scope="module")
def bugs_raise():
    """The reader turns its own bugs into an `internal-error` problem for clerks; here they must raise."""
    old = os.environ.get("ITA_WORKBOOK_DEBUG")
    os.environ["ITA_WORKBOOK_DEBUG"] = "1"
    yield
    if old is None:
        del os.environ["ITA_WORKBOOK_DEBUG"]
    else:
        os.environ["ITA_WORKBOOK_DEBUG"] = old


# --- strategies --------------------------------------------------------------------------------------

THAI = "".join(chr(c) for c in range(0x0E01, 0x0E3B)) + "".join(chr(c) for c in range(0x0E40, 0x0E5C))
ALPHABET = THAI + "abcXYZ0123456789 .,/()-–=+@%&<>\"'\n\u200b\u00a0"
raw_text = st.text(alphabet=ALPHABET, min_size=1, max_size=60)
CONSONANTS = "".join(chr(c) for c in range(0x0E01, 0x0E2F))
# Words as clerks type them, formula-like text and markup among them: every output must keep them.
VOCABULARY = ("ส่งเสริม", "คุณธรรม", "จริยธรรม", "ประชาชน", "ร้อยละ", "๘๐", "80", "ไม่น้อยกว่า", "ครั้ง/ปี", "(ต่อเนื่อง)",
              "อปท.", "ฯลฯ", "=1+1", "+66", "-", "@SUM(A1)", "=cmd|' /C calc'!A0", 'HYPERLINK("x")', "<b>", "&amp;",
              '"คำพูด"', "'", "e-Plan", "ITA", "O36", "๒๕๖๗", "10,000", "ทำ", "น้ำ", "ไม้", "กิ่ง")
word = st.one_of(st.sampled_from(VOCABULARY), st.text(alphabet=CONSONANTS + "abcXYZ", min_size=1, max_size=8))


@st.composite
def clean(draw) -> str:
    """Text as the reader gives it back (cleaned already), so that a round trip must keep it."""
    text = " ".join(draw(st.lists(word, min_size=1, max_size=6)))
    assume(clean_text(text) == text and text.replace(" ", "") not in HEADERS)
    return text


amounts = st.one_of(st.integers(0, 10**9).map(float),
                    st.decimals(0, 10**7, places=2, allow_nan=False).map(float))
quarters = st.tuples(*[st.booleans()] * 4).filter(any)


@st.composite
def projects(draw, department: str) -> Project:
    quantity = draw(st.one_of(amounts, clean()))
    assume(not isinstance(quantity, str) or cells.parse_quantity(quantity) == quantity)  # "80" reads as 80.0
    return Project(name="โครงการ" + draw(clean()), unit=draw(clean()), quantity=quantity,
                   budget=draw(st.one_of(st.none(), amounts)), dimension=draw(st.integers(1, 4)),
                   indicator=draw(clean()), outcome=draw(st.one_of(st.just(""), clean())),
                   quarters=draw(quarters), department=department)


def same_fields(project: Project) -> tuple:
    return (project.name, project.unit, project.quantity, project.budget, project.dimension, project.indicator,
            project.outcome, project.quarters, project.department)


# --- round trips ---------------------------------------------------------------------------------------

@settings(SETTINGS, max_examples=25)
@given(st.sampled_from(CONFIG.department_names).flatmap(lambda d: st.lists(projects(d), min_size=1, max_size=6)))
def test_template_round_trip(plan: list[Project]) -> None:
    from ita_workbook.template import project_cells, write_template

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "template.xlsx"
        write_template(path, CONFIG, plan[0].department, rows=3, prefill=[project_cells(p) for p in plan])
        result = validate_files([path], CONFIG)
    assert [p.code for p in result.report.all_problems() if p.is_error] == []
    assert [same_fields(p) for p in result.plan.projects] == [same_fields(p) for p in plan]


@settings(SETTINGS, max_examples=15)
@given(st.lists(st.sampled_from(CONFIG.department_names).flatmap(projects), min_size=1, max_size=8))
def test_master_round_trip(plan: list[Project]) -> None:
    """The master's form sheet is a plan like any other: read back, it gives the projects in its order."""
    from ita_workbook.master import Heading, write_master

    whole = Plan(projects=plan, organisation=CONFIG.organisation, fiscal_year=CONFIG.fiscal_year)
    ordered = whole.ordered(CONFIG.department_names)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "master.xlsx"
        write_master(whole, path, Heading(organisation=CONFIG.organisation, fiscal_year=CONFIG.fiscal_year),
                     department_order=CONFIG.department_names)
        result = validate_files([path], CONFIG, accept_master=True)
    assert [p.code for p in result.report.all_problems() if p.is_error] == []
    # Digits inside text print Thai, plan.toml's default (numbers stay numbers).
    thai = [tuple(to_thai_digits(v) if isinstance(v, str) else v for v in same_fields(p)) for p in ordered]
    assert [same_fields(p) for p in result.plan.projects] == thai


# --- cell parsers --------------------------------------------------------------------------------------

any_cell = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=200), raw_text, st.text(alphabet="๐๑๒๓๔๕๖๗๘๙0123456789,.oO-+ บาท฿", max_size=20),
    st.dates(), st.datetimes(), st.times(), st.timedeltas(),
    st.sampled_from(["ไม่ใช้งบประมาณ", "ไม่ใช้ งบประมาณ", "-", "/", "✓", "มิติที่ ๒", "10,000 บาท", "1e400", "nan",
                     "ํ", "\u0e48\u0e31", "=1+1", "@SUM(A1)", "\x00", "\ud800" * 0]),
)
PARSERS = {"text": cells.parse_text, "quantity": cells.parse_quantity, "budget": cells.parse_budget,
           "dimension": cells.parse_dimension, "mark": cells.parse_mark, "department": cells.parse_department}


@settings(SETTINGS, max_examples=600)
@given(kind=st.sampled_from(sorted(PARSERS)), value=any_cell)
def test_every_cell_value_gives_a_value_or_a_problem(kind: str, value) -> None:
    column = next(c for c in COLUMNS if c.kind == kind)
    try:
        parsed = PARSERS[kind](value)
    except cells.CellError as exc:
        problem = Problem(exc.code, "a.xlsx", sheet="แผน", cell="B5", row=5, column=column.key, value=value,
                          detail=exc.detail, detail_en=exc.detail_en)
        assert exc.code in CODES and problem.message and problem.message_en
        return
    if kind == "budget":
        amount, no_budget = parsed
        assert (amount is None or (math.isfinite(amount) and isinstance(amount, float))) and isinstance(no_budget, bool)
    elif kind == "mark":
        assert isinstance(parsed, bool)
    elif kind == "dimension":
        assert parsed is None or isinstance(parsed, int)
    elif kind == "quantity":
        assert parsed is None or isinstance(parsed, (float, str))
    else:
        assert parsed is None or (isinstance(parsed, str) and parsed == parsed.strip() and parsed)


# --- mutated bytes -----------------------------------------------------------------------------------

def _base_workbooks() -> dict[str, bytes]:
    """A valid department file as openpyxl writes it (shared strings, styles, merged header) and as
    minimal writers do (inline strings)."""
    with tempfile.TemporaryDirectory() as folder:
        openpyxl_file = write_form(Path(folder) / "a.xlsx", [good(1), good(2, budget="10,000 บาท", q2="/")])
        raw_file = Path(folder) / "b.xlsx"
        write_xlsx(raw_file, {"แผน": form_sheet([good(1), good(2, dimension="๒")])})
        return {"openpyxl": openpyxl_file.read_bytes(), "inline": raw_file.read_bytes()}


BASES = _base_workbooks()
PARTS = {name: sorted(zipfile.ZipFile(io.BytesIO(data)).namelist()) for name, data in BASES.items()}
replacement = st.one_of(st.integers(0, 255).map(lambda b: bytes([b])),
                        st.sampled_from([b"", b"9999999", b"<", b">", b"&", b"\x00", b'"', b"XFD", b"</c>", b"<c r=\"A1\">",
                                         b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"\xe0\xb8", b"-1", b"1e308"]))
mutation = st.tuples(st.floats(0, 1, exclude_max=True), replacement)


def _mutate(data: bytes, mutations) -> bytes:
    out = bytearray(data)
    for where, new in mutations:
        at = int(where * len(out))
        out[at:at + 1] = new
    return bytes(out)


def _read_and_annotate(data: bytes) -> None:
    from ita_workbook.annotate import annotate_files

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mutated.xlsx"
        path.write_bytes(data)
        result = validate_files([path], CONFIG)
        annotate_files(result.report, Path(folder) / "marked")
    assert result.rows_read == len(result.plan.projects) + result.rows_rejected
    assert all(p.code in CODES for p in result.report.all_problems())


@settings(SETTINGS, max_examples=100)
@given(base=st.sampled_from(sorted(BASES)), mutations=st.lists(mutation, min_size=1, max_size=6),
       cut=st.one_of(st.none(), st.floats(0, 1)))
def test_mutated_bytes_never_raise(base: str, mutations, cut) -> None:
    """Bytes flipped anywhere in the file: mostly caught by the zip layer (CRCs, headers)."""
    data = _mutate(BASES[base], mutations)
    _read_and_annotate(data[: int(cut * len(data))] if cut is not None else data)


@settings(SETTINGS, max_examples=250)
@given(data=st.data(), base=st.sampled_from(sorted(BASES)), mutations=st.lists(mutation, min_size=1, max_size=4))
def test_mutated_xml_never_raises(data, base: str, mutations) -> None:
    """Bytes flipped inside one part, the zip rebuilt around it: every XML reader sees the damage."""
    part = data.draw(st.sampled_from(PARTS[base]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(BASES[base])) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in PARTS[base]:
            content = src.read(name)
            dst.writestr(name, _mutate(content, mutations) if name == part else content)
    _read_and_annotate(buffer.getvalue())


# --- nothing lost ---------------------------------------------------------------------------------------

cell_values = {
    "unit": st.sampled_from(["คน", "ครั้ง", None, "5"]),
    "quantity": st.sampled_from([40, "ทุกครั้งที่ดำเนินการ", None, "๒๐", -3]),
    "budget": st.sampled_from(["ไม่ใช้งบประมาณ", 10000, "๕,๐๐๐ บาท", "หนึ่งหมื่น", -5, None, "-", "=1+1"]),
    "dimension": st.sampled_from([1, 2, "๓", "มิติที่ 4", 7, "สอง", None]),
    "indicator": st.sampled_from(["ร้อยละ ๘๐", None, "มีการอบรม"]),
    "outcome": st.sampled_from([None, "ประชาชนพึงพอใจ"]),
    **{q: st.sampled_from(["/", None, None, "✓", "?"]) for q in QUARTER_KEYS},
    "department": st.sampled_from(["สำนักปลัด", "กองคลัง", "กอง คลัง", "กองบัญชี", None]),
}
file_rows = st.lists(st.fixed_dictionaries(cell_values), min_size=1, max_size=6)


@settings(SETTINGS, max_examples=30)
@given(files=st.lists(file_rows, min_size=1, max_size=3), names=st.lists(clean(), min_size=18, max_size=18))
def test_nothing_is_lost(files: list[list[dict]], names: list[str]) -> None:
    from python_calamine import CalamineWorkbook

    from ita_workbook.merge import merge_files

    with tempfile.TemporaryDirectory() as folder:
        paths, written = [], {}
        for f, rows in enumerate(files):
            path = Path(folder) / f"dept{f}.xlsx"
            grid = [row(no=f"{i + 1}.", name=f"โครงการ{names[f * 6 + i]}", **values) for i, values in enumerate(rows)]
            write_xlsx(path, {"แผน": form_sheet(grid)})
            paths.append(path)
            written.update({(str(path), 5 + i): g[1] for i, g in enumerate(grid)})  # rows 5…: under the header

        result = validate_files(paths, CONFIG)
        with_errors = {(p.path, p.row) for p in result.report.all_problems() if p.is_error and p.row}
        assert result.rows_read == len(written)
        assert len(result.plan.projects) + result.rows_rejected == result.rows_read
        assert with_errors <= set(written) and len(with_errors) == result.rows_rejected
        assert {(p.source.path, p.source.row) for p in result.plan.projects} == set(written) - with_errors

        master = Path(folder) / "master.xlsx"
        merged = merge_files(paths, master, CONFIG, draft=True)
        if any(p.code == "sent-twice" for p in result.report.all_problems()):  # one department's file twice
            assert not merged.written and not master.exists()  # never merged twice, not even as a draft
            return
        assert merged.projects_written == merged.projects_read == len(written)
        sheet = CalamineWorkbook.from_path(str(master)).get_sheet_by_name("ข้อมูล").to_python()
        header, data = sheet[0], [dict(zip(sheet[0], r)) for r in sheet[1:]]
        assert "source_cell" in header and len(data) == len(written)
        traced = set()
        for record in data:
            source = CalamineWorkbook.from_path(record["source_file"]).get_sheet_by_name(record["source_sheet"])
            column = "".join(ch for ch in record["source_cell"] if ch.isalpha())
            at = source.to_python()[int(record["source_row"]) - 1][ord(column) - ord("A")]
            assert clean_text(at) == record["name"]
            assert bool(record["has_errors"]) == ((record["source_file"], int(record["source_row"])) in with_errors)
            traced.add((record["source_file"], int(record["source_row"])))
        assert traced == set(written)

        refused = merge_files(paths, Path(folder) / "refused.xlsx", CONFIG)
        assert refused.written == result.report.ok == (result.rows_rejected == 0 and result.report.ok)
        assert refused.written == (Path(folder) / "refused.xlsx").exists()
