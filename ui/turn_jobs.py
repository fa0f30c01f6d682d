"""Chat turns as server-side jobs, one per application, that a reloaded page finds and follows.

Why: a turn with a slow model lasts a minute. It used to live inside the Gradio event that
started it, so a reload mid-draft showed the applicant's message with no reply and no progress
(the page had forgotten the turn; only a second reload, after the server finished, showed the
draft). Now the turn is a job the server keeps: the event that starts it and any page that opens
the application later *follow* it, reading its place in line, the text streamed so far and the
part being written, and then its result. What the page shows comes from here and from storage,
never from what the browser remembers.

Rules:
* one job per application at a time: a second 发送 while one runs is refused with a message
  (``TurnInProgress``), the page's 发送 is disabled meanwhile;
* the job runs in the shared model-work pool (``assistant.core.workpool``: limits, order per
  application, places in line), exactly as before;
* a job nobody follows any more (the page was closed) is kept ``REATTACH_SECONDS`` for a reload
  to find it, then cancelled at the model's next chunk, so an abandoned page does not keep a place
  in the pool (issue 24); what it stored stays, and a part cut off mid-draft is drafted again when
  the page comes back (``Service.resume_interrupted``), as after a crash.

Jobs live in this process; with several instances behind a balancer a reload may reach another
one, which then sees the interrupted part in storage and drafts it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from assistant.core.cancel import CancelToken
from assistant.core.errors import InvalidInputError
from assistant.core.workpool import WorkPool
from assistant.llm.chat import STREAM_RESTART, DeltaCallback

REATTACH_SECONDS = 6.0
"""How long a job nobody follows waits for a reloaded page before it is cancelled."""
FOLLOW_SPACING_S = 0.04  # per running turn, between two updates of a growing draft (see TurnJobs._spacing)
BUSY_MESSAGE = "上一条消息还在处理中（{what}），请等它完成后再发送；您输入的文字仍在输入框中。"


class TurnInProgress(InvalidInputError):
    """A second message for an application whose turn is still running."""


@dataclass(frozen=True)
class Progress:
    """What a follower shows now."""

    waiting: int | None  # places ahead in the line, while waiting
    text: str  # the part's text streamed so far
    part_id: str | None  # the part being written (None: not known yet, or not a draft)
    seconds: int  # since the turn left the line and started
    done: bool


class TurnJob:
    """One running turn: its progress, then its outcome (``result`` or ``error``)."""

    def __init__(self, app_id: int, message: str, part_id: str | None) -> None:
        self.app_id = app_id
        self.message = message  # the applicant's words, shown until storage has them
        self.part_id = part_id  # the part the page had selected (the target of a revision)
        self.token = CancelToken()
        self.waiting: int | None = None
        self.text = ""
        self.writing: str | None = None
        self.started: float | None = None
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = False
        self.followers = 0
        self.task: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()

    def progress(self) -> Progress:
        seconds = int(time.monotonic() - self.started) if self.started is not None else 0
        return Progress(self.waiting, self.text, self.writing, seconds, self.done)

    def changed(self) -> None:
        self._changed.set()

    async def wait_change(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout=timeout)
        self._changed.clear()


class TurnJobs:
    """The running turns of this process, by application id."""

    def __init__(self, pool: WorkPool, reattach_seconds: float = REATTACH_SECONDS) -> None:
        self.pool = pool
        self.reattach_seconds = reattach_seconds
        self._jobs: dict[int, TurnJob] = {}

    def running(self, app_id: int | None) -> TurnJob | None:
        return self._jobs.get(int(app_id)) if app_id else None

    def start(
        self,
        app_id: int,
        message: str,
        call: Callable[[DeltaCallback], Any],
        *,
        user: str | None,
        part_id: str | None = None,
        locate: Callable[[], str | None] = lambda: None,
        after: Callable[[Any], Awaitable[Any]] | None = None,
    ) -> TurnJob:
        """Run ``call(on_delta)`` in the pool as the application's job; ``locate()`` names the part being
        written when a new part starts streaming; ``after(result)`` runs once the pool's slot is free."""
        current = self._jobs.get(app_id)
        if current is not None:
            raise TurnInProgress(BUSY_MESSAGE.format(what="正在排队" if current.waiting is not None else "正在起草"))
        job = TurnJob(app_id, message, part_id)
        loop = asyncio.get_running_loop()

        def on_delta(delta: str) -> None:  # in the worker thread
            part = _located(locate) if delta == STREAM_RESTART else None
            with contextlib.suppress(RuntimeError):  # the loop is closed: the server is stopping
                loop.call_soon_threadsafe(_apply, job, delta, part)

        def on_wait(ahead: int) -> None:
            job.waiting = ahead
            job.changed()

        def work() -> Any:
            loop.call_soon_threadsafe(_admitted, job)
            return call(on_delta)

        async def run() -> None:
            try:
                result = await self.pool.run(
                    work, user=user, key=f"application:{app_id}", token=job.token, on_wait=on_wait
                )
                job.result = await after(result) if after is not None else result
            except BaseException as exc:  # noqa: BLE001 - handed to the followers, who report it
                job.error = exc
            finally:
                job.done = True
                if self._jobs.get(app_id) is job:
                    del self._jobs[app_id]
                job.changed()

        self._jobs[app_id] = job
        job.task = asyncio.ensure_future(run())
        return job

    async def follow(self, job: TurnJob, interval: float = 0.15, heartbeat: float = 2.0) -> AsyncIterator[Progress]:
        """Progress at most every ``interval`` s and at least every ``heartbeat`` s, until the job is done.

        A follower that goes away (Gradio closes the generator when the page does) lets go of the job; when
        nobody follows it any more it waits ``reattach_seconds`` for a reloaded page, then it is cancelled.
        """
        job.followers += 1
        try:
            while not job.done:
                progress = job.progress()
                yield progress
                # what arrives meanwhile is shown together; once text is showing, growth is paced by how many
                # turns run at once (every update re-renders the chat and the preview on the server's loop)
                await asyncio.sleep(self._spacing(interval) if progress.text else interval)
                await job.wait_change(heartbeat)
            yield job.progress()
        finally:
            job.followers -= 1
            if job.followers <= 0 and not job.done:
                with contextlib.suppress(RuntimeError):  # no running loop: the server is stopping anyway
                    asyncio.get_running_loop().call_later(self.reattach_seconds, self._abandon, job)

    def _spacing(self, interval: float) -> float:
        """Seconds between two updates of a growing draft: ``interval`` alone, FOLLOW_SPACING_S per running turn
        when many run (50 drafting at once: each page once a second, the loop ~50 renders/s instead of ~330)."""
        return max(interval, FOLLOW_SPACING_S * len(self._jobs))

    def _abandon(self, job: TurnJob) -> None:
        if job.followers <= 0 and not job.done:
            job.token.cancel("page closed")
            if job.task is not None:
                job.task.cancel()


def _located(locate: Callable[[], str | None]) -> str | None:
    """Which part is being written, for the preview's heading: a failed look-up must never fail the turn."""
    try:
        return locate()
    except Exception:  # noqa: BLE001 - the heading falls back to the part already known
        return None


def _admitted(job: TurnJob) -> None:
    job.waiting = None
    job.started = time.monotonic()
    job.changed()


def _apply(job: TurnJob, delta: str, part: str | None) -> None:
    if delta == STREAM_RESTART:
        job.text = ""
        job.writing = part or job.writing
    else:
        job.text += delta
    job.changed()
