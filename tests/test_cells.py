"""Each cell parser: what it accepts, and the problem code of what it refuses."""

import datetime as dt

import pytest

from ita_workbook import cells
from ita_workbook.cells import CellError, Refused, parse_mark, parse_quarters
from ita_workbook.thai import clean_text


@pytest.mark.parametrize("value, expected", [
    (10000, (10000.0, False)), ("๑๐,๐๐๐", (10000.0, False)), ("10,000 บาท", (10000.0, False)),
    ("1500.50", (1500.5, False)), ("๒๕,๐๐๐.-", (25000.0, False)), ("ไม่ใช้งบประมาณ", (None, True)),
    ("ไม่ใช้ งบประมาณ", (None, True)), ("ไม่ใช้\nงบประมาณ", (None, True)), ("-", (None, True)),
    ("", (None, False)), (None, (None, False)), ("๑o,ooo", (10000.0, False)), (1e12, (1e12, False)),
])
def test_budget_accepts(value, expected):
    assert cells.parse_budget(value) == expected


@pytest.mark.parametrize("value, code", [
    ("ประมาณหนึ่งหมื่น", "bad-budget"), ("10,000 ดอลลาร์", "bad-budget"), (True, "bad-budget"),
    (dt.datetime(2023, 2, 1), "excel-date"), (float("nan"), "bad-budget"), (-500, "bad-budget"),
    ("-500", "bad-budget"), (float("inf"), "bad-budget"), (float("-inf"), "bad-budget"), ("1e309", "bad-budget"),
    ("9" * 400, "bad-budget"), (9e307, "bad-budget"), (1e12 + 1, "bad-budget"), ("²⁵⁶⁷", "bad-budget"),
])
def test_budget_refuses(value, code):
    with pytest.raises(cells.CellError) as err:
        cells.parse_budget(value)
    assert err.value.code == code


@pytest.mark.parametrize("value, expected", [
    (2, 2), (2.0, 2), ("๒", 2), ("2.0", 2), ("มิติ 2", 2), ("มิติที่ ๒", 2), ("มิติที่2", 2),
    ("2 การบริหารราชการด้วยความโปร่งใส", 2), ("การส่งเสริมบทบาทและการมีส่วนร่วมของภาคประชาชน", 3),
    ("5", 5), (None, None), ("", None),
])
def test_dimension_parses(value, expected):
    assert cells.parse_dimension(value) == expected


@pytest.mark.parametrize("value", ["สอง", 2.5, "มิติ", True])
def test_dimension_refuses(value):
    with pytest.raises(cells.CellError) as err:
        cells.parse_dimension(value)
    assert err.value.code == "bad-dimension"


@pytest.mark.parametrize("value", ["/", "✓", "✔", "√", "x", "X", "*", 1, True, " / "])
def test_quarter_marks(value):
    assert cells.parse_mark(value) is True


@pytest.mark.parametrize("value", [None, "", "  ", False, 0, "-"])
def test_quarter_blanks(value):
    assert cells.parse_mark(value) is False


@pytest.mark.parametrize("value", ["?", "ใช่ไหม", 2, dt.date(2023, 1, 1)])
def test_quarter_refuses(value):
    with pytest.raises(cells.CellError) as err:
        cells.parse_mark(value)
    assert err.value.code == "bad-quarter-mark"


def test_quantity_numbers_words_and_dates():
    assert cells.parse_quantity("๔๐") == 40.0
    assert cells.parse_quantity(" 1,200 ") == 1200.0
    assert cells.parse_quantity("ทุกครั้งที่ ดำเนินการ") == "ทุกครั้งที่ ดำเนินการ"
    with pytest.raises(cells.CellError) as err:
        cells.parse_quantity(dt.datetime(2023, 2, 1))
    assert err.value.code == "excel-date"


def test_text_is_cleaned_not_nfkc():
    assert cells.parse_text("  โครงการ\u200b  ปลูก  ") == "โครงการ ปลูก"
    assert cells.parse_text("กํา") == "กำ"  # ํ + า typed for ำ
    assert clean_text("สม่ัครสมาน") == "สมั่ครสมาน"  # tone mark before its vowel
    assert cells.parse_text("=SUM(A1)") == "=SUM(A1)"  # kept as text
    assert cells.parse_text(12.0) == "12"
    with pytest.raises(cells.CellError) as err:
        cells.parse_text("ก" * 10_000)
    assert err.value.code == "text-too-long"


def test_wingdings_ticks_and_bracketed_no_budget():
    assert cells.parse_mark("ü") is True and cells.parse_mark("þ") is True
    assert cells.parse_budget("(ไม่ใช้งบประมาณ)") == (None, True)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), "1" * 4500, 1e300, "๑" * 4500])
def test_a_dimension_that_is_no_small_number_is_refused_at_its_cell(value):
    with pytest.raises(cells.CellError) as err:
        cells.parse_dimension(value)
    assert err.value.code == "bad-dimension"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_a_quantity_that_is_not_finite_is_refused(value):
    with pytest.raises(cells.CellError) as err:
        cells.parse_quantity(value)
    assert err.value.code == "bad-quantity"


def test_a_typed_number_too_long_to_be_finite_stays_text():
    assert cells.parse_quantity("9" * 400) == "9" * 400


@pytest.mark.parametrize("typed, quarters", [
    (2, (0, 1, 0, 0)), (4.0, (0, 0, 0, 1)), ("๓", (0, 0, 1, 0)), ("1,2", (1, 1, 0, 0)), ("๑, ๓", (1, 0, 1, 0)),
    ("ไตรมาส 2", (0, 1, 0, 0)), ("ไตรมาสที่ ๑-๔", (1, 1, 1, 1)), ("1 – 3", (1, 1, 1, 0)), ("Q1/Q4", (1, 0, 0, 1)),
    ("1 และ 3", (1, 0, 1, 0)), ("2 ถึง 4", (0, 1, 1, 1)), ("ทุกไตรมาส", (1, 1, 1, 1)), ("ตลอดปี", (1, 1, 1, 1)),
    ("ไตรมาส 1, ไตรมาส 2", (1, 1, 0, 0)), (None, (0, 0, 0, 0)), ("-", (0, 0, 0, 0)), ("  ", (0, 0, 0, 0)),
])
def test_one_quarter_column_names_its_quarters_as_clerks_type_them(typed, quarters):
    assert parse_quarters(typed) == tuple(map(bool, quarters))


@pytest.mark.parametrize("typed, code", [
    (5, "bad-quarters"), (12, "bad-quarters"), ("12", "bad-quarters"), (1.5, "bad-quarters"), (0, "bad-quarters"),
    ("4-1", "bad-quarters"), ("ต.ค.", "bad-quarters"), ("ครึ่งปี", "bad-quarters"), ("ไตรมาส", "bad-quarters"),
    (True, "bad-quarters"), (dt.datetime(2023, 2, 1), "bad-quarters"), ("#N/A", "excel-error"),
])
def test_a_quarter_column_naming_no_quarter_is_refused_never_guessed(typed, code):
    with pytest.raises(CellError) as caught:
        parse_quarters(typed)
    assert caught.value.code == code


def test_a_refused_value_raises_its_code_from_the_quarter_parser_and_survives_pickling():
    import pickle

    refused = pickle.loads(pickle.dumps(Refused("5", "bad-quarters")))
    assert (refused, refused.code) == ("5", "bad-quarters")
    with pytest.raises(CellError) as caught:
        parse_mark(refused)
    assert caught.value.code == "bad-quarters"
