"""Login attempts counted in the database, so every instance on one PostgreSQL shares one count.

``take_attempt`` is the whole check-and-count in one transaction: count the bucket's
attempts inside the window, refuse when the limit is reached, otherwise record this
one. Two instances (or two threads) cannot both see "4 of 5" and both go on: on
PostgreSQL a transaction-scoped advisory lock per bucket orders them; on SQLite the
write transaction (``BEGIN IMMEDIATE``) does. Rows older than a day are purged on the way.
"""

from __future__ import annotations

import hashlib
import time
from contextlib import AbstractContextManager

from sqlalchemy import Connection, delete, insert, select, text

from assistant.store.schema import login_attempts

PURGE_AFTER_S = 24 * 3600


def _lock_key(bucket: str) -> int:
    """A signed 64-bit advisory-lock key for the bucket (distinct from the migration lock's small key)."""
    return int.from_bytes(hashlib.sha256(f"login:{bucket}".encode()).digest()[:8], "big", signed=True)


class AttemptRecords:
    """Mixed into ``Store``: ``_tx`` is its transaction helper."""

    def _tx(self, *, write: bool = False) -> AbstractContextManager[Connection]:  # pragma: no cover - see Store
        raise NotImplementedError

    def take_attempt(self, bucket: str, limit: int, window_s: float, now: float | None = None) -> float | None:
        """Record one attempt if fewer than ``limit`` lie in the last ``window_s`` seconds: None.

        Otherwise record nothing and return the seconds until the oldest of them leaves the window.
        """
        now = time.time() if now is None else now
        with self._tx(write=True) as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key(bucket)})
            conn.execute(delete(login_attempts).where(login_attempts.c.at < now - max(window_s, PURGE_AFTER_S)))
            recent: list[float] = list(
                conn.execute(
                    select(login_attempts.c.at)
                    .where(login_attempts.c.bucket == bucket, login_attempts.c.at > now - window_s)
                    .order_by(login_attempts.c.at)
                ).scalars()
            )
            if len(recent) >= limit:
                return max(1.0, recent[len(recent) - limit] + window_s - now)
            conn.execute(insert(login_attempts).values(bucket=bucket, at=now))
            return None

    def clear_attempts(self, bucket: str) -> None:
        with self._tx(write=True) as conn:
            conn.execute(delete(login_attempts).where(login_attempts.c.bucket == bucket))
