"""A workbook → PDF with LibreOffice (headless), the PDF that gets published on the website.

LibreOffice exits 0 even when it fails, so success is judged by the PDF it leaves. Each run gets its
own throw-away profile: two conversions at once (or an open LibreOffice window) otherwise collide.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Iterable
from xml.sax.saxutils import escape

TIMEOUT_SECONDS = 180  # a cold start with a fresh profile takes a few seconds; a hung one never ends

_KNOWN_PLACES = (
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)


class PdfError(Exception):
    """No PDF: `reason` is "not-installed", "failed" or "timeout"; the messages say what to do."""

    def __init__(self, reason: str, thai: str, english: str):
        super().__init__(english)
        self.reason = reason
        self.thai = thai
        self.english = english

    def __str__(self) -> str:
        return f"{self.thai} / {self.english}"


# Google's Sarabun (SIL OFL, PyPI fontpkg-sarabun) is TH Sarabun New redrawn by the same foundry:
# its Thai advances are 1.53 times TH Sarabun New's at the same size (median of 71 glyphs, sd 0.05;
# Latin 1.52, sd 0.13) and within 2 % of Laksaman's, the face this machine's LibreOffice substitutes
# for TH SarabunPSK and that row heights are measured with (each of the seed's 71 longer lines:
# 0.98-1.02; bold 0.96-1.01). Its lines are 1.30 em apart, Laksaman's 1.657: a workbook written for
# the PDF in Sarabun has its rows measured for that (xlsx_style.SARABUN, `measuring`). So the published
# PDF is drawn with Sarabun, given to LibreOffice in its throw-away profile: the same letters on every
# machine, none missing.
SARABUN = "Sarabun"
_THAI_SARABUN = ("thsarabunpsk", "thsarabunnew", "thsarabunit๙", "thsarabun")


def print_font(font: str) -> tuple[str, list[Path]]:
    """The font a PDF of a form in `font` is drawn with, and the font files LibreOffice needs for it:
    Sarabun for the TH Sarabun family when fontpkg-sarabun is installed, else `font` itself."""
    if font.replace(" ", "").lower() not in _THAI_SARABUN:
        return font, []
    try:
        from fontpkg_sarabun import ROOT
    except ImportError:
        return font, []
    files = [ROOT / "files" / f"Sarabun-{style}.ttf" for style in ("Regular", "Bold", "Italic", "BoldItalic")]
    return (SARABUN, files) if all(f.is_file() for f in files) else (font, [])


def find_libreoffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in _KNOWN_PLACES if os.path.isfile(p)), None)


def font_note(font: str) -> str:
    """What a reader of the PDF should know about the font on this machine ("" when all is well).

    LibreOffice silently substitutes a missing font; with no Thai font at all, Thai prints as boxes."""
    if shutil.which("fc-match") is None:
        return ""
    try:
        thai = subprocess.run(["fc-list", ":lang=th", "family"], capture_output=True, text=True, timeout=20)
        used = subprocess.run(["fc-match", "-f", "%{family[0]}", font], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    if not thai.stdout.strip():
        return ("เครื่องนี้ไม่มีแบบอักษรภาษาไทย ตัวอักษรไทยใน PDF อาจเป็นสี่เหลี่ยม ติดตั้งแบบอักษร "
                f"{font} (หรือ fonts-thai-tlwg) แล้วสั่งใหม่ / no Thai font on this machine: Thai text in "
                f"the PDF may print as boxes; install {font} (or fonts-thai-tlwg) and run again")
    found = used.stdout.strip()
    if found and found.replace(" ", "").lower() != font.replace(" ", "").lower():
        return (f"ไม่พบแบบอักษร {font} ในเครื่องนี้ PDF ใช้ {found} แทน ซึ่งตัวอักษรกว้างกว่า จึงอาจมีจำนวนหน้ามากกว่า"
                f"ฉบับที่พิมพ์ด้วย {font} ติดตั้งแบบอักษร {font} เพื่อให้ได้หน้าตาเหมือนฉบับทางการ / font {font} is "
                f"not installed here; the PDF uses {found} instead, whose wider letters may take more pages")
    return ""


def to_pdf(source: str | Path, target: str | Path, *, timeout: float = TIMEOUT_SECONDS,
           fonts: Iterable[Path] = ()) -> Path:
    """Convert `source` (xlsx) to `target` (pdf), replacing it only once the new PDF exists.

    `fonts` (font files) are available to LibreOffice for this conversion only (its profile's fonts)."""
    source, target = Path(source), Path(target)
    exe = find_libreoffice()
    if exe is None:
        raise PdfError("not-installed",
                       "ไม่พบโปรแกรม LibreOffice จึงไม่ได้สร้าง PDF (ไฟล์ Excel เขียนแล้ว) ติดตั้ง LibreOffice "
                       "แล้วสั่งใหม่ หรือเปิดไฟล์ Excel แล้วสั่งพิมพ์เป็น PDF เอง",
                       "LibreOffice is not installed, so no PDF was made (the xlsx is written); install "
                       "LibreOffice and run again, or open the xlsx and print it to PDF")
    try:
        return _convert(exe, source, target, timeout, list(fonts))
    except OSError as exc:  # the folder is not writable, or the old PDF is open in a viewer (Windows)
        raise PdfError("failed", f"เขียน {target} ไม่ได้ ({exc.strerror or exc}) ถ้าเปิดไฟล์นี้อยู่ให้ปิดก่อน",
                       f"cannot write {target} ({exc.strerror or exc}); close it if it is open") from None


def _run(command: list[str], timeout: float, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """subprocess.run, but for a whole process group: LibreOffice's launcher (oosplash) starts
    soffice.bin as its own child, and killing the launcher alone, on a timeout or when merge was
    stopped, left soffice.bin running (tests/test_guarantees.py)."""
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, env=env)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except BaseException:  # the timeout, Ctrl+C, or merge's SIGTERM
        try:
            os.killpg(proc.pid, signal.SIGKILL) if hasattr(os, "killpg") else proc.kill()
        except OSError:
            pass  # already gone
        proc.communicate()
        raise
    return subprocess.CompletedProcess(command, proc.returncode, stdout, stderr)


def _only_these_fonts(profile: Path, folder: Path) -> Path:
    """A fontconfig file that shows LibreOffice the fonts in `folder` and nothing else: every family
    a workbook names (its default Arial, the form's font, a chart's, the footer's) then resolves to
    the shipped font, and so does every character, so that the PDF's pages and lines are the same
    whatever fonts the machine has (Liberation and DejaVu had the seed's master print on 8 pages or 7;
    tests/test_same_pdf.py renders it under three font sets)."""
    config = profile / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{escape(str(folder))}</dir>\n  <cachedir>{escape(str(profile / 'fontconfig'))}</cachedir>\n"
        "</fontconfig>\n", encoding="utf-8")
    return config


def _convert(exe: str, source: Path, target: Path, timeout: float, fonts: list[Path]) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ita-workbook-lo-") as profile, \
            tempfile.TemporaryDirectory(prefix=f".{target.stem[:40]}.", dir=target.parent) as outdir:
        # LibreOffice also writes ~/.cache/dconf and ~/.config: its HOME is the throw-away profile too,
        # so that nothing is written outside the outputs (tests/test_environment.py).
        private = {**os.environ, "HOME": profile, "XDG_CACHE_HOME": profile, "XDG_CONFIG_HOME": profile}
        if fonts:
            folder = Path(profile) / "user" / "fonts"  # LibreOffice loads the fonts it finds here
            folder.mkdir(parents=True)
            for font in fonts:
                shutil.copyfile(font, folder / font.name)
            private["FONTCONFIG_FILE"] = str(_only_these_fonts(Path(profile), folder))
        command = [exe, "--headless", "--norestore", "--nolockcheck",
                   f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
                   "--convert-to", "pdf", "--outdir", outdir, str(source)]
        try:
            done = _run(command, timeout, private)
        except subprocess.TimeoutExpired:
            raise PdfError("timeout", f"LibreOffice ทำงานนานเกิน {timeout:.0f} วินาที จึงหยุดไว้ ลองสั่งใหม่อีกครั้ง",
                           f"LibreOffice took over {timeout:.0f} seconds and was stopped; try again") from None
        except OSError as exc:
            raise PdfError("failed", f"เรียกโปรแกรม LibreOffice ไม่ได้ ({exc})",
                           f"LibreOffice could not be started ({exc})") from None
        produced = Path(outdir) / f"{source.stem}.pdf"
        if not produced.is_file() or produced.stat().st_size == 0:
            said = (done.stderr or done.stdout or b"").decode("utf-8", "replace").strip()[-300:]
            raise PdfError("failed", f"LibreOffice แปลงเป็น PDF ไม่สำเร็จ {said}".strip(),
                           f"LibreOffice did not produce a PDF {said}".strip())
        os.replace(produced, target)
    return target
