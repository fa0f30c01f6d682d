"""Issue 25, item 1: no-login mode behind a reverse proxy.

The operator followed SECURITY.md: the server listens on 127.0.0.1, a proxy forwards
``portal.example.com`` to it and ``CASE_ASSISTANT_ALLOWED_HOSTS`` names the portal, but
no account exists yet. Every visitor through the proxy used to be served as 本机用户:
they could read, create applications and load documents into the knowledge base.
Now only a request that really is local (loopback peer, no forwarding headers, a
loopback Host) runs without login; everything else gets a Chinese 403 that tells the
operator to create an account first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.conftest import make_world

from .conftest import PORTAL_HOST, Server, fn_index, gradio_config

PROXIED = {
    "portal-and-xff": {"Host": PORTAL_HOST, "X-Forwarded-For": "10.1.2.3"},
    "portal-host-only": {"Host": PORTAL_HOST},
    "loopback-host-xff": {"Host": "127.0.0.1", "X-Forwarded-For": "10.1.2.3"},
    "forwarded-header": {"Host": "localhost", "Forwarded": "for=10.1.2.3;proto=https"},
    "x-real-ip": {"Host": "127.0.0.1", "X-Real-IP": "10.1.2.3"},
    "x-forwarded-host": {"Host": "127.0.0.1", "X-Forwarded-Host": PORTAL_HOST},
}
NEW_APP = {"field": "交通运输", "case_name": "交通运输领域——经代理创建的申报书", "applicant": "外人"}


def assert_refused(response, *, html: bool = False) -> None:
    assert response.status_code == 403, (response.status_code, response.text[:300])
    text = response.text
    assert "case-assistant users add" in text and "账号" in text, text[:300]
    if not html:
        assert response.json()["code"] == "login_required"


@pytest.mark.parametrize("headers", list(PROXIED.values()), ids=list(PROXIED))
def test_a_proxied_visitor_is_not_the_local_user(local: Server, headers: dict[str, str]) -> None:
    with local.client() as client:
        assert_refused(client.get("api/me", headers=headers))
        assert_refused(client.get("api/applications", headers=headers))
        assert_refused(client.post("api/applications", headers=headers, json=NEW_APP))
        files = {"file": ("proxy.txt", "通过代理上传的文件，截止时间为2030年1月1日。".encode(), "text/plain")}
        assert_refused(client.post("api/knowledge", headers=headers, files=files))
        assert_refused(client.get("", headers={**headers, "Accept": "text/html"}), html=True)
        assert_refused(client.get("config", headers=headers))
        join = client.post(
            "gradio_api/queue/join",
            headers=headers,
            json={"data": [None], "fn_index": 0, "session_hash": f"proxy{abs(hash(str(headers)))}", "event_data": None},
        )
        assert_refused(join)
        health = client.get("api/health", headers=headers)  # a monitor may still look; it learns login is needed
        assert health.status_code == 200 and health.json()["login_required"] is True
    with local.client() as really_local:
        assert really_local.get("api/me").json()["local"] is True
        cases = [a["case_name"] for a in really_local.get("api/applications").json()]
        docs = [d["source"] for d in really_local.get("api/knowledge").json()]
    assert NEW_APP["case_name"] not in cases and "proxy.txt" not in docs


def test_the_really_local_user_still_needs_no_login(local: Server) -> None:
    config = gradio_config(local)
    assert fn_index(config, "qa-ask")  # the page and its events are there for 127.0.0.1
    with local.client() as client:
        assert client.get("api/health").json()["login_required"] is False
        assert client.get("", headers={"Host": "localhost", "Accept": "text/html"}).status_code == 200


def test_an_explicit_setting_lets_an_operator_keep_proxied_no_login(tmp_path: Path) -> None:
    refused = make_world(tmp_path / "default").client()
    assert refused.get("/api/me", headers=PROXIED["portal-and-xff"]).status_code == 403
    allowed = make_world(tmp_path / "opted-in", no_login_via_proxy=True).client()
    me = allowed.get("/api/me", headers=PROXIED["portal-and-xff"])
    assert me.status_code == 200 and me.json()["local"] is True


def test_once_an_account_exists_proxied_requests_just_need_a_login(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    world.add_user("root", "admin")
    client = world.client(world.tokens["root"])
    assert client.get("/api/me", headers=PROXIED["portal-and-xff"]).json()["username"] == "root"
    anonymous = world.client().get("/api/me", headers=PROXIED["portal-and-xff"])
    assert anonymous.status_code == 401
