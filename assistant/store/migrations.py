"""Ordered, append-only schema migrations. Never edit a released step; add a new one."""

from __future__ import annotations

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
