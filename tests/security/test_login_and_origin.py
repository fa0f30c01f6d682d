"""Login floods (REST path), bounded scrypt, foreign Host and Origin headers, unstorable input."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.auth import accounts as accounts_module
from tests.api.conftest import PASSWORD as API_PASSWORD
from tests.api.conftest import make_world

from .conftest import LAN_HOST, PASSWORD, Server


def test_rest_login_flood_gets_429_and_the_right_password_waits(secure: Server) -> None:
    codes = [secure.login("flood-rest", f"wrong-{i}").status_code for i in range(5)]
    assert codes == [401] * 5
    blocked = secure.login("flood-rest", PASSWORD)  # right password, inside the lock-out window
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert "后再试" in blocked.json()["error"] and blocked.json()["code"] == "too_many_attempts"
    assert secure.login("sec-alice").status_code == 200  # other accounts are not affected


def test_one_client_cannot_spray_many_accounts(tmp_path: Path) -> None:
    world = make_world(tmp_path, login_per_client_per_minute=3)
    world.add_user("alice")
    client = world.client()
    codes = [client.post("/api/login", json={"username": f"u{i}", "password": "x"}).status_code for i in range(4)]
    assert codes == [401, 401, 401, 429]
    assert client.post("/api/login", json={"username": "alice", "password": API_PASSWORD}).status_code == 429


def test_parallel_logins_hash_at_most_login_concurrency_at_once(tmp_path: Path, monkeypatch) -> None:
    world = make_world(tmp_path, login_concurrency=2, login_per_client_per_minute=1000, login_max_failures=1000)
    world.add_user("alice")
    running, peak, lock = [0], [0], threading.Lock()
    real = accounts_module._scrypt

    def counting(*args, **kwargs):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        try:
            return real(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(accounts_module, "_scrypt", counting)
    with ThreadPoolExecutor(max_workers=40) as pool:
        results = list(pool.map(lambda i: _try(world, i), range(40)))
    assert set(results) <= {401, 429} and peak[0] <= 2


def _try(world, i: int) -> int:
    try:
        world.accounts.login("alice", f"wrong-{i}", client="10.0.0.1")
    except Exception as exc:  # noqa: BLE001
        return getattr(exc, "status_code", 500)
    return 200


def test_foreign_host_and_origin_get_no_cors_grant_and_no_write(secure: Server) -> None:
    evil = {"Origin": "https://evil.example"}
    token = secure.token("sec-alice")
    cookies = {"case_assistant_session": token}
    with secure.client(cookies=cookies) as client:
        lan = {"Host": LAN_HOST, **evil}
        config = client.get("config", headers=lan)
        assert "access-control-allow-origin" not in config.headers
        preflight = client.options("api/applications", headers={**lan, "Access-Control-Request-Method": "POST"})
        assert "access-control-allow-origin" not in preflight.headers
        write = client.post("api/applications", headers=lan, json={"field": "交通运输", "case_name": "交通运输领域——x"})
        assert write.status_code == 403 and "跨站" in write.json()["error"]
        same = client.post(
            "api/applications", headers={"Host": LAN_HOST, "Origin": f"http://{LAN_HOST}"}, json={"field": "交通运输"}
        )
        assert same.status_code != 403  # our own page on the LAN name still works
        rebound = client.get("api/applications", headers={"Host": "evil.example"})  # DNS rebinding
        assert rebound.status_code == 400


@pytest.mark.parametrize(
    "path", [f"/api/applications/{2**63}", f"/api/applications/{2**64}/review", "/api/applications/0"]
)
def test_ids_beyond_sqlite_are_refused_not_500(tmp_path: Path, path: str) -> None:
    client = make_world(tmp_path).client()
    assert client.get(path).status_code == 422


def test_lone_surrogate_is_a_422_in_chinese(tmp_path: Path) -> None:
    client = make_world(tmp_path).client()
    body = '{"field": "交通运输", "applicant": "\\ud800", "case_name": "交通运输领域——重庆物流数据共享平台"}'
    response = client.post("/api/applications", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422 and "无效字符" in response.json()["error"]
    ok = '{"field": "交通运输", "applicant": "\\ud83d\\ude00公司", "case_name": "交通运输领域——重庆物流数据共享平台"}'
    assert client.post("/api/applications", content=ok, headers={"content-type": "application/json"}).status_code == 201
