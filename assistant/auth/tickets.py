"""One-time, short-lived tickets: a random string that stands for a value for a few seconds.

Used by the UI's login: the Gradio login event returns a ticket instead of the
session token, and the browser exchanges it once for the HttpOnly cookie. A ticket
is 256 random bits, works once, and expires after ``ttl`` seconds.

A ticket can be bound to an ``owner`` (the hash of the page cookie, ``auth.web.page_owner``):
then only a request with that owner redeems it. A ticket that leaked (read from another
browser's result stream, a log) is useless elsewhere, and a wrong owner does not use it up.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from typing import Generic, TypeVar

T = TypeVar("T")
MAX_TICKETS = 10_000


class TicketBook(Generic[T]):
    def __init__(self, ttl: float = 60.0) -> None:
        self.ttl = ttl
        self._items: dict[str, tuple[float, T, str]] = {}
        self._lock = threading.Lock()

    def issue(self, value: T, owner: str = "") -> str:
        ticket = secrets.token_urlsafe(32)
        with self._lock:
            now = time.monotonic()
            self._items = {k: v for k, v in self._items.items() if v[0] > now}
            if len(self._items) >= MAX_TICKETS:
                self._items.pop(next(iter(self._items)))
            self._items[ticket] = (now + self.ttl, value, owner)
        return ticket

    def redeem(self, ticket: str | None, owner: str = "") -> T | None:
        """The value once, to its owner; None for an unknown, used, expired or someone else's ticket."""
        if not ticket:
            return None
        with self._lock:
            item = self._items.get(ticket)
            if item is None or not hmac.compare_digest(item[2], owner):
                return None
            del self._items[ticket]
        if item[0] < time.monotonic():
            return None
        return item[1]
