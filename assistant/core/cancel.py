"""Cancelling a long turn when the person waiting for it has gone away.

Why a context variable: the turn runs deep inside the service (interview, drafting, the
model client), none of which should know about HTTP or Gradio. The entry point that runs
the turn (``WorkPool``) sets a ``CancelToken`` for the worker thread; the model client
calls ``check_cancelled()`` on every chunk it receives, so a turn whose client
disconnected stops at the next chunk and closes its connection to the model.

Why ``TurnCancelled`` derives from ``BaseException``: the layers in between catch
``Exception`` to fall back (model → offline drafting, a failed review must not hide a
turn). A cancelled turn must not fall back to anything; it must stop. What was committed
before the cancel (the applicant's message, finished versions) stays, exactly as after a
crash, and the interrupted part is drafted on the next turn (``resume_interrupted``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class TurnCancelled(BaseException):  # noqa: N818 - mirrors asyncio.CancelledError, not an error to report
    """Raised inside a cancelled turn; caught only by the code that started the turn."""


class CancelToken:
    """A flag one side sets (the client went away) and the worker checks."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason = ""

    def cancel(self, reason: str = "client disconnected") -> None:
        self.reason = self.reason or reason
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


_CURRENT: ContextVar[CancelToken | None] = ContextVar("case_assistant_cancel", default=None)


@contextmanager
def cancel_scope(token: CancelToken) -> Iterator[CancelToken]:
    """Make ``token`` the one ``check_cancelled`` sees in this thread/context."""
    reset = _CURRENT.set(token)
    try:
        yield token
    finally:
        _CURRENT.reset(reset)


def check_cancelled() -> None:
    """Raise ``TurnCancelled`` if the current turn was cancelled; a no-op outside a scope."""
    token = _CURRENT.get()
    if token is not None and token.cancelled:
        raise TurnCancelled(token.reason)
