"""The store on SQLite and PostgreSQL: migrations, append-only versions, the optimistic check, accounts."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from assistant.core.errors import InvalidInputError, UserFacingError
from assistant.store.errors import ConflictError, UserExistsError
from assistant.store.migrations import HEAD, MIGRATIONS, SCRIPTS
from assistant.store.schema import metadata
from assistant.store.sql import Store


def test_migrations_list_matches_the_alembic_scripts_and_the_tables() -> None:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    scripts = ScriptDirectory.from_config(config)
    chain = [s.revision for s in reversed(list(scripts.walk_revisions()))]
    assert chain == [name for name, _ in MIGRATIONS] and scripts.get_current_head() == HEAD


def test_migrated_schema_is_what_the_queries_are_written_against(store: Store) -> None:
    with store.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == HEAD
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
        names = {row[0] for row in conn.execute(text("SELECT name FROM schema_migrations"))}
    assert diffs == [] and names == {name for name, _ in MIGRATIONS}
    assert store.migrate() == []  # opening again applies nothing


def test_sqlite_keeps_wal_full_sync_and_foreign_keys(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "a.sqlite3")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert store._keeper is not None  # the idle reader that keeps -wal/-shm alive on a full disk
    with pytest.raises(Exception, match="FOREIGN KEY"):
        store.add_message(12345, "user", "没有这份申报书")


def test_applications_and_messages_round_trip(store: Store) -> None:
    first = store.create_application(7, "cq-2024-batch2", {"case_name": "单证互认"}, {"step": 1})
    second = store.create_application(8, "cq-2024-batch2", {}, {})
    store.update_application(first, media={"logo": "a.png"})
    store.add_message(first, "user", "货主一票货平均要跑4个窗口。", state={"step": 2})
    store.add_message(first, "assistant", "好的。", part_id="intro.problem")
    row = store.get_application(first)
    assert row is not None and row.info == {"case_name": "单证互认"} and row.media == {"logo": "a.png"}
    assert row.state == {"step": 2}
    assert [(m.role, m.part_id, m.content) for m in store.messages(first)] == [
        ("user", None, "货主一票货平均要跑4个窗口。"),
        ("assistant", "intro.problem", "好的。"),
    ]
    assert {a.id for a in store.list_applications()} == {first, second}
    assert store.count_applications(7) == 1 and [a.id for a in store.list_applications(8)] == [second]
    store.delete_application(first)
    assert store.get_application(first) is None and store.count_applications(7) == 0


def test_versions_are_append_only_with_a_movable_head(store: Store) -> None:
    app_id = store.create_application(1, "cq-2024-batch2", {}, {})
    v1 = store.add_version(app_id, "intro.problem", "一", 1, 100, "offline", "draft", {"issues": []})
    store.add_version(app_id, "intro.problem", "二", 1, 100, "offline", "revise", {})
    store.set_head(app_id, "intro.problem", v1)
    v3 = store.add_version(app_id, "intro.problem", "三", 1, 100, "offline", "revise", {})
    versions = store.versions(app_id, "intro.problem")
    assert [v.version for v in versions] == [1, 2, 3] and versions[2].parent_version == v1 and v3 == 3
    assert versions[0].report == {"issues": []}
    assert store.head_versions(app_id)["intro.problem"].text == "三"
    store.set_head(app_id, "intro.problem", None)
    assert store.head_versions(app_id) == {}


def test_a_stale_expected_head_is_a_409_conflict_and_writes_nothing(store: Store) -> None:
    app_id = store.create_application(1, "cq-2024-batch2", {}, {})
    assert store.add_version(app_id, "p", "一", 1, 9, "offline", "draft", {}, expected_head=0) == 1
    with pytest.raises(ConflictError) as caught:
        store.add_version(app_id, "p", "二", 1, 9, "offline", "draft", {}, expected_head=0)
    assert caught.value.status_code == 409 and "已被修改" in caught.value.message and "刷新" in caught.value.message
    assert store.add_version(app_id, "p", "二", 1, 9, "offline", "revise", {}, expected_head=1) == 2
    with pytest.raises(ConflictError):
        store.set_head(app_id, "p", 1, expected_head=1)
    store.set_head(app_id, "p", 1, expected_head=2)
    assert [v.text for v in store.versions(app_id, "p")] == ["一", "二"]


def test_concurrent_revisions_from_two_stores_never_lose_a_version(db_url: str) -> None:
    stores = [Store.open(db_url), Store.open(db_url)]
    app_id = stores[0].create_application(1, "cq-2024-batch2", {}, {})
    errors: list[BaseException] = []

    def revise(store: Store, n: int) -> None:
        try:
            for i in range(10):
                store.add_version(app_id, "p", f"{n}-{i}", 1, 9, "offline", "revise", {})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=revise, args=(stores[n % 2], n)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    versions = stores[1].versions(app_id, "p")
    assert [v.version for v in versions] == list(range(1, 41))
    assert sorted(v.text for v in versions) == sorted(f"{n}-{i}" for n in range(4) for i in range(10))
    # each version's parent is the head it was written on: one unbroken chain, nothing overwritten
    assert [v.parent_version for v in versions] == [None, *range(1, 40)]
    for store in stores:
        store.close()


def test_concurrent_checked_revisions_one_wins_the_other_is_told(db_url: str) -> None:
    a, b = Store.open(db_url), Store.open(db_url)
    app_id = a.create_application(1, "cq-2024-batch2", {}, {})
    a.add_version(app_id, "p", "起草", 1, 9, "offline", "draft", {})
    barrier, outcome = threading.Barrier(2), {}

    def revise(store: Store, name: str) -> None:
        barrier.wait()
        try:
            outcome[name] = store.add_version(app_id, "p", name, 1, 9, "offline", "revise", {}, expected_head=1)
        except ConflictError:
            outcome[name] = "conflict"

    threads = [threading.Thread(target=revise, args=(s, n)) for s, n in ((a, "甲"), (b, "乙"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(str, outcome.values())) == ["2", "conflict"]
    assert len(b.versions(app_id, "p")) == 2


def test_accounts_and_sessions(store: Store) -> None:
    alice = store.add_user("alice", "applicant", "scrypt$hash-a")
    root = store.add_user("root", "admin", "scrypt$hash-r")
    with pytest.raises(UserExistsError) as caught:
        store.add_user("alice", "staff", "x")
    assert isinstance(caught.value, InvalidInputError) and caught.value.code == "user_exists"
    assert "alice" in caught.value.message and isinstance(caught.value, UserFacingError)
    assert [(u.id, u.username, u.role, u.disabled) for u in store.list_users()] == [
        (alice, "alice", "applicant", False),
        (root, "root", "admin", False),
    ]
    assert store.count_users() == 2 and store.get_user("root").password_hash == "scrypt$hash-r"
    assert store.get_user("nobody") is None
    store.create_session("h-old", alice, "2000-01-01T00:00:00+00:00")
    store.create_session("h-alice", alice, "2999-01-01T00:00:00+00:00")  # purges the expired one
    store.create_session("h-root", root, "2999-01-01T00:00:00+00:00")
    assert store.session("h-old") is None and sorted(store.session_hashes()) == ["h-alice", "h-root"]
    session = store.session("h-alice")
    assert session is not None and (session.user_id, session.username, session.disabled) == (alice, "alice", False)
    assert store.disable_user("alice") is True and store.disable_user("nobody") is False
    assert store.session("h-alice") is None and store.get_user("alice").disabled is True
    store.delete_session("h-root")
    assert store.session("h-root") is None
    store.create_session("h-late", root, "2001-01-01T00:00:00+00:00")
    assert store.purge_expired_sessions() == 1


def test_unsupported_database_urls_are_refused_in_chinese() -> None:
    with pytest.raises(UserFacingError) as caught:
        Store("mysql://user:secret@db/app")
    assert "暂不支持数据库地址" in caught.value.message and "secret" not in caught.value.message


def test_instances_starting_at_once_migrate_once(db_url: str) -> None:
    barrier, opened, errors = threading.Barrier(4), [], []

    def start() -> None:
        barrier.wait()
        try:
            opened.append(Store.open(db_url))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(opened) == 4
    with opened[0].engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM schema_migrations")).scalar() == len(MIGRATIONS)
    for store in opened:
        store.close()
