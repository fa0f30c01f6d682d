"""One chat turn, as a JSON reply or as a Server-Sent Events stream.

The turn runs in the model-work pool (``assistant.api.executors``), never in the threads
that health checks, logins and reads use; its ``on_delta`` callback hands each piece of
text to the event loop through an ``asyncio.Queue``. The route waits for the first item
before answering, so an error raised before any text (not found, too long, empty, the
line is full) still gets its proper status code and JSON body rather than a 200 stream.

Events: ``queued`` ``{"ahead": N, "message": "请稍候，前面还有N位。"}`` while the turn waits for
a free place (then ``started`` ``{"waited_ms": ...}``), ``delta`` ``{"text": ...}`` while a part
is being drafted (``restart`` when a later model call rewrites it: clear what was shown),
then one ``done`` whose data is the ``TurnResult`` JSON (the authoritative result), or one
``error`` ``{"error", "code"}``.

A client that disconnects cancels its turn: a waiting turn leaves the line, a running one
stops at the model's next chunk (``assistant.core.cancel``). What was stored before that —
the message, finished drafts — stays stored; a part cut off mid-draft is marked pending and
drafted on the next turn or by ``POST /resume``, as after a crash.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping
from functools import partial
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from assistant.api.context import ApiContext
from assistant.api.errors import INTERNAL_ERROR, error_body
from assistant.api.executors import ClientGoneError, app_key, run_watched, user_key, wait_for_disconnect
from assistant.api.limits import AppId, json_body_limit
from assistant.api.routes.auth import Context, CurrentPrincipal
from assistant.auth.principal import Principal
from assistant.core.cancel import CancelToken, TurnCancelled
from assistant.core.errors import UserFacingError
from assistant.core.settings import Settings
from assistant.core.workpool import waiting_message
from assistant.llm.chat import STREAM_RESTART
from assistant.service.views import TurnResult

logger = logging.getLogger("assistant.api")

KEEPALIVE_SECONDS = 15.0
Item = tuple[Literal["queued", "started", "delta", "done", "error"], Any]


class MessageIn(BaseModel):
    text: str
    part_id: str | None = None
    action: Literal["answer", "revise", "goto", "skip"] | None = None


def sse(event: str, data: Mapping[str, object]) -> str:
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
    async def send_message(
        app_id: AppId, body: MessageIn, request: Request, principal: CurrentPrincipal, ctx: Context
    ) -> TurnResult | StreamingResponse:
        turn = partial(ctx.service.send_message, principal, app_id, body.text, part_id=body.part_id, action=body.action)
        if wants_stream(request):
            return await stream_turn(ctx, principal, app_id, turn, request)
        return await run_watched(request, ctx.pools.turns, turn, user=user_key(principal), key=app_key(app_id))

    return router


async def stream_turn(
    ctx: ApiContext, principal: Principal, app_id: int, turn: Callable[..., TurnResult], request: Request
) -> StreamingResponse:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Item] = asyncio.Queue()
    token = CancelToken()
    waited: dict[str, float] = {}

    def put(item: Item) -> None:
        loop.call_soon_threadsafe(queue.put_nowait, item)

    def on_wait(ahead: int) -> None:
        waited.setdefault("since", time.monotonic())
        queue.put_nowait(("queued", ahead))

    def work() -> TurnResult:
        if "since" in waited:
            put(("started", round((time.monotonic() - waited["since"]) * 1000)))
        return turn(on_delta=lambda text: put(("delta", text)))

    async def run() -> None:
        try:
            result = await ctx.pools.turns.run(
                work, user=user_key(principal), key=app_key(app_id), token=token, on_wait=on_wait
            )
            queue.put_nowait(("done", result))
        except TurnCancelled:
            pass  # the client went away; there is nobody to tell
        except Exception as exc:  # handed to the stream, which reports it
            queue.put_nowait(("error", exc))

    task = asyncio.ensure_future(run())
    first = await _first_item(queue, request, task, token)
    if first[0] == "error":
        await task
        raise first[1]
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(_events(first, queue, task, token), media_type="text/event-stream", headers=headers)


async def _first_item(
    queue: asyncio.Queue[Item], request: Request, task: asyncio.Future[None], token: CancelToken
) -> Item:
    """The first thing the turn has to say, or ``ClientGoneError`` if the client left before it."""
    getter = asyncio.ensure_future(queue.get())
    watch = asyncio.ensure_future(wait_for_disconnect(request))
    await asyncio.wait({getter, watch}, return_when=asyncio.FIRST_COMPLETED)
    watch.cancel()
    if getter.done():
        return getter.result()
    getter.cancel()
    token.cancel()
    task.cancel()
    raise ClientGoneError("连接已断开，本次对话已取消。")


async def _events(
    first: Item, queue: asyncio.Queue[Item], task: asyncio.Future[None], token: CancelToken
) -> AsyncIterator[str]:
    """The SSE body; if the client disconnects (Starlette cancels this generator) the turn is cancelled."""
    item: Item | None = first
    finished = False
    try:
        while True:
            if item is None:
                yield ": keep-alive\n\n"
            else:
                text, finished = _event_text(*item)
                yield text
                if finished:
                    break
            try:
                item = await asyncio.wait_for(queue.get(), timeout=KEEPALIVE_SECONDS)
            except TimeoutError:
                item = None
        await task
    finally:
        if not finished:
            token.cancel()
            task.cancel()


def _event_text(kind: str, payload: Any) -> tuple[str, bool]:
    """(SSE text, whether the stream ends with it) for one queue item."""
    if kind == "queued":
        return sse("queued", {"ahead": payload, "message": waiting_message(payload)}), False
    if kind == "started":
        return sse("started", {"waited_ms": payload}), False
    if kind == "delta" and payload == STREAM_RESTART:
        return sse("restart", {}), False  # a later model call rewrites the part: clear the preview
    if kind == "delta":
        return sse("delta", {"text": payload}), False
    if kind == "done":
        return sse("done", TurnResult.model_validate(payload).model_dump(mode="json")), True
    return sse("error", _stream_error(payload)), True


def _stream_error(exc: Exception) -> dict[str, str]:
    if isinstance(exc, UserFacingError):
        return error_body(exc.message, exc.code)
    logger.error("对话流中的未处理异常", exc_info=exc)
    return error_body(INTERNAL_ERROR, "internal")
