"""Gradio event results go only to the page, and the login, that asked for them.

Gradio keys everything of a page's session by a ``session_hash`` the browser makes up:
results are read from ``GET /gradio_api/queue/data?session_hash=…``, and nothing else
is checked. Whoever learnt a victim's session hash could read its results with another
cookie or none, among them the one-time login ticket. So:

* every browser gets a random, HttpOnly page cookie (``case_assistant_page``) on its
  first request to the UI (set on the response, and added to that very request so the
  handlers see it);
* the first request that names a session hash binds it to (page cookie, session cookie);
  every later request naming it must bring both again, or gets a Chinese 403 — the
  result stream, joining an event, cancelling, the heartbeat, streams;
* the login ticket itself is bound to the page cookie (``auth.tickets``), so even a
  ticket copied out some other way cannot be redeemed by another browser.

A page reloads after login, logout and a password change, so it then starts a new session hash.
Bindings are kept for the most recent ``MAX_BINDINGS`` session hashes (Gradio itself
forgets a closed session after an hour).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import OrderedDict
from urllib.parse import parse_qs

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.auth.web import PAGE_COOKIE, token_from_cookie_header
from assistant.core.settings import Settings

MAX_BINDINGS = 100_000
MAX_BODY = 4 * 1024 * 1024
BODY_PATHS = ("/gradio_api/queue/join", "/gradio_api/run/", "/gradio_api/cancel", "/gradio_api/component_server")
PATH_PATHS = ("/gradio_api/heartbeat/", "/gradio_api/stream/")
MISMATCH = "这个页面会话属于另一个浏览器或另一次登录：请刷新页面后重试。"


def _error(message: str, code: str, status: int) -> JSONResponse:
    return JSONResponse({"error": message, "code": code}, status_code=status)


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None


class GradioSessionBinding:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.secure = settings.cookie_secure
        self.bindings: OrderedDict[str, str] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path or path.startswith("/api/"):
            return await self.app(scope, receive, send)
        scope, send, page = self._with_page_cookie(scope, send)
        if not path.startswith("/gradio_api/"):
            return await self.app(scope, receive, send)
        session_hash, receive, refusal = await self._session_hash(scope, path, receive)
        if refusal is None and session_hash is not None and not self._bound_to(session_hash, scope, page):
            refusal = _error(MISMATCH, "session_mismatch", 403)
        if refusal is not None:
            return await refusal(scope, receive, send)
        return await self.app(scope, receive, send)

    def _with_page_cookie(self, scope: Scope, send: Send) -> tuple[Scope, Send, str]:
        """The page id of this browser; a new one is set on the response and added to the request."""
        headers = Headers(scope=scope)
        page = _cookie(headers.get("cookie", ""), PAGE_COOKIE)
        if page:
            return scope, send, page
        page = secrets.token_urlsafe(32)
        cookie = f"{headers.get('cookie', '')}; {PAGE_COOKIE}={page}".lstrip("; ")
        raw = [(k, v) for k, v in scope.get("headers", []) if k != b"cookie"] + [(b"cookie", cookie.encode("latin-1"))]
        scope = {**scope, "headers": raw}
        https = self.secure or scope.get("scheme") == "https"
        value = f"{PAGE_COOKIE}={page}; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if https else "")

        async def set_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("set-cookie", value)
            await send(message)

        return scope, set_cookie, page

    async def _session_hash(
        self, scope: Scope, path: str, receive: Receive
    ) -> tuple[str | None, Receive, JSONResponse | None]:
        """(the session hash this request names or None, the receive to pass on, a refusal or None)."""
        if path == "/gradio_api/queue/data":
            values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("session_hash")
            return (values[0] if values else None), receive, None
        if path.startswith(PATH_PATHS) and scope.get("method") == "GET":
            parts = path.split("/")
            return (parts[3] if len(parts) > 3 and parts[3] else None), receive, None
        if path.startswith(BODY_PATHS) and scope.get("method") == "POST":
            return await self._from_body(receive)
        return None, receive, None

    async def _from_body(self, receive: Receive) -> tuple[str | None, Receive, JSONResponse | None]:
        """Read the JSON body (bounded), take its ``session_hash``, and replay the body to Gradio."""
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > MAX_BODY:
                return None, receive, _error("请求内容太大，请分几次提交。", "http_413", 413)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        try:
            value = json.loads(body or b"{}").get("session_hash")
        except (ValueError, AttributeError):
            value = None  # Gradio answers malformed bodies itself
        return (value if isinstance(value, str) and value else None), replay, None

    def _bound_to(self, session_hash: str, scope: Scope, page: str) -> bool:
        """Bind an unseen session hash to this page and login; a known one must match them."""
        token = token_from_cookie_header(Headers(scope=scope).get("cookie", "")) or ""
        owner = hashlib.sha256(f"{page}\x00{token}".encode()).hexdigest()
        bound = self.bindings.get(session_hash)
        if bound is None:
            self.bindings[session_hash] = owner
            if len(self.bindings) > MAX_BINDINGS:
                self.bindings.popitem(last=False)
            return True
        self.bindings.move_to_end(session_hash)
        return secrets.compare_digest(bound, owner)
