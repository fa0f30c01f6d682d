"""Two applicants in the web UI at once, with a model writing 10 tokens a second: neither waits for the other.

Before issue 24 every event ran one at a time for everybody (Gradio's default), so the second
applicant's 发送 started only when the first applicant's minute-long turn ended. Here both speak
Gradio's queue protocol exactly as the page does (``queue_client``), each logged in with their own
session cookie, against ``case-assistant serve`` and the realistic fake in its own process.

Asserted (issue 24, "Must show"): while the first applicant's draft is still streaming, the second
applicant's turn starts within a second of sending — the fake has the second drafting request
open — and shows its own progress; nobody is told to wait. Then both close their page: Gradio
closes the handlers and the turns stop at the model's next chunk (the fake sees both streams
closed early), so an abandoned page does not keep a place in the pool.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.test_kill_restart import FULL_SERVE, running_server
from tests.ui.conftest import add_account
from tests.ui.queue_client import Message, QueueClient
from tests.ui.slow_servers import FakeModel, slow_fake

PASSWORD = "two-users-password"
CASES = {"first": "多式联运单证数据共享", "second": "港口集装箱数据协同"}
FINISH = "数据就是运单和结算数据，来自铁路、港口和船公司3类主体的系统。没有了，请直接起草"
AUTO_PART = "auto"  # ui.render.AUTO_PART: the part the interview is on


@pytest.fixture
def two_applicants(tmp_path: Path) -> Iterator[tuple[FakeModel, list[tuple[QueueClient, int]]]]:
    data_dir = tmp_path / "data"
    env = {**os.environ, "CASE_ASSISTANT_DATA_DIR": str(data_dir), "CASE_ASSISTANT_EMBEDDER": "hash"}
    for name in ("first", "second"):
        add_account(env, name, PASSWORD, "applicant")
    with slow_fake(tmp_path) as fake:
        model = {"CASE_ASSISTANT_LLM_BASE_URL": fake.base_url, "CASE_ASSISTANT_LLM_MODEL": "fake"}
        with running_server(FULL_SERVE, data_dir, tmp_path / "server.log", **model) as (_, client):
            sessions = []
            for name in ("first", "second"):
                login = client.post("/api/login", json={"username": name, "password": PASSWORD})
                token = login.json()["token"]
                created = httpx.post(
                    f"{client.base_url}/api/applications",
                    json={"field": "交通运输", "case_name": f"交通运输领域——{CASES[name]}"},
                    headers={"Authorization": f"Bearer {token}"},
                )
                page = QueueClient(str(client.base_url), cookies={"case_assistant_session": token})
                assert page.load()[-1].body.get("success"), "the page did not load"
                sessions.append((page, created.json()["id"]))
            yield fake, sessions
            for queue, _ in sessions:
                queue.close()


def _send(queue: QueueClient, app_id: int, into: list[Message]) -> threading.Thread:
    """Press 发送 with FINISH in a thread; every queue message lands in ``into``."""

    def run() -> None:
        try:
            for message in queue.run("send", "click", [FINISH, app_id, AUTO_PART]):
                into.append(message)
        except (httpx.HTTPError, RuntimeError):
            pass  # the page was closed under it

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _wait(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_the_second_applicant_does_not_wait_for_the_first(two_applicants) -> None:
    fake, [(first, first_app), (second, second_app)] = two_applicants
    first_messages: list[Message] = []
    second_messages: list[Message] = []
    first_thread = _send(first, first_app, first_messages)
    _wait(
        lambda: fake.streams["open"] == 1, 60, f"the first draft should stream: {[m.raw[:200] for m in first_messages]}"
    )
    _wait(lambda: any("正在起草" in m.raw for m in first_messages), 60, "the first applicant should see progress")

    sent = time.monotonic()
    second_thread = _send(second, second_app, second_messages)
    _wait(lambda: fake.streams["open"] == 2, 30, "the second applicant's turn never reached the model")
    started_in = time.monotonic() - sent
    first_still_streaming = not any(m.kind == "process_completed" for m in first_messages)

    assert first_still_streaming, "the first turn ended before the second started: nothing was shown"
    assert started_in <= 1.0, f"the second applicant's turn started {started_in:.2f} s after 发送"
    _wait(lambda: any("正在起草" in m.raw for m in second_messages), 60, "the second applicant should see progress")
    for messages in (first_messages, second_messages):
        assert not any("前面还有" in m.raw for m in messages)  # nobody was told to wait

    # Both close the page mid-draft: Gradio closes the handlers, which cancel the turns at the next chunk.
    first.close()
    second.close()
    _wait(lambda: fake.streams["open"] == 0, 15, f"the turns should stop when the pages close: {fake.streams}")
    assert fake.streams["closed_early"] == 2, fake.streams
    first_thread.join(timeout=30)
    second_thread.join(timeout=30)
