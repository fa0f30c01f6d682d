"""Nothing acknowledged is lost: SIGKILL the server right after a turn, restart, find the turn and its draft.

Runs real server processes on a free loopback port. The API-only launcher always
runs; the full ``case-assistant serve`` (API + UI) runs once ``ui/app.py`` exists.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import RICH_ANSWER

pytestmark = pytest.mark.slow  # a served process, a shell run or an evaluation floor: make test, not make test-fast

REPO = Path(__file__).resolve().parents[2]
API_ONLY = [sys.executable, "-m", "tests.api.launch_api"]
FULL_SERVE = [sys.executable, "-m", "assistant.cli", "serve"]
STARTUP_SECONDS = 90


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(
    command: list[str], data_dir: Path, log: Path, **extra_env: str
) -> Iterator[tuple[subprocess.Popen, httpx.Client]]:
    """Start the server, wait for /api/health, yield (process, client); SIGKILL it on the way out."""
    port = free_port()
    env = {
        **os.environ,
        "CASE_ASSISTANT_DATA_DIR": str(data_dir),
        "CASE_ASSISTANT_EMBEDDER": "hash",
        "CASE_ASSISTANT_HOST": "127.0.0.1",
        "CASE_ASSISTANT_PORT": str(port),
        "CASE_ASSISTANT_LLM_BASE_URL": "",
        **extra_env,
    }
    with log.open("ab") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert process.poll() is None, f"server exited early: {log.read_text(errors='replace')[-2000:]}"
            try:
                if client.get("/api/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"server did not start: {log.read_text(errors='replace')[-2000:]}"
            time.sleep(0.1)
        yield process, client
    finally:
        client.close()
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)


def kill_now(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL


def drafted_by_json(client: httpx.Client, app_id: int) -> dict:
    for _ in range(6):
        response = client.post(f"/api/applications/{app_id}/messages", json={"text": RICH_ANSWER})
        assert response.status_code == 200, response.text
        if response.json()["drafted_part"]:
            return response.json()
    raise AssertionError("no part was drafted")


def drafted_by_stream(client: httpx.Client, app_id: int, text: str) -> dict:
    """Stream turns until one drafts a part; return that turn's ``done`` data, read as soon as it arrives."""
    for _ in range(6):
        with client.stream(
            "POST", f"/api/applications/{app_id}/messages", json={"text": text}, headers={"Accept": "text/event-stream"}
        ) as response:
            assert response.status_code == 200
            event = None
            for line in response.iter_lines():
                if line.startswith("event: "):
                    event = line[len("event: ") :]
                elif line.startswith("data: ") and event == "done":
                    result = json.loads(line[len("data: ") :])
                    break
            else:
                raise AssertionError("stream ended without a done event")
        if result["drafted_part"]:
            return result
    raise AssertionError("no part was drafted")


def assert_turn_survived(client: httpx.Client, app_id: int, turn: dict, user_text: str) -> None:
    view = client.get(f"/api/applications/{app_id}").json()
    roles_and_texts = [(m["role"], m["content"]) for m in view["messages"]]
    assert ("user", user_text) in roles_and_texts
    assert roles_and_texts[-1] == ("assistant", turn["reply"])
    part_id = turn["drafted_part"]
    acknowledged = next(p for p in turn["application"]["parts"] if p["part_id"] == part_id)
    versions = client.get(f"/api/applications/{app_id}/parts/{part_id}/versions").json()
    head = next(v for v in versions if v["is_head"])
    assert (head["version"], head["text"]) == (acknowledged["version"], acknowledged["text"])
    standing = ("kind", "part_id", "text")  # completed_part belongs to the turn, not to the stored state
    assert {k: view["prompt"][k] for k in standing} == {k: turn["prompt"][k] for k in standing}


def kill_and_restart_keeps_turns(command: list[str], tmp_path: Path) -> None:
    data_dir, log = tmp_path / "data", tmp_path / "server.log"
    with running_server(command, data_dir, log) as (process, client):
        app_id = client.post("/api/applications", json={"field": "交通运输", "applicant": "重庆某物流有限公司"}).json()[
            "id"
        ]
        turn = drafted_by_json(client, app_id)
        kill_now(process)  # immediately after the acknowledged reply
    with running_server(command, data_dir, log) as (process, client):
        assert_turn_survived(client, app_id, turn, RICH_ANSWER)
        second_answer = RICH_ANSWER.replace("35%", "36%")
        streamed = drafted_by_stream(client, app_id, second_answer)
        assert streamed["drafted_part"] != turn["drafted_part"]
        kill_now(process)  # immediately after the done event
    with running_server(command, data_dir, log) as (_, client):
        assert_turn_survived(client, app_id, streamed, second_answer)
        first_part = client.get(f"/api/applications/{app_id}/parts/{turn['drafted_part']}/versions").json()
        assert len(first_part) == 1 and first_part[0]["is_head"]


def test_sigkill_after_an_acknowledged_turn_loses_nothing_api_only(tmp_path: Path) -> None:
    kill_and_restart_keeps_turns(API_ONLY, tmp_path)


@pytest.mark.slow
@pytest.mark.skipif(not (REPO / "ui" / "app.py").exists(), reason="ui/app.py does not exist yet")
def test_sigkill_after_an_acknowledged_turn_loses_nothing_full_serve(tmp_path: Path) -> None:
    kill_and_restart_keeps_turns(FULL_SERVE, tmp_path)
