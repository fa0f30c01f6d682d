"""A moment without commits, in which the database snapshot is taken and the uploaded files are held.

Why: the product writes an uploaded file before the row that names it commits, and deletes a file only
after the row that named it is gone (``MediaDesk``). If no transaction commits between the snapshot and
the moment every file is linked (``FileHold``), each file the snapshot names is held, whatever happens
next. Writers wait for that moment only — linking files takes milliseconds — never for the copy or the
dump, which read the snapshot afterwards.

SQLite: one connection takes the write lock (``BEGIN IMMEDIATE``), a second starts a read transaction —
the snapshot, which the online backup API copies later from that same connection — and the lock goes once
the files are held. PostgreSQL: one connection takes SHARE locks on every table (no INSERT, UPDATE or
DELETE can run, so none is half-way), the dumping connection exports its snapshot, the files are held, the
locks go. Locks are asked for with a short ``lock_timeout`` and retried, so an application transaction
never waits on the backup long enough (deadlock_timeout, 1 s) to be picked as a deadlock's victim.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DBAPIError

LOCK_TIMEOUT_MS = 50
ATTEMPTS = 40
RETRY_LOCK = frozenset({"55P03", "40P01"})  # lock_not_available, deadlock_detected


def sqlite_snapshot(path: Path, while_still: Callable[[], None]) -> sqlite3.Connection:
    """A connection whose open read transaction is the snapshot; ``while_still`` ran with commits paused.

    The caller copies from it (``backup``) and then ends the transaction and closes it.
    """
    writer = sqlite3.connect(path, timeout=60, isolation_level=None)
    reader = sqlite3.connect(path, timeout=60, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        try:
            reader.execute("BEGIN")
            reader.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts here
            while_still()
        finally:
            writer.execute("ROLLBACK")
    except BaseException:
        reader.close()
        raise
    finally:
        writer.close()
    return reader


def _sqlstate(exc: DBAPIError) -> str:
    return str(getattr(exc.orig, "sqlstate", "") or "")


def _lock_all(locker: Connection) -> None:
    preparer = locker.dialect.identifier_preparer
    names = ", ".join(preparer.quote(name) for name in sorted(inspect(locker).get_table_names()))
    locker.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_MS}ms'"))
    if names:
        locker.execute(text(f"LOCK TABLE {names} IN SHARE MODE"))


@contextlib.contextmanager
def postgres_paused(engine: Engine) -> Iterator[bool]:
    """Writes to every table paused for the ``with`` body; yields False when the locks could not be had
    (no LOCK privilege, or tables busy on every attempt): then nothing is paused."""
    locker = engine.connect()
    try:
        for attempt in range(ATTEMPTS):
            transaction = locker.begin()
            try:
                _lock_all(locker)
            except DBAPIError as exc:
                transaction.rollback()
                if _sqlstate(exc) in RETRY_LOCK:
                    time.sleep(0.02 * (attempt + 1))
                    continue
                if _sqlstate(exc) == "42501":  # insufficient_privilege: a backup account that may only read
                    break
                raise
            try:
                yield True
            finally:
                transaction.rollback()
            return
        yield False
    finally:
        locker.close()
