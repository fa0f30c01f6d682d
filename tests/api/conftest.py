"""API test set-up: the real app (real store, service, accounts, offline drafter) per test.

Every client is a ``CheckedClient``: any 4xx/5xx it receives must be a JSON body with
a Chinese ``error`` and a ``code``, and must not contain traceback text. That makes
the "errors are JSON, no stack traces" rule hold for every request in this suite,
not only in the tests written for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.api.app import create_api
from assistant.auth.accounts import Accounts
from assistant.auth.principal import Principal
from assistant.core.settings import Settings
from assistant.drafting.offline.drafter import OfflineDrafter
from assistant.service.service import Service
from assistant.store.sql import Store

PASSWORD = "correct-horse-7"
FAST_SCRYPT_N = 2**8  # tests only: the production cost is asserted in test_accounts.py
FIELD = "交通运输"
CASE_NAME = "交通运输领域——重庆物流数据共享平台"
# One answer rich enough (numbers, data source, flow, security, results) to draft a part at once.
RICH_ANSWER = (
    "我们公司面临物流数据分散的问题，2023年空驶率达到35%，数据来源于公司运输管理系统和交通部门，"
    "每天处理10万条数据，数据通过平台汇聚、清洗后共享给合作伙伴，采用数据加密、访问控制等安全措施，成效是成本降低20%。"
)
CJK = re.compile(r"[\u4e00-\u9fff]")
TRACE_MARKERS = ("Traceback", 'File "', "most recent call last", ".py\", line")


def assert_error_body(response: httpx.Response) -> dict[str, Any]:
    """A 4xx/5xx must be JSON {"error": <Chinese>, "code": ...} with no traceback text."""
    for marker in TRACE_MARKERS:
        assert marker not in response.text, f"traceback text in {response.status_code} body: {response.text[:300]}"
    assert response.headers.get("content-type", "").startswith("application/json"), response.text[:200]
    body = response.json()
    assert isinstance(body.get("code"), str) and body["code"], body
    assert isinstance(body.get("error"), str) and CJK.search(body["error"]), body
    return body


class CheckedClient(TestClient):
    """A TestClient that checks the shape of every error response it receives.

    It calls from 127.0.0.1 with Host 127.0.0.1, as a browser on the server's machine does:
    no-login (local) mode serves only such requests (``assistant.api.local_guard``).
    """

    def __init__(self, app: Any, **kwargs: Any) -> None:
        kwargs.setdefault("base_url", "http://127.0.0.1")
        kwargs.setdefault("client", ("127.0.0.1", 50000))
        super().__init__(app, **kwargs)

    def request(self, method: str, url: Any, **kwargs: Any) -> httpx.Response:  # type: ignore[override]
        response = super().request(method, url, **kwargs)
        if response.status_code >= 400:
            assert_error_body(response)
        return response


@dataclass
class World:
    """One running app over one data directory, with helpers to act as different users."""

    settings: Settings
    store: Store
    service: Service
    accounts: Accounts
    app: FastAPI
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, token: str | None = None) -> CheckedClient:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return CheckedClient(self.app, headers=headers, raise_server_exceptions=False)

    def as_user(self, username: str) -> CheckedClient:
        return self.client(self.tokens[username])

    def add_user(self, username: str, role: str = "applicant") -> Principal:
        principal = self.accounts.add_user(username, PASSWORD, role)
        self.tokens[username] = self.accounts.create_session(principal)
        return principal


def make_world(data_dir: Path, knowledge: Any = None, **overrides: Any) -> World:
    settings = Settings(data_dir=data_dir, embedder="hash", **overrides)
    store = Store.open(settings.sqlite_path)
    service = Service(settings, store, OfflineDrafter(), knowledge=knowledge)
    accounts = Accounts(store, settings, scrypt_n=FAST_SCRYPT_N)
    return World(settings, store, service, accounts, create_api(service, accounts, settings))


def new_application(client: TestClient, **info: Any) -> dict[str, Any]:
    body = {"field": FIELD, "applicant": "重庆某物流有限公司", "case_name": CASE_NAME, **info}
    response = client.post("/api/applications", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def answer_until_drafted(client: TestClient, app_id: int, limit: int = 6) -> dict[str, Any]:
    """Send rich answers until a part is drafted; return that TurnResult JSON."""
    for _ in range(limit):
        response = client.post(f"/api/applications/{app_id}/messages", json={"text": RICH_ANSWER})
        assert response.status_code == 200, response.text
        if response.json()["drafted_part"]:
            return response.json()
    raise AssertionError("no part was drafted")


def drafted_application(client: TestClient) -> tuple[int, str]:
    """A new application whose first part has two versions (so undo has something to undo)."""
    app_id = new_application(client)["id"]
    part_id = answer_until_drafted(client, app_id)["drafted_part"]
    response = client.post(f"/api/applications/{app_id}/parts/{part_id}/redraft")
    assert response.status_code == 200, response.text
    return app_id, part_id


@pytest.fixture
def world(tmp_path: Path) -> World:
    """No accounts, loopback address: local mode."""
    return make_world(tmp_path)


@pytest.fixture
def team(tmp_path: Path) -> World:
    """Two applicants (alice, bob), a staff member (sam) and an admin (root), each logged in."""
    world = make_world(tmp_path)
    for name, role in (("alice", "applicant"), ("bob", "applicant"), ("sam", "staff"), ("root", "admin")):
        world.add_user(name, role)
    return world
