"""SIGKILL the server while a slow model is streaming a draft: the answer survives, the part is finished later.

Real processes on loopback: the API server (``tests.api.launch_api``) in model mode against the
realistic fake at 10 tokens/s. The applicant's last answer is committed before the model is
called; the kill lands after the first streamed sentence. After a restart the application says
which part was interrupted, nothing half-written is stored as a version, and ``POST …/resume``
drafts it (the fake now at full speed) and says so in the chat.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.fakes.realistic_model import RealisticModelServer

from .test_kill_restart import API_ONLY, kill_now, running_server

pytestmark = pytest.mark.slow  # a served process, a shell run or an evaluation floor: make test, not make test-fast

FIRST = "我们是做铁水联运的 货主一票货平均要跑4个窗口"
FINISH = "数据就是运单和结算数据，来自铁路、港口和船公司3类主体的系统。没有了，请直接起草"


def _stream_until_first_sentence(client: httpx.Client, app_id: int) -> str:
    """Send FINISH as a streamed turn; return the streamed text once a delta has arrived."""
    seen = ""
    with client.stream(
        "POST",
        f"/api/applications/{app_id}/messages",
        json={"text": FINISH},
        headers={"Accept": "text/event-stream"},
        timeout=httpx.Timeout(120.0),
    ) as response:
        assert response.status_code == 200
        event = None
        for line in response.iter_lines():
            if line.startswith("event: "):
                event = line[len("event: ") :]
            elif line.startswith("data: ") and event == "delta":
                seen += json.loads(line[len("data: ") :])["text"]
                if seen.strip():
                    return seen
            elif event == "done":
                raise AssertionError("the turn finished before it could be killed")
    raise AssertionError("the stream ended without a delta")


def test_sigkill_mid_stream_keeps_the_answer_and_the_part_is_drafted_on_resume(tmp_path: Path) -> None:
    data_dir, log = tmp_path / "data", tmp_path / "server.log"
    with RealisticModelServer(["realistic", "slow"], tokens_per_second=10) as fake:
        model = {"CASE_ASSISTANT_LLM_BASE_URL": fake.base_url, "CASE_ASSISTANT_LLM_MODEL": "fake"}
        model["CASE_ASSISTANT_LLM_FOLLOWUP_TIMEOUT"] = "1"
        with running_server(API_ONLY, data_dir, log, **model) as (process, client):
            created = client.post("/api/applications", json={"field": "交通运输", "case_name": "交通运输领域——单证"})
            app_id = created.json()["id"]
            assert client.post(f"/api/applications/{app_id}/messages", json={"text": FIRST}).status_code == 200
            shown = _stream_until_first_sentence(client, app_id)
            kill_now(process)  # mid-draft: the model is still writing
        fake.set_behaviours(["realistic"])
        with running_server(API_ONLY, data_dir, log, **model) as (_, client):
            view = client.get(f"/api/applications/{app_id}").json()
            assert ("user", FINISH) in [(m["role"], m["content"]) for m in view["messages"]]
            assert view["interrupted"] == ["intro.problem"]
            assert client.get(f"/api/applications/{app_id}/parts/intro.problem/versions").json() == []
            resumed = client.post(f"/api/applications/{app_id}/resume").json()
            part = next(p for p in resumed["parts"] if p["part_id"] == "intro.problem")
            assert resumed["interrupted"] == [] and part["version"] == 1 and part["text"]
            assert "被中断" in resumed["messages"][-1]["content"]
            assert "4个窗口" in part["text"] or "4个" in part["text"], (part["text"], shown)
