"""One-time, short-lived tickets: a random string that stands for a value for a few seconds.

Used by the UI's login: the Gradio login event returns a ticket instead of the
session token, and the browser exchanges it once for the HttpOnly cookie. A ticket
is 256 random bits, works once, and expires after ``ttl`` seconds.
"""

from __future__ import annotations

import secrets
import threading
import time
from typing import Generic, TypeVar

T = TypeVar("T")
MAX_TICKETS = 10_000


class TicketBook(Generic[T]):
    def __init__(self, ttl: float = 60.0) -> None:
        self.ttl = ttl
        self._items: dict[str, tuple[float, T]] = {}
        self._lock = threading.Lock()

    def issue(self, value: T) -> str:
        ticket = secrets.token_urlsafe(32)
        with self._lock:
            now = time.monotonic()
            self._items = {k: v for k, v in self._items.items() if v[0] > now}
            if len(self._items) >= MAX_TICKETS:
                self._items.pop(next(iter(self._items)))
            self._items[ticket] = (now + self.ttl, value)
        return ticket

    def redeem(self, ticket: str | None) -> T | None:
        """The value once; None for an unknown, used or expired ticket."""
        if not ticket:
            return None
        with self._lock:
            item = self._items.pop(ticket, None)
        if item is None or item[0] < time.monotonic():
            return None
        return item[1]
