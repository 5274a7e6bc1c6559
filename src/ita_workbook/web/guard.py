"""What every request passes before a route sees it: the right Host and Origin, the access token
(a cookie after the first visit), a body within the cap. `Settings` is what `serve` decided."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from pathlib import Path

from starlette.requests import Request

from .workspace import Limits, Refused


@dataclass
class Settings:
    """What `serve` decided: the token, where it listens, where plan.toml lives."""
    token: str
    port: int
    host: str = "127.0.0.1"
    config_path: Path | None = None  # --config; None: plan.toml in the folder serve was started from
    workdir: Path = Path(".")
    limits: Limits = field(default_factory=Limits)
    names: tuple[str, ...] = ()  # other names of this computer, when --host is 0.0.0.0 or ::

    @property
    def cookie(self) -> str:
        return f"ita_workbook_{self.port}"  # cookies are shared between ports: one per server

    @property
    def hosts(self) -> set[str]:
        names = {self.host, *self.names}
        if self.host in ("127.0.0.1", "localhost", "::1") or self.names:
            names |= {"127.0.0.1", "localhost"}
        return {f"[{name}]:{self.port}" if ":" in name else f"{name}:{self.port}" for name in names}


class Guard:
    """ASGI middleware: Host, Origin, token, body size — before any route sees the request."""

    def __init__(self, app, settings: Settings, state):
        self.app = app
        self.settings = settings
        self.state = state
        self.workspaces = state.workspaces

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        refusal = self._refusal(request)
        if refusal:
            status, message = refusal
            return await self.state.page_of_error(request, status, message)(scope, receive, send)
        limit = self.settings.limits.request_bytes
        length = request.headers.get("content-length", "")
        if length and (not length.isdigit() or int(length) > limit):
            return await self.state.page_of_error(request, 413, too_large(limit))(scope, receive, send)
        received = 0

        async def capped_receive():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise Refused(too_large(limit), 413)
            return message

        return await self.app(scope, capped_receive, send)

    def _refusal(self, request: Request) -> tuple[int, str] | None:
        s = self.settings
        if request.headers.get("host", "") not in s.hosts:
            return 403, ("ที่อยู่ของหน้านี้ไม่ถูกต้อง เปิดที่อยู่ที่โปรแกรมพิมพ์ไว้ / "
                         "wrong address for this page; open the address the program printed")
        origin = request.headers.get("origin")
        if origin is not None and origin not in {f"http://{h}" for h in s.hosts}:
            return 403, ("คำขอนี้มาจากหน้าเว็บอื่น จึงไม่รับ / this request came from another web page and was refused")
        if request.url.path == "/" and hmac.compare_digest(request.query_params.get("token", ""), s.token):
            return None
        if not hmac.compare_digest(request.cookies.get(s.cookie, ""), s.token):
            return 403, ("ต้องเปิดหน้านี้จากที่อยู่ที่โปรแกรมพิมพ์ไว้ (มี ?token=…) / "
                         "open this page from the address the program printed (with ?token=…)")
        return None


def too_large(limit: int) -> str:
    return (f"ส่งไฟล์ครั้งเดียวได้ไม่เกิน {limit / 2**20:.0f} MB แบ่งส่งหลายครั้ง / "
            f"one upload may hold at most {limit / 2**20:.0f} MB; send the files in parts")


SECURITY_HEADERS = {
    "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    "Cache-Control": "no-store"}

def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")
