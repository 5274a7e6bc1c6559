"""Looks at a file before any parser sees it: size, kind, encryption, zip bombs.

`read_input` reads a file once and returns its bytes with the workbook's format (`inspect_file`:
the format alone), or raises `Unreadable` with a reason for a person.
The limits are stated in SECURITY.md; change them there too.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

MAX_FILE_BYTES = 50 * 1024 * 1024  # a department's workbook is a few hundred KB
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # all entries together, as declared and as inflated (20,000 rows: ~25 MB)
MAX_ENTRY_RATIO = 200  # inflated / compressed, for entries over 1 MB: real sheet XML stays well below
MAX_ZIP_ENTRIES = 20_000
DEFLATE_MAX_RATIO = 1032  # no deflate stream inflates more than this

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


@dataclass
class Unreadable(Exception):
    detail: str  # Thai
    detail_en: str
    reason: str  # a stable short word: empty, too-large, not-a-workbook, encrypted, zip-bomb, corrupt


@dataclass
class Input:
    """A file read once: its bytes, its format and, for a zip, the zip opened over those bytes (the
    checks, the xlsx scan and calamine all read these bytes; the file is not opened again)."""
    data: bytes
    kind: str  # 'xlsx', 'xlsm', 'xls', 'xlsb', 'ods' or 'pdf' (pdfgrid.py reads it)
    zip: zipfile.ZipFile | None = None


def inspect_file(path: Path) -> str:
    """'xlsx', 'xlsm', 'xls', 'xlsb', 'ods' or 'pdf' — or Unreadable."""
    with read_input(path) as source:
        return source.kind


@contextmanager
def read_input(path: Path) -> Iterator[Input]:
    """The file read once and looked at — or Unreadable. The file is held open while the caller
    works on its bytes, so that whoever looks at the reader process (/proc/PID/fd) sees which file
    it is on."""
    with ExitStack() as held:
        try:
            size = path.stat().st_size
            if path.is_dir():
                raise Unreadable("เป็นโฟลเดอร์ ไม่ใช่ไฟล์", "a folder, not a file", "not-a-file")
            if not path.is_file():  # never opened: a FIFO would wait for ever, a device never end
                raise Unreadable("ไม่ใช่ไฟล์ธรรมดา (เช่น FIFO หรืออุปกรณ์) จึงไม่อ่าน",
                                 "not a regular file (a FIFO or a device, say), so not read", "not-a-file")
            if size <= MAX_FILE_BYTES:
                data = held.enter_context(path.open("rb")).read(MAX_FILE_BYTES + 1)  # a file grown since: too large
                size = len(data)
        except FileNotFoundError:
            if path.is_symlink():
                raise Unreadable("เป็นลิงก์ที่ชี้ไปยังไฟล์ที่ไม่มีอยู่", "a link to a file that does not exist",
                                 "not-found") from None
            raise Unreadable("ไม่พบไฟล์", "file not found", "not-found") from None
        except OSError as exc:
            raise Unreadable(f"เปิดไฟล์ไม่ได้ ({exc.strerror})", f"cannot open the file ({exc.strerror})",
                             "cannot-open") from None
        if size == 0:
            raise Unreadable("ไฟล์ว่างเปล่า (0 ไบต์) ส่งไฟล์ใหม่อีกครั้ง", "the file is empty (0 bytes); send it again",
                             "empty")
        if size > MAX_FILE_BYTES:
            raise Unreadable(f"ไฟล์ใหญ่เกิน {MAX_FILE_BYTES // 2**20} MB",
                             f"the file is over {MAX_FILE_BYTES // 2**20} MB", "too-large")
        if data.startswith(b"PK"):
            yield _inspect_zip(data)
        elif data.startswith(OLE_MAGIC):
            yield _inspect_ole(data)
        elif b"%PDF-" in data[:1024]:  # readers accept the header anywhere in the first 1 KB
            yield Input(data, "pdf")
        else:
            raise _not_a_workbook(data[:2048])


def _inspect_zip(data: bytes) -> Input:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
        names = {i.filename for i in infos}
        kind = _zip_kind(zf, names)
        _check_bomb(data, infos)
    except zipfile.BadZipFile:
        raise Unreadable("ไฟล์เสียหรือดาวน์โหลดมาไม่ครบ เปิดในโปรแกรมแล้วบันทึกใหม่ หรือขอไฟล์ใหม่",
                         "the file is damaged or incomplete; re-save it or ask for it again", "corrupt") from None
    except (OSError, EOFError, RuntimeError, NotImplementedError, ValueError, zlib.error) as exc:
        raise Unreadable("ไฟล์เสียหาย", f"the file is damaged ({type(exc).__name__})", "corrupt") from None
    return Input(data, kind, zf)


def _zip_kind(zf: zipfile.ZipFile, names: set[str]) -> str:
    if "xl/workbook.xml" in names:
        ctypes = zf.read("[Content_Types].xml")[:200_000] if "[Content_Types].xml" in names else b""
        return "xlsm" if b"macroEnabled" in ctypes or "xl/vbaProject.bin" in names else "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "mimetype" in names:
        mimetype = zf.read("mimetype")[:100]
        if mimetype == b"application/vnd.oasis.opendocument.spreadsheet":
            return "ods"
        if b"opendocument.text" in mimetype:
            raise _save_as("เอกสาร Word/Writer (.odt)", "a text document (.odt)")
    if "word/document.xml" in names:
        raise _save_as("เอกสาร Word (.docx)", "a Word document (.docx)")
    if "ppt/presentation.xml" in names:
        raise _save_as("งานนำเสนอ PowerPoint", "a PowerPoint presentation")
    raise Unreadable("เป็นไฟล์ zip ที่ไม่มีสมุดงาน Excel อยู่ข้างใน", "a zip file without a workbook inside",
                     "not-a-workbook")


def _check_bomb(data: bytes, infos: list[zipfile.ZipInfo]) -> None:
    bomb = Unreadable("ไฟล์ขยายตัวผิดปกติเมื่อแตกไฟล์ (อาจเป็น zip bomb) จึงไม่อ่าน",
                      "the file inflates to an absurd size (a zip bomb?) and was not read", "zip-bomb")
    if len(infos) > MAX_ZIP_ENTRIES:
        raise bomb
    declared = sum(i.file_size for i in infos)
    if declared > MAX_UNZIPPED_BYTES:
        raise bomb
    for info in infos:
        if info.file_size > 2**20 and info.file_size > MAX_ENTRY_RATIO * max(info.compress_size, 1):
            raise bomb
    # Declared sizes can lie. Only if the compressed data could inflate past the limit do we inflate
    # it once, counting: a department's file of a few hundred KB never pays for this.
    if sum(i.compress_size for i in infos) * DEFLATE_MAX_RATIO <= MAX_UNZIPPED_BYTES:
        return
    inflated = 0
    with io.BytesIO(data) as fh:
        for info in infos:
            entry_limit = max(2**20, MAX_ENTRY_RATIO * info.compress_size)
            size = _inflated_size(fh, info, min(entry_limit, MAX_UNZIPPED_BYTES - inflated))
            inflated += size
            if inflated > MAX_UNZIPPED_BYTES or size > entry_limit:
                raise bomb


def _inflated_size(fh, info: zipfile.ZipInfo, limit: int) -> int:
    """What an entry's deflate stream really inflates to, counted up to just past `limit`.

    zipfile stops at the declared size, but calamine inflates the whole stream: a header declaring
    100 KB over a stream of 1 GB passed the declared-size checks and cost 2 GB (tests/corpus)."""
    if info.compress_type != zipfile.ZIP_DEFLATED:
        return info.file_size  # stored: as declared; other methods calamine does not read at all
    fh.seek(info.header_offset)
    local = fh.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local header")
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    fh.seek(info.header_offset + 30 + name_length + extra_length)
    stream = zlib.decompressobj(-zlib.MAX_WBITS)
    total, left = 0, info.compress_size
    while left > 0 and not stream.eof:
        data = fh.read(min(left, 1 << 16))
        if not data:
            break
        left -= len(data)
        while data:
            total += len(stream.decompress(data, 1 << 20))
            if total > limit:
                return total
            data = stream.unconsumed_tail
    return total


def _inspect_ole(data: bytes) -> Input:
    if ENCRYPTED_STREAM in data:
        raise Unreadable(
            "ไฟล์ถูกตั้งรหัสผ่านไว้ ให้เปิดใน Excel แล้วเลือก ไฟล์ > ข้อมูล > ป้องกันเวิร์กบุ๊ก > "
            "เข้ารหัสด้วยรหัสผ่าน ลบรหัสผ่านออก แล้วบันทึกและส่งใหม่",
            "the file is password-protected; in Excel choose File > Info > Protect Workbook > Encrypt "
            "with Password, clear the password, save and send it again",
            "encrypted")
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return Input(data, "xls")
    raise _save_as("เอกสาร Office รุ่นเก่าที่ไม่ใช่สมุดงาน Excel", "an old Office file that is not a workbook")


def _not_a_workbook(start: bytes) -> Unreadable:
    text = start.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<")):
        return Unreadable("เป็นหน้าเว็บ (HTML/XML) ที่ตั้งชื่อเป็นไฟล์ Excel เปิดใน Excel แล้ว "
                          "บันทึกเป็น (Save As) .xlsx แล้วส่งใหม่",
                          "an HTML/XML page named like a workbook; open it in Excel, Save As .xlsx and "
                          "send it again", "not-a-workbook")
    if start.startswith(b"{\\rtf"):
        return _save_as("เอกสาร RTF", "an RTF document")
    if b"\x00" not in start:
        return Unreadable("เป็นไฟล์ข้อความ (เช่น CSV) ไม่ใช่สมุดงาน Excel เปิดใน Excel แล้ว "
                          "บันทึกเป็น (Save As) .xlsx แล้วส่งใหม่",
                          "a text file (e.g. CSV), not a workbook; open it in Excel, Save As .xlsx and "
                          "send it again", "not-a-workbook")
    return Unreadable("ไม่ใช่ไฟล์ Excel หรือไฟล์เสียหาย บันทึกเป็น .xlsx แล้วส่งใหม่",
                      "not a workbook, or damaged; save it as .xlsx and send it again", "not-a-workbook")


def _save_as(thai: str, english: str) -> Unreadable:
    return Unreadable(f"เป็น{thai} ไม่ใช่สมุดงาน Excel คัดลอกตารางลงแบบฟอร์ม Excel แล้วบันทึกเป็น .xlsx",
                      f"{english}, not a workbook; copy the table into the Excel form and save as .xlsx",
                      "not-a-workbook")
