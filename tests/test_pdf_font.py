"""A coordinator without the official font is told which font the PDF used instead."""

import shutil

import pytest

from ita_workbook.pdf import font_note


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig not installed")
def test_a_missing_font_is_named_with_its_substitute():
    note = font_note("No Such Font Anywhere")
    assert note.startswith("ไม่พบแบบอักษร No Such Font Anywhere") or "boxes" in note
    assert "No Such Font Anywhere" in note


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig not installed")
def test_an_installed_font_gives_no_note():
    installed = __import__("subprocess").run(["fc-match", "-f", "%{family[0]}", "sans"], capture_output=True,
                                             text=True).stdout.strip()
    assert font_note(installed) == ""
