"""No-login mode only for requests that really come from this machine.

Local mode (listening on loopback, no account yet) serves every request as 本机用户.
Behind a reverse proxy on the same machine every visitor arrives from 127.0.0.1, so
"listening on loopback" said nothing about who was asking: proxied visitors could
create applications and load the knowledge base without a login. This guard sits in
front of the API and the mounted UI and, while local mode lasts, lets through only a
request with a loopback peer, a loopback Host name and no forwarding header
(``assistant.auth.exposure.request_is_local``), or any request when the operator set
``no_login_via_proxy``. Everything else gets a Chinese 403 (a page for browsers) that
says to create an account. Once an account exists the guard costs one attribute read.

``/api/health`` stays open so a monitor behind the proxy sees ``login_required: true``.
"""

from __future__ import annotations

from html import escape

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.responses import HTMLResponse, JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.auth.accounts import Accounts
from assistant.auth.exposure import NO_ACCOUNT_YET, is_loopback, request_is_local
from assistant.core.settings import Settings

OPEN_PATHS = frozenset({"/api/health"})
PAGE = (
    '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>需要先创建账号</title>'
    '<body style="font-family:sans-serif;max-width:40em;margin:4em auto"><h1>需要先创建账号</h1><p>{}</p></body></html>'
)


def scope_is_local(scope: Scope) -> bool:
    headers = Headers(scope=scope)
    client = scope.get("client")
    return request_is_local(client[0] if client else None, headers.get("host", ""), headers.keys())


def served_without_login(scope: Scope, settings: Settings, accounts: Accounts) -> bool:
    """Whether this request runs as 本机用户: local mode, and a local request (or the operator allows proxies)."""
    return bool(accounts.local_mode()) and (settings.no_login_via_proxy or scope_is_local(scope))


class LocalModeGuard:
    def __init__(self, app: ASGIApp, settings: Settings, accounts: Accounts) -> None:
        self.app = app
        self.accounts = accounts
        self.active = is_loopback(settings.host) and not settings.no_login_via_proxy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if await self._refused(scope):
            if scope["type"] == "websocket":
                return await send({"type": "websocket.close", "code": 1008})
            return await self._refusal(scope)(scope, receive, send)
        return await self.app(scope, receive, send)

    async def _refused(self, scope: Scope) -> bool:
        if not self.active or scope["type"] not in ("http", "websocket") or scope.get("path") in OPEN_PATHS:
            return False
        if self.accounts.users_exist_known or scope_is_local(scope):
            return False
        return bool(await run_in_threadpool(self.accounts.local_mode))

    @staticmethod
    def _refusal(scope: Scope) -> HTMLResponse | JSONResponse:
        if "text/html" in Headers(scope=scope).get("accept", ""):
            return HTMLResponse(PAGE.format(escape(NO_ACCOUNT_YET)), status_code=403)
        return JSONResponse({"error": NO_ACCOUNT_YET, "code": "login_required"}, status_code=403)
