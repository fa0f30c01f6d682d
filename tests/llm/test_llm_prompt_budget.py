"""Token budgeting: what is dropped first, and that shortened answers are never silent."""

from __future__ import annotations

import pytest

from assistant.core.errors import ModelUnavailableError
from assistant.core.settings import Settings
from assistant.core.types import Passage
from assistant.drafting.model.drafter import ModelDrafter
from assistant.drafting.model.prompt import (
    TRUNCATION_NOTE,
    PromptMaterial,
    draft_variables,
    fit_material,
    material_from_job,
    shortened_issue,
)
from assistant.drafting.protocol import DraftJob
from assistant.llm.prompts import render_messages
from assistant.llm.tokens import count_message_tokens, prompt_allowance
from tests.fakes import reply
from tests.fakes.openai_server import FakeOpenAIServer

from .conftest import EXEMPLAR_PASSAGE, PLAN_PASSAGE, make_job

LONG_ANSWER = (
    "平台汇聚了铁路、港口和船公司的运单数据，经标准化处理后形成统一的电子运单。" * 60 + "末尾补充：覆盖货主500家。"
)


def _build(job: DraftJob):
    return lambda m: render_messages("draft_part", **draft_variables(job, m, 270))


def _tokens(job: DraftJob, material: PromptMaterial) -> int:
    return count_message_tokens([m.content for m in _build(job)(material)])


def _job() -> DraftJob:
    second_plan = Passage(chunk_id="plan-2", doc_id="plan", title="行动计划", text="推动交通运输领域数据融合利用。" * 5)
    second_case = Passage(chunk_id="case-2", doc_id="case2", title="另一案例", text="范例内容。" * 20)
    return make_job(guidance_passages=[PLAN_PASSAGE, second_plan], exemplar_passages=[EXEMPLAR_PASSAGE, second_case])


def test_lowest_ranked_exemplars_go_first_then_passages() -> None:
    job = _job()
    full = material_from_job(job)
    no_last_exemplar = full.model_copy(update={"exemplars": full.exemplars[:1]})
    fitted, messages = fit_material(full, _build(job), _tokens(job, no_last_exemplar))
    assert [e.chunk_id for e in fitted.exemplars] == ["case-1"]
    assert [p.chunk_id for p in fitted.passages] == ["plan-1", "plan-2"]

    bare = full.model_copy(update={"exemplars": [], "passages": full.passages[:1]})
    fitted, messages = fit_material(full, _build(job), _tokens(job, bare))
    assert fitted.exemplars == [] and [p.chunk_id for p in fitted.passages] == ["plan-1"]
    assert fitted.answers == full.answers and fitted.shortened == []
    assert "某港口案例" not in messages[1].content


def test_answers_are_shortened_last_and_never_silently() -> None:
    job = make_job(answers=[LONG_ANSWER, "平台在12家企业落地。"])
    full = material_from_job(job)
    without_retrieval = full.model_copy(update={"exemplars": [], "passages": []})
    allowance = _tokens(job, without_retrieval) - 200
    fitted, messages = fit_material(full, _build(job), allowance)
    assert count_message_tokens([m.content for m in messages]) <= allowance
    assert fitted.answers[0].endswith(TRUNCATION_NOTE) and fitted.answers[1] == "平台在12家企业落地。"
    issue = shortened_issue(job, fitted)
    assert issue is not None and issue.severity == "warning" and "本部分第1条回答" in issue.message
    # the applicant's full answer still counts as a source for figures
    assert LONG_ANSWER in job.figure_sources()


def test_a_context_too_small_for_anything_is_a_clear_error() -> None:
    job = make_job()
    with pytest.raises(ModelUnavailableError) as caught:
        fit_material(material_from_job(job), _build(job), 50)
    assert "CASE_ASSISTANT_LLM_CONTEXT_TOKENS" in caught.value.message


def test_drafter_keeps_the_prompt_inside_the_configured_context(fake_openai: FakeOpenAIServer, chat_model) -> None:
    settings = Settings(
        llm_base_url=fake_openai.base_url, llm_model="fake-model", llm_context_tokens=3000, _env_file=None
    )
    fake_openai.queue(reply("平台覆盖货主500家。"))
    out = ModelDrafter(chat_model, settings).draft(make_job(answers=[LONG_ANSWER]))
    prompt = fake_openai.chat_requests()[0]
    assert count_message_tokens([m["content"] for m in prompt.messages]) <= prompt_allowance(3000, 300)
    assert "某港口案例" not in prompt.user_text  # exemplar dropped before the answer was cut
    assert [i.kind for i in out.issues] == ["trimmed"] and "回答过长" in out.issues[0].message
    assert out.text == "平台覆盖货主500家。"  # traceable to the part of the answer the model did not see
