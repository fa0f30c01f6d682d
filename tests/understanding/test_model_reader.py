"""Model mode of the turn reader against a fake model over real HTTP: JSON is checked, never trusted.

The fake answers like chat models do (a think block, a fenced JSON, prose instead of JSON, a span the
message does not contain); every bad reply is refused, one retry is made, and the offline reading stands.
"""

from __future__ import annotations

import json

import pytest

from assistant.forms.spec import load_form
from assistant.llm.client import OpenAIChatModel, RetryPolicy
from assistant.understanding.acts import TurnContext
from assistant.understanding.model_reader import ModelTurnReader
from assistant.understanding.shipped import turn_reader
from tests.fakes.behaviours import reply, status

DRAFTED = TurnContext(current_part="intro.results", drafted=["intro.problem", "intro.solution"])


@pytest.fixture()
def reader(fake_openai) -> ModelTurnReader:
    model = OpenAIChatModel(base_url=fake_openai.base_url, model="m", timeout=10.0, retry=RetryPolicy(max_retries=0))
    return ModelTurnReader(turn_reader(load_form("cq-2024-batch2")), model, confident=1.01)  # always ask


def _json(**act) -> str:
    return json.dumps({"content": "", "target": None, "revision": None, **act}, ensure_ascii=False)


def test_a_fenced_json_after_a_think_block_is_read(reader: ModelTurnReader, fake_openai) -> None:
    goto = _json(kind="goto", target="intro.innovation")
    fake_openai.queue(reply(f"<think>用户想跳到创新点。</think>\n```json\n{goto}\n```"))
    act = reader.read("先去弄创新点那块吧", DRAFTED)
    assert act.kind == "goto" and act.target == "intro.innovation" and act.reader == "model"
    assert fake_openai.chat_requests("理解消息")  # the prompt names its task


def test_prose_twice_leaves_the_offline_reading(reader: ModelTurnReader, fake_openai) -> None:
    fake_openai.queue(reply("好的，这条消息的意思是让我起草。"), reply("明白了，我会开始起草。"))
    act = reader.read("就这些，写吧", DRAFTED)
    assert act.reader == "offline" and act.kind == "draft_now"
    assert len(fake_openai.chat_requests()) == 2


def test_a_span_the_message_does_not_hold_is_refused(reader: ModelTurnReader, fake_openai) -> None:
    invented = _json(kind="answer", content="累计服务3.5万户，营收增长47.3%")
    fake_openai.queue(reply(invented), reply(invented))
    act = reader.read("服务了不少用户，营收也涨了", DRAFTED)
    assert act.reader == "offline" and "47.3%" not in act.content


def test_a_revision_before_anything_is_drafted_is_refused(reader: ModelTurnReader, fake_openai) -> None:
    revise = _json(kind="revise", revision={"kind": "shorten"})
    fake_openai.queue(reply(revise), reply(revise))
    act = reader.read("太长了", TurnContext(current_part="intro.problem"))
    assert act.kind != "revise" and act.reader == "offline"


def test_a_model_that_is_down_leaves_the_offline_reading(reader: ModelTurnReader, fake_openai) -> None:
    fake_openai.queue(status(500), status(500))
    act = reader.read("第一句删掉", DRAFTED)
    assert act.reader == "offline" and act.label == "revise:delete"


def test_a_sure_offline_reading_makes_no_model_call(fake_openai) -> None:
    model = OpenAIChatModel(base_url=fake_openai.base_url, model="m", timeout=10.0, retry=RetryPolicy(max_retries=0))
    auto = ModelTurnReader(turn_reader(load_form("cq-2024-batch2")), model)
    act = auto.read("下一部分", DRAFTED)
    assert act.kind == "next" and not fake_openai.chat_requests()
