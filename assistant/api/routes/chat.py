"""One chat turn, as a JSON reply or as a Server-Sent Events stream.

Streaming: the service call is synchronous (SQLite, the drafter, the model client),
so it runs in a worker thread; its ``on_delta`` callback hands each piece of text
to the event loop through an ``asyncio.Queue``. The route waits for the first item
before answering, so an error raised before any text (not found, too long, empty)
still gets its proper status code and JSON body rather than a 200 stream.

Events: ``delta`` ``{"text": ...}`` while a part is being drafted (``restart`` when a later model call
rewrites it: clear what was shown), then one ``done``
whose data is the ``TurnResult`` JSON (the authoritative result), or one ``error``
``{"error", "code"}``. A client that disconnects does not cancel the turn: it is
already stored, and the thread runs to completion.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from assistant.api.errors import INTERNAL_ERROR, error_body
from assistant.api.limits import AppId, json_body_limit
from assistant.api.routes.auth import Context, CurrentPrincipal
from assistant.auth.principal import Principal
from assistant.core.errors import UserFacingError
from assistant.core.settings import Settings
from assistant.llm.chat import STREAM_RESTART
from assistant.service.views import TurnResult

logger = logging.getLogger("assistant.api")

KEEPALIVE_SECONDS = 15.0
Item = tuple[Literal["delta", "done", "error"], Any]


class MessageIn(BaseModel):
    text: str
    part_id: str | None = None
    action: Literal["answer", "revise", "goto", "skip"] | None = None


def sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def wants_stream(request: Request) -> bool:
    return "text/event-stream" in request.headers.get("accept", "").lower()


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(prefix="/applications", tags=["对话"], max_body_size=json_body_limit(settings))

    @router.post(
        "/{app_id}/messages",
        response_model=TurnResult,
        responses={200: {"content": {"text/event-stream": {}}, "description": "JSON，或 SSE 事件流"}},
    )
    async def send_message(app_id: AppId, body: MessageIn, request: Request, principal: CurrentPrincipal, ctx: Context):
        if wants_stream(request):
            return await stream_turn(ctx.service, principal, app_id, body)
        return await run_in_threadpool(
            ctx.service.send_message, principal, app_id, body.text, part_id=body.part_id, action=body.action
        )

    return router


async def stream_turn(service: Any, principal: Principal, app_id: int, body: MessageIn) -> StreamingResponse:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Item] = asyncio.Queue()

    def put(item: Item) -> None:
        loop.call_soon_threadsafe(queue.put_nowait, item)

    def work() -> None:
        try:
            result = service.send_message(
                principal,
                app_id,
                body.text,
                part_id=body.part_id,
                action=body.action,
                on_delta=lambda text: put(("delta", text)),
            )
            put(("done", result))
        except Exception as exc:  # handed to the event loop, which reports it
            put(("error", exc))

    task = asyncio.ensure_future(run_in_threadpool(work))
    first = await queue.get()
    if first[0] == "error":
        await task
        raise first[1]
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(_events(first, queue, task), media_type="text/event-stream", headers=headers)


async def _events(first: Item, queue: asyncio.Queue[Item], task: asyncio.Future) -> AsyncIterator[str]:
    item: Item | None = first
    while True:
        if item is None:
            yield ": keep-alive\n\n"
        else:
            kind, payload = item
            if kind == "delta" and payload == STREAM_RESTART:
                yield sse("restart", {})  # a later model call rewrites the part: clear the preview
            elif kind == "delta":
                yield sse("delta", {"text": payload})
            elif kind == "done":
                yield sse("done", TurnResult.model_validate(payload).model_dump(mode="json"))
                break
            else:
                yield sse("error", _stream_error(payload))
                break
        try:
            item = await asyncio.wait_for(queue.get(), timeout=KEEPALIVE_SECONDS)
        except TimeoutError:
            item = None
    await task


def _stream_error(exc: Exception) -> dict[str, str]:
    if isinstance(exc, UserFacingError):
        return error_body(exc.message, exc.code)
    logger.error("对话流中的未处理异常", exc_info=exc)
    return error_body(INTERNAL_ERROR, "internal")
