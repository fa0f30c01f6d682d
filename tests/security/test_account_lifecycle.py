"""Issue 25, item 2: accounts that can be managed, and every change written to an append-only log.

Written as what an attacker or a careless operator would rely on: a stolen session
that survives a password change, a demoted admin whose open session keeps its powers,
a deleted account whose applications vanish (or stay with a name anyone can re-register),
an applicant calling the admin routes, the last admin locking everyone out.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.api.conftest import PASSWORD, World, make_world, new_application

NEW_PASSWORD = "a-new-password-9"


@pytest.fixture
def team(tmp_path: Path) -> World:
    world = make_world(tmp_path, login_per_client_per_minute=1000)
    for name, role in (("alice", "applicant"), ("bob", "applicant"), ("sam", "staff"), ("root", "admin")):
        world.add_user(name, role)
    return world


def login(world: World, username: str, password: str = PASSWORD):
    return world.client().post("/api/login", json={"username": username, "password": password})


def events(world: World) -> list[dict]:
    response = world.as_user("root").get("/api/users/log")
    assert response.status_code == 200, response.text
    return response.json()


def test_a_stolen_session_ends_when_the_owner_changes_the_password(team: World) -> None:
    thief = team.client(team.tokens["alice"])  # a copy of alice's session, e.g. from a shared computer
    own = team.client(login(team, "alice").json()["token"])
    changed = own.post("/api/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert changed.status_code == 200, changed.text
    assert "case_assistant_session=" in changed.headers["set-cookie"]
    fresh = changed.json()["token"]
    assert thief.get("/api/me").status_code == 401
    assert own.get("/api/me").status_code == 401  # every earlier session of hers ends, this one too
    assert team.client(fresh).get("/api/me").json()["username"] == "alice"  # the new one replaces it
    assert login(team, "alice").status_code == 401
    assert login(team, "alice", NEW_PASSWORD).status_code == 200
    assert events(team)[-1] | {"at": ""} == {
        "id": events(team)[-1]["id"], "at": "", "actor": "alice", "action": "password_change",
        "username": "alice", "detail": "本人修改密码，已结束该账号的全部登录会话",
    }


def test_changing_a_password_needs_the_current_one_and_is_throttled(tmp_path: Path) -> None:
    world = make_world(tmp_path, login_per_client_per_minute=1000)
    world.add_user("alice")
    client = world.as_user("alice")
    for _ in range(5):
        wrong = client.post("/api/me/password", json={"current_password": "guess-1234", "new_password": NEW_PASSWORD})
        assert wrong.status_code == 401 and "当前密码不正确" in wrong.json()["error"]
    locked = client.post("/api/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert locked.status_code == 429  # a stolen session cannot be used to guess the password
    assert login(world, "alice").status_code == 429


@pytest.mark.parametrize(
    ("new", "message"),
    [("short", "至少需要8个字符"), ("x" * 257, "最多256个字符"), (PASSWORD, "新密码不能与当前密码相同")],
    ids=["too-short", "too-long", "unchanged"],
)
def test_password_rules_are_stated(team: World, new: str, message: str) -> None:
    response = team.as_user("alice").post("/api/me/password", json={"current_password": PASSWORD, "new_password": new})
    assert response.status_code == 400 and message in response.json()["error"]


def test_a_password_equal_to_the_username_is_refused(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    with pytest.raises(Exception, match="密码不能与用户名相同"):
        world.accounts.add_user("zhangsan-01", "ZhangSan-01", "applicant")


def test_applicants_and_staff_cannot_manage_accounts(team: World) -> None:
    for name in ("alice", "sam"):
        client = team.as_user(name)
        assert client.post("/api/users/bob/password", json={"password": NEW_PASSWORD}).status_code == 403
        assert client.put("/api/users/bob/role", json={"role": "admin"}).status_code == 403
        assert client.post("/api/users/bob/disable").status_code == 403
        assert client.post("/api/users/bob/enable").status_code == 403
        assert client.delete("/api/users/bob").status_code == 403
        assert client.get("/api/users/log").status_code == 403
    assert login(team, "bob").status_code == 200


def test_admin_reset_ends_the_users_sessions(team: World) -> None:
    before = team.as_user("alice")
    reset = team.as_user("root").post("/api/users/alice/password", json={"password": NEW_PASSWORD})
    assert reset.status_code == 200 and reset.json()["username"] == "alice"
    assert before.get("/api/me").status_code == 401
    assert login(team, "alice", NEW_PASSWORD).status_code == 200
    assert events(team)[-1]["action"] == "password_reset" and events(team)[-1]["actor"] == "root"


def test_disable_then_enable_and_staff_still_read_the_applications(team: World) -> None:
    app_id = new_application(team.as_user("alice"))["id"]
    root = team.as_user("root")
    assert root.post("/api/users/alice/disable").json()["disabled"] is True
    assert login(team, "alice").json()["code"] == "account_disabled"
    staff = team.as_user("sam")
    assert app_id in [a["id"] for a in staff.get("/api/applications").json()]
    assert staff.get(f"/api/applications/{app_id}").status_code == 200
    assert staff.get(f"/api/applications/{app_id}/export.docx").status_code == 200
    assert root.post("/api/users/alice/enable").json()["disabled"] is False
    assert login(team, "alice").status_code == 200
    assert [e["action"] for e in events(team)][-2:] == ["disable", "enable"]


def test_a_role_change_ends_the_sessions_that_carried_the_old_role(team: World) -> None:
    old_admin_session = team.client(team.tokens["root"])
    team.add_user("root2", "admin")
    changed = team.as_user("root2").put("/api/users/root/role", json={"role": "applicant"})
    assert changed.status_code == 200 and changed.json()["role"] == "applicant"
    assert old_admin_session.get("/api/users").status_code == 401  # not a lingering admin session
    relogged = team.client(login(team, "root").json()["token"])
    assert relogged.get("/api/users").status_code == 403
    last = events_as(team, "root2")[-1]
    assert (last["action"], last["username"], last["actor"], last["detail"]) == (
        "role", "root", "root2", "角色：admin（管理员）→ applicant（申报单位）"
    )


def events_as(world: World, admin: str) -> list[dict]:
    return world.as_user(admin).get("/api/users/log").json()


def test_the_last_admin_cannot_be_removed(team: World) -> None:
    root = team.as_user("root")
    for response in (
        root.put("/api/users/root/role", json={"role": "staff"}),
        root.post("/api/users/root/disable"),
        root.delete("/api/users/root"),
    ):
        assert response.status_code == 409 and "至少保留一个" in response.json()["error"], response.text
    assert root.get("/api/users").status_code == 200


def test_delete_transfers_the_applications_and_the_name_gives_no_access(team: World) -> None:
    alice = team.as_user("alice")
    ids = sorted(new_application(alice)["id"] for _ in range(2))
    root = team.as_user("root")
    refused = root.delete("/api/users/alice")
    assert refused.status_code == 409 and "2份申报书" in refused.json()["error"]
    assert root.delete("/api/users/alice", params={"transfer_to": "ghost"}).status_code == 404
    assert root.delete("/api/users/alice", params={"transfer_to": "alice"}).status_code == 400
    deleted = root.delete("/api/users/alice", params={"transfer_to": "bob"})
    assert deleted.status_code == 200 and deleted.json() == {"username": "alice", "transferred": 2, "to": "bob"}
    assert alice.get("/api/me").status_code == 401
    assert sorted(a["id"] for a in team.as_user("bob").get("/api/applications").json()) == ids
    team.add_user("alice")  # someone registers the freed name: a new account, none of the old data
    assert team.as_user("alice").get("/api/applications").json() == []
    assert team.as_user("alice").get(f"/api/applications/{ids[0]}").status_code == 404
    last = events(team)[-2]
    assert (last["action"], last["username"], last["detail"]) == ("delete", "alice", "2份申报书已转给 bob")


def test_the_log_is_append_only_and_holds_no_secret(team: World) -> None:
    team.as_user("root").post("/api/users/alice/password", json={"password": NEW_PASSWORD})
    listed = events(team)
    assert [e["action"] for e in listed][:4] == ["add", "add", "add", "add"]
    assert NEW_PASSWORD not in str(listed) and "scrypt" not in str(listed)
    with team.store.engine.connect() as conn:
        for statement in ("UPDATE account_events SET action = 'x'", "DELETE FROM account_events"):
            with pytest.raises(DBAPIError), conn.begin():
                conn.execute(text(statement))
    assert events(team) == listed
