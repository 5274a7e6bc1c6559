"""The tool writes nothing outside the outputs it was asked for: not into HOME (pythainlp would create
~/pythainlp-data when imported), and it works when HOME cannot be written at all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ita_workbook.pdf import find_libreoffice
from seed import EXAMPLE_DIR

DEPARTMENTS = EXAMPLE_DIR / "departments"


def run_all_commands(home: Path, out: Path, *pdf: str) -> None:
    """validate, merge (Thai word breaks for row heights) and province (Thai sorting), as a user runs
    them, with HOME set to `home` and none of pythainlp's or the desktop's own settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHAINLP", "XDG_"))}
    env.update(HOME=str(home), USERPROFILE=str(home))
    config = EXAMPLE_DIR / "plan.toml"
    for args, code in ((["validate", DEPARTMENTS, "--config", config], 0),
                       (["merge", DEPARTMENTS, "--config", config, "-o", out / "แผนรวม.xlsx", *pdf], 0),
                       (["province", out / "แผนรวม.xlsx", "-o", out / "จังหวัด.xlsx"], None)):
        done = subprocess.run([sys.executable, "-m", "ita_workbook", *map(str, args)], env=env,
                              capture_output=True, text=True, cwd=out)
        assert "Traceback" not in done.stderr, done.stderr
        assert code is None or done.returncode == code, (args, done.stdout, done.stderr)
        assert "unreadable-file" not in done.stdout, done.stdout
    assert (out / "แผนรวม.xlsx").is_file() and (out / "จังหวัด.xlsx").is_file()


def test_an_empty_home_stays_empty(tmp_path):
    home, out = tmp_path / "home", tmp_path / "out"
    home.mkdir()
    out.mkdir()
    run_all_commands(home, out)
    assert list(home.iterdir()) == []
    assert sorted(p.name for p in out.iterdir()) == ["จังหวัด.xlsx", "แผนรวม.xlsx"]


def test_a_home_that_cannot_be_written_is_no_obstacle(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    # A read-only folder stops everyone but root; a HOME inside a regular file stops root too.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    run_all_commands(blocker / "home", out)


@pytest.mark.skipif(find_libreoffice() is None, reason="LibreOffice not installed")
def test_making_the_pdf_writes_nothing_into_home_either(tmp_path):
    home, out = tmp_path / "home", tmp_path / "out"
    home.mkdir()
    out.mkdir()
    run_all_commands(home, out, "--pdf")  # LibreOffice wrote ~/.cache/dconf and ~/.config
    assert list(home.iterdir()) == []
    assert sorted(p.name for p in out.iterdir()) == ["จังหวัด.xlsx", "แผนรวม.pdf", "แผนรวม.xlsx"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_home_is_no_obstacle(tmp_path):
    home, out = tmp_path / "home", tmp_path / "out"
    home.mkdir()
    out.mkdir()
    home.chmod(0o555)
    try:
        run_all_commands(home, out)
        assert list(home.iterdir()) == []
    finally:
        home.chmod(0o755)
