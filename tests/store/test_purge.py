"""``purge_deleted`` removes deleted applications with their messages, versions and heads (SQLite and PostgreSQL)."""

from __future__ import annotations

from assistant.store.sql import Store


def test_purge_removes_only_deleted_applications_and_everything_they_hold(store: Store) -> None:
    kept, gone = (store.create_application(7, "cq-2024-batch2", {}, {}) for _ in range(2))
    for app_id in (kept, gone):
        store.add_message(app_id, "user", "回答")
        store.add_version(app_id, "intro.problem", "正文。", 3, 100, "offline", "draft", {})
    store.delete_application(gone)
    assert store.count_applications(7) == 1 and store.count_applications(7, include_deleted=True) == 2
    assert store.purge_deleted(deleted_before="2000-01-01T00:00:00+00:00") == 0  # deleted after that date
    assert store.purge_deleted(owner_id=8) == 0  # someone else's
    assert store.purge_deleted(owner_id=7) == 1
    assert store.count_applications(7, include_deleted=True) == 1
    assert store.messages(gone) == [] and store.versions(gone, "intro.problem") == []
    assert len(store.messages(kept)) == 1 and len(store.versions(kept, "intro.problem")) == 1
