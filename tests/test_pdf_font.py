"""A coordinator without the official font is told which font the PDF used instead. The checks ask
fontconfig; a machine without it, or without any Thai font, skips them."""

import shutil
import subprocess

import pytest

from ita_workbook.pdf import font_note

HAS_FONTCONFIG = shutil.which("fc-match") is not None and shutil.which("fc-list") is not None


def _installed_thai_families() -> list[str]:
    if not HAS_FONTCONFIG:
        return []
    listed = subprocess.run(["fc-list", ":lang=th", "family"], capture_output=True, text=True).stdout
    return sorted({line.split(",")[0].strip() for line in listed.splitlines() if line.strip()})


@pytest.mark.skipif(not HAS_FONTCONFIG, reason="fontconfig not installed")
def test_a_missing_font_is_named_with_its_substitute():
    note = font_note("No Such Font Anywhere")
    if _installed_thai_families():
        assert note.startswith("ไม่พบแบบอักษร No Such Font Anywhere ในเครื่องนี้ PDF ใช้ ")
    else:
        assert note.startswith("เครื่องนี้ไม่มีแบบอักษรภาษาไทย ตัวอักษรไทยใน PDF อาจเป็นสี่เหลี่ยม")
    assert "No Such Font Anywhere" in note


@pytest.mark.skipif(not _installed_thai_families(), reason="no Thai font installed (fonts-thai-tlwg)")
def test_an_installed_thai_font_gives_no_note():
    def matched(family: str) -> str:
        return subprocess.run(["fc-match", "-f", "%{family[0]}", family], capture_output=True, text=True).stdout

    found = [family for family in _installed_thai_families() if matched(family).strip() == family]
    if not found:
        pytest.skip("no Thai font that fontconfig matches under its own name")
    assert font_note(found[0]) == ""
