"""Ctrl+C (and the end of input) while a command runs is said Thai first, English beside, never as
click's "Aborted!" nor a traceback; nothing half written is left (output.atomic_path)."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest
from click.testing import CliRunner

from ita_workbook.cli import main
from workbooks import good, write_form


def _merge(tmp_path):
    source = write_form(tmp_path / "กองคลัง.xlsx", [good(1, department="กองคลัง")])
    out = tmp_path / "out"
    out.mkdir()
    return CliRunner().invoke(main, ["merge", str(source), "-o", str(out / "แผน.xlsx")]), out


@pytest.mark.parametrize("stop", [KeyboardInterrupt, EOFError])
def test_a_stop_while_writing_is_said_in_thai_and_leaves_nothing(tmp_path, monkeypatch, stop):
    from ita_workbook import master

    def interrupted(*args, **kwargs):
        raise stop

    monkeypatch.setattr(master, "_data_sheet", interrupted)  # midway through writing the master
    result, out = _merge(tmp_path)
    assert result.exit_code == 1
    assert "หยุดแล้ว" in result.output and "Stopped (Ctrl+C)" in result.output
    assert "Aborted" not in result.output and "Traceback" not in result.output
    assert list(out.iterdir()) == []  # neither the master nor its temporary file


@pytest.mark.skipif(not hasattr(signal, "raise_signal"), reason="no signals to raise")
def test_a_ctrl_c_python_swallows_on_the_side_still_stops_the_command(tmp_path, monkeypatch):
    """A Ctrl+C that lands in a finaliser is only printed by Python ("Exception ignored in …") and
    the command would carry on and say it is done: it is a stop all the same, and said as one."""
    from ita_workbook import validate as validating

    class Finalised:
        def __del__(self):
            signal.raise_signal(signal.SIGINT)

    real = validating.validate_files  # merge_files imports it as it runs: it calls the patched one

    def validate_then_lose_a_ctrl_c(*args, **kwargs):
        Finalised()  # collected at once: the interrupt is raised inside __del__
        return real(*args, **kwargs)

    monkeypatch.setattr(validating, "validate_files", validate_then_lose_a_ctrl_c)
    result, out = _merge(tmp_path)
    assert result.exit_code == 1 and "Stopped (Ctrl+C)" in result.output, result.output
    assert "Exception ignored" not in result.output and "Traceback" not in result.output


def test_a_ctrl_c_at_the_program_s_start_leaves_without_a_traceback(tmp_path):
    """Before any command runs (the imports), Ctrl+C leaves at once with the same message."""
    code = ("import os, signal, sys; sys.argv[0] = 'ita-workbook'; "
            "import __main__; __main__.__file__ = '/bin/ita-workbook'; "
            "import ita_workbook; os.kill(os.getpid(), signal.SIGINT); "
            "import time; time.sleep(30)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "Stopped (Ctrl+C)" in done.stderr and "Traceback" not in done.stderr
