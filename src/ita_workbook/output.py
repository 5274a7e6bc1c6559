"""Outputs are written atomically: to a temporary file beside the target, then renamed."""

from __future__ import annotations

import errno
import os
import re
import sys
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Callable, Iterator


class OutputError(OSError):
    """An output that could not be written, said in Thai and English (`str()` gives both). An OSError,
    so that the callers that already said "cannot write" for one keep doing so."""

    def __init__(self, target: Path, cause: BaseException | None = None, said: str = ""):
        """`said`: the message already made (by the reader's child, which wrote the copy)."""
        error = cause if isinstance(cause, OSError) else next(
            (a for a in getattr(cause, "args", ()) if isinstance(a, OSError)), None)
        number = error.errno if error is not None else None
        thai, english = _REASONS.get(number, (f"ระบบแจ้งว่า {_plain(error or cause)}", _plain(error or cause)))
        super().__init__(number or 0, said or f"เขียน {_shown(target)} ไม่ได้: {thai} / cannot write {_shown(target)}: {english}")
        self.target = target

    def __str__(self) -> str:
        return self.strerror


_REASONS = {
    errno.EACCES: ("ไม่มีสิทธิ์เขียนในโฟลเดอร์นี้ หรือไฟล์เปิดอยู่ในโปรแกรมอื่น เลือกโฟลเดอร์อื่น หรือปิดไฟล์ก่อน",
                   "no permission to write there, or the file is open in another program; choose another "
                   "folder or close it"),
    errno.EPERM: ("ไม่มีสิทธิ์เขียนในโฟลเดอร์นี้ เลือกโฟลเดอร์อื่น", "no permission to write there; choose another folder"),
    errno.EROFS: ("โฟลเดอร์นี้อ่านได้อย่างเดียว เลือกโฟลเดอร์อื่น", "the folder is read-only; choose another folder"),
    errno.ENOTDIR: ("ส่วนหนึ่งของที่อยู่เป็นไฟล์ ไม่ใช่โฟลเดอร์ ตรวจชื่อโฟลเดอร์", "a part of the path is a file, not a "
                    "folder; check the folder's name"),
    errno.EEXIST: ("ส่วนหนึ่งของที่อยู่เป็นไฟล์ ไม่ใช่โฟลเดอร์ ตรวจชื่อโฟลเดอร์", "a part of the path is a file, not a "
                   "folder; check the folder's name"),
    errno.EISDIR: ("มีโฟลเดอร์ชื่อนี้อยู่แล้ว ใช้ชื่อไฟล์อื่น", "a folder has this name; choose another file name"),
    errno.ENAMETOOLONG: ("ชื่อไฟล์หรือที่อยู่ยาวเกินไป ใช้ชื่อที่สั้นลง", "the name is too long; use a shorter one"),
    errno.ENOSPC: ("พื้นที่ดิสก์เต็ม ลบไฟล์ที่ไม่ใช้แล้วหรือเลือกดิสก์อื่น", "the disk is full; free some space or "
                   "choose another disk"),
    errno.EDQUOT: ("พื้นที่ดิสก์ตามโควตาเต็ม ลบไฟล์ที่ไม่ใช้แล้ว", "the disk quota is used up; free some space"),
    errno.ENOENT: ("ไม่พบโฟลเดอร์ที่จะเขียน ตรวจชื่อโฟลเดอร์", "the folder to write to does not exist; check its name"),
}


def _plain(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or type(exc).__name__


def _shown(path: Path) -> str:
    return printable(str(path))


_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def readable(text: str) -> str:
    """A file name as a person can read it, and as UTF-8 can hold it: the bytes of a name that are not
    UTF-8 (Python keeps them as surrogates) read as TIS-620, the Thai Windows encoding that zips made
    on Thai Windows carry. Text without such bytes is returned as it is."""
    return text if text.isascii() else _UNDECODED_WORD.sub(_as_thai, text)


# A word (up to a space or a slash) holding bytes that were not UTF-8: a name is in one encoding or
# the other, and some TIS-620 byte pairs happen to be valid UTF-8, so the whole word is read again.
_UNDECODED_WORD = re.compile("[^\\s/]*[\udc80-\udcff][^\\s/]*")


def _as_thai(match: re.Match) -> str:
    return match.group().encode("utf-8", "surrogateescape").decode("cp874", "replace")


def printable(text: str) -> str:
    """Text for the terminal: readable file names, and control characters from a cell (ESC, BEL…)
    shown as \\xNN instead of being obeyed by the terminal. Line breaks and tabs stay."""
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", readable(text))


MAX_NAME_BYTES = 255  # a file name's limit on Linux (bytes) and macOS; Windows counts 255 UTF-16 units
# Characters Windows forbids in a name (and the path separators), and control characters (NUL first).
_FORBIDDEN_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f-\x9f\ud800-\udfff]')
# Names Windows keeps for devices, with any extension (CON.xlsx is the console too).
_RESERVED_NAMES = re.compile(r"(CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|(COM|LPT)[0-9¹²³])", re.IGNORECASE)


def safe_filename(stem: str, suffix: str = "", *, fill: str = "_", max_bytes: int = MAX_NAME_BYTES) -> str:
    """One file name made of `stem` and `suffix` that every system can hold: no folder part, no
    character Windows forbids or control character (each becomes `fill`), no leading dot (hidden),
    no trailing dot or space (Windows drops them), no device name (CON, NUL…), and at most
    `max_bytes` bytes of UTF-8. A stem too long is cut at a letter and given a short digest of the
    whole, so that two long names that begin alike stay two names; `suffix` (`.xlsx`,
    ` (ตรวจแล้ว).xlsx`) is always kept whole."""
    import hashlib
    import unicodedata

    def clean(text: str) -> str:  # a TIS-620 name read from disk becomes Thai, not replaced
        return _FORBIDDEN_IN_NAMES.sub(fill, unicodedata.normalize("NFC", readable(text)))

    stem, suffix = clean(stem).lstrip(". ").rstrip(), clean(suffix)
    if not suffix:
        stem = stem.rstrip(". ")
    room = max_bytes - len(suffix.encode("utf-8"))
    if len(stem.encode("utf-8")) > room:
        digest = "~" + hashlib.sha256(stem.encode("utf-8")).hexdigest()[:6]
        stem = stem.encode("utf-8")[:room - len(digest)].decode("utf-8", "ignore").rstrip(". ") + digest
    stem = stem or "file"
    if _RESERVED_NAMES.fullmatch(stem.split(".")[0].rstrip(" ")):
        stem = "_" + stem  # not `fill`: a name starting with "-" reads as an option on a command line
    return stem + suffix


def fit_terminal() -> None:
    """A console that cannot show a character (cp874 has no ■, ✓ or ✗; a surrogate has no encoding)
    shows it escaped (\\u25a0) rather than stopping the command with a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def _write_failure(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return True
    xlsxwriter_errors = sys.modules.get("xlsxwriter.exceptions")  # loaded only if xlsxwriter wrote
    # FileCreateError (the file could not be created or filled) is not an OSError.
    return xlsxwriter_errors is not None and isinstance(exc, xlsxwriter_errors.FileCreateError)


@contextmanager
def atomic_path(target: str | Path, suffix: str = "") -> Iterator[Path]:
    """A temporary path in the target's folder; renamed onto the target only if the block succeeds.
    Any failure to write (a read-only folder, a parent that is a file, a name too long, a full disk)
    is an OutputError, and no temporary file is left."""
    import secrets

    target = Path(target)
    tmp_path: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        while tmp_path is None:
            # Named before it is made, so that a stop at any moment after (Ctrl+C lands between any two
            # steps; inside tempfile.mkstemp it left the file) finds it to remove. The stem cut short:
            # the temporary name must fit where the target's name fits (255 bytes).
            tmp_path = target.parent / f".{target.stem[:40]}.{secrets.token_hex(6)}{suffix or target.suffix[:16]}"
            try:
                # An ordinary file, as the umask says (not mkstemp's private one).
                os.close(os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            except FileExistsError:  # another's: never removed
                tmp_path = None
            except OSError:  # not made (a read-only folder, a name too long): nothing to remove
                tmp_path = None
                raise
        yield tmp_path
        os.replace(tmp_path, target)
    except OutputError:
        raise
    except Exception as exc:
        if not _write_failure(exc):
            raise
        raise OutputError(target, exc) from None
    finally:
        if tmp_path is not None:
            with suppress(FileNotFoundError):
                tmp_path.unlink()


def write_text_atomic(target: str | Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def quiet_abandoned_files() -> Callable[[], None]:
    """A writer stopped by a full disk leaves its zip file open, and closing it fails the same way,
    printing a traceback when the file is collected. Call this inside the `except OutputError`
    clause (whose traceback still holds the writer), and what it returns once out of it: the file is
    collected quietly then."""
    import gc

    hook = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: None

    def release() -> None:
        gc.collect()
        sys.unraisablehook = hook
    return release


def exists(path: str | Path) -> bool:
    """Whether `path` exists; a name the system cannot even look up (too long, a file for a folder)
    does not, and writing it will say why."""
    try:
        return Path(path).exists()
    except OSError:
        return False


def same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve() or os.path.samefile(a, b)
    except OSError:
        return False
