"""Engines for the two databases, and the one transaction helper every store method uses.

SQLite (the embedded default): WAL journal, ``synchronous=FULL``, foreign keys on, and
write transactions that start with ``BEGIN IMMEDIATE`` so two writers queue instead of
failing half-way. One idle "keeper" connection is held for the store's lifetime: in WAL
mode SQLite deletes the -wal and -shm files when the last connection closes, and the
next connection must create them again; on a full disk that fails and even reads die
with "disk I/O error". An idle reader keeps them, so reads survive a full disk.

PostgreSQL (``postgresql+psycopg://…``): the same statements; concurrent writers are
ordered by row locks (see ``Store.add_version``) and first-time migration by an
advisory lock. A full disk maps to :class:`DiskFullError` on both.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from assistant.core.errors import DiskFullError, UserFacingError, is_disk_full
from assistant.store.startup import malformed

CONNECT_TIMEOUT_S = 10
MIGRATION_LOCK = 0x63617365  # pg_advisory_xact_lock key ("case"): one migrator at a time


def database_url(target: str | Path) -> str:
    """A SQLAlchemy URL from a URL or a bare SQLite file path (what ``Store.open`` was given)."""
    if isinstance(target, Path) or "://" not in str(target):
        return f"sqlite:///{Path(target)}"
    url = str(target).strip()
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise malformed("无法解析，例如端口不是数字") from None  # the driver's text would repeat the password
    name = parsed.get_backend_name()
    if name == "postgresql" and parsed.drivername != "postgresql+psycopg":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    elif name not in ("sqlite", "postgresql"):
        raise UserFacingError(
            f"暂不支持数据库地址“{url.split('://')[0]}://…”：请使用 sqlite:///文件路径 或 postgresql+psycopg://…，"
            "或清空 CASE_ASSISTANT_DATABASE_URL。",
            code="unsupported_database",
        )
    return url


def sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    return Path(parsed.database) if parsed.get_backend_name() == "sqlite" and parsed.database else None


def make_engine(url: str) -> Engine:
    if sqlite_file(url) is None:
        # A server that does not answer fails in seconds with a clear line (see ``startup``), not minutes later.
        return create_engine(
            url, pool_pre_ping=True, pool_size=5, max_overflow=10, connect_args={"connect_timeout": CONNECT_TIMEOUT_S}
        )
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None  # transactions are begun below, not by the driver
        dbapi_conn.execute("PRAGMA foreign_keys = ON")
        dbapi_conn.execute("PRAGMA synchronous = FULL")

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")

    return engine


def open_keeper(path: Path) -> sqlite3.Connection:
    """Switch the file to WAL (outside any transaction) and return the idle keeper connection."""
    keeper = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
    deadline = time.monotonic() + 30
    while True:  # switching needs the file to itself, and SQLite answers "locked" at once, without waiting
        try:
            if keeper.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal":
                return keeper
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                keeper.close()
                raise
        if time.monotonic() > deadline:
            keeper.close()
            raise sqlite3.OperationalError(f"could not switch {path} to WAL journal mode")
        time.sleep(0.02)


@contextmanager
def transaction(engine: Engine, *, write: bool = False, sqlite_path: Path | None = None) -> Iterator[Connection]:
    """One committed-or-rolled-back transaction; a full disk becomes :class:`DiskFullError`."""
    try:
        with engine.connect() as conn:
            if write:
                conn.execution_options(write=True)
            with conn.begin():
                yield conn
    except (DBAPIError, OSError) as exc:
        if is_disk_full(exc) or (sqlite_path is not None and no_space_left(sqlite_path)):
            raise DiskFullError() from exc  # rolled back: nothing half-written
        raise


@contextmanager
def migration_lock(conn: Connection) -> Iterator[None]:
    """Inside a write transaction: on PostgreSQL also take the advisory migration lock."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    yield


def no_space_left(path: Path) -> bool:
    """SQLite reports a full disk while writing its WAL as a bare "disk I/O error": look at the disk."""
    try:
        return shutil.disk_usage(path.parent).free < 256 * 1024
    except OSError:
        return False


def close_quietly(resource: object) -> None:
    with contextlib.suppress(Exception):
        resource.close()  # type: ignore[attr-defined]
