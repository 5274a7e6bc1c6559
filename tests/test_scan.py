"""The xlsx pre-scan (grid._scan_sheet): it must place every cell where calamine places it, on sheets
written the way hostile files bend the XML, and read each input from disk once."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import python_calamine
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.build import form_sheet, good, write_xlsx
from ita_workbook import grid, safety
from test_bench import calamine_area

# What a cell may hold. Calamine places the first kind; the second it reads as empty (so it is not
# placed), while the scan counts it as holding something: the scan may count more there, never less.
VALUES = [b"<v>1</v>", b"<f>1</f><v>2</v>", b"<is><t>x</t></is>", b"<!-- c --><v>1</v>", b"<x:v>1</x:v>",
          b"<v>1</v><!-- </c> -->", b"<v>1</v><ext a='/c>'/>"]
EMPTY_TO_CALAMINE = [b"<v></v>", b"<v/>", b"<f>1</f>", b"<v><![CDATA[1]]></v>", b""]
# Between cells and rows: markup that holds what looks like a far cell, and elements whose local name
# (after the first colon, as calamine takes it) is not c or row.
NOISE = [b"", b'<!-- <c r="ZZ999"><v>1</v></c> -->', b'<?pi <c r="ZZ99"><v>1</v></c> ?>',
         b"""<ext a="/>" b='>' c="/c>"/>""", b'<a:b:c r="ZZ99"><v>1</v></a:b:c>',
         b'<a:b:row r="999"/>', b"<![CDATA[<c r='ZZ9'><v>1</v></c>]]>", b"\n  "]


@st.composite
def hostile_sheet_xml(draw) -> tuple[bytes, bool]:
    """A sheet, and whether calamine places every cell the scan counts."""
    exact = True
    parts = [b'<?xml version="1.0"?><worksheet xmlns="x"><sheetData>']
    for _ in range(draw(st.integers(0, 6))):
        parts.append(draw(st.sampled_from(NOISE)))
        row = draw(st.sampled_from([b"1", b"2", b"9", b"30", b"007", b"B12"]))
        prefix = draw(st.sampled_from([b"", b"x:"]))
        row_ref = draw(st.sampled_from([b' r="%s"' % row, b" r = '%s' " % row, b"", b' spans="1:3" r="%s"' % row]))
        if draw(st.integers(0, 5)) == 0:
            parts.append(b"<%srow%s/>" % (prefix, row_ref))
            continue
        parts.append(b"<%srow%s>" % (prefix, row_ref))
        for _ in range(draw(st.integers(0, 5))):
            parts.append(draw(st.sampled_from(NOISE)))
            col = draw(st.sampled_from([b"A", b"B", b"Z", b"AA", b"CV", b"m", b"ab"]))
            at = draw(st.sampled_from([row.lstrip(b"B"), b"3", b"40"]))
            ref = draw(st.sampled_from([b' r="%s%s"' % (col, at), b" r='%s%s'" % (col, at), b' r =\n"%s%s"' % (col, at),
                                        b""]))
            others = draw(st.sampled_from([b' s="1"', b' s=">/"', b" t='n'", b' t="e"', b""]))
            attrs = ref + others if draw(st.booleans()) else others + ref
            if draw(st.integers(0, 2)) == 0:
                parts.append(b"<%sc%s%s/>" % (prefix, attrs, draw(st.sampled_from([b"", b" "]))))
                continue
            if b't="e"' in others:
                content = b"<v>#N/A</v>"
            elif draw(st.integers(0, 4)) == 0:
                content, exact = draw(st.sampled_from(EMPTY_TO_CALAMINE)), False
            else:
                content = draw(st.sampled_from(VALUES))
            end = draw(st.sampled_from([b"</%sc>", b"</%sc >", b"</%sc\n>"])) % prefix
            parts.append(b"<%sc%s>%s%s" % (prefix, attrs, content, end))
        parts.append(b"</%srow%s>" % (prefix, draw(st.sampled_from([b"", b" "]))))
    parts.append(b"</sheetData><ignored><c r='XFD1048576'><v>1</v></c></ignored></worksheet>")
    return b"".join(parts), exact


@settings(max_examples=400, deadline=None)
@given(hostile_sheet_xml())
def test_the_scan_places_cells_as_calamine_does_on_bent_xml(sheet):
    xml, exact = sheet
    scanned = grid._scan_sheet(xml).cells  # none of these is refused: each is XML
    try:
        counted = calamine_area(xml)
    except python_calamine.CalamineError:
        return  # calamine refuses it (an element it does not know in a cell): it allocates nothing
    assert scanned == counted if exact else scanned >= counted


def scan(body: str) -> grid._Scan:
    return grid._scan_sheet(f'<worksheet><sheetData>{body}</sheetData></worksheet>'.encode())


def test_the_scan_keeps_errors_formulas_without_values_and_hidden_rows():
    found = scan('<row r="2" hidden="1"><c r="B2" t="e"><v>#REF!</v></c><c r="C2"><f>1+1</f></c>'
                 '<c r="D2"><f>1</f><v>2</v></c><c t="e"><x:v>#N/A</x:v></c><c t="e"><v>&#35;DIV/0!</v></c></row>'
                 '<row hidden="true"/><row><c t="e"><v>#VALUE!#VALUE!#VALUE!</v></c></row>')
    assert found.errors == {(1, 1): "#REF!", (1, 4): "#N/A", (1, 5): "#DIV/0!", (3, 0): "#VALUE!#VALUE!#VALUE!"[:20]}
    assert found.unevaluated == {(1, 2)}
    assert found.hidden_rows == {1, 2}
    assert found.cells == 4 * 6


def test_a_cell_without_reference_follows_the_self_closing_cell_before_it():
    # `<c r="XFD5"/>` holds nothing, but the cell after it is XFE5 for calamine: far past the grid.
    assert scan('<row r="1048576"><c r="XFD1048576" s="1"/><c t="inlineStr"><is><t>far</t></is></c></row>').cells \
        == 1048576 * 16385


@pytest.mark.parametrize("body", [
    '<row r="2"><c r="B2" s="<"><v>1</v></c></row>',  # a `<` in a value: XML forbids it (expat refused it too)
    '<!DOCTYPE x><row r="2"><c r="B2"><v>1</v></c></row>',
    '<row r="2"><!-- never closed <c r="B2"><v>1</v></c></row>',
    '<row r="2"><c r="B2" r="C2"><v>1</v></c></row>',  # an attribute given twice
    '<row r="2"><c r=B2><v>1</v></c></row>',  # an attribute value without quotes
    '<row r="2"><c r="B2"><v>1</v></row>',  # a cell that never closes
    '<row r="2"><c r="B2"><v>1</v></c></c></row>',  # an end tag that closes nothing
    '<row r="2"><c r="B2"><v>1</v></c></row> < ',
])
def test_what_no_xml_parser_reads_is_corrupt(body):
    with pytest.raises(grid.LoadError) as refused:
        scan(body)
    assert refused.value.reason == "corrupt"


def test_traps_for_regular_expressions_cost_linear_time():
    """Each is about 1 MB: quadratic work would take minutes, not the fraction of a second these take.
    Bounded by what the work is, not by a clock: each is refused (or read) in one pass."""
    traps = [b"<!--" * 250_000, b'<c r="' * 160_000, b"<row a='" * 120_000, b"<" * 1_000_000,
             b'<c r="A1"><f>1</f>' * 55_000, b"<x>" * 330_000, b'<row r="1"><c r="A1" s="1"/>' + b"<c/>" * 250_000]
    for trap in traps:
        xml = b"<worksheet><sheetData>" + trap
        try:
            grid._scan_sheet(xml)
        except grid.LoadError as refused:
            assert refused.reason == "corrupt"


def test_each_input_is_read_from_disk_once(tmp_path):
    """The bytes read once feed the safety checks, the scan and calamine."""
    path = tmp_path / "a.xlsx"
    write_xlsx(path, {"แผน": form_sheet([good(1), good(2)])})
    opened: list[str] | None = []

    def record(event: str, args: tuple) -> None:
        if opened is not None and event == "open" and args and str(args[0]) == str(path):
            opened.append(str(args[0]))

    sys.addaudithook(record)  # hooks stay for the session: this one stops recording below
    loaded = grid.load_here(str(path))
    seen, opened = opened, None
    assert seen == [str(path)]
    assert loaded.kind == "xlsx" and [g.name for g in loaded.grids] == ["แผน"]
    assert [row[1] for row in loaded.grids[0].rows[4:6]] == ["โครงการทดสอบที่ 1", "โครงการทดสอบที่ 2"]


def test_the_child_looks_at_the_file_itself(tmp_path):
    """A file that is no workbook comes back from the reader child as Unreadable, with its reason."""
    (tmp_path / "empty.xlsx").write_bytes(b"")
    (tmp_path / "page.xlsx").write_text("<html><body>x</body></html>")
    outcomes = list(grid.load_each([(tmp_path / "empty.xlsx", None), (tmp_path / "page.xlsx", None),
                                    (tmp_path / "missing.xlsx", None)]))
    assert [type(o) for o in outcomes] == [safety.Unreadable] * 3
    assert [o.reason for o in outcomes] == ["empty", "not-a-workbook", "not-found"]
