"""A frozen copy of the first release's storage code (hand-written SQL), to make old data directories.

Copied from ``assistant/store/migrations.py`` and ``assistant/store/sqlite.py`` as they were
before the SQLAlchemy store replaced them. Do not change it: it stands for data already
on disk at deployments.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_initial",
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            username TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL CHECK (role IN ('applicant', 'staff', 'admin')),
            password_hash TEXT NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            expires_at TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE applications (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            owner_id INTEGER NOT NULL,
            form_id TEXT NOT NULL,
            info_json TEXT NOT NULL,
            media_json TEXT NOT NULL DEFAULT '{}',
            state_json TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            deleted_at TEXT
        );
        CREATE INDEX applications_owner ON applications(owner_id);
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            application_id INTEGER NOT NULL REFERENCES applications(id),
            role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
            part_id TEXT,
            content TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX messages_app ON messages(application_id, id);
        CREATE TABLE part_versions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            application_id INTEGER NOT NULL REFERENCES applications(id),
            part_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            parent_version INTEGER,
            text TEXT NOT NULL,
            words INTEGER NOT NULL,
            budget INTEGER NOT NULL,
            source TEXT NOT NULL,
            action TEXT NOT NULL,
            report_json TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (application_id, part_id, version)
        );
        CREATE TABLE part_heads (
            application_id INTEGER NOT NULL REFERENCES applications(id),
            part_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            PRIMARY KEY (application_id, part_id)
        );
    """,
    ),
]

NOW = "2025-05-01T08:00:00+00:00"


class LegacyStore:
    """The parts of the first release's ``Store`` that write (same SQL, same PRAGMAs)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        conn = self._connect()
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = {row[0] for row in conn.execute("SELECT name FROM schema_migrations")}
        for name, sql in MIGRATIONS:
            if name not in done:
                conn.executescript(sql)
                conn.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, NOW))
        conn.commit()
        conn.close()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")
        return conn

    def _write(self, sql: str, params: tuple) -> int:
        conn = self._connect()
        try:
            cur = conn.execute(sql, params)
            conn.commit()
            return int(cur.lastrowid)
        finally:
            conn.close()

    def create_application(self, owner_id: int, form_id: str, info: dict, state: dict) -> int:
        return self._write(
            "INSERT INTO applications (owner_id, form_id, info_json, state_json, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (owner_id, form_id, json.dumps(info, ensure_ascii=False), json.dumps(state, ensure_ascii=False), NOW, NOW),
        )

    def add_message(self, app_id: int, role: str, content: str, part_id: str | None = None) -> int:
        return self._write(
            "INSERT INTO messages (application_id, role, part_id, content, created_at) VALUES (?, ?, ?, ?, ?)",
            (app_id, role, part_id, content, NOW),
        )

    def add_version(self, app_id: int, part_id: str, version: int, parent: int | None, text: str, report: dict) -> None:
        self._write(
            "INSERT INTO part_versions (application_id, part_id, version, parent_version, text, words, budget,"
            " source, action, report_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (app_id, part_id, version, parent, text, len(text), 300, "offline", "draft",
             json.dumps(report, ensure_ascii=False), NOW),
        )
        self._write("INSERT OR REPLACE INTO part_heads VALUES (?, ?, ?)", (app_id, part_id, version))

    def set_head(self, app_id: int, part_id: str, version: int) -> None:
        self._write("INSERT OR REPLACE INTO part_heads VALUES (?, ?, ?)", (app_id, part_id, version))

    def add_user(self, username: str, role: str, password_hash: str) -> int:
        return self._write(
            "INSERT INTO users (username, role, password_hash, disabled, created_at) VALUES (?, ?, ?, 0, ?)",
            (username, role, password_hash, NOW),
        )

    def add_session(self, token_hash: str, user_id: int, expires_at: str) -> None:
        self._write(
            "INSERT INTO sessions (token_hash, user_id, expires_at, created_at) VALUES (?, ?, ?, ?)",
            (token_hash, user_id, expires_at, NOW),
        )
