"""At most a few turns run Python code at once; a turn waiting for the model lets another run.

Why: forty chat turns starting together (retrieval, prompt building, the drafting
guarantees) are forty threads asking for one interpreter lock. Each then waits for all the
others' time slices, and so does everything else in the process: a health check took 3.5
seconds. Threads that only wait for the model's next chunk cost nothing, so the pool for
model turns lets its threads run Python code only while holding one of a few slots (about
one per core) and the model client gives its slot back while it waits for the network
(``io_wait``). Short requests (health, login, reads) never take a slot, so they compete
with at most that many busy threads.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_CURRENT: ContextVar[CpuGate | None] = ContextVar("case_assistant_cpu_gate", default=None)


class CpuGate:
    def __init__(self, slots: int) -> None:
        self.slots = max(1, slots)
        self._semaphore = threading.Semaphore(self.slots)

    @contextmanager
    def holding(self) -> Iterator[None]:
        """Run the body with a slot; ``io_wait`` inside it lends the slot out while blocked."""
        self._semaphore.acquire()
        reset = _CURRENT.set(self)
        try:
            yield
        finally:
            _CURRENT.reset(reset)
            self._semaphore.release()

    def _lend(self) -> None:
        self._semaphore.release()

    def _take_back(self) -> None:
        self._semaphore.acquire()


@contextmanager
def io_wait() -> Iterator[None]:
    """Around a blocking wait (the next chunk of a model's reply, a retry's sleep): free the slot meanwhile."""
    gate = _CURRENT.get()
    if gate is None:
        yield
        return
    gate._lend()
    try:
        yield
    finally:
        gate._take_back()
