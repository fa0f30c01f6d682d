"""Run one blocking service call in the model-work pool and stream its deltas to an async generator.

Why the pool (``assistant.core.workpool.WorkPool``, shared with the REST API): a chat turn
with a slow model lasts a minute. Gradio runs each event at most ``concurrency_limit`` at
a time and a sync handler holds one of its threads for the whole turn, so one applicant's
turn used to wait for another's. The handler is now an async generator: it holds no
thread while it waits, the turn itself runs in the pool (per-user and global limits, the
same line as the API), and a person who must wait is told their place ("请稍候，前面还有N位").

``Service.send_message`` reports streamed text through an ``on_delta`` callback; the worker
thread hands each piece to the event loop, and ``stream()`` yields the text so far at most
every ``interval`` seconds (a fast model must not flood the websocket) and at least every
``heartbeat`` seconds, so the page shows that a slow model is still writing while the
drafter holds back a sentence it has not finished or will not keep. Each update costs Gradio a
render on the event loop; with fifty turns streaming, a one-second heartbeat alone was fifty a
second, so it is two.

When the page goes away Gradio closes the handler's generator at its next yield; the
handler then calls ``cancel()``, which takes the turn out of the line or stops it at the
model's next chunk (``assistant.core.cancel``).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from assistant.core.cancel import CancelToken
from assistant.core.workpool import WorkPool
from assistant.llm.chat import STREAM_RESTART, DeltaCallback

T = TypeVar("T")
_DONE = object()


@dataclass(frozen=True)
class Update:
    """What the page should show now: the place in line while waiting, then the text so far."""

    waiting: int | None = None
    text: str = ""


class StreamedCall(Generic[T]):
    """``call(on_delta)`` runs in ``pool``; iterate ``stream()`` then read ``result()``."""

    def __init__(
        self,
        call: Callable[[DeltaCallback], T],
        pool: WorkPool,
        *,
        user: str | None = None,
        key: str | None = None,
        interval: float = 0.15,
        heartbeat: float = 2.0,
    ) -> None:
        self._call = call
        self._pool = pool
        self._user, self._key = user, key
        self._interval = interval
        self._heartbeat = heartbeat
        self._token = CancelToken()
        self._queue: asyncio.Queue[object] = asyncio.Queue()
        self._task: asyncio.Task[T] | None = None
        self._waiting: int | None = None
        self.waited_seconds = 0.0

    async def _run(self) -> T:
        loop = asyncio.get_running_loop()

        def put(delta: str) -> None:
            loop.call_soon_threadsafe(self._queue.put_nowait, delta)

        def on_wait(ahead: int) -> None:
            self._queue.put_nowait(("waiting", ahead))

        def work() -> T:
            loop.call_soon_threadsafe(self._queue.put_nowait, ("started", None))
            return self._call(put)

        try:
            return await self._pool.run(work, user=self._user, key=self._key, token=self._token, on_wait=on_wait)
        finally:
            self._queue.put_nowait(_DONE)

    async def stream(self) -> AsyncIterator[Update]:
        """Updates until the call ends (its outcome is ``result()``)."""
        self._task = asyncio.ensure_future(self._run())
        joined = time.monotonic()
        text, last_yield, done, pending = "", 0.0, False, False
        while not done:
            try:
                item = await asyncio.wait_for(self._queue.get(), timeout=self._interval)
                while True:
                    if item is _DONE:
                        done = True
                        break
                    if isinstance(item, tuple) and item[0] == "waiting":  # the place in line changed
                        self._waiting = item[1]
                        yield Update(waiting=item[1])
                        last_yield = time.monotonic()
                    elif isinstance(item, tuple):  # ("started", None): out of the line, the turn runs
                        self.waited_seconds = time.monotonic() - joined if self._waiting is not None else 0.0
                        self._waiting = None
                    else:
                        text = "" if item == STREAM_RESTART else text + str(item)  # a rewrite starts over
                        pending = True
                    item = self._queue.get_nowait()
            except (TimeoutError, asyncio.QueueEmpty):
                pass
            since = time.monotonic() - last_yield
            if (pending and (done or since >= self._interval)) or (not done and since >= self._heartbeat):
                last_yield, pending = time.monotonic(), False
                yield Update(waiting=self._waiting) if self._waiting is not None and not text else Update(text=text)

    def result(self) -> T:
        """The call's return value, or its exception re-raised (after ``stream()`` ended)."""
        if self._task is None or not self._task.done():
            raise RuntimeError("StreamedCall.result() before the stream ended")
        return self._task.result()

    async def cancel(self) -> None:
        """The page went away: leave the line, or stop the turn at the model's next chunk."""
        self._token.cancel("page closed")
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
