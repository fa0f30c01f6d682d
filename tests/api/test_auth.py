"""Login, logout, the session cookie, disabled accounts, the admin-only user list, local mode."""

from __future__ import annotations

from pathlib import Path

from tests.api.conftest import PASSWORD, World, make_world, new_application


def login(world: World, username: str, password: str = PASSWORD):
    return world.client().post("/api/login", json={"username": username, "password": password})


def test_login_returns_a_bearer_token_and_sets_an_http_only_lax_cookie(team: World) -> None:
    response = login(team, "Alice")  # usernames are case-insensitive
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "alice" and body["role"] == "applicant" and len(body["token"]) >= 32
    cookie = response.headers["set-cookie"]
    assert f"case_assistant_session={body['token']}" in cookie
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Path=/" in cookie
    assert team.client(body["token"]).get("/api/me").json() == {
        "username": "alice",
        "role": "applicant",
        "local": False,
    }


def test_the_session_cookie_alone_authenticates_and_logout_ends_it(team: World) -> None:
    browser = team.client()
    token = browser.post("/api/login", json={"username": "bob", "password": PASSWORD}).json()["token"]
    assert browser.get("/api/me").json()["username"] == "bob"  # cookie jar, no header
    new_application(browser)
    logout = browser.post("/api/logout")
    assert logout.status_code == 200
    assert 'case_assistant_session=""' in logout.headers["set-cookie"] or "Max-Age=0" in logout.headers["set-cookie"]
    assert team.client(token).get("/api/me").status_code == 401
    browser.cookies.set("case_assistant_session", token)
    assert browser.get("/api/applications").status_code == 401


def test_wrong_password_and_unknown_user_get_the_same_chinese_401(team: World) -> None:
    wrong = login(team, "alice", "not-the-password")
    unknown = login(team, "nobody", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"error": "用户名或密码错误。", "code": "bad_credentials"}
    assert "set-cookie" not in wrong.headers


def test_a_disabled_user_is_locked_out_of_login_and_existing_sessions(team: World) -> None:
    old = team.as_user("alice")
    assert old.get("/api/applications").status_code == 200
    team.accounts.disable_user("alice")
    refused = login(team, "alice")
    assert refused.status_code == 401
    assert refused.json()["code"] == "account_disabled" and "停用" in refused.json()["error"]
    assert old.get("/api/applications").status_code == 401
    assert team.accounts.principal_for_token(team.tokens["alice"]) is None
    assert team.as_user("bob").get("/api/applications").status_code == 200


def test_an_expired_session_is_rejected(tmp_path: Path) -> None:
    world = make_world(tmp_path, session_hours=0)
    world.add_user("alice")
    assert world.as_user("alice").get("/api/me").status_code == 401


def test_only_admins_list_users_and_never_see_password_hashes(team: World) -> None:
    assert team.as_user("alice").get("/api/users").status_code == 403
    assert team.as_user("sam").get("/api/users").status_code == 403
    response = team.as_user("root").get("/api/users")
    assert response.status_code == 200
    assert [(u["username"], u["role"]) for u in response.json()] == [
        ("alice", "applicant"),
        ("bob", "applicant"),
        ("sam", "staff"),
        ("root", "admin"),
    ]
    assert "password" not in response.text and "scrypt" not in response.text


def test_passwords_are_stored_as_self_describing_salted_scrypt(team: World) -> None:
    with team.store.connect() as conn:
        hashes = [row[0] for row in conn.execute("SELECT password_hash FROM users")]
        tokens = [row[0] for row in conn.execute("SELECT token_hash FROM sessions")]
    assert all(h.startswith("scrypt$n=") and PASSWORD not in h for h in hashes)
    assert len(set(hashes)) == len(hashes)  # same password, different salts
    assert team.tokens["alice"] not in tokens and len(tokens[0]) == 64


def test_local_mode_needs_no_login_on_loopback_without_accounts(world: World) -> None:
    client = world.client()
    assert client.get("/api/health").json() == {"status": "ok", "login_required": False, "disk": "ok"}
    assert client.get("/api/me").json() == {"username": "本机用户", "role": "applicant", "local": True}
    app_id = new_application(client)["id"]
    assert [a["id"] for a in client.get("/api/applications").json()] == [app_id]


def test_the_first_account_ends_local_mode_without_a_restart(world: World) -> None:
    client = world.client()
    assert client.get("/api/me").status_code == 200
    world.add_user("root", "admin")
    assert client.get("/api/me").status_code == 401
    assert client.get("/api/health").json()["login_required"] is True


def test_a_non_loopback_address_without_accounts_is_not_local_mode(tmp_path: Path) -> None:
    world = make_world(tmp_path, host="0.0.0.0")
    response = world.client().get("/api/applications")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
