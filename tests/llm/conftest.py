"""Fixtures for the model-backed tests: the fake server, a chat model and a drafter pointed at it.

``fake_openai`` comes from ``tests.fakes.fixtures``; it is imported here so these
tests run even before the root conftest lists that plugin (harmless afterwards).
"""

from __future__ import annotations

import pytest

from assistant.core.settings import Settings
from assistant.core.types import Passage
from assistant.drafting.model.drafter import ModelDrafter
from assistant.drafting.protocol import DraftJob
from assistant.forms.spec import load_form
from assistant.llm.client import OpenAIChatModel, RetryPolicy
from tests.fakes.openai_server import FakeOpenAIServer

FAST_RETRY = RetryPolicy(max_retries=2, base_delay=0.001, max_delay=0.01)

RESULTS_ANSWERS = [
    "平台2023年3月上线，已在本地12家港口和物流企业落地。",
    "货主办理时间从平均2天缩短到4小时，单证成本下降18.5%，累计为企业节约物流成本3200万元。",
]
PLAN_PASSAGE = Passage(
    chunk_id="plan-1",
    doc_id="plan",
    title="“数据要素×”三年行动计划",
    kind="plan_digest",
    text="到2026年底，打造300个以上示范性强、显示度高、带动性广的典型应用场景。",
)
EXEMPLAR_PASSAGE = Passage(
    chunk_id="case-1",
    doc_id="case",
    title="某港口案例",
    kind="case",
    text="平台上线后服务企业1200家，节约成本35%，年均增收八千万元。",
)


@pytest.fixture
def chat_model(fake_openai: FakeOpenAIServer) -> OpenAIChatModel:
    model = OpenAIChatModel(base_url=fake_openai.base_url, model="fake-model", timeout=5.0, retry=FAST_RETRY)
    yield model
    model.close()


@pytest.fixture
def settings(fake_openai: FakeOpenAIServer) -> Settings:
    return Settings(llm_base_url=fake_openai.base_url, llm_model="fake-model", llm_max_retries=0, _env_file=None)


@pytest.fixture
def drafter(chat_model: OpenAIChatModel, settings: Settings) -> ModelDrafter:
    return ModelDrafter(chat_model, settings)


def make_job(part_id: str = "intro.results", budget: int = 300, **updates: object) -> DraftJob:
    form = load_form("cq-2024-batch2")
    values: dict[str, object] = {
        "form_id": form.id,
        "part": form.part(part_id),
        "group": form.group_of(part_id),
        "field": "交通运输",
        "case_name": "交通运输领域——多式联运单证数据互认",
        "applicant": "重庆示例物流科技有限公司",
        "answers": list(RESULTS_ANSWERS),
        "budget": budget,
        "guidance_passages": [PLAN_PASSAGE],
        "exemplar_passages": [EXEMPLAR_PASSAGE],
    }
    values.update(updates)
    return DraftJob(**values)


@pytest.fixture
def job() -> DraftJob:
    return make_job()
