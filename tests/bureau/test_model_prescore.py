"""Pre-scoring with a model (the fake OpenAI-compatible server over real HTTP): every quote is checked.

The fake answers like a real model would (a think block, then JSON): one true quote, one it made
up, a criterion backed only by an invented quote, and a criterion it skipped. Only the verified
quote survives; the level without a verifiable quote is not taken; the skipped one stays offline.
"""

from __future__ import annotations

import json
from pathlib import Path

from assistant.core.settings import Settings
from assistant.llm.client import build_chat_model
from tests.bureau import variants as v
from tests.fakes.behaviours import reply, status

INVENTED = "平台年营收达到9亿元并覆盖全国所有县。"


def model_reply(true_quote: str) -> str:
    body = {"criteria": [
        {"id": "results", "level": 3, "quotes": [true_quote, INVENTED], "reason": "成效量化充分"},
        {"id": "innovation", "level": 3, "quotes": ["全球首创的量子数据空间"], "reason": "首创"},
        {"id": "data_fusion", "level": 2, "quotes": [], "reason": "来源较多"},
    ]}
    return "<think>先读成效部分……</think>\n" + json.dumps(body, ensure_ascii=False)


def test_model_proposals_keep_only_quotes_found_in_the_application(tmp_path: Path, fake_openai) -> None:
    service = v.make_service(tmp_path)
    app_id = v.create(service, "agri-citrus-credit", "good")
    v.submit(service, app_id)
    offline = {c.criterion_id: c.proposal for c in service.board.score_sheet(v.STAFF, app_id).criteria}
    snapshot = service.call.snapshot(v.STAFF, app_id)
    results_text = next(p.text for p in snapshot.parts if p.part_id == "intro.results")
    true_quote = results_text.split("。")[0] + "。"
    settings = Settings(data_dir=tmp_path, embedder="hash", llm_base_url=fake_openai.base_url, llm_model="fake",
                        llm_api_key="k", llm_max_retries=0)
    service.chat_model = build_chat_model(settings)
    fake_openai.queue(reply(model_reply(true_quote)))
    assert service.board.rescore(v.STAFF) == 1
    prompt = fake_openai.chat_requests()[0].prompt_text
    assert "【任务：预评分】" in prompt and true_quote in prompt

    sheet = {c.criterion_id: c.proposal for c in service.board.score_sheet(v.STAFF, app_id).criteria}
    results = sheet["results"]
    assert results.source == "model" and results.level == 3
    quotes = [e.quote for e in results.evidence if e.kind == "quote"]
    assert quotes == [true_quote] and "1条引用在申报书中找不到" in results.note
    assert results.evidence[0].place == "intro.results" and results.evidence[0].position == 1
    assert sheet["innovation"] == offline["innovation"].model_copy(update={"note": sheet["innovation"].note})
    assert "都找不到" in sheet["innovation"].note
    assert sheet["data_fusion"].level == offline["data_fusion"].level  # a level with no quote at all: not taken
    assert sheet["compliance"].note == "模型没有给出这一项，采用离线预评分。"


def test_an_unreachable_model_keeps_the_offline_proposals(tmp_path: Path, fake_openai) -> None:
    service = v.make_service(tmp_path)
    app_id = v.create(service, "agri-citrus-credit", "good")
    v.submit(service, app_id)
    before = service.board.score_sheet(v.STAFF, app_id)
    settings = Settings(data_dir=tmp_path, embedder="hash", llm_base_url=fake_openai.base_url, llm_model="fake",
                        llm_api_key="k", llm_max_retries=0)
    service.chat_model = build_chat_model(settings)
    fake_openai.set_default(status(500))
    service.board.rescore(v.STAFF)
    after = service.board.score_sheet(v.STAFF, app_id)
    assert [c.proposal for c in after.criteria] == [c.proposal for c in before.criteria]
    assert any("模型预评分未完成" in n for n in after.notes)
