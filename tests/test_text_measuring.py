"""Measuring text (issue 14): the faster line counter and word list answer exactly as before.

- `xlsx_style._dictionary()` (ICU's words as a set and a sorted list) gives pythainlp's tokenizers the
  same answers as pythainlp's own `Trie` of the same words, so both cut every text alike.
- Every line count, line and unbreakable width over the seed plan's texts, its printed lines, the
  form's headers, the benchmark's numbered project names and odd texts, at many widths, sizes, both
  weights, both kinds of column and both fonts measured, is the one main gave before the change
  (pinned in tests/data/line_counts.json, written by `python tests/test_text_measuring.py` run with
  main's src at 3364d15 first on PYTHONPATH; re-pin only for a change meant to move row heights).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

from seed import SEED_TEXT, seed_rows  # noqa: E402
from test_line_count import ODD_TEXTS  # noqa: E402

from ita_workbook import form, xlsx_style  # noqa: E402
from ita_workbook.thai import to_thai_digits  # noqa: E402

PINNED = Path(__file__).resolve().parent / "data" / "line_counts.json"
WIDTHS = (3, 6.5, 9, 14, 20, 34, 40, 60, 163)
# (columns, size, bold, font measured)
CASES = (("arial", 14, False, "TH SarabunPSK"), ("arial", 16, True, "TH SarabunPSK"),
         ("form", 16, False, "TH SarabunPSK"), ("arial", 14, False, "Sarabun"))
COLUMNS = {"arial": xlsx_style.ARIAL_COLUMNS, "form": xlsx_style.FORM_FONT_COLUMNS}


def measured_texts() -> list[str]:
    rows = seed_rows()
    texts = {value for row in rows for value in row.values() if isinstance(value, str) and value.strip()}
    lines = [line for line in SEED_TEXT.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts |= {piece for line in lines for piece in (line, *line.split("\t")) if piece.strip()}
    texts |= {c.header for c in (*form.COLUMNS, *form.OFFERED_COLUMNS)}
    texts |= set(ODD_TEXTS)
    # The benchmark's names (benchmarks/generate.py), and two texts as one cell of two paragraphs.
    texts |= {f"{row['name']} (แผนที่ {to_thai_digits(f'{n:04d}')}-{n % 10})" for n, row in enumerate(rows)}
    texts |= {f"{a['indicator']}\n{a['outcome']}" for a in rows[:10]}
    return sorted(texts)


def measure(texts: list[str]) -> dict[str, list]:
    """Each text's line counts (every case and width), then a digest of its lines and its unbroken
    widths (the same cases): what the pin holds."""
    answers = {}
    for text in texts:
        counts, lines = [], []
        for columns, size, bold, font in CASES:
            with xlsx_style.measuring(font):
                for width in WIDTHS:
                    counts.append(COLUMNS[columns].line_count(text, width, size, bold))
                    lines.append(COLUMNS[columns].wrap(text, width, size, bold))
                lines.append(xlsx_style.unbroken_widths(text, size, bold))
        answers[text] = [counts, hashlib.sha256(repr(lines).encode()).hexdigest()[:16]]
    return answers


def test_line_counts_lines_and_widths_are_the_ones_main_gave():
    pinned = json.loads(PINNED.read_text(encoding="utf-8"))
    texts = measured_texts()
    assert len(texts) > 300 and set(texts) == set(pinned)
    now = measure(texts)
    differ = [text for text in texts if now[text] != pinned[text]]
    assert not differ, [(text, pinned[text], now[text]) for text in differ[:5]]
    assert pinned["ก" * 300][0][:3] == [150, 75, 50]  # the pin holds real counts, not ones


# Each word list of ours beside pythainlp's trie of the same words, as its own functions give them.
WORD_LISTS = {"icu": ("_dictionary", "thai_icu_words"), "pythainlp": ("default_words", "thai_words")}
_TRIES: dict = {}


def _pythainlp_trie(name: str):
    if name not in _TRIES:
        from pythainlp import corpus
        from pythainlp.util import Trie

        _TRIES[name] = Trie(getattr(corpus, WORD_LISTS[name][1])())
    return _TRIES[name]


def _cut_alike(run: str, words, trie) -> None:
    from pythainlp.tokenize import word_tokenize

    for start in range(len(run)):
        assert words.prefixes(run, start) == trie.prefixes(run, start), (run, start)
    for engine in xlsx_style._ENGINES:
        assert word_tokenize(run, custom_dict=words, engine=engine) == \
               word_tokenize(run, custom_dict=trie, engine=engine), (run, engine)


@pytest.mark.parametrize("name, size", [("icu", 26383), ("pythainlp", 62106)])
def test_the_word_lists_answer_as_pythainlp_tries(name, size):
    words, trie = getattr(xlsx_style, WORD_LISTS[name][0])(), _pythainlp_trie(name)
    assert len(words) == len(trie) == size and set(words) == set(trie)
    runs = sorted({run for text in measured_texts() for run in text.split()})
    assert len(runs) > 700
    for run in runs:
        _cut_alike(run, words, trie)
    assert words.prefixes("โครงการส่งเสริม") == ["โค", "โครง", "โครงการ"]
    assert "โครงการ" in words and "โครงกา" not in words and "" not in words
    with pytest.raises(TypeError):
        words.add("คำใหม่")


# Thai letters, vowels, tone marks, digits, Latin and punctuation, and pieces of real words.
_PIECES = st.sampled_from(["โครงการ", "ส่งเสริม", "คุณธรรม", "จริยธรรม", "ประชาชน", "มี", "ส่วน", "ร่วม",
                           "ร้อยละ", "๘๐", "-", "/", "(", ")", "e", "Service", "ฯ", "ๆ", "ะ", "ั", "่", "เ", "า",
                           "ก", "ข", "ค", "ง", "น", "ร", "ล", "อ", "1", ".", " "])


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(WORD_LISTS)), st.lists(_PIECES, min_size=1, max_size=40).map("".join))
def test_any_run_is_cut_alike_with_either_word_list(name, run):
    _cut_alike(run, getattr(xlsx_style, WORD_LISTS[name][0])(), _pythainlp_trie(name))


def test_a_template_written_the_quick_way_holds_the_parts_it_held(tmp_path: Path, monkeypatch):
    """Templates are packaged in memory now (`new_workbook`'s in_memory) instead of through temporary
    files, and their formulas prepared once (`_FormulasOnce`): every part of the package (cells,
    styles, validations, conditional formats, protection, heights) is the same bytes as xlsxwriter's
    own way writes; only the zip's own entry dates differ, which no reader shows."""
    import datetime as dt
    import zipfile

    import openpyxl
    from xlsxwriter.worksheet import Worksheet

    from ita_workbook import template
    from ita_workbook.config import load_config

    config = load_config(Path(__file__).resolve().parents[1] / "examples" / "pho-thale-2566" / "plan.toml")
    generated = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.timezone.utc)
    on_disk = xlsx_style.new_workbook

    def temporary_files(path, font=xlsx_style.DEFAULT_FONT):
        workbook = on_disk(path, font)
        workbook.in_memory, workbook.worksheet_class = False, Worksheet
        return workbook

    paths = {}
    for kind in ("memory", "disk", "memory again"):
        monkeypatch.setattr(template, "new_workbook", temporary_files if kind == "disk" else on_disk)
        paths[kind] = tmp_path / f"{kind}.xlsx"
        template.write_template(paths[kind], config, "กองคลัง", prefill=[{"name": "โครงการ" * 30}],
                                generated=generated)
    packages = {kind: zipfile.ZipFile(path) for kind, path in paths.items()}
    names = packages["disk"].namelist()
    assert "xl/worksheets/sheet2.xml" in names
    for kind in ("memory", "memory again"):  # the second from formulas already prepared
        assert packages[kind].namelist() == names
        for name in names:
            assert packages[kind].read(name) == packages["disk"].read(name), (kind, name)
    assert b"<conditionalFormatting" in packages["memory again"].read("xl/worksheets/sheet2.xml")
    sheet = openpyxl.load_workbook(paths["memory"])[template.FORM_SHEET]
    assert sheet.protection.sheet and sheet.data_validations.dataValidation
    assert any(sheet.row_dimensions[r].height for r in range(1, 10))


def test_blank_templates_load_neither_the_master_nor_the_reader(tmp_path: Path):
    """`template` without --from writes blank forms: the master's writer and the reader (a third of
    what the command imported) are loaded only for pre-filled rows."""
    import subprocess

    plan = Path(__file__).resolve().parents[1] / "examples" / "pho-thale-2566" / "plan.toml"
    code = ("import sys\nfrom ita_workbook.cli import main\n"
            f"try:\n    main(['template', '--config', {str(plan)!r}, '-o', {str(tmp_path)!r}], standalone_mode=False)\n"
            "except SystemExit:\n    pass\n"
            "print(*sorted(m for m in sys.modules if m.startswith('ita_workbook.')), sep=' ')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = done.stdout.split("\n")[-2].split()
    assert "ita_workbook.template" in loaded and "ita_workbook.xlsx_style" in loaded
    assert "ita_workbook.master" not in loaded and "ita_workbook.reader" not in loaded
    assert len(list(tmp_path.glob("*.xlsx"))) == 6


if __name__ == "__main__":  # write the pin with whatever ita_workbook is first on the path
    answers = measure(measured_texts())
    PINNED.write_text("{\n" + ",\n".join(f"{json.dumps(text, ensure_ascii=False)}: {json.dumps(answers[text])}"
                                          for text in sorted(answers)) + "\n}\n", encoding="utf-8")
    print(f"{PINNED}: {PINNED.stat().st_size:,} bytes")
