"""The benchmarks' own pieces (generator, floor) and the speed fixes they led to: each fast path must
give exactly what the plain code gave. No timings here (they belong in `make bench`)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import sys
from pathlib import Path

import python_calamine
from hypothesis import given, settings
from hypothesis import strategies as st

from ita_workbook import reader, thai
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
    return "\n".join(line for line in lines if line)


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
def test_arabic_digits_only_translated_when_there_are_thai_digits(text):
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
