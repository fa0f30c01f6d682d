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
    assert store.purge_deleted(deleted_before="2000-01-01T00:00:00+00:00") == []  # deleted after that date
    assert store.purge_deleted(owner_id=8) == []  # someone else's
    assert store.purge_deleted(owner_id=7) == [gone]
    assert store.count_applications(7, include_deleted=True) == 1
    assert store.messages(gone) == [] and store.versions(gone, "intro.problem") == []
    assert len(store.messages(kept)) == 1 and len(store.versions(kept, "intro.problem")) == 1


def test_an_application_that_was_ever_submitted_is_never_purged(store: Store) -> None:
    from assistant.store.bureau import NewSubmission

    app_id = store.create_application(9, "cq-2024-batch2", {}, {})
    new = NewSubmission(
        case_name="交通运输领域——示例", applicant="某单位", field="交通运输", snapshot={}, assessment={}
    )
    store.add_submission(app_id, 9, new, [], status="submitted", expected_status="draft")
    store.delete_application(app_id)  # (the service refuses this; the store must not lose the bureau's records)
    assert store.purge_deleted(owner_id=9) == []
    assert store.submissions(app_id) and store.count_applications(9, include_deleted=True) == 1
