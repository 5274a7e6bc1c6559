"""`ita-workbook serve` as it starts and stops: the token never on a command line, long Thai names,
a browser that leaves midway, a tab evicted while its job runs."""

import os
import re
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
import urllib.parse
import warnings
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")
warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")

from ita_workbook.output import write_text_atomic  # noqa: E402
from ita_workbook.web.workspace import Limits, Refused, Workspaces  # noqa: E402
from test_names import REAL_NAME  # noqa: E402
from test_web import DEPARTMENTS, Tab, list_files, make_client, text_of  # noqa: E402
from workbooks import good, write_form  # noqa: E402

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and BROWSER")


class Served:
    """`ita-workbook serve` in a child process, started from `folder` with TMPDIR inside it."""

    def __init__(self, folder: Path, *args: str, env: dict | None = None):
        self.folder = folder
        env = {**os.environ, "TMPDIR": str(folder), "PYTHONUNBUFFERED": "1", **(env or {})}
        self.proc = subprocess.Popen([sys.executable, "-m", "ita_workbook", "serve", *args], env=env, cwd=folder,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.url = ""
        while not self.url:
            line = self.proc.stdout.readline()
            assert line, self.proc.stderr.read()
            self.url = line.strip() if "token=" in line else ""

    def open_tab(self, client) -> tuple[str, str]:
        page = client.get(self.url, follow_redirects=True)
        assert page.status_code == 200
        return str(page.url).rsplit("/", 1)[0], re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)

    def stop(self, how: int = signal.SIGTERM) -> tuple[str, str]:
        self.proc.send_signal(how)
        return self.proc.communicate(timeout=600)  # a bound against a hang, not a speed test

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


@posix_only
def test_the_browser_is_given_a_private_file_never_the_token(tmp_path):
    told = tmp_path / "argv.txt"
    browser = tmp_path / "browser"
    browser.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$0\" \"$@\" > {told}\n", encoding="utf-8")
    browser.chmod(0o755)
    served = Served(tmp_path, env={"BROWSER": str(browser)})
    try:
        for _ in range(600):
            if told.exists() and told.read_text(encoding="utf-8").count("\n") >= 2:
                break
            time.sleep(0.1)
        argv = told.read_text(encoding="utf-8").splitlines()
        token = served.url.partition("token=")[2]
        assert len(token) >= 20 and not any(token in arg for arg in argv)
        [work] = tmp_path.glob("ita-workbook-web-*")
        assert argv[1:] == [(work / "open.html").as_uri()]
        page = work / "open.html"
        assert stat.S_IMODE(page.stat().st_mode) == 0o600 and stat.S_IMODE(work.stat().st_mode) == 0o700
        assert f'url={served.url}"' in page.read_text(encoding="utf-8")
        out, err = served.stop()
    finally:
        served.kill()
    assert not page.exists() and "Traceback" not in err


@posix_only
def test_closing_the_terminal_deletes_the_uploads(tmp_path):
    import httpx

    served = Served(tmp_path, "--no-browser")
    try:
        with httpx.Client() as client:
            base, csrf = served.open_tab(client)
            client.post(base + "/files/returned", data={"csrf": csrf},
                        files=[("file", (DEPARTMENTS[0].name, DEPARTMENTS[0].read_bytes()))])
        [work] = tmp_path.glob("ita-workbook-web-*")
        assert [p.name for p in work.rglob("*.xlsx")] == [DEPARTMENTS[0].name]
        out, err = served.stop(signal.SIGHUP)
    finally:
        served.kill()
    assert served.proc.returncode == 128 + signal.SIGHUP
    assert "หยุดแล้ว" in out and "Traceback" not in err
    assert not list(tmp_path.glob("ita-workbook-web-*"))


@posix_only
def test_a_browser_cancelling_an_upload_prints_no_traceback(tmp_path):
    import httpx

    served = Served(tmp_path, "--no-browser")
    try:
        with httpx.Client() as client:
            base, csrf = served.open_tab(client)
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        host, port = base.split("/")[2].split(":")
        path = "/" + base.split("/", 3)[3] + "/files/returned"
        body = (f'--b\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{csrf}\r\n'
                '--b\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n\r\n').encode()
        with socket.create_connection((host, int(port))) as sock:
            sock.sendall(f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\n"
                         "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 1000000\r\n\r\n".encode()
                         + body + b"x" * 50_000)
            time.sleep(1)  # the server is reading the body when the browser gives up
        with httpx.Client() as client:  # and it still serves the next request
            assert client.get(served.url, follow_redirects=True).status_code == 200
        out, err = served.stop()
    finally:
        served.kill()
    assert "Traceback" not in err and "ClientDisconnect" not in err, err
    assert not list(tmp_path.glob("ita-workbook-web-*"))


def test_an_evicted_tabs_job_never_makes_its_folder_again(tmp_path):
    workspaces = Workspaces(tmp_path, Limits(workspaces=1))
    first = workspaces.create()
    made, go_on = threading.Event(), threading.Event()

    def work(job):  # as merge does: a folder first, the outputs written into it later
        folder = first.new_folder()
        made.set()
        go_on.wait(60)
        write_text_atomic(folder / "แผนรวม.xlsx", "the master")

    job = first.start("รวมแผน", work, "/")
    assert made.wait(60)
    second = workspaces.create()  # the 51st tab: the first is evicted while its job runs
    assert workspaces.get(first.id) is None and second.folder.is_dir()
    go_on.set()
    for _ in range(600):
        if job.finished:
            break
        time.sleep(0.1)
    assert job.finished and job.error == ""
    assert not first.folder.exists() and [p.name for p in tmp_path.iterdir()] == [second.folder.name]
    with pytest.raises(Refused, match="หมดอายุ"):  # the evicted tab takes no new work
        first.new_folder()
    assert not first.folder.exists()


def test_a_long_thai_upload_name_is_kept_within_255_bytes(tmp_path):
    client = make_client(tmp_path)
    tab = Tab(client)
    name = "แผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ" * 3 + "ก" * 17 + ".xlsx"
    assert len(name.encode("utf-8")) == 455
    answer = tab.post("/files/returned", files=[("file", (name, DEPARTMENTS[0].read_bytes()))])
    assert answer.status_code == 200, answer.text
    [stored] = list_files(client, tab)
    assert len(stored.encode("utf-8")) <= 255 and stored.startswith("แผนปฏิบัติการป้องกันการทุจริต ประจำปี")
    assert stored.endswith(".xlsx")


def test_a_file_with_a_long_real_name_is_checked_and_marked_up(tmp_path):
    client = make_client(tmp_path)
    tab = Tab(client)
    source = write_form(tmp_path / REAL_NAME, [good(1, budget="หนึ่งหมื่น")])
    tab.upload("returned", [source])
    page = tab.run("/check")
    shown = text_of(page)
    assert "ข้อผิดพลาดของโปรแกรม" not in shown and "bad-budget" in shown
    link = re.search(r'href="(/w/[^"]+/download/[^"]+)"', page.text).group(1)
    copy = client.get(link)
    assert copy.status_code == 200 and copy.content[:2] == b"PK"
    name = urllib.parse.unquote(copy.headers["content-disposition"].partition("utf-8''")[2])
    assert name.startswith("แผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ พ.ศ. ๒๕๖๗")
    assert name.endswith(" (ตรวจแล้ว).xlsx") and len(name.encode("utf-8")) <= 255
