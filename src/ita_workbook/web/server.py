"""`ita-workbook serve`: a local web server for one person, stopped with Ctrl+C or SIGTERM.

It listens on 127.0.0.1 on a free port, prints the address with its access token, and keeps the
uploads in a private folder that is deleted when it stops.
"""

from __future__ import annotations

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
    try:
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(64)
        port = sock.getsockname()[1]
        token = secrets.token_urlsafe(24)
        settings = Settings(token=token, port=port, host=host, workdir=workdir,
                            config_path=config_path.resolve() if config_path else None, limits=limits or Limits(),
                            names=_own_names() if host in ("0.0.0.0", "::") else ())
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{port}/?token={token}"
        if host not in LOCAL:
            say(f"! เปิดให้เครื่องอื่นในเครือข่ายเข้าถึงได้ ({host}) ทุกคนที่มีที่อยู่พร้อม token ใช้งานและเห็นไฟล์ได้\n"
                f"  Listening on {host}: anyone on the network holding the address with its token can use it "
                "and see the files")
        say(f"เปิดหน้านี้ในเบราว์เซอร์ / open this page in the browser:\n  {url}\n"
            "กด Ctrl+C เพื่อหยุด (ไฟล์ที่ส่งเข้ามาจะถูกลบ) / press Ctrl+C to stop (the uploaded files are deleted)")
        server = uvicorn.Server(uvicorn.Config(create_app(settings), log_level="warning", access_log=False,
                                               timeout_graceful_shutdown=5))
        # uvicorn stops gracefully, puts the previous handler back and raises the signal again: a
        # SIGTERM then unwinds through `finally` (the folder is deleted) instead of killing at once.
        previous = signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
        if hasattr(signal, "SIGBREAK"):  # Windows: closing the console window arrives as SIGBREAK
            signal.signal(signal.SIGBREAK, lambda signum, frame: sys.exit(128 + signum))
        if open_browser:
            threading.Thread(target=_open_when_started, args=(server, url), daemon=True).start()
        try:
            server.run(sockets=[sock])
        finally:
            signal.signal(signal.SIGTERM, previous)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        say("หยุดแล้ว ลบไฟล์ที่ส่งเข้ามาแล้ว / stopped; the uploaded files are deleted")


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
