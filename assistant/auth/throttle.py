"""Login throttling: per account and per client address, plus a cap on parallel scrypt.

Why these three rules:
* per account, failures only (``login_max_failures`` per ``login_lockout_minutes``,
  moving window): guessing one password is stopped; after the window the account
  opens again by itself, so a lock-out is never permanent;
* per client address, every attempt (``login_per_client_per_minute``): one machine
  cannot spray many accounts;
* at most ``login_concurrency`` password hashes at a time: scrypt takes ~32 MiB per
  check, so 40 parallel logins would otherwise take over a gigabyte.

Counts live in process memory (``limits.MemoryStorage``): a restart clears them, and
several worker processes would each count on their own (we run one).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from limits import RateLimitItemPerMinute
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


class LoginThrottle:
    def __init__(self, settings: Settings) -> None:
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self.per_account = RateLimitItemPerMinute(max(1, settings.login_max_failures), settings.login_lockout_minutes)
        self.per_client = RateLimitItemPerMinute(max(1, settings.login_per_client_per_minute), 1)
        self._hashing = threading.BoundedSemaphore(max(1, settings.login_concurrency))

    def check(self, username: str, client: str) -> None:
        """Before checking a password: count this attempt for the client; refuse if either limit is hit."""
        if not self.limiter.hit(self.per_client, "login-client", client or "unknown"):
            self._refuse(self.per_client, "login-client", client or "unknown", "此地址的登录尝试过于频繁")
        if not self.limiter.test(self.per_account, "login-account", username):
            self._refuse(self.per_account, "login-account", username, "该账号密码错误次数过多，已暂时锁定")

    def failed(self, username: str) -> None:
        self.limiter.hit(self.per_account, "login-account", username)

    def succeeded(self, username: str) -> None:
        self.limiter.clear(self.per_account, "login-account", username)

    def _refuse(self, item: object, namespace: str, key: str, reason: str) -> None:
        reset = self.limiter.get_window_stats(item, namespace, key).reset_time  # type: ignore[arg-type]
        retry = max(1.0, reset - time.time())
        raise TooManyAttemptsError(f"{reason}，请在{wait_text(retry)}后再试。", retry_after=math.ceil(retry))

    @contextmanager
    def hashing(self) -> Iterator[None]:
        """A slot for one scrypt computation; 429 if none frees up within a few seconds."""
        if not self._hashing.acquire(timeout=BUSY_WAIT_SECONDS):
            raise TooManyAttemptsError("登录的人太多，服务器正忙，请在5秒后再试。", retry_after=5, code="busy")
        try:
            yield
        finally:
            self._hashing.release()
