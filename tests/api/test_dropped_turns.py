"""100 streaming chat turns against a slow model, then every client drops: nobody else notices, the turns stop.

Real processes on loopback: ``case-assistant serve`` (accounts on, so a login is a real scrypt check)
in model mode against the realistic fake at 10 tokens/s. Each turn closes a part, so it drafts: a
minute of streaming if nobody stopped it. The turns are opened on raw sockets and the sockets are
closed without reading, as a browser tab that is closed does.

Asserted (issue 24, "Must show"): ``GET /api/health`` and ``POST /api/login`` answer in under a
second before, during and after; the model-work pool takes ``turn_workers`` turns and the rest
wait in line; after the drop every stream the fake had open is closed by our side within a few
seconds, and no waiting turn starts later.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.ui.conftest import add_account
from tests.ui.slow_servers import FakeModel, slow_fake

from .test_kill_restart import FULL_SERVE, running_server

pytestmark = pytest.mark.slow  # a served process, a shell run or an evaluation floor: make test, not make test-fast

TURNS = 100
WORKERS = 40  # the model-work pool for this test: fewer than TURNS, so some wait in line
PASSWORD = "dropped-turns-password"
FINISH = "数据就是运单和结算数据，来自铁路、港口和船公司3类主体的系统。没有了，请直接起草"


class Prober:
    """Health checks and logins in a loop on their own connections; records the slowest of each."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.worst = {"health": 0.0, "login": 0.0}
        self.failures: list[str] = []
        self.samples: list = []
        self.t0 = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=30) as client:
            while not self._stop.is_set():
                for name, call in (
                    ("health", lambda: client.get("/api/health")),
                    ("login", lambda: client.post("/api/login", json={"username": "prober", "password": PASSWORD})),
                ):
                    started = time.monotonic()
                    try:
                        status = call().status_code
                    except httpx.HTTPError as exc:
                        self.failures.append(f"{name}: {exc!r}")
                        continue
                    self.worst[name] = max(self.worst[name], time.monotonic() - started)
                    self.samples.append((round(started - self.t0, 2), name, round(time.monotonic() - started, 3)))
                    if status != 200:
                        self.failures.append(f"{name}: HTTP {status}")
                self._stop.wait(0.2)

    def __enter__(self) -> Prober:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


def _open_turn(port: int, token: str, app_id: int) -> socket.socket:
    """Send a streamed turn's request and read nothing: the server is left holding the turn."""
    body = json.dumps({"text": FINISH}, ensure_ascii=False).encode()
    head = (
        f"POST /api/applications/{app_id}/messages HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(head + body)
    return sock


def _wait(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


@pytest.fixture
def fake_model(tmp_path: Path) -> Iterator[FakeModel]:
    with slow_fake(tmp_path) as fake:
        yield fake


@pytest.fixture
def server(tmp_path: Path, fake_model: FakeModel) -> Iterator[tuple[FakeModel, httpx.Client, str]]:
    data_dir, log = tmp_path / "data", tmp_path / "server.log"
    env = {**os.environ, "CASE_ASSISTANT_DATA_DIR": str(data_dir), "CASE_ASSISTANT_EMBEDDER": "hash"}
    for user in ("applicant", "prober"):
        add_account(env, user, PASSWORD, "applicant")
    model = {
        "CASE_ASSISTANT_LLM_BASE_URL": fake_model.base_url,
        "CASE_ASSISTANT_LLM_MODEL": "fake",
        "CASE_ASSISTANT_LLM_FOLLOWUP_TIMEOUT": "1",
        "CASE_ASSISTANT_TURN_WORKERS": str(WORKERS),
        "CASE_ASSISTANT_TURN_PER_USER": str(TURNS),
        "CASE_ASSISTANT_TURN_PER_USER_QUEUE": str(TURNS),
        "CASE_ASSISTANT_LIMIT_APPLICATIONS_PER_USER": str(TURNS + 5),
        "CASE_ASSISTANT_LOGIN_PER_CLIENT_PER_MINUTE": "100000",  # the prober logs in five times a second
    }
    with running_server(FULL_SERVE, data_dir, log, **model) as (_, client):
        token = client.post("/api/login", json={"username": "applicant", "password": PASSWORD}).json()["token"]
        client.headers["Authorization"] = f"Bearer {token}"
        yield fake_model, client, token


def test_a_hundred_dropped_turns_are_cancelled_and_nobody_waits(server) -> None:
    fake, client, token = server
    app_ids = []
    for n in range(TURNS):
        created = client.post("/api/applications", json={"field": "交通运输", "case_name": f"交通运输领域——单证{n}"})
        app_ids.append(created.json()["id"])
    port = int(str(client.base_url).rsplit(":", 1)[1].strip("/"))
    requests_before = fake.request_count()
    with Prober(str(client.base_url)) as prober:
        sockets = [_open_turn(port, token, app_id) for app_id in app_ids]
        _wait(lambda: fake.streams["open"] >= WORKERS, 120, f"the pool should fill: {fake.streams}")
        time.sleep(1.0)  # the pool is full and the rest wait: nothing more may reach the model
        assert fake.streams["open"] == WORKERS, fake.streams
        for sock in sockets:
            sock.close()
        dropped = time.monotonic()
        _wait(lambda: fake.streams["open"] == 0, 10, f"our side must close the model's streams: {fake.streams}")
        closed_in = time.monotonic() - dropped
        time.sleep(2.0)  # the turns that were waiting left the line: none may start now
        assert fake.streams["open"] == 0, fake.streams
    assert fake.streams["closed_early"] >= WORKERS, fake.streams
    started = fake.request_count() - requests_before
    assert started <= WORKERS + 5, f"{started} model calls for {WORKERS} admitted turns"  # + a few follow-ups
    assert not prober.failures, prober.failures[:5]
    slow = [s for s in prober.samples if s[2] >= 1.0]
    assert not slow, f"(since start, request, seconds) over 1 s: {slow}; streams closed in {closed_in:.1f} s"
