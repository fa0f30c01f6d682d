"""One place that turns every failure into JSON ``{"error": "<中文说明>", "code": ...}``.

A ``UserFacingError`` keeps its status and message; request validation becomes 422
with a Chinese summary; anything else becomes a bare 500 and is logged here, so a
stack trace never reaches a client.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic_core import ErrorDetails
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.api.limits import body_limit_for
from assistant.core.errors import DiskFullError, UserFacingError, is_disk_full
from assistant.core.settings import Settings

logger = logging.getLogger("assistant.api")

INTERNAL_ERROR = "服务器内部错误，请稍后重试。"
_HTTP_MESSAGES = {
    401: "请先登录。",
    403: "没有权限执行此操作。",
    404: "找不到请求的地址。",
    405: "不支持该请求方法。",
    413: "请求内容超过大小上限。",
    415: "不支持的内容类型。",
    429: "请求过于频繁，请稍后再试。",
}
_VALIDATION_MESSAGES = {
    "missing": "缺少此项",
    "json_invalid": "不是有效的 JSON",
    "model_attributes_type": "格式不正确",
    "dict_type": "应为对象",
    "list_type": "应为列表",
    "string_type": "应为文本",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "extra_forbidden": "不认识的字段",
    "literal_error": "取值不在允许范围内",
    "string_too_long": "内容太长",
    "string_unicode": "含有无效字符",
    "less_than": "数值太大",
    "less_than_equal": "数值太大",
    "greater_than_equal": "数值太小",
    "greater_than": "数值太小",
}


def error_body(message: str, code: str) -> dict[str, str]:
    return {"error": message, "code": code}


def user_error_response(exc: UserFacingError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:
        headers = {"Retry-After": str(int(retry_after))}
    return JSONResponse(error_body(exc.message, exc.code), status_code=exc.status_code, headers=headers)


def validation_message(errors: list[ErrorDetails]) -> str:
    """A short Chinese summary such as “请求内容不符合要求：username 缺少此项”."""
    if any(error.get("type") == "json_invalid" for error in errors):
        return "请求内容不是有效的 JSON。"
    parts = []
    for error in errors[:5]:
        loc = ".".join(str(x) for x in error.get("loc", ()) if x not in ("body", "query", "path", "header"))
        reason = _VALIDATION_MESSAGES.get(error.get("type", ""), "格式不正确")
        parts.append(f"{loc} {reason}".strip())
    return "请求内容不符合要求：" + "；".join(parts) + "。"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(UserFacingError)
    async def _user_facing(request: Request, exc: UserFacingError) -> JSONResponse:
        return user_error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(error_body(validation_message(list(exc.errors())), "invalid_request"), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = _HTTP_MESSAGES.get(exc.status_code, "请求无法处理。")
        if exc.status_code == 413:
            message = _too_large_message(request, app.state.api.settings)
        return JSONResponse(
            error_body(message, f"http_{exc.status_code}"),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        if is_disk_full(exc):  # a library that does not know our DiskFullError ran out of space
            logger.error("磁盘空间不足：%s %s", request.method, request.url.path)
            return user_error_response(DiskFullError())
        logger.error("未处理的异常：%s %s", request.method, request.url.path, exc_info=exc)
        return JSONResponse(error_body(INTERNAL_ERROR, "internal"), status_code=500)


def _too_large_message(request: Request, settings: Settings) -> str:
    path = request.url.path.rstrip("/")
    if path == "/api/knowledge" or path.startswith("/api/import"):
        return f"上传的文件超过{settings.limit_upload_mb}MB 的上限，请拆分后再上传。"
    if path.startswith("/api/applications/") and "/media/" in path:
        image, video = settings.limit_upload_mb, settings.limit_video_mb
        return f"上传的文件太大：图片最多{image}MB，视频最多{video}MB，请压缩后再上传。"
    return f"请求内容太大：单条消息最多{settings.limit_message_chars}个字符，请分几次发送。"


class DeclaredSizeLimit:
    """Refuse an /api request whose declared Content-Length is over its limit, before reading it.

    FastAPI's per-route ``max_body_size`` also caps bodies sent without a length, but for
    a declared oversize length Starlette answers in plain English text; this middleware
    answers first, with the same Chinese JSON as every other error. Only /api paths are
    checked, so the UI mounted on the same app keeps its own rules.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            length = _declared_length(scope)
            limit = body_limit_for(scope["path"], self.settings)
            if length is not None and length > limit:
                request = Request(scope)
                body = error_body(_too_large_message(request, self.settings), "http_413")
                await JSONResponse(body, status_code=413, headers={"Connection": "close"})(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
