"""Where each kind of request runs, so long work never takes the threads short requests need.

* Model work — chat turns, redrafts, resuming, policy questions (any of them may call the
  chat model for a minute): ``Pools.turns``, a ``WorkPool`` with per-user and global limits
  and a place in line ("请稍候，前面还有N位"); shared with the web UI, so the limits hold
  across both entry points.
* CPU-heavy work — Word/PDF export, the pre-submission review: ``Pools.heavy``, a few
  threads, so a burst of exports competes with at most that many threads for the
  interpreter instead of with every request.
* Everything else (health, login, reads) stays in Starlette's own thread pool, which no
  long call occupies any more.

``run_watched`` awaits work while listening for the client to go away: a request whose
client disconnected cancels its work (the model client stops at its next chunk).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from fastapi import Request

from assistant.auth.principal import Principal
from assistant.core.cancel import CancelToken
from assistant.core.errors import UserFacingError
from assistant.core.settings import Settings
from assistant.core.workpool import WorkPool, heavy_pool, model_pool

T = TypeVar("T")


class ClientGoneError(UserFacingError):
    """The client disconnected before its answer was ready; nobody reads this response."""

    status_code = 499
    code = "client_closed_request"


@dataclass(frozen=True)
class Pools:
    turns: WorkPool
    heavy: WorkPool


def build_pools(settings: Settings) -> Pools:
    """The pools one server process uses (``assistant.server`` shares ``turns`` with the UI)."""
    return Pools(turns=model_pool(settings), heavy=heavy_pool(settings))


def user_key(principal: Principal) -> str | None:
    """Per-user limits apply to accounts; local mode is one person at their own computer."""
    return None if principal.local else f"user:{principal.id}"


def app_key(app_id: int) -> str:
    return f"application:{app_id}"


async def wait_for_disconnect(request: Request) -> None:
    """Return once the client has gone away (the request body must already have been read)."""
    while True:
        message = await request.receive()
        if message.get("type") == "http.disconnect":
            return


async def run_watched(
    request: Request,
    pool: WorkPool,
    fn: Callable[..., T],
    *args: object,
    user: str | None = None,
    key: str | None = None,
    token: CancelToken | None = None,
) -> T:
    """``pool.run(fn, *args)``, cancelled (work included) if the client disconnects first."""
    token = token or CancelToken()
    work = asyncio.ensure_future(pool.run(fn, *args, user=user, key=key, token=token))
    watch = asyncio.ensure_future(wait_for_disconnect(request))
    try:
        await asyncio.wait({work, watch}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watch.cancel()
        if not work.done():
            token.cancel()
            work.cancel()
            with contextlib.suppress(BaseException):
                await work
            raise ClientGoneError("连接已断开，本次请求已取消。")
    return work.result()
