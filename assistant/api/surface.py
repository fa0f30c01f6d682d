"""The Gradio routes we do not use are closed; the ones that hold files need a login.

Gradio (mounted at /) answers many routes of its own. The browser page needs only
the page, its assets, ``/config``, the queue and ``/gradio_api/run`` (our events
authorize themselves from the session cookie). Everything else is either closed
here (404: named-API calls such as the old ``/gradio_api/call/lambda_6`` login,
monitoring, MCP, run history, dev and vibe tools…) or, when accounts exist,
requires a valid session cookie (401): uploads and file downloads.

Uploads also get a size cap for the whole request (``limit_upload_files`` ×
``limit_upload_mb``), a per-user and a total quota over the time Gradio keeps uploaded files
(``upload_quota``), and Gradio's English 413 for a single oversized file is replaced by a
Chinese one.

``/gradio_api/queue/data`` for a session the queue does not know (never joined, or already
gone) gets a short 404 here and one log line; Gradio itself raised inside its event stream and
wrote a 15 KB traceback to the log for every such anonymous request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api.upload_quota import UploadLedger
from assistant.auth.accounts import Accounts
from assistant.auth.web import token_from_cookie_header
from assistant.core.settings import Settings

DENIED = (
    "/gradio_api/call/",
    "/gradio_api/api/",
    "/gradio_api/openapi.json",
    "/gradio_api/startup-events",
    "/gradio_api/dev/",
    "/gradio_api/run-history",
    "/gradio_api/runs",
    "/gradio_api/deep_link",
    "/gradio_api/mcp",
    "/gradio_api/vibe",
    "/gradio_api/undo-vibe",
    "/gradio_api/profiling",
    "/gradio_api/process_recording",
    "/gradio_api/proxy=",
    "/gradio_api/token",
    "/gradio_api/user",
    "/gradio_api/login_check",
    "/monitoring",
    "/login",
    "/logout",
)
NEEDS_LOGIN = ("/gradio_api/upload", "/gradio_api/file=", "/gradio_api/file/", "/gradio_api/stream")
UPLOAD = "/gradio_api/upload"
QUEUE_DATA = "/gradio_api/queue/data"
log = logging.getLogger("assistant.api.surface")


def _error(message: str, code: str, status: int) -> JSONResponse:
    return JSONResponse({"error": message, "code": code}, status_code=status)


class GradioSurface:
    def __init__(
        self,
        app: ASGIApp,
        settings: Settings,
        accounts: Accounts,
        known_session: Callable[[str], bool] | None = None,
        uploads: UploadLedger | None = None,
    ) -> None:
        self.app = app
        self.settings = settings
        self.accounts = accounts
        self.known_session = known_session  # does Gradio's queue know this session hash (server.py says how)
        self.uploads = uploads
        self.per_file = settings.limit_upload_mb * 1024 * 1024
        self.per_request = self.per_file * max(1, settings.limit_upload_files) + 1024 * 1024

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path or path.startswith("/api/"):
            return await self.app(scope, receive, send)
        refusal = await self.refusal(scope, path)
        if refusal is not None:
            return await refusal(scope, receive, send)
        if path.startswith(UPLOAD):
            return await self.app(scope, receive, self._chinese_413(send))
        return await self.app(scope, receive, send)

    async def refusal(self, scope: Scope, path: str) -> JSONResponse | None:
        if path.startswith(DENIED):
            return _error("找不到请求的地址。", "http_404", 404)
        if path == QUEUE_DATA and self.known_session is not None:
            return self._unknown_session(scope)
        if not path.startswith(NEEDS_LOGIN):
            return None
        headers = Headers(scope=scope)
        user = await run_in_threadpool(self._user, headers.get("cookie", ""))
        if user is None:
            return _error("请先登录。", "unauthenticated", 401)
        if path.startswith(UPLOAD) and scope.get("method") == "POST":
            return self._size_refusal(headers) or self._quota_refusal(user, headers)
        return None

    def _unknown_session(self, scope: Scope) -> JSONResponse | None:
        session = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("session_hash", [""])[0]
        if session and self.known_session is not None and self.known_session(session):
            return None
        client = scope.get("client") or ("?", 0)
        log.warning("queue/data for an unknown session from %s: 404", client[0])
        return _error("页面会话已失效，请刷新页面。", "unknown_session", 404)

    def _user(self, cookie_header: str) -> str | None:
        """Who is uploading or downloading: "local" in local mode, the user id, or None (not logged in)."""
        if self.accounts.local_mode():
            return "local"
        principal = self.accounts.principal_for_token(token_from_cookie_header(cookie_header))
        return None if principal is None else f"user:{principal.id}"

    def _quota_refusal(self, user: str, headers: Headers) -> JSONResponse | None:
        if self.uploads is None:
            return None
        refused = self.uploads.admit(user, int(headers.get("content-length", "0")))
        return _error(refused, "upload_quota", 413) if refused else None

    def _size_refusal(self, headers: Headers) -> JSONResponse | None:
        try:
            length = int(headers.get("content-length", ""))
        except ValueError:
            return _error("上传请求缺少长度信息，请使用页面上的上传按钮。", "length_required", 411)
        if length > self.per_request:
            return _error(self._too_large(), "http_413", 413)
        return None

    def _too_large(self) -> str:
        return (
            f"上传的文件太大：单个文件最多{self.settings.limit_upload_mb}MB，"
            f"一次最多{self.settings.limit_upload_files}个文件，请拆分后再上传。"
        )

    def _chinese_413(self, send: Send) -> Send:
        """Gradio answers an oversized file with an English text/plain 413; send ours instead."""
        state = {"replaced": False}

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start" and message.get("status") == 413:
                state["replaced"] = True
                response = _error(self._too_large(), "http_413", 413)
                await send({"type": "http.response.start", "status": 413, "headers": response.raw_headers})
                await send({"type": "http.response.body", "body": response.body})
                return
            if state["replaced"]:
                return
            await send(message)

        return wrapped
