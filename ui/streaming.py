"""Run one blocking service call in a worker thread and stream its deltas to a generator.

Why a thread: ``Service.send_message`` is synchronous and reports streamed text
through an ``on_delta`` callback, while Gradio streams by iterating a generator.
The worker feeds a queue; the generator drains it and yields the text so far, at
most every ``interval`` seconds so a fast model does not flood the websocket, and
at least every ``heartbeat`` seconds, so the page can show that a slow model is
still writing while the drafter holds back a sentence it has not finished or will
not keep.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from assistant.llm.chat import STREAM_RESTART, DeltaCallback

T = TypeVar("T")
_DONE = object()


class StreamedCall(Generic[T]):
    """``call(on_delta)`` runs in a daemon thread; iterate ``stream()`` then read ``result()``."""

    def __init__(self, call: Callable[[DeltaCallback], T], interval: float = 0.15, heartbeat: float = 1.0) -> None:
        self._call = call
        self._interval = interval
        self._heartbeat = heartbeat
        self._queue: queue.Queue[object] = queue.Queue()
        self._result: T | None = None
        self._error: BaseException | None = None

    def _run(self) -> None:
        try:
            self._result = self._call(lambda delta: self._queue.put(delta))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller in result()
            self._error = exc
        finally:
            self._queue.put(_DONE)

    def stream(self) -> Iterator[str]:
        """Yield the cumulative streamed text when it grew (and on the heartbeat); returns when the call ends."""
        threading.Thread(target=self._run, name="ui-turn", daemon=True).start()
        text, last_yield, done, pending = "", 0.0, False, False
        while not done:
            try:
                item = self._queue.get(timeout=self._interval)
                while True:
                    if item is _DONE:
                        done = True
                        break
                    text = "" if item == STREAM_RESTART else text + str(item)  # a rewrite starts over
                    pending = True
                    item = self._queue.get_nowait()
            except queue.Empty:
                pass
            # ``pending`` survives quiet spells: the last piece before a pause is shown once the interval passed.
            since = time.monotonic() - last_yield
            if (pending and (done or since >= self._interval)) or (not done and since >= self._heartbeat):
                last_yield, pending = time.monotonic(), False
                yield text

    def result(self) -> T:
        """The call's return value, or its exception re-raised (after ``stream()`` ended)."""
        if self._error is not None:
            raise self._error
        return self._result  # type: ignore[return-value]
