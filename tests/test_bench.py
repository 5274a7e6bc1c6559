"""The benchmarks' own pieces (generator, floor) and the speed fixes they led to: each fast path must
give exactly what the plain code gave. No timings here (they belong in `make bench`)."""

from __future__ import annotations

import datetime as dt
import gc
import importlib.util
import re
import sys
import zipfile
from pathlib import Path

import pytest
import python_calamine
from hypothesis import given, settings
from hypothesis import strategies as st

from ita_workbook import grid, reader, thai
from ita_workbook.config import load_config
from ita_workbook.validate import validate_files

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name: str):
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# --- the reference: the code before the fast paths ------------------------------------------------

def reference_clean_text(value: str) -> str:
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if thai._NEEDS_THAI_NORMALISE.search(text):
        text = thai._normalise_thai(text) if len(text) <= 2000 else thai._normalise_long(text)
    text = thai._INVISIBLE.sub("", text)
    lines = (thai._SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(thai._join_spaced_letters(line) for line in lines if line)


def reference_header_key(value) -> str:
    if value is None or isinstance(value, (bool, dt.date, dt.time, dt.timedelta)):
        return ""
    text = reference_clean_text(str(value))
    return re.sub(r"\s+", "", text).translate(thai._TO_ARABIC).lower().translate(reader._DASHES).rstrip(":*")


def reference_column_numbering(values: list) -> bool:
    texts = [reference_header_key(v) if not isinstance(v, (int, float)) else str(int(v))
             for v in values if reader._present(v)]
    return len(texts) >= 5 and all(reader._COLUMN_NUMBERS.match(t) for t in texts)


# Thai letters, vowels, tone marks, digits of both kinds, every kind of space and invisible
# character clean_text knows, dashes, line breaks and a few Latin letters.
ALPHABET = st.sampled_from(list("กขคงจนมยรวสอะาำิีึืุูเแโใไ่้๊๋์ํๅ๐๑๒๓๔๙0159 .:*()/-–—‐−abQ")
                           + ["\r", "\n", "\r\n", "\t", "\u00a0", "\u2003", "\u202f", "\u3000", "\u200b",
                              "\u200c", "\u200d", "\u200e", "\u2060", "\ufeff", "\u00ad", "\u2028", "\x0b",
                              "  ", "ไม่ใช้ งบประมาณ", "ไตรมาส ๑", "หน่วยงาน รับผิดชอบ", "ํา", "เเ"])
TEXTS = st.lists(ALPHABET, max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_clean_text_fast_path_and_cache_give_what_the_plain_code_gave(text):
    assert thai.clean_text(text) == reference_clean_text(text)
    assert thai.clean_text(text) == reference_clean_text(text)  # now from the cache
    long = text + " " * 1000 + text  # past the cached length
    assert thai.clean_text(long) == reference_clean_text(long)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_arabic_digits_replaced_as_translate_would(text):
    assert thai.to_arabic_digits(text) == text.translate(thai._TO_ARABIC)


@settings(max_examples=300, deadline=None)
@given(st.one_of(TEXTS, st.integers(-20, 200), st.floats(allow_nan=False, allow_infinity=False),
                 st.booleans(), st.none(), st.just(dt.date(2023, 3, 22))))
def test_header_key_is_the_plain_one(value):
    assert reader._header_key(value) == reference_header_key(value)


CELLS = st.one_of(st.sampled_from(["(1)", "2", "(๓)", "๔", " 5 ", "(10)", "", " ", "ที่", "1.", "๑.", "(1"]),
                  st.integers(0, 120), st.floats(0, 99, allow_nan=False), st.none(), TEXTS)


@settings(max_examples=400, deadline=None)
@given(st.lists(CELLS, max_size=14))
def test_column_numbering_stops_early_with_the_same_answer(values):
    assert reader._is_column_numbering(values) == reference_column_numbering(values)


def test_column_numbering_row_is_still_found():
    assert reader._is_column_numbering(["(1)", "(2)", 3, "๔", "(๕)", None, "", "(8)"])
    assert not reader._is_column_numbering(["(1)", "(2)", 3, "๔", "(๕)", "โครงการ"])
    assert not reader._is_column_numbering(["(1)", "(2)", 3, "๔"])


# --- the generator and the floor ------------------------------------------------------------------

def test_generated_department_files_validate_clean_and_feed_the_floor(tmp_path):
    generate, floor = _load("generate"), _load("floor")
    folder = generate.generate(12, tmp_path / "data")
    files = sorted(folder.glob("*.xlsx"))
    assert len(files) == 12
    assert generate.generate(12, folder) == folder  # current data is kept, not written again

    result = validate_files(files, load_config(BENCH / "plan.toml"))
    assert (result.report.errors, result.report.warnings) == (0, 0)
    assert result.rows_read == len(result.plan.projects) == 120
    assert len({p.name for p in result.plan.projects}) == 120  # names unique across files
    assert len({p.department for p in result.plan.projects}) == 10
    assert any(p.budget is None for p in result.plan.projects)
    assert any(p.budget for p in result.plan.projects)
    assert result.metadata[str(files[0])]["organisation"] == generate.ORGANISATION

    out = tmp_path / "floor.xlsx"
    assert floor.main(str(folder), str(out), generate.FIRST_DATA_ROW) == 0
    rows = python_calamine.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("data").to_python()
    assert len(rows) == 120
    first = python_calamine.CalamineWorkbook.from_path(str(files[0])).get_sheet_by_name("แผนปฏิบัติการ")
    assert rows[0] == first.to_python()[generate.FIRST_DATA_ROW][:len(rows[0])]


# --- grid: the xlsx pre-scan -----------------------------------------------------------------------

def calamine_area(xml: bytes) -> int:
    """Rows x columns from A1 to the last cell calamine itself places, reading the sheet in a
    package: the truth the scan must match."""
    import io

    from corpus.build import package_parts

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in {**package_parts(["s"]), "xl/worksheets/sheet1.xml": xml}.items():
            zf.writestr(name, data)
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue())).get_sheet_by_name("s")
    if not sheet.height:
        return 0
    (end_row, end_col) = sheet.end
    return (end_row + 1) * (end_col + 1)


@st.composite
def sheet_xml(draw) -> bytes:
    """Sheet XML as writers produce it and as hostile files bend it: rows out of order, leading
    zeros, cells without references, formatting-only cells, prefixed tags, attributes in any order,
    either quote, spaces around `=`, lower-case references, self-closing rows."""
    parts = [b'<worksheet xmlns="x"><sheetData>']
    for _ in range(draw(st.integers(0, 8))):
        # Small enough for calamine to place in this process (far cells are the corpus's).
        row = draw(st.sampled_from([b"1", b"2", b"9", b"10", b"007", b"120", b"36"]))
        prefix = draw(st.sampled_from([b"", b"x:"]))
        row_ref = draw(st.sampled_from([b' r="%s"' % row, b" r = '%s'" % row, b""]))
        if draw(st.integers(0, 5)) == 0:
            parts.append(b"<%srow%s/>" % (prefix, row_ref))
            continue
        parts.append(b"<%srow%s>" % (prefix, row_ref))
        for _ in range(draw(st.integers(0, 4))):
            col = draw(st.sampled_from([b"A", b"B", b"Z", b"AA", b"AB", b"CV", b"M", b"cv", b"ab"]))
            at = draw(st.sampled_from([row, b"3"]))
            ref = draw(st.sampled_from([b' r="%s%s"' % (col, at), b" r='%s%s'" % (col, at), b' r =\n"%s%s"' % (col, at),
                                        b""]))
            style = draw(st.sampled_from([b' s="1"', b""]))
            attrs = style + ref if draw(st.booleans()) else ref + style
            if draw(st.booleans()):
                parts.append(b'<%sc%s><%sv>1</%sv></%sc>' % (prefix, attrs, prefix, prefix, prefix))
            else:
                parts.append(b'<%sc%s/>' % (prefix, attrs))
        parts.append(b"</%srow>" % prefix)
    parts.append(b"</sheetData></worksheet>")
    return b"".join(parts)


@settings(max_examples=300, deadline=None)
@given(sheet_xml())
def test_sheet_scan_finds_the_used_area_calamine_finds(xml):
    assert grid._scan_sheet(xml).cells == calamine_area(xml)


def test_shared_strings_claims_are_still_checked(tmp_path):
    def book(claimed: str, strings: int) -> zipfile.ZipFile:
        path = tmp_path / f"{claimed}-{strings}.zip"
        with zipfile.ZipFile(path, "w") as zf:
            sis = b"".join(b"<si><t>x</t></si>" for _ in range(strings))
            zf.writestr("xl/sharedStrings.xml", b'<sst uniqueCount="%s">%s</sst>' % (claimed.encode(), sis))
        return zipfile.ZipFile(path)

    for claimed, strings in (("5", 5), ("100000", 0), ("100003", 3), ("0", 0)):
        grid._check_shared_strings(book(claimed, strings))  # within the margin: accepted
    for claimed, strings in (("100001", 0), ("2000000000", 3), ("-1", 0), ("1e9", 0)):
        with pytest.raises(grid.LoadError):
            grid._check_shared_strings(book(claimed, strings))


def test_cell_addresses():
    assert [reader.cell_address(r, c) for r, c in ((0, 0), (9, 25), (0, 26), (99, 701), (0, 702), (4, 16383))] == \
        ["A1", "Z10", "AA1", "ZZ100", "AAA1", "XFD5"]


# --- the command line: fewer full garbage collections --------------------------------------------

def test_commands_collect_the_old_generation_rarely_and_put_the_setting_back(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from ita_workbook import cli
    from ita_workbook import validate as validate_module

    folder = _load("generate").generate(2, tmp_path / "data")
    during = []
    real = validate_module.validate_files

    def spy(*args, **kwargs):
        during.append(gc.get_threshold())
        return real(*args, **kwargs)

    monkeypatch.setattr(validate_module, "validate_files", spy)
    before = gc.get_threshold()
    result = CliRunner().invoke(cli.main, ["validate", str(folder), "--config", str(BENCH / "plan.toml")])
    assert result.exit_code == 0, result.output
    assert "20 โครงการ" in result.output
    assert during == [(before[0], before[1], max(before[2], 1000))]
    assert gc.get_threshold() == before
