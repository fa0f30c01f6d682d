"""SQLite storage for applications, chat messages and every part version.

One short-lived connection per operation (WAL mode, so readers don't block the
writer and a crash loses nothing that was committed); every write commits before
the function returns, which is what lets the service promise that an applicant's
turn is on disk before the reply is produced. Users and sessions live in the same
database (see ``assistant.accounts``).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.core.errors import DiskFullError, is_disk_full
from assistant.store.migrations import MIGRATIONS
from assistant.store.rows import ApplicationRow, MessageRow, VersionRow, now_iso


class Store:
    """The SQLite implementation of ``ApplicationStore`` (WAL, synchronous=FULL)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @classmethod
    def open(cls, path: Path) -> Store:
        store = cls(path)
        store.path.parent.mkdir(parents=True, exist_ok=True)
        store.migrate()
        store._keep_wal_open()
        return store

    def _keep_wal_open(self) -> None:
        """Hold one idle connection for the store's lifetime.

        In WAL mode SQLite deletes the -wal and -shm files when the last connection closes,
        and the next connection must create them again; on a full disk that fails and even
        reads die with "disk I/O error". An idle reader keeps them, so reads survive a full disk.
        """
        self._keeper = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        self._keeper.execute("SELECT 1 FROM schema_migrations LIMIT 1").fetchall()

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
            yield conn
            conn.commit()
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):
                conn.rollback()
            if isinstance(exc, sqlite3.Error | OSError) and (is_disk_full(exc) or _no_space_left(self.path)):
                raise DiskFullError() from exc  # rolled back: nothing half-written
            raise
        finally:
            conn.close()

    def migrate(self) -> list[str]:
        """Apply pending migrations in order; return the names applied."""
        applied: list[str] = []
        with self.connect() as conn:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            done = {row["name"] for row in conn.execute("SELECT name FROM schema_migrations")}
            for name, sql in MIGRATIONS:
                if name in done:
                    continue
                conn.executescript(sql)
                conn.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, now_iso()))
                applied.append(name)
        return applied

    # applications -------------------------------------------------------
    def create_application(self, owner_id: int, form_id: str, info: dict, state: dict) -> int:
        with self.connect() as conn:
            cur = conn.execute(
                "INSERT INTO applications (owner_id, form_id, info_json, state_json, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    owner_id,
                    form_id,
                    json.dumps(info, ensure_ascii=False),
                    json.dumps(state, ensure_ascii=False),
                    now_iso(),
                    now_iso(),
                ),
            )
            return int(cur.lastrowid)

    def get_application(self, app_id: int) -> ApplicationRow | None:
        with self.connect() as conn:
            row = conn.execute("SELECT * FROM applications WHERE id = ? AND deleted_at IS NULL", (app_id,)).fetchone()
        return _application(row) if row else None

    def list_applications(self, owner_id: int | None = None) -> list[ApplicationRow]:
        sql = "SELECT * FROM applications WHERE deleted_at IS NULL"
        params: tuple = ()
        if owner_id is not None:
            sql, params = sql + " AND owner_id = ?", (owner_id,)
        with self.connect() as conn:
            rows = conn.execute(sql + " ORDER BY updated_at DESC, id DESC", params).fetchall()
        return [_application(r) for r in rows]

    def count_applications(self, owner_id: int) -> int:
        with self.connect() as conn:
            row = conn.execute(
                "SELECT COUNT(*) FROM applications WHERE owner_id = ? AND deleted_at IS NULL", (owner_id,)
            ).fetchone()
        return int(row[0])

    def update_application(
        self, app_id: int, *, info: dict | None = None, media: dict | None = None, state: dict | None = None
    ) -> None:
        sets, params = ["updated_at = ?"], [now_iso()]
        for column, value in (("info_json", info), ("media_json", media), ("state_json", state)):
            if value is not None:
                sets.append(f"{column} = ?")
                params.append(json.dumps(value, ensure_ascii=False))
        with self.connect() as conn:
            conn.execute(f"UPDATE applications SET {', '.join(sets)} WHERE id = ?", (*params, app_id))

    def delete_application(self, app_id: int) -> None:
        """Soft delete: the rows stay for audit, the application disappears from every listing."""
        with self.connect() as conn:
            conn.execute("UPDATE applications SET deleted_at = ? WHERE id = ?", (now_iso(), app_id))

    # messages -----------------------------------------------------------
    def add_message(
        self, app_id: int, role: str, content: str, part_id: str | None = None, state: dict | None = None
    ) -> int:
        """Append a chat message (and the new interview state) in one transaction."""
        with self.connect() as conn:
            cur = conn.execute(
                "INSERT INTO messages (application_id, role, part_id, content, created_at) VALUES (?, ?, ?, ?, ?)",
                (app_id, role, part_id, content, now_iso()),
            )
            if state is not None:
                conn.execute(
                    "UPDATE applications SET state_json = ?, updated_at = ? WHERE id = ?",
                    (json.dumps(state, ensure_ascii=False), now_iso(), app_id),
                )
            return int(cur.lastrowid)

    def messages(self, app_id: int) -> list[MessageRow]:
        with self.connect() as conn:
            rows = conn.execute("SELECT * FROM messages WHERE application_id = ? ORDER BY id", (app_id,)).fetchall()
        return [
            MessageRow(
                id=r["id"], role=r["role"], part_id=r["part_id"], content=r["content"], created_at=r["created_at"]
            )
            for r in rows
        ]

    # part versions --------------------------------------------------------
    def add_version(
        self, app_id: int, part_id: str, text: str, words: int, budget: int, source: str, action: str, report: dict
    ) -> int:
        """Append a version, make it the head, return its number."""
        with self.connect() as conn:
            head = conn.execute(
                "SELECT version FROM part_heads WHERE application_id = ? AND part_id = ?", (app_id, part_id)
            ).fetchone()
            last = conn.execute(
                "SELECT MAX(version) FROM part_versions WHERE application_id = ? AND part_id = ?", (app_id, part_id)
            ).fetchone()[0]
            version = (last or 0) + 1
            conn.execute(
                "INSERT INTO part_versions (application_id, part_id, version, parent_version, text, words, budget,"
                " source, action, report_json, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    app_id,
                    part_id,
                    version,
                    head["version"] if head else None,
                    text,
                    words,
                    budget,
                    source,
                    action,
                    json.dumps(report, ensure_ascii=False),
                    now_iso(),
                ),
            )
            conn.execute("INSERT OR REPLACE INTO part_heads VALUES (?, ?, ?)", (app_id, part_id, version))
            return version

    def versions(self, app_id: int, part_id: str) -> list[VersionRow]:
        with self.connect() as conn:
            rows = conn.execute(
                "SELECT * FROM part_versions WHERE application_id = ? AND part_id = ? ORDER BY version",
                (app_id, part_id),
            ).fetchall()
        return [_version(r) for r in rows]

    def head_versions(self, app_id: int) -> dict[str, VersionRow]:
        with self.connect() as conn:
            rows = conn.execute(
                "SELECT v.* FROM part_versions v JOIN part_heads h ON h.application_id = v.application_id"
                " AND h.part_id = v.part_id AND h.version = v.version WHERE v.application_id = ?",
                (app_id,),
            ).fetchall()
        return {r["part_id"]: _version(r) for r in rows}

    def set_head(self, app_id: int, part_id: str, version: int | None) -> None:
        with self.connect() as conn:
            if version is None:
                conn.execute("DELETE FROM part_heads WHERE application_id = ? AND part_id = ?", (app_id, part_id))
            else:
                conn.execute("INSERT OR REPLACE INTO part_heads VALUES (?, ?, ?)", (app_id, part_id, version))


def _application(row: sqlite3.Row) -> ApplicationRow:
    return ApplicationRow(
        id=row["id"],
        owner_id=row["owner_id"],
        form_id=row["form_id"],
        info=json.loads(row["info_json"]),
        media=json.loads(row["media_json"]),
        state=json.loads(row["state_json"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _version(row: sqlite3.Row) -> VersionRow:
    return VersionRow(
        id=row["id"],
        part_id=row["part_id"],
        version=row["version"],
        parent_version=row["parent_version"],
        text=row["text"],
        words=row["words"],
        budget=row["budget"],
        source=row["source"],
        action=row["action"],
        report=json.loads(row["report_json"]),
        created_at=row["created_at"],
    )


def _no_space_left(path: Path) -> bool:
    """SQLite reports a full disk while writing its WAL as a bare "disk I/O error": look at the disk."""
    try:
        return shutil.disk_usage(path.parent).free < 256 * 1024
    except OSError:
        return False
