"""A message of 8,000 digits costs at most 200 ms and does not slow anyone else's request.

The attack (issue 24): one message of 8,000 digits took 5.3 s (a figure pattern quadratic on digit
runs), holding the interpreter lock; three such messages froze every other user for 15.8 s. The
turn goes through the REST API of a real server process (offline drafter), so whatever reads the
message — the interview's understanding, the drafter, the review — is covered. Requests time out
after a few seconds, so a regression fails fast instead of running for minutes.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.ui.conftest import add_account

from .test_kill_restart import API_ONLY, running_server

pytestmark = pytest.mark.slow  # a served process, a shell run or an evaluation floor: make test, not make test-fast

DIGITS = ("1234567890" * 800)[:8000]
PASSWORD = "long-messages-password"


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    """(a client sending digits, a client reading its own application), each its own account."""
    data_dir = tmp_path / "data"
    env = {**os.environ, "CASE_ASSISTANT_DATA_DIR": str(data_dir), "CASE_ASSISTANT_EMBEDDER": "hash"}
    for name in ("digits", "reader"):
        add_account(env, name, PASSWORD, "applicant")
    with running_server(API_ONLY, data_dir, tmp_path / "server.log") as (_, client):
        clients = []
        for name in ("digits", "reader"):
            token = client.post("/api/login", json={"username": name, "password": PASSWORD}).json()["token"]
            headers = {"Authorization": f"Bearer {token}"}
            clients.append(httpx.Client(base_url=client.base_url, headers=headers, timeout=5))
        yield clients[0], clients[1]
        for each in clients:
            each.close()


def _new(client: httpx.Client, n: int) -> int:
    body = {"field": "交通运输", "case_name": f"交通运输领域——物流数据共享{n}"}
    return client.post("/api/applications", json=body).json()["id"]


def _turn_seconds(client: httpx.Client, app_id: int) -> float:
    started = time.monotonic()
    response = client.post(f"/api/applications/{app_id}/messages", json={"text": DIGITS})
    assert response.status_code == 200, response.text[:300]
    return time.monotonic() - started


def test_an_eight_thousand_digit_message_costs_at_most_200_ms(api) -> None:
    digits, _ = api
    warm = _new(digits, 0)
    digits.post(f"/api/applications/{warm}/messages", json={"text": "我们做物流数据共享。"})  # first use loads jieba
    best = min(_turn_seconds(digits, _new(digits, n)) for n in range(1, 4))
    assert best <= 0.2, f"an 8,000-digit message took {best * 1000:.0f} ms"


def test_three_such_messages_do_not_slow_another_users_request(api) -> None:
    digits, reader = api
    mine = _new(reader, 0)
    apps = [_new(digits, n) for n in range(1, 4)]
    digits.post(f"/api/applications/{apps[0]}/messages", json={"text": "我们做物流数据共享。"})  # warm-up
    alone = []
    for _ in range(5):
        started = time.monotonic()
        assert reader.get(f"/api/applications/{mine}").status_code == 200
        alone.append(time.monotonic() - started)
    errors: list[BaseException] = []

    def send(app_id: int) -> None:
        try:
            _turn_seconds(digits, app_id)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(app_id,)) for app_id in apps]
    for thread in threads:
        thread.start()
    during = []
    while any(t.is_alive() for t in threads):
        started = time.monotonic()
        assert reader.get(f"/api/applications/{mine}").status_code == 200
        during.append(time.monotonic() - started)
    for thread in threads:
        thread.join()
    assert not errors, errors
    baseline = statistics.median(alone)
    # A blocked event loop makes every request during the turns wait (few of them, all slow), so the median shows
    # it; one request delayed by the machine (a fresh-clone run on two cores beside other work saw one at 0.83 s
    # among dozens under 25 ms, 2026-12-08) is not that, and the bound on the slowest stays generous.
    assert during and statistics.median(during) <= baseline + 0.2, (baseline, during)
    assert max(during) <= baseline + 2.0, (baseline, during)
