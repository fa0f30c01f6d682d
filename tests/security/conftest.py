"""Fixtures for the attack tests: real ``case-assistant serve`` processes, a tracker, Chromium.

Two servers: ``secure`` (accounts exist, so login is required; ``app.example.com`` is
an allowed Host name to play a LAN deployment) and ``local`` (loopback, no accounts).
Users are created in-process before the server starts (real scrypt cost).
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.auth.accounts import Accounts
from assistant.core.settings import Settings
from assistant.store.sql import Store
from tests.ui.conftest import _clean_env, free_port, shared_chromium, start, stop, wait_for

PASSWORD = "security-test-pass"
USERS = {
    "sec-staff": "staff",
    "sec-alice": "applicant",
    "sec-bob": "applicant",
    "flood-rest": "applicant",
    "flood-ui": "applicant",
    "fuzz": "applicant",
    "race-rest": "applicant",
    "sec-carol": "applicant",
    "bind-victim": "applicant",
    "fuzz-admin": "admin",
}
LAN_HOST = "app.example.com"
PORTAL_HOST = "portal.example.com"  # the name a reverse proxy in front of the local server answers to


@dataclass
class Server:
    url: str  # ends with /
    data_dir: Path
    log: Path

    def client(self, token: str | None = None, **kwargs: Any) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30, trust_env=False, **kwargs)

    def login(self, username: str, password: str = PASSWORD) -> httpx.Response:
        with self.client() as client:
            return client.post("api/login", json={"username": username, "password": password})

    def token(self, username: str) -> str:
        response = self.login(username)
        assert response.status_code == 200, response.text
        return response.json()["token"]

    @property
    def gradio_dir(self) -> Path:
        return self.data_dir / "gradio"


def _run(tmp: Path, name: str, extra_env: dict[str, str]) -> Iterator[Server]:
    data = tmp / name
    env = _clean_env()
    env.update(CASE_ASSISTANT_DATA_DIR=str(data), CASE_ASSISTANT_EMBEDDER="hash", **extra_env)
    port = free_port()
    log = tmp / f"{name}.log"
    process = start([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)], env, log)
    try:
        wait_for(f"http://127.0.0.1:{port}/api/health", process, log)
        yield Server(url=f"http://127.0.0.1:{port}/", data_dir=data, log=log)
    finally:
        stop(process)


@pytest.fixture(scope="session")
def security_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("security")


@pytest.fixture(scope="session")
def secure(security_tmp: Path) -> Iterator[Server]:
    data = security_tmp / "secure"
    settings = Settings(data_dir=data)
    data.mkdir(parents=True, exist_ok=True)
    accounts = Accounts(Store.open(settings.sqlite_path), settings)
    for name, role in USERS.items():
        accounts.add_user(name, PASSWORD, role)
    env = {
        "CASE_ASSISTANT_ALLOWED_HOSTS": f"127.0.0.1,localhost,{LAN_HOST}",
        "CASE_ASSISTANT_LIMIT_UPLOAD_MB": "1",
        "CASE_ASSISTANT_LIMIT_UPLOAD_FILES": "3",
        "CASE_ASSISTANT_LOGIN_PER_CLIENT_PER_MINUTE": "1000",  # every test runs from 127.0.0.1
    }
    yield from _run(security_tmp, "secure", env)


@pytest.fixture(scope="session")
def local(security_tmp: Path) -> Iterator[Server]:
    """Loopback, no accounts; configured as SECURITY.md told operators to put it behind a proxy."""
    yield from _run(security_tmp, "local", {"CASE_ASSISTANT_ALLOWED_HOSTS": f"127.0.0.1,localhost,{PORTAL_HOST}"})


@dataclass
class Tracker:
    """An HTTP server that records every request: any hit means content reached out."""

    url: str
    hits: list[str] = field(default_factory=list)


@pytest.fixture
def tracker() -> Iterator[Tracker]:
    port = free_port()
    record = Tracker(url=f"http://127.0.0.1:{port}")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            record.hits.append(self.path)
            self.send_response(200)
            self.send_header("content-type", "image/png")
            self.end_headers()

        do_POST = do_GET  # noqa: N815

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield record
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def evil_site() -> Iterator[str]:
    """A page on another port of the same host: same *site* as the app, so Lax cookies ride along."""
    port = free_port()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = b"<!doctype html><title>evil</title><p>evil page</p>"
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    with shared_chromium() as browser:
        yield browser


@pytest.fixture
def browser_context(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1600, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(30_000)
    try:
        yield context
    finally:
        context.close()


def gradio_config(server: Server, cookies: dict[str, str] | None = None) -> dict[str, Any]:
    with server.client(cookies=cookies) as client:
        response = client.get("config")
    assert response.status_code == 200, response.text
    return response.json()


def fn_index(config: dict[str, Any], elem_id: str, event: str = "click") -> int:
    """The dependency id of the event ``event`` on the component with ``elem_id``."""
    ids = {c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == elem_id}
    for dep in config["dependencies"]:
        if any(target[0] in ids and target[1] == event for target in dep["targets"]):
            return dep["id"]
    raise AssertionError(f"no {event} event on #{elem_id}")


def gradio_call(server: Server, index: int, data: list[Any], cookies: dict[str, str] | None = None) -> dict:
    """Run one event the way the browser does (queue/join, then the SSE stream); the final message."""
    session = "sec" + str(free_port())
    with server.client(cookies=cookies) as client:
        join = client.post(
            "gradio_api/queue/join",
            json={"data": data, "fn_index": index, "session_hash": session, "event_data": None, "trigger_id": None},
        )
        if join.status_code != 200:
            return {"msg": "refused", "status": join.status_code, "body": join.text}
        with client.stream("GET", "gradio_api/queue/data", params={"session_hash": session}) as stream:
            for line in stream.iter_lines():
                if line.startswith("data:"):
                    message = json.loads(line[5:])
                    if message.get("msg") in ("process_completed", "unexpected_error"):
                        return message
    raise AssertionError("the event stream ended without a result")
