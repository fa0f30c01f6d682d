"""ASGI guards in front of everything (API and the mounted UI): Host names and cross-site requests.

* ``HostGuard``: on a loopback address only loopback host names are accepted (or the
  ``allowed_hosts`` list), so a DNS-rebinding page (evil.example → 127.0.0.1) gets 400.
* ``CrossSiteGuard`` (CSRF): a state-changing request (POST/PUT/PATCH/DELETE) that is not
  authenticated by an ``Authorization: Bearer`` header must come from our own origin
  (Origin, else Referer, equal to the request's Host, or listed in ``cors_origins``).
  Browsers always send Origin on such requests, so a page on another port or site is
  refused whether it relies on the session cookie or on local mode; scripts that send
  neither header (curl, tests) are not browsers and cannot carry a victim's cookie.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.auth.exposure import LOOPBACK_NAMES, host_name, is_loopback
from assistant.core.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CROSS_SITE = "拒绝跨站请求：该操作只能在本系统自己的页面上进行。"
BAD_HOST = "拒绝请求：不认识的主机名（Host）。"


def _error(message: str, code: str, status: int) -> JSONResponse:
    return JSONResponse({"error": message, "code": code}, status_code=status)


def normal_netloc(netloc: str, scheme: str = "") -> str:
    netloc = (netloc or "").strip().lower()
    for default, port in (("http", ":80"), ("https", ":443")):
        if netloc.endswith(port) and scheme in (default, ""):
            return netloc[: -len(port)]
    return netloc


class HostGuard:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.allowed = set(settings.allowed_host_list)
        self.loopback_only = not self.allowed and is_loopback(settings.host)

    def host_allowed(self, host: str) -> bool:
        name = host_name(host)
        if self.allowed:
            return name in self.allowed or "*" in self.allowed
        if self.loopback_only:
            return name in LOOPBACK_NAMES or is_loopback(name)
        return True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and not self.host_allowed(Headers(scope=scope).get("host", "")):
            if scope["type"] == "http":
                await _error(BAD_HOST, "bad_host", 400)(scope, receive, send)
            return
        await self.app(scope, receive, send)


class CrossSiteGuard:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.trusted = {normal_netloc(urlsplit(o).netloc, urlsplit(o).scheme) for o in settings.cors_origin_list}

    def same_site(self, headers: Headers) -> bool:
        own = normal_netloc(headers.get("host", ""))
        origin = headers.get("origin")
        if origin is None:
            referer = headers.get("referer")
            if not referer:
                return True  # not a browser: no cookie of a victim can ride along
            origin = referer
        parts = urlsplit(origin)
        if origin == "null" or not parts.netloc:
            return False
        netloc = normal_netloc(parts.netloc, parts.scheme)
        return netloc == own or netloc in self.trusted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
            headers = Headers(scope=scope)
            bearer = headers.get("authorization", "").lower().startswith("bearer ")
            if not bearer and not self.same_site(headers):
                await _error(CROSS_SITE, "cross_site", 403)(scope, receive, send)
                return
        await self.app(scope, receive, send)
