"""The model-work pool's rules: who runs at once, who waits, in what order, and what leaving does.

Waits are on state (events, the pool's own counters), never on timers.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading

import pytest

from assistant.core.cancel import TurnCancelled, check_cancelled
from assistant.core.workpool import ServerBusyError, WorkPool, waiting_message


def _run(scenario) -> None:
    """``asyncio.run(scenario())`` in a thread of its own: a browser test earlier in the session (Playwright's
    sync API) leaves a loop running in the main thread, and asyncio.run refuses to start inside one."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as runner:
        runner.submit(asyncio.run, scenario()).result()


class Gate:
    """A blocking job: it says when it started and finishes when released (or cancelled)."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self, value: str) -> str:
        self.started.set()
        while not self.release.wait(0.01):
            check_cancelled()
        return value


async def _until(condition) -> None:
    while not condition():
        await asyncio.sleep(0.01)


def test_different_users_run_at_once_and_one_applications_turns_in_order() -> None:
    async def scenario() -> None:
        pool = WorkPool("t", workers=4, per_user=2)
        first, second, other = Gate(), Gate(), Gate()
        a = asyncio.ensure_future(pool.run(first, "a1", user="u1", key="app1"))
        await _until(first.started.is_set)
        b = asyncio.ensure_future(pool.run(second, "a2", user="u1", key="app1"))  # same application: waits
        c = asyncio.ensure_future(pool.run(other, "b", user="u2", key="app2"))  # someone else: runs now
        await _until(other.started.is_set)
        assert not second.started.is_set()
        first.release.set()
        assert await a == "a1"
        await _until(second.started.is_set)
        second.release.set()
        other.release.set()
        assert await asyncio.gather(b, c) == ["a2", "b"]

    _run(scenario)


def test_a_full_pool_tells_each_waiter_its_place_and_refuses_beyond_the_line() -> None:
    async def scenario() -> None:
        pool = WorkPool("t", workers=1, per_user=5, max_waiting=2)
        running = Gate()
        places: dict[str, list[int]] = {"w1": [], "w2": []}
        first = asyncio.ensure_future(pool.run(running, "r", user="u0"))
        await _until(running.started.is_set)
        holding = Gate()  # w1 holds the only worker until w2 has heard its new place (no race on timing)
        waiters = {
            "w1": asyncio.ensure_future(pool.run(holding, "w1", user="w1", on_wait=places["w1"].append)),
            "w2": asyncio.ensure_future(pool.run(lambda: "w2", user="w2", on_wait=places["w2"].append)),
        }
        await _until(lambda: pool.stats().waiting == 2)
        with pytest.raises(ServerBusyError) as busy:
            await pool.run(lambda: "x", user="w3")
        assert "前面还有2位" in busy.value.message and busy.value.status_code == 503
        running.release.set()
        assert await first == "r"
        await _until(lambda: places["w2"] == [1, 0])  # w2 moved up when w1 left the line
        holding.release.set()
        assert await waiters["w1"] == "w1" and await waiters["w2"] == "w2"
        assert places == {"w1": [0], "w2": [1, 0]}
        assert waiting_message(1) == "请稍候，前面还有1位。"

    _run(scenario)


def test_one_user_cannot_take_the_pool() -> None:
    async def scenario() -> None:
        pool = WorkPool("t", workers=4, per_user=1, per_user_waiting=1)
        mine, theirs = Gate(), Gate()
        a = asyncio.ensure_future(pool.run(mine, "1", user="busy", key="k1"))
        await _until(mine.started.is_set)
        b = asyncio.ensure_future(pool.run(lambda: "2", user="busy", key="k2"))  # waits: one at a time for them
        await _until(lambda: pool.stats().waiting == 1)
        with pytest.raises(ServerBusyError):
            await pool.run(lambda: "3", user="busy", key="k3")  # and one in line at most
        c = asyncio.ensure_future(pool.run(theirs, "other", user="quiet"))
        await _until(theirs.started.is_set)  # others are not held up by them
        mine.release.set()
        theirs.release.set()
        assert await asyncio.gather(a, b, c) == ["1", "2", "other"]

    _run(scenario)


def test_leaving_the_line_and_cancelling_a_running_turn() -> None:
    async def scenario() -> None:
        pool = WorkPool("t", workers=1)
        running = Gate()
        first = asyncio.ensure_future(pool.run(running, "r", user="a"))
        await _until(running.started.is_set)
        gone = asyncio.ensure_future(pool.run(lambda: "never", user="b"))
        await _until(lambda: pool.stats().waiting == 1)
        gone.cancel()  # its client went away while waiting
        await _until(lambda: pool.stats().waiting == 0)
        first.cancel()  # and the running one's client too: it stops at its next check
        with pytest.raises(asyncio.CancelledError):
            await first
        await _until(lambda: pool.stats().running == 0)  # the slot comes back only when the thread has ended
        assert await pool.run(lambda: "next", user="c") == "next"

    _run(scenario)


def test_the_cancelled_work_sees_turn_cancelled() -> None:
    async def scenario() -> None:
        pool = WorkPool("t", workers=1)
        seen: list[str] = []

        def work() -> None:
            try:
                while True:
                    check_cancelled()
            except TurnCancelled:
                seen.append("cancelled")
                raise

        task = asyncio.ensure_future(pool.run(work))
        await _until(lambda: pool.stats().running == 1)
        task.cancel()
        await _until(lambda: pool.stats().running == 0)
        assert seen == ["cancelled"]

    _run(scenario)
