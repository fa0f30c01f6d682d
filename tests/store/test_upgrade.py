"""A data directory made by the first release opens under the SQLAlchemy/Alembic store, intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from assistant.store.migrations import HEAD, MIGRATIONS
from assistant.store.sql import Store
from tests.store.legacy_release import LegacyStore

ANSWERS = ["货主一票货平均要跑4个窗口。", "数据来自铁路、港口和船公司的业务系统。"]


def _old_data_dir(path: Path) -> dict:
    """Two users, a session, two applications (one deleted) with messages and a version history."""
    old = LegacyStore(path)
    alice = old.add_user("alice", "applicant", "scrypt$n=16384,r=8,p=1$c2FsdA==$aGFzaA==")
    old.add_user("root", "admin", "scrypt$n=16384,r=8,p=1$c2FsdDI=$aGFzaDI=")
    old.add_session("f" * 64, alice, "2999-01-01T00:00:00+00:00")
    app = old.create_application(alice, "cq-2024-batch2", {"case_name": "单证互认", "field": "交通运输"}, {"step": 3})
    gone = old.create_application(alice, "cq-2024-batch2", {"case_name": "已删除"}, {})
    old._write("UPDATE applications SET deleted_at = ? WHERE id = ?", ("2025-05-02T00:00:00+00:00", gone))
    for text in ANSWERS:
        old.add_message(app, "user", text)
        old.add_message(app, "assistant", "收到。", part_id="intro.problem")
    old.add_version(app, "intro.problem", 1, None, "第一版：单证互认。", {"issues": [{"kind": "length"}]})
    old.add_version(app, "intro.problem", 2, 1, "第二版：一次申报。", {})
    old.set_head(app, "intro.problem", 1)  # the applicant undid version 2
    old.add_version(app, "intro.solution", 1, None, "方案：数据共享。", {})
    return {"alice": alice, "app": app, "gone": gone}


def test_a_first_release_database_upgrades_in_place_with_everything_intact(tmp_path: Path) -> None:
    path = tmp_path / "data" / "app.sqlite3"
    path.parent.mkdir()
    ids = _old_data_dir(path)
    store = Store.open(path)

    row = store.get_application(ids["app"])
    assert row is not None and row.info == {"case_name": "单证互认", "field": "交通运输"} and row.state == {"step": 3}
    assert row.media == {} and store.get_application(ids["gone"]) is None
    assert [a.id for a in store.list_applications(ids["alice"])] == [ids["app"]]
    assert [(m.role, m.content) for m in store.messages(ids["app"])] == [
        ("user", ANSWERS[0]), ("assistant", "收到。"), ("user", ANSWERS[1]), ("assistant", "收到。"),
    ]
    problem = store.versions(ids["app"], "intro.problem")
    assert [(v.version, v.parent_version, v.text) for v in problem] == [
        (1, None, "第一版：单证互认。"), (2, 1, "第二版：一次申报。"),
    ]
    assert problem[0].report == {"issues": [{"kind": "length"}]}
    heads = store.head_versions(ids["app"])
    assert {pid: v.version for pid, v in heads.items()} == {"intro.problem": 1, "intro.solution": 1}
    assert [u.username for u in store.list_users()] == ["alice", "root"]
    assert store.session("f" * 64).username == "alice"

    # the newer revisions ran once, and the old ledger now lists them too
    raw = sqlite3.connect(path)
    assert [r[0] for r in raw.execute("SELECT name FROM schema_migrations ORDER BY name")] == [n for n, _ in MIGRATIONS]
    assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    indexes = {r[1] for r in raw.execute("PRAGMA index_list(sessions)")}
    assert {"sessions_user", "sessions_expires"} <= indexes

    # and it keeps working: numbering continues, ids are not reused (AUTOINCREMENT kept)
    third = store.add_version(ids["app"], "intro.problem", "第三版", 3, 300, "offline", "revise", {}, expected_head=1)
    assert third == 3
    assert store.create_application(ids["alice"], "cq-2024-batch2", {}, {}) > ids["gone"]
    assert store.add_user("bob", "applicant", "scrypt$x") == 3
    store.close()
    assert Store.open(path).migrate() == []


def test_a_fresh_sqlite_database_has_the_first_release_schema_shape(tmp_path: Path) -> None:
    """Same tables and AUTOINCREMENT as the release made, so older tools reading the file still work."""
    Store.open(tmp_path / "new.sqlite3").close()
    LegacyStore(tmp_path / "old.sqlite3")
    new, old = sqlite3.connect(tmp_path / "new.sqlite3"), sqlite3.connect(tmp_path / "old.sqlite3")
    query = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('alembic_version') ORDER BY name"
    later = {"call_settings", "call_entries", "submissions", "submission_files", "assessments", "scores", "comments",
             "audit_log"}  # added by 0003 (the call's process)
    later |= {"account_events", "login_attempts"}  # added by 0004 (issue 25: account log, shared login counts)
    later |= {"media_files", "flow_graphs"}  # added by 0005_issue27_media (media, flow diagram)
    assert [r[0] for r in new.execute(query) if r[0] not in later] == [r[0] for r in old.execute(query)]
    for table in ("users", "sessions", "applications", "messages", "part_versions", "part_heads"):
        columns = "SELECT name, type, (\"notnull\" OR pk), pk FROM pragma_table_info(?) ORDER BY cid"
        assert new.execute(columns, (table,)).fetchall() == old.execute(columns, (table,)).fetchall(), table
