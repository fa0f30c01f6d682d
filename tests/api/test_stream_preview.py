"""Over the SSE route: a client that follows ``delta`` and ``restart`` ends on the stored draft.

The app runs in model mode against the non-cooperating fake over real HTTP (think block,
preamble, Markdown, an invented figure, pasted passages, 1.5x length); the client is what
any front end would do with the documented events.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.api.app import create_api
from assistant.auth.accounts import Accounts
from assistant.core.settings import Settings
from assistant.drafting.model.drafter import ModelDrafter
from assistant.knowledge.search import KnowledgeBase
from assistant.llm.client import OpenAIChatModel, RetryPolicy
from assistant.service.service import Service
from assistant.store.sql import Store
from tests.fakes.realistic_model import INVENTED_FIGURE, RealisticModelServer

from .conftest import FAST_SCRYPT_N, CheckedClient, new_application
from .test_chat_and_export import SSE_HEADERS, parse_sse

FIRST = "我们铁路港口船公司各一套单证 货主一票货平均跑4个窗口，单证平均2天办完"
FINISH = "数据就是运单、结算这些，来自铁路、港口和船公司3类主体的系统，没有了，请直接起草"


@pytest.fixture
def client(tmp_path: Path):
    with RealisticModelServer(["realistic", "split_chunks"]) as fake:
        settings = Settings(
            data_dir=tmp_path, embedder="hash", llm_base_url=fake.base_url, llm_model="m", _env_file=None
        )
        knowledge = KnowledgeBase.open(settings)
        knowledge.ensure_bundled_corpus()
        model = OpenAIChatModel(base_url=fake.base_url, model="m", timeout=10.0, retry=RetryPolicy(max_retries=0))
        store = Store.open(settings.sqlite_path)
        service = Service(settings, store, ModelDrafter(model, settings), knowledge, model)
        accounts = Accounts(store, settings, scrypt_n=FAST_SCRYPT_N)
        yield CheckedClient(create_api(service, accounts, settings), raise_server_exceptions=False)


def test_following_delta_and_restart_events_ends_on_the_stored_draft(client: CheckedClient) -> None:
    app_id = new_application(client)["id"]
    assert client.post(f"/api/applications/{app_id}/messages", json={"text": FIRST}).status_code == 200
    response = client.post(f"/api/applications/{app_id}/messages", json={"text": FINISH}, headers=SSE_HEADERS)
    assert response.status_code == 200
    events = parse_sse(response.text)
    assert events[-1][0] == "done"
    preview, everything = "", ""
    for event, data in events:
        if event == "restart":
            preview = ""
        elif event == "delta":
            preview += data["text"]
            everything += data["text"]
    part = next(p for p in events[-1][1]["application"]["parts"] if p["part_id"] == "intro.problem")
    stored = client.get(f"/api/applications/{app_id}").json()
    assert part["text"] == next(p for p in stored["parts"] if p["part_id"] == "intro.problem")["text"]
    assert part["text"] and preview.strip() == part["text"].strip()
    for unwanted in (INVENTED_FIGURE, "<think>", "好的，以下是", "**", "###", "---", "如需"):
        assert unwanted not in everything, unwanted
