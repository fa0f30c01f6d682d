"""Counts and checksums that do not depend on row order, dialect collation or file timestamps.

A table's checksum is sha256 over the sorted sha256 of each row's canonical JSON (column names sorted,
bytes as hex), so it is the same whichever order the database returns rows in, and a row changed,
added or lost changes it. Tables are those the database itself lists (``inspect``), not a fixed list:
whatever the Alembic head created — the call's process, media, accounts — is covered as it grows.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, inspect, text

from assistant.ops.manifest import FileSum, TableSum

CHUNK = 1024 * 1024


def _plain(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {"hex": bytes(value).hex()}
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def row_digest(row: dict[str, Any]) -> bytes:
    canonical = json.dumps({k: _plain(v) for k, v in row.items()}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).digest()


def table_names(conn: Connection) -> list[str]:
    """Every user table the database holds (SQLite's own ``sqlite_*`` tables excluded by SQLAlchemy)."""
    return sorted(inspect(conn).get_table_names())


def table_sum(conn: Connection, name: str) -> TableSum:
    quoted = conn.dialect.identifier_preparer.quote(name)
    digests = [row_digest(dict(row)) for row in conn.execute(text(f"SELECT * FROM {quoted}")).mappings()]
    digests.sort()
    total = hashlib.sha256()
    for digest in digests:
        total.update(digest)
    return TableSum(rows=len(digests), sha256=total.hexdigest())


def database_sums(conn: Connection) -> dict[str, TableSum]:
    return {name: table_sum(conn, name) for name in table_names(conn)}


def file_sum(path: Path) -> FileSum:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
            size += len(block)
    return FileSum(size=size, sha256=digest.hexdigest())


def copy_with_sum(source: Path, target: Path) -> FileSum:
    """Copy ``source`` to ``target`` reading it once, so the checksum is of exactly the bytes copied."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as src, target.open("wb") as dst:
        while block := src.read(CHUNK):
            digest.update(block)
            dst.write(block)
            size += len(block)
    shutil.copystat(source, target)
    return FileSum(size=size, sha256=digest.hexdigest())


def compare(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """Names whose entries differ (missing on either side, or another count/checksum)."""
    return sorted(name for name in set(expected) | set(actual) if expected.get(name) != actual.get(name))
