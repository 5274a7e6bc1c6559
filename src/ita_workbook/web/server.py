"""`ita-workbook serve`: a local web server for one person, stopped with Ctrl+C, SIGTERM or SIGHUP
(the terminal closed).

It listens on 127.0.0.1 on a free port, prints the address with its access token, and keeps the
uploads in a private folder that is deleted when it stops. The browser is opened on a file in that
folder that forwards to the address, so that the token is never on a command line (`ps` shows
those to every user of the computer).
"""

from __future__ import annotations

import contextlib
import html
import os
import secrets
import shutil
import signal
import socket
import sys
import tempfile
import threading
import webbrowser
from pathlib import Path
from typing import Callable

import uvicorn

from .app import create_app
from .guard import Settings
from .workspace import Limits

LOCAL = ("127.0.0.1", "localhost", "::1")


def serve(*, host: str = "127.0.0.1", port: int = 0, config_path: Path | None = None, open_browser: bool = True,
          limits: Limits | None = None, say: Callable[[str], None] = print) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="ita-workbook-web-"))  # mode 0700: this user only
    # Without --config, the settings live where serve was started (the .bat's own folder), so that
    # they outlive the server; never in `workdir`, which is deleted when it stops.
    config_path = (config_path or Path.cwd() / "plan.toml").resolve()
    try:
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(64)
        port = sock.getsockname()[1]
        token = secrets.token_urlsafe(24)
        settings = Settings(token=token, port=port, host=host, workdir=workdir,
                            config_path=config_path, limits=limits or Limits(),
                            names=_own_names() if host in ("0.0.0.0", "::") else ())
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{port}/?token={token}"
        if host not in LOCAL:
            say(f"! เปิดให้เครื่องอื่นในเครือข่ายเข้าถึงได้ ({host}) ทุกคนที่มีที่อยู่พร้อม token ใช้งานและเห็นไฟล์ได้\n"
                f"  Listening on {host}: anyone on the network holding the address with its token can use it "
                "and see the files")
        say(f"เปิดหน้านี้ในเบราว์เซอร์ / open this page in the browser:\n  {url}\n"
            f"ไฟล์ตั้งค่า / settings: {config_path}\n"
            "กด Ctrl+C เพื่อหยุด (ไฟล์ที่ส่งเข้ามาจะถูกลบ) / press Ctrl+C to stop (the uploaded files are deleted)")
        server = uvicorn.Server(uvicorn.Config(create_app(settings), log_level="warning", access_log=False,
                                               timeout_graceful_shutdown=5))
        # uvicorn stops gracefully, puts the previous handler back and raises the signal again: a
        # SIGTERM then unwinds through `finally` (the folder is deleted) instead of killing at once.
        previous = signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
        if hasattr(signal, "SIGBREAK"):  # Windows: closing the console window arrives as SIGBREAK
            signal.signal(signal.SIGBREAK, lambda signum, frame: sys.exit(128 + signum))
        # Closing the terminal sends SIGHUP, which uvicorn does not handle (Python's default is to die
        # at once, leaving the uploads behind): it stops the server as SIGTERM does.
        hung_up: list[int] = []

        def hang_up(signum, frame) -> None:
            hung_up.append(signum)
            server.should_exit = True

        previous_hup = signal.signal(signal.SIGHUP, hang_up) if hasattr(signal, "SIGHUP") else None
        if open_browser:
            page = _redirect_page(workdir, url)
            threading.Thread(target=_open_when_started, args=(server, page.as_uri()), daemon=True).start()
        try:
            server.run(sockets=[sock])
            if hung_up:
                sys.exit(128 + hung_up[0])
        finally:
            signal.signal(signal.SIGTERM, previous)
            if previous_hup is not None:
                signal.signal(signal.SIGHUP, previous_hup)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        with contextlib.suppress(OSError):  # the terminal may be gone (SIGHUP)
            say("หยุดแล้ว ลบไฟล์ที่ส่งเข้ามาแล้ว / stopped; the uploaded files are deleted")


def _redirect_page(workdir: Path, url: str) -> Path:
    """A page, readable by this user only, that sends the browser on to `url` (as Jupyter does): the
    browser is given this file's name, and the token stays off every command line."""
    page = workdir / "open.html"
    shown = html.escape(url)
    text = (f'<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="0; url={shown}"><title>ita-workbook</title></head>'
            f'<body><p><a href="{shown}">เปิด ita-workbook / open ita-workbook</a></p></body></html>')
    fd = os.open(page, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    return page


def _open_when_started(server: uvicorn.Server, url: str) -> None:
    import time

    for _ in range(600):
        if server.started:
            webbrowser.open(url)
            return
        time.sleep(0.1)


def _own_names() -> tuple[str, ...]:
    """The names and addresses other computers may reach this one by (the Host header they send)."""
    names = {socket.gethostname(), socket.getfqdn()}
    try:
        names |= {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)}
    except OSError:
        pass
    return tuple(sorted(names))
