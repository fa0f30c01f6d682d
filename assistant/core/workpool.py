"""A bounded pool for long work (model turns): nobody waits for anybody else, until the pool is full.

Why a pool of its own: a chat turn with a slow model lasts a minute. Run in the server's
shared thread pool (Starlette's 40 threads, Gradio's 40), 40 such turns left no thread for
health checks, logins or reads. Here long work gets its own threads (``workers``), the
rest of the server keeps its own, and admission is decided before a thread is taken:

* ``workers`` turns run at once, across every user and both entry points (REST and UI);
* one user (``user``) runs at most ``per_user`` turns at once, so one script cannot take
  the pool; local mode passes ``user=None`` (one person at their own computer);
* turns with the same ``key`` (an application) run one after another, in the order sent,
  because the second turn reads what the first one stores;
* up to ``max_waiting`` turns (``per_user_waiting`` per user) wait in line in the order
  they came, and are told their place ("请稍候，前面还有N位"); beyond that the caller gets
  ``ServerBusyError`` (503) at once rather than an unbounded wait.

A waiter that goes away leaves the line. A running turn gets the ``CancelToken`` it was
given as its current token (``assistant.core.cancel``), so the model client stops at the
next chunk once the caller cancels it. The slot is given back when the thread really
ends, never before, so the pool is never oversubscribed by abandoned work.

Everything is guarded by one lock, because waiters (coroutines on the event loop) and
finishing work (worker threads) both change the line.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import itertools
import threading
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from assistant.core.cancel import CancelToken, cancel_scope
from assistant.core.cpu_gate import CpuGate
from assistant.core.errors import UserFacingError
from assistant.core.settings import Settings

T = TypeVar("T")
WaitCallback = Callable[[int], Awaitable[None] | None]
POLL_SECONDS = 1.0  # a waiter re-reads its place at least this often (the line also wakes it on change)


class ServerBusyError(UserFacingError):
    status_code = 503
    code = "busy"


def waiting_message(ahead: int) -> str:
    """What a waiting person reads; ``ahead`` counts those in line before them."""
    if ahead <= 0:
        return "请稍候，马上就轮到您（正在处理的人较多）。"
    return f"请稍候，前面还有{ahead}位。"


@dataclass
class _Ticket:
    number: int
    user: str | None
    key: str | None
    loop: asyncio.AbstractEventLoop
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    admitted: bool = False
    joined: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class PoolStats:
    running: int
    waiting: int
    workers: int
    admitted: int
    queued: int
    wait_p95_ms: float


class WorkPool:
    def __init__(
        self,
        name: str,
        workers: int,
        per_user: int = 2,
        max_waiting: int = 200,
        per_user_waiting: int = 4,
        cpu_slots: int | None = None,
    ) -> None:
        self.name = name
        # Of the running turns, at most this many run Python code at once (see ``cpu_gate``).
        self.gate = CpuGate(cpu_slots) if cpu_slots else None
        self.workers = max(1, workers)
        self.per_user = max(1, per_user)
        self.max_waiting = max(0, max_waiting)
        self.per_user_waiting = max(0, per_user_waiting)
        self._executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix=name)
        self._lock = threading.Lock()
        self._line: list[_Ticket] = []
        self._running = 0
        self._by_user: Counter[str] = Counter()
        self._busy_keys: set[str] = set()
        self._numbers = itertools.count(1)
        self._admitted = 0
        self._queued = 0
        self._waits: deque[float] = deque(maxlen=2000)  # seconds each admitted ticket spent in line

    # ---- the line -------------------------------------------------------------------------
    def _eligible(self, ticket: _Ticket) -> bool:
        if self._running >= self.workers:
            return False
        if ticket.key is not None and ticket.key in self._busy_keys:
            return False
        return ticket.user is None or self._by_user[ticket.user] < self.per_user

    def _admit(self, ticket: _Ticket) -> None:
        ticket.admitted = True
        self._running += 1
        if ticket.user is not None:
            self._by_user[ticket.user] += 1
        if ticket.key is not None:
            self._busy_keys.add(ticket.key)
        self._admitted += 1
        self._waits.append(time.monotonic() - ticket.joined)

    def _dispatch(self) -> list[_Ticket]:
        """Admit, in order, every waiting ticket that may run now; returns the tickets to wake.

        Those admitted, and everyone still in line when someone left it (their place moved up).
        """
        admitted = []
        for ticket in list(self._line):
            if self._eligible(ticket):
                self._line.remove(ticket)
                self._admit(ticket)
                admitted.append(ticket)
        return admitted + list(self._line)

    def _wake(self, tickets: list[_Ticket]) -> None:
        for ticket in tickets:
            try:
                ticket.loop.call_soon_threadsafe(ticket.changed.set)
            except RuntimeError:  # its loop is closed: the waiter is gone anyway
                pass

    def _join(self, user: str | None, key: str | None) -> _Ticket:
        ticket = _Ticket(next(self._numbers), user, key, asyncio.get_running_loop())
        with self._lock:
            mine = sum(1 for t in self._line if user is not None and t.user == user)
            self._line.append(ticket)
            woken = self._dispatch()
            if not any(t.admitted for t in woken):
                woken = []  # a newcomer at the end moves nobody's place: wake no one (a burst of joins)
            if not ticket.admitted:
                if len(self._line) > self.max_waiting or (user is not None and mine >= self.per_user_waiting):
                    self._line.remove(ticket)
                    raise ServerBusyError(
                        f"服务器繁忙：前面还有{len(self._line)}位在排队，请稍后再试（这条消息尚未处理，请稍后重新发送）。"
                    )
                self._queued += 1
        self._wake([t for t in woken if t is not ticket])
        return ticket

    def _leave(self, ticket: _Ticket) -> None:
        """A waiter gave up (its client went away) before being admitted."""
        with self._lock:
            if ticket in self._line:
                self._line.remove(ticket)
            woken = self._dispatch()
        self._wake(woken)

    def _release(self, ticket: _Ticket) -> None:
        with self._lock:
            self._running -= 1
            if ticket.user is not None:
                self._by_user[ticket.user] -= 1
                if self._by_user[ticket.user] <= 0:
                    del self._by_user[ticket.user]
            if ticket.key is not None:
                self._busy_keys.discard(ticket.key)
            woken = self._dispatch()
        self._wake(woken)

    def ahead_of(self, ticket: _Ticket) -> int:
        with self._lock:
            return self._line.index(ticket) if ticket in self._line else 0

    # ---- running ----------------------------------------------------------------------------
    async def run(
        self,
        fn: Callable[..., T],
        *args: Any,
        user: str | None = None,
        key: str | None = None,
        token: CancelToken | None = None,
        on_wait: WaitCallback | None = None,
    ) -> T:
        """Run ``fn(*args)`` on a pool thread once admitted; ``on_wait(ahead)`` hears each new place in line.

        Cancelling the awaiting coroutine takes the ticket out of the line, or, once running,
        cancels ``token`` so the work stops at its next check; the slot is freed when it ends.
        """
        token = token or CancelToken()
        ticket = self._join(user, key)
        try:
            await self._wait_turn(ticket, on_wait)
        except BaseException:
            if ticket.admitted:
                self._release(ticket)
            else:
                self._leave(ticket)
            raise
        context = contextvars.copy_context()
        future: Future[T] = self._executor.submit(context.run, _scoped, token, self.gate, fn, args)
        future.add_done_callback(lambda _: self._release(ticket))
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            token.cancel("caller cancelled")
            raise

    async def _wait_turn(self, ticket: _Ticket, on_wait: WaitCallback | None) -> None:
        told: int | None = None
        while not ticket.admitted:
            ahead = self.ahead_of(ticket)
            if on_wait is not None and ahead != told:
                told = ahead
                maybe = on_wait(ahead)
                if maybe is not None:
                    await maybe
            ticket.changed.clear()
            if ticket.admitted:
                break
            try:
                await asyncio.wait_for(ticket.changed.wait(), timeout=POLL_SECONDS)
            except TimeoutError:
                pass

    def stats(self) -> PoolStats:
        with self._lock:
            waits = sorted(self._waits)
            p95 = waits[min(len(waits) - 1, int(0.95 * (len(waits) - 1) + 0.5))] * 1000 if waits else 0.0
            return PoolStats(self._running, len(self._line), self.workers, self._admitted, self._queued, p95)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _scoped(token: CancelToken, gate: CpuGate | None, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
    with cancel_scope(token), gate.holding() if gate is not None else contextlib.nullcontext():
        return fn(*args)


def model_pool(settings: Settings) -> WorkPool:
    """The pool for model turns, from settings (one per server process, shared by the API and the UI)."""
    return WorkPool(
        "model-turn",
        workers=settings.turn_workers,
        per_user=settings.turn_per_user,
        max_waiting=settings.turn_queue,
        per_user_waiting=settings.turn_per_user_queue,
        cpu_slots=settings.turn_cpu_slots,
    )


def heavy_pool(settings: Settings) -> WorkPool:
    """The small pool for CPU-heavy work (exports, reviews): a few threads, one user at most all but one."""
    return WorkPool(
        "cpu-heavy",
        workers=settings.heavy_workers,
        per_user=max(1, settings.heavy_workers - 1),
        max_waiting=settings.turn_queue,
        per_user_waiting=settings.turn_per_user_queue,
    )
