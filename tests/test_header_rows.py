"""`reader._looks_like_header` decides whether a row inside a table is a repeated page header; it
skips the long texts once three hits are out of reach (speed, issue 14). These tests hold it to the
plain rule it replaced, over the seed plan's rows, the form's headers and generated mixtures."""

from __future__ import annotations

import random
from pathlib import Path

from ita_workbook import reader
from ita_workbook.form import PLAN_FORM

SEED = Path(__file__).parent / "data" / "seed_pho_thale_2566.txt"
COLUMNS = {"no": 0, "name": 1, "unit": 2, "quantity": 3, "budget": 4, "dimension": 5, "indicator": 6,
           "outcome": 7, "q1": 8, "q2": 9, "q3": 10, "q4": 11, "department": 12}


def _plain_rule(row, columns, form=PLAN_FORM) -> bool:
    """The rule as it was written before: every column's cell made a header key, three hits."""
    hits = sum(1 for key, col in columns.items()
               if col < len(row) and reader._match_header(reader._header_key(row[col]), exact=True, form=form) == key)
    return hits >= 3


def _seed_rows() -> list[list[str]]:
    return [line.split("\t") for line in SEED.read_text(encoding="utf-8").splitlines() if "\t" in line]


def _typed(alias: str) -> list[str]:
    """A header word padded with spaces, a colon or a star as clerks type them, and made long with
    spaces or invisible marks (a header word longer than 40 characters as typed)."""
    return [alias, f" {alias} ", f"{alias}:", f"{alias}*", " ".join(alias) + " " * 40, alias + "\u200b" * 45,
            alias.upper()]


def _header_texts(key: str | None = None) -> list[str]:
    """Every alias of every column (or of the column `key`) as typed."""
    return [text for column in (*PLAN_FORM.columns, *PLAN_FORM.layout_columns) if key in (None, column.key)
            for alias in column.headers for text in _typed(alias)]


def test_the_seed_rows_are_judged_as_before():
    rows = _seed_rows()
    judged = [reader._looks_like_header(row, COLUMNS) for row in rows]
    assert judged == [_plain_rule(row, COLUMNS) for row in rows]
    assert sum(judged) >= 4  # the seed repeats its header on each page: both rows of it are found


def test_mixtures_of_header_words_and_long_texts_are_judged_as_before():
    rng = random.Random(14)
    seed_cells = [cell for row in _seed_rows() for cell in row]
    long_texts = [t for t in seed_cells if len(t) > 40]
    pool = _header_texts() + seed_cells + [None, "", 1.0, 2566, 2566.0, True, "๑", "/"]
    assert long_texts and any(len(t) > 40 for t in _header_texts())
    agreed = headers = 0
    for _ in range(4000):
        width = rng.randint(0, 14)
        row = [rng.choice(pool if rng.random() < 0.7 else long_texts) for _ in range(width)]
        columns = dict(rng.sample(sorted(COLUMNS.items()), rng.randint(0, len(COLUMNS))))
        for key, col in columns.items():  # a column's own header word in its place, now and then
            if col < width and rng.random() < 0.3:
                row[col] = rng.choice(_header_texts(key))
        expected = _plain_rule(row, columns)
        assert reader._looks_like_header(row, columns) == expected, (row, columns)
        agreed += 1
        headers += expected
    assert agreed == 4000 and headers > 100  # both answers were met often


def test_a_header_of_long_typed_words_is_still_a_header():
    # Each word typed with spaces past 40 characters: only the long texts can make the three hits.
    spaced = {key: f"  {PLAN_FORM.column_by_key[key].header}" + " " * 40 for key in ("name", "indicator", "outcome")}
    row = [""] * 13
    for key, text in spaced.items():
        row[COLUMNS[key]] = text
    assert all(len(text) > 40 for text in spaced.values())
    assert reader._looks_like_header(row, COLUMNS) is True
    assert _plain_rule(row, COLUMNS) is True
    row[COLUMNS["outcome"]] = "ผลลัพธ์ที่ได้จากการดำเนินโครงการทั้งหมดตลอดทั้งปีงบประมาณ"
    assert reader._looks_like_header(row, COLUMNS) is False


def test_a_row_names_the_project_column_as_the_header_matching_says():
    # reader._names_project stops at the project column; the header matching of the whole row is the rule.
    rng = random.Random(11)
    names = _header_texts("name")
    rows = _seed_rows() + [[text] for text in _header_texts()]
    pool = _header_texts() + [cell for row in _seed_rows() for cell in row] + [None, "", 2566, 2566.0, True]
    for _ in range(3000):
        row = [rng.choice(pool) for _ in range(rng.randint(0, 14))]
        if row and rng.random() < 0.3:
            row[rng.randrange(len(row))] = rng.choice(names)
        rows.append(row)
    judged = [reader._names_project(row, PLAN_FORM) for row in rows]
    assert judged == ["name" in reader._match_rows([row], PLAN_FORM) for row in rows]
    assert 500 < sum(judged) < len(rows) - 500  # both answers were met often
