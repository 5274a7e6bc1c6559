"""The published PDF is the same on every machine (issue 21): drawn with the shipped Sarabun only, its
pages and lines do not depend on the other fonts a machine has. Each machine is played by a fontconfig
file that hides or adds fonts, as FONTCONFIG_FILE tells LibreOffice's fontconfig."""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

from ita_workbook import pdf
from ita_workbook.config import load_config
from ita_workbook.master import Heading, write_master
from ita_workbook.validate import validate_files
from seed import PLAN_TOML, write_department_workbooks

pytestmark = [
    pytest.mark.skipif(pdf.find_libreoffice() is None or shutil.which("pdftotext") is None
                       or shutil.which("pdffonts") is None, reason="LibreOffice or poppler not installed"),
    pytest.mark.skipif(pdf.print_font("TH SarabunPSK")[0] != pdf.SARABUN, reason="fontpkg-sarabun not installed"),
]

TLWG = "/usr/share/fonts/truetype/tlwg"
# Machines: a Thai font only (LibreOffice installed with --no-install-recommends and fonts-thai-tlwg),
# that with LibreOffice's recommended fonts, and every font this machine has (its own fontconfig).
MACHINES = {
    "tlwg only": [TLWG],
    "tlwg, liberation, dejavu": [TLWG, "/usr/share/fonts/truetype/liberation", "/usr/share/fonts/truetype/dejavu"],
    "all system fonts": None,
}


def _fontconfig(folder: Path, dirs: list[str] | None) -> Path:
    if dirs is None:
        return Path("/etc/fonts/fonts.conf")
    config = folder / "fonts.conf"
    config.write_text("<?xml version='1.0'?><fontconfig>" + "".join(f"<dir>{d}</dir>" for d in dirs)
                      + f"<cachedir>{folder / 'cache'}</cachedir>"
                      "<include ignore_missing='yes'>/etc/fonts/conf.d</include></fontconfig>", encoding="utf-8")
    return config


@lru_cache(maxsize=1)
def _seed_plan():
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        write_department_workbooks(Path(folder))
        return validate_files(sorted(Path(folder).glob("*.xlsx")), load_config(PLAN_TOML)).plan


def _pages(made: Path) -> list[list[str]]:
    """Each page's lines of text as pdftotext lays them out, spaces squeezed."""
    text = subprocess.run(["pdftotext", "-layout", str(made), "-"], capture_output=True, text=True, check=True).stdout
    return [[" ".join(line.split()) for line in page.splitlines() if line.strip()] for page in text.split("\f")[:-1]]


def _embedded(made: Path) -> set[str]:
    fonts = subprocess.run(["pdffonts", str(made)], capture_output=True, text=True, check=True).stdout
    return {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]}


@pytest.mark.skipif(not Path(TLWG, "Laksaman.ttf").is_file(), reason="fonts-thai-tlwg not installed")
def test_the_masters_pdf_has_the_same_pages_and_lines_whatever_fonts_the_machine_has(tmp_path: Path, monkeypatch):
    # Before: Arial (the workbook's default font: the columns' unit) was Liberation Sans or DejaVu Sans,
    # and the seed's master printed on 8 pages or 7.
    font, files = pdf.print_font("TH SarabunPSK")
    plan, order = _seed_plan(), load_config(PLAN_TOML).department_names
    xlsx = tmp_path / "master.xlsx"
    write_master(plan, xlsx, Heading(organisation="เทศบาลตำบลโพทะเล", fiscal_year=2566), department_order=order,
                 form_only=True, font=font)
    printed = {}
    for n, (machine, dirs) in enumerate(MACHINES.items()):
        folder = tmp_path / str(n)
        folder.mkdir()
        monkeypatch.setenv("FONTCONFIG_FILE", str(_fontconfig(folder, [d for d in dirs if Path(d).is_dir()]
                                                              if dirs else dirs)))
        made = pdf.to_pdf(xlsx, folder / "master.pdf", fonts=files)
        assert _embedded(made) == {"Sarabun-Regular", "Sarabun-Bold"}, machine
        printed[machine] = _pages(made)
    first = printed["tlwg only"]
    assert len(first) <= 10  # the original's pages
    for machine, pages in printed.items():
        assert [len(page) for page in pages] == [len(page) for page in first], machine
        assert pages == first, machine
