"""Login throttling: per account and per client address, plus a cap on parallel scrypt.

Why these three rules:
* per account (``login_max_failures`` per ``login_lockout_minutes``, moving window):
  guessing one password is stopped; after the window the account opens again by
  itself, so a lock-out is never permanent;
* per client address, every attempt (``login_per_client_per_minute``): one machine
  cannot spray many accounts;
* at most ``login_concurrency`` password hashes at a time: scrypt takes ~32 MiB per
  check, so 40 parallel logins would otherwise take over a gigabyte.

Why an attempt is counted *before* its password is checked: the old order (test the
count, hash, count the failure) let 20 parallel logins all pass the test before the
first failure was counted, so all 20 passwords were checked. Now ``begin`` takes a
slot atomically or refuses; a successful login gives the account's slots back. So at
most ``login_max_failures`` passwords of one account are ever checked per window.

Where the counts live: in process memory (``limits``' moving window, atomic under its
lock) by default; on PostgreSQL in the database (``StoreCounter``), so every instance
behind the load balancer shares one count.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from assistant.core.errors import UserFacingError
from assistant.core.settings import Settings

BUSY_WAIT_SECONDS = 10.0


class TooManyAttemptsError(UserFacingError):
    """429 with a ``Retry-After``; the message says when to try again."""

    status_code = 429
    code = "too_many_attempts"

    def __init__(self, message: str, retry_after: int, *, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = max(1, int(retry_after))


def wait_text(seconds: float) -> str:
    seconds = max(1, math.ceil(seconds))
    if seconds < 60:
        return f"{seconds}秒"
    return f"{math.ceil(seconds / 60)}分钟"


class AttemptCounter(Protocol):
    """Counts attempts per bucket in a moving window; ``take`` is check-and-count in one step."""

    def take(self, bucket: str, limit: int, window_s: int) -> float | None:
        """None if the attempt was counted; else the seconds until the bucket has room again."""
        ...

    def clear(self, bucket: str, limit: int, window_s: int) -> None: ...


class MemoryCounter:
    """One process's counts (``limits``: its memory storage takes a lock around each hit)."""

    def __init__(self) -> None:
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def take(self, bucket: str, limit: int, window_s: int) -> float | None:
        item = RateLimitItemPerSecond(limit, window_s)
        if self.limiter.hit(item, bucket):
            return None
        return max(1.0, self.limiter.get_window_stats(item, bucket).reset_time - time.time())

    def clear(self, bucket: str, limit: int, window_s: int) -> None:
        self.limiter.clear(RateLimitItemPerSecond(limit, window_s), bucket)


class StoreCounter:
    """Counts in the database (``Store.take_attempt``): shared by every instance on one PostgreSQL."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def take(self, bucket: str, limit: int, window_s: int) -> float | None:
        return self.store.take_attempt(bucket, limit, window_s)

    def clear(self, bucket: str, limit: int, window_s: int) -> None:
        self.store.clear_attempts(bucket)


class LoginThrottle:
    def __init__(self, settings: Settings, counter: AttemptCounter | None = None) -> None:
        self.counter: AttemptCounter = counter or MemoryCounter()
        self.per_account = (max(1, settings.login_max_failures), max(1, settings.login_lockout_minutes) * 60)
        self.per_client = (max(1, settings.login_per_client_per_minute), 60)
        self._hashing = threading.BoundedSemaphore(max(1, settings.login_concurrency))

    def begin(self, username: str, client: str) -> None:
        """Before checking a password: take a slot for the client and one for the account, or refuse (429)."""
        wait = self.counter.take(f"login-client:{client or 'unknown'}", *self.per_client)
        if wait is not None:
            self._refuse(wait, "此地址的登录尝试过于频繁")
        wait = self.counter.take(f"login-account:{username}", *self.per_account)
        if wait is not None:
            self._refuse(wait, "该账号密码错误次数过多，已暂时锁定")

    def succeeded(self, username: str) -> None:
        """The right password: the account's count starts over."""
        self.counter.clear(f"login-account:{username}", *self.per_account)

    @staticmethod
    def _refuse(wait: float, reason: str) -> None:
        raise TooManyAttemptsError(f"{reason}，请在{wait_text(wait)}后再试。", retry_after=math.ceil(wait))

    @contextmanager
    def hashing(self) -> Iterator[None]:
        """A slot for one scrypt computation; 429 if none frees up within a few seconds."""
        if not self._hashing.acquire(timeout=BUSY_WAIT_SECONDS):
            raise TooManyAttemptsError("登录的人太多，服务器正忙，请在5秒后再试。", retry_after=5, code="busy")
        try:
            yield
        finally:
            self._hashing.release()
