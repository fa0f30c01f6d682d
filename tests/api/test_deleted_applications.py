"""Deleted applications count while they are kept, and are removed for good after their retention.

A deleted application used to stay in the database forever (rows, messages, versions) and did not
count against the per-user limit, so creating and deleting in a loop grew the database without
bound. Now what is stored counts: when a user reaches the limit, their deleted applications are
purged to make room; and everything deleted more than ``deleted_retention_days`` ago is purged
(on each delete and at start-up).
"""

from __future__ import annotations

from pathlib import Path

from .conftest import RICH_ANSWER, make_world, new_application


def _stored(world, owner_id: int) -> tuple[int, int]:
    """(applications stored, deleted ones included; messages stored) for one owner."""
    with world.store.engine.connect() as conn:
        messages = conn.exec_driver_sql("SELECT COUNT(*) FROM messages").scalar_one()
    return world.store.count_applications(owner_id, include_deleted=True), int(messages)


def test_deleted_applications_make_room_at_the_limit_and_their_messages_go(tmp_path: Path) -> None:
    world = make_world(tmp_path, limit_applications_per_user=2, deleted_retention_days=30)
    principal = world.add_user("applicant")
    client = world.as_user("applicant")
    ids = [new_application(client)["id"] for _ in range(2)]
    for app_id in ids:
        assert client.post(f"/api/applications/{app_id}/messages", json={"text": RICH_ANSWER}).status_code == 200
        assert client.delete(f"/api/applications/{app_id}").status_code == 204
    assert _stored(world, principal.id)[0] == 2  # kept for the retention period

    third = new_application(client)["id"]  # the two deleted ones made room, and are gone for good
    assert _stored(world, principal.id)[0] == 1
    assert world.store.get_application(third) is not None
    assert _stored(world, principal.id)[1] == len(world.store.messages(third))  # only the new one's messages

    new_application(client)
    refused = client.post("/api/applications", json={"field": "交通运输", "case_name": "交通运输领域——第三份申报"})
    assert refused.status_code == 409 and "最多" in refused.json()["error"]


def test_deleted_applications_are_purged_after_the_retention_period(tmp_path: Path) -> None:
    world = make_world(tmp_path, deleted_retention_days=0)
    principal = world.add_user("applicant")
    client = world.as_user("applicant")
    app_id = new_application(client)["id"]
    client.post(f"/api/applications/{app_id}/messages", json={"text": RICH_ANSWER})
    assert client.delete(f"/api/applications/{app_id}").status_code == 204
    assert _stored(world, principal.id) == (0, 0)  # retention 0: removed at once, messages and versions too
    assert client.get(f"/api/applications/{app_id}").status_code == 404


def test_a_retained_deletion_stays_until_its_time(tmp_path: Path) -> None:
    world = make_world(tmp_path, deleted_retention_days=7)
    principal = world.add_user("applicant")
    client = world.as_user("applicant")
    app_id = new_application(client)["id"]
    assert client.delete(f"/api/applications/{app_id}").status_code == 204
    assert world.service.purge_deleted_applications() == 0
    assert _stored(world, principal.id)[0] == 1
    assert world.store.purge_deleted(deleted_before="9999-01-01T00:00:00+00:00") == [app_id]  # 7 days later
    assert _stored(world, principal.id) == (0, 0)
