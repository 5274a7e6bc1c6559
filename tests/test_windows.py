"""Windows, where the clerks are, proven as far as a Linux machine can:

- every runtime dependency (and the page's) installs from a win_amd64 wheel for Python 3.11–3.13,
  nothing to compile (pip download --platform win_amd64 --only-binary=:all:; skipped offline);
- the reader's child process, merging, the province's reading and the web page run in a process
  where, as on Windows, there is no fork, no `resource` module and no POSIX-only signal, and the page
  stops on SIGBREAK (what closing the console window sends) with its uploads deleted;
- windows/ita-workbook-web.bat is what the README says.

What still needs a Windows PC: the console's code page and fonts, double-clicking the .bat, closing
the window for real, Excel opening the files, and paths with drive letters and backslashes.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "pho-thale-2566"
WINDOWS_PYTHONS = ("3.11", "3.12", "3.13")


def _online() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
        return True
    except OSError:
        return False


def _requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["web"]]


@pytest.mark.parametrize("python", WINDOWS_PYTHONS)
def test_every_dependency_installs_from_a_windows_wheel(python, tmp_path):
    if not _online():
        pytest.skip("no network: cannot ask PyPI for the Windows wheels")
    done = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--dest", str(tmp_path),
                           "--platform", "win_amd64", "--python-version", python, "--only-binary=:all:",
                           *_requirements()], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files and all(name.endswith(".whl") for name in files), files
    tag = f"cp{python.replace('.', '')}"
    native = [name for name in files if not name.endswith("-none-any.whl")]
    # The compiled ones are built for this Python on 64-bit Windows (abi3 wheels serve them all, and
    # py3-none ones, such as pypdfium2's, load their DLL through ctypes).
    assert all(name.endswith("win_amd64.whl") and (f"-{tag}-" in name or "-abi3-" in name or "-py3-none-" in name)
               for name in native), native
    for needed in ("pandas", "numpy", "python_calamine", "pythainlp", "starlette", "uvicorn", "xlsxwriter"):
        assert any(name.lower().startswith(needed) for name in files), needed


# Run first in the process under test and in every reader child it starts: what Windows lacks, taken away.
AS_ON_WINDOWS = r"""
import multiprocessing, os, signal, sys
class _NotOnWindows:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("resource", "fcntl", "termios", "pwd", "grp"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, _NotOnWindows())
for name in ("resource", "fcntl", "termios", "pwd", "grp"):
    sys.modules.pop(name, None)
for name in ("SIGKILL", "SIGHUP", "SIGQUIT", "SIGXCPU", "SIGALRM", "SIGCHLD", "SIGUSR1", "SIGUSR2", "SIGPIPE",
             "SIGTSTP", "SIGCONT", "SIGSTOP"):
    if hasattr(signal, name):
        delattr(signal, name)
signal.SIGBREAK = 21  # Windows' number; a handler set for it here is a real one, for SIGTTIN
for name in ("fork", "forkpty", "register_at_fork", "killpg", "getpgid", "setsid", "setpgrp", "getuid"):
    if hasattr(os, name):
        delattr(os, name)
multiprocessing.set_start_method("spawn", force=True)
multiprocessing.get_all_start_methods = lambda: ["spawn"]
"""

def _run_as_on_windows(body: str, tmp_path: Path, timeout: float = 600) -> dict:
    """`body` run in a fresh Python with Windows' limits; it prints one JSON line, returned here."""
    script = tmp_path / "as_on_windows.py"
    script.write_text(AS_ON_WINDOWS + "\nAS_ON_WINDOWS = " + repr(AS_ON_WINDOWS) + "\n" + body, encoding="utf-8")
    temp = tmp_path / "temp"  # its own temporary folder: other tests' pages are not counted
    temp.mkdir()
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=timeout,
                          cwd=tmp_path, env={**os.environ, "TMPDIR": str(temp)})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_reader_merge_and_province_work_without_fork_resource_or_posix_signals(tmp_path):
    said = _run_as_on_windows(f"""
import json, os, signal, sys
from ita_workbook import sandbox
# The reader's child starts as a new interpreter (never forked): it gets Windows' limits too.
sandbox._BOOT = "exec(" + repr(AS_ON_WINDOWS) + "); " + sandbox._BOOT
from click.testing import CliRunner
from ita_workbook.cli import main
from ita_workbook.province.workers import _worker_context as _context

run = lambda *args: CliRunner().invoke(main, [str(a) for a in args])
example = {str(EXAMPLE)!r}
merged = run("merge", example + "/departments", "--config", example + "/plan.toml", "--date", "2023-03-22",
             "-o", "m.xlsx")
province = run("province", "m.xlsx", "-o", "p.xlsx", "--date", "2023-04-01")
child = sandbox._child
print(json.dumps({{"merge": merged.exit_code, "merged": merged.output[-400:], "province": province.exit_code,
                  "province_said": province.output[-400:], "fork_context": _context() is not None,
                  "has_resource": "resource" in sys.modules, "no_fork": not hasattr(os, "fork"),
                  "child_ran": child is not None, "files": sorted(os.listdir("."))}}))
""", tmp_path)
    assert said["no_fork"] and not said["fork_context"] and not said["has_resource"]
    assert said["merge"] == 0, said["merged"]
    assert "41" in said["merged"] and said["child_ran"]
    assert said["province"] == 0, said["province_said"]
    assert {"m.xlsx", "p.xlsx"} <= set(said["files"])


def test_the_page_serves_and_stops_on_sigbreak_without_posix(tmp_path):
    pytest.importorskip("uvicorn")
    pytest.importorskip("httpx")
    department = sorted((EXAMPLE / "departments").glob("*.xlsx"))[0]
    said = _run_as_on_windows(f"""
import json, os, re, signal, tempfile, threading, time
from pathlib import Path
import httpx
from ita_workbook import sandbox
sandbox._BOOT = "exec(" + repr(AS_ON_WINDOWS) + "); " + sandbox._BOOT
from ita_workbook.web.server import serve

lines, seen = [], {{}}

def browser():
    while not any("token=" in line for line in lines):
        time.sleep(0.05)
    url = re.search(r"http://\\S+", next(line for line in lines if "token=" in line)).group()
    with httpx.Client(follow_redirects=True, timeout=120) as client:
        page = client.get(url)
        for _ in range(100):  # uvicorn may answer before the page is ready
            if page.status_code == 200:
                break
            time.sleep(0.1)
            page = client.get(url)
        base = str(page.url).rsplit("/", 1)[0]
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        file = Path({str(department)!r})
        client.post(base + "/files/returned", data={{"csrf": csrf}},
                    files=[("file", (file.name, file.read_bytes()))])
        page = client.post(base + "/check", data={{"csrf": csrf}})
        for _ in range(600):
            if "/job/" not in str(page.url):
                break
            time.sleep(0.1)
            page = client.get(str(page.url))
        seen["checked"] = page.status_code, "ผ่าน" in page.text, file.stem in page.text
        seen["workdirs"] = [p for p in os.listdir(tempfile.gettempdir()) if p.startswith("ita-workbook-web-")]
    signal.raise_signal(signal.SIGBREAK)  # the console window closed

threading.Thread(target=browser, daemon=True).start()
try:
    serve(open_browser=False, say=lines.append)
except SystemExit as exc:
    seen["exit"] = exc.code
seen["stopped"] = any("หยุดแล้ว" in line for line in lines)
seen["left"] = [p for p in os.listdir(tempfile.gettempdir()) if p.startswith("ita-workbook-web-")]
print(json.dumps(seen, ensure_ascii=False))
""", tmp_path)
    assert said["checked"] == [200, True, True], said
    assert said["exit"] == 128 + 21 and said["stopped"]
    assert len(said["workdirs"]) == 1 and said["left"] == []  # the uploads deleted on the way out


def test_the_bat_file_runs_the_installed_program_from_its_own_folder():
    """windows/ita-workbook-web.bat, line by line: CRLF line ends (cmd.exe misreads a label or a
    parenthesised block on LF-only lines), UTF-8 console, its own folder, the installed `py` launcher,
    plan.toml beside it when there, and a pause only when something went wrong."""
    raw = (ROOT / "windows" / "ita-workbook-web.bat").read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b""), "the .bat needs CRLF line ends"
    assert raw.isascii(), "a .bat is read in the console's code page before chcp runs: keep it ASCII"
    lines = [line.strip() for line in raw.decode("ascii").split("\r\n") if line.strip()]
    assert lines[0] == "@echo off"
    code = [line for line in lines if not line.lower().startswith("rem ")]
    assert code[1:3] == ["chcp 65001 >nul", 'cd /d "%~dp0"']  # Thai names shown; plan.toml found beside it
    # No launcher (a Python from the Store, or none): said, and the window stays open to read it.
    assert code[3:8] == ["where py >nul 2>nul", "if errorlevel 1 (", code[5], "pause", "exit /b 1"]
    assert "python.org" in code[5] and not re.search(r"[()]", code[5].split(" ", 1)[1])  # no ) to end the block
    assert code[9:] == ["if exist plan.toml (", "py -m ita_workbook serve --config plan.toml", ") else (",
                        "py -m ita_workbook serve", ")", "if errorlevel 1 pause"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert 'py -m pip install "ita_workbook-0.1.0-py3-none-any.whl[web]"' in readme  # the same `py` installs it
