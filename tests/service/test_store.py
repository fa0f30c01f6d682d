"""SQLite store: ordered migrations recorded once; versions are append-only."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from assistant.store.migrations import MIGRATIONS
from assistant.store.sql import Store


def test_migrations_apply_once_in_order(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "a.sqlite3")
    assert store.migrate() == []  # second run applies nothing
    rows = (
        sqlite3.connect(tmp_path / "a.sqlite3").execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()
    )
    assert [r[0] for r in rows] == [name for name, _ in MIGRATIONS]
    mode = sqlite3.connect(tmp_path / "a.sqlite3").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_versions_are_append_only_with_a_movable_head(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "a.sqlite3")
    app_id = store.create_application(1, "cq-2024-batch2", {}, {})
    v1 = store.add_version(app_id, "intro.problem", "一", 1, 100, "offline", "draft", {})
    v2 = store.add_version(app_id, "intro.problem", "二", 1, 100, "offline", "revise", {})
    store.set_head(app_id, "intro.problem", v1)
    v3 = store.add_version(app_id, "intro.problem", "三", 1, 100, "offline", "revise", {})
    versions = store.versions(app_id, "intro.problem")
    assert [v.version for v in versions] == [1, 2, 3]
    assert versions[2].parent_version == v1 and v2 == 2 and v3 == 3
    assert store.head_versions(app_id)["intro.problem"].text == "三"
