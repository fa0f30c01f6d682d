"""The flow diagram and the video outline with a model (the fake OpenAI-compatible server over real HTTP).

The fake answers like a real model (a think block, then JSON). Names the answers do not hold are dropped
from the graph; narration sentences with a figure the application does not hold are dropped; an error
from the model falls back to the offline result with a note.
"""

from __future__ import annotations

import json
from pathlib import Path

from assistant.core.settings import Settings
from assistant.llm.client import build_chat_model
from assistant.service.import_desk import ImportedParagraph, ImportPlan
from tests.bureau import variants as v
from tests.fakes.behaviours import reply, status
from tests.importing.documents import scenario

ALICE = v.ALICE


def imported(tmp_path: Path, fake_openai) -> tuple[object, int]:
    service = v.make_service(tmp_path)
    data = scenario("agri-citrus-credit")
    paragraphs = [ImportedParagraph(text=t, part_id=pid) for pid, texts in data["answers"].items() for t in texts]
    view = service.imports.create(ALICE, ImportPlan(info=data["info"], paragraphs=paragraphs))
    settings = Settings(data_dir=tmp_path, embedder="hash", llm_base_url=fake_openai.base_url, llm_model="fake",
                        llm_api_key="k", llm_max_retries=0)
    service.chat_model = build_chat_model(settings)
    return service, view.id


def test_the_models_graph_keeps_only_names_from_the_answers(tmp_path: Path, fake_openai) -> None:
    service, app_id = imported(tmp_path, fake_openai)
    graph = {
        "nodes": [{"name": "区农业农村委", "role": "source"}, {"name": "柑橘产业数据平台", "role": "platform"},
                  {"name": "银行", "role": "user"}, {"name": "国家电网", "role": "source"}],
        "edges": [{"source": "区农业农村委", "target": "柑橘产业数据平台", "label": "土地确权数据"},
                  {"source": "柑橘产业数据平台", "target": "银行", "label": "信用评分"},
                  {"source": "国家电网", "target": "柑橘产业数据平台", "label": "用电数据"}],
        "stays": ["银行看不到原始明细数据"],
    }
    fake_openai.queue(reply("<think>找来源</think>\n" + json.dumps(graph, ensure_ascii=False)))
    result, note = service.media.extract(ALICE, app_id)
    assert note == "" and result.source == "model"
    assert {n.name for n in result.nodes} == {"区农业农村委", "柑橘产业数据平台", "银行"}  # 国家电网 was invented
    assert len(result.edges) == 2
    assert "【任务：流向图】" in fake_openai.chat_requests()[0].prompt_text
    assert service.store.flow_graph(app_id)["source"] == "model"


def test_a_model_error_falls_back_to_the_offline_graph(tmp_path: Path, fake_openai) -> None:
    service, app_id = imported(tmp_path, fake_openai)
    fake_openai.queue(status(500))
    result, note = service.media.extract(ALICE, app_id)
    assert result.source == "offline" and "离线" in note and "区农业农村委" in result.names("source")


def test_the_models_outline_loses_invented_figures(tmp_path: Path, fake_openai) -> None:
    service, app_id = imported(tmp_path, fake_openai)
    shots = [
        {"segment": "片头", "seconds": 20, "picture": "字幕", "narration": "柑橘产业数据平台。"},
        {"segment": "成效", "seconds": 60, "picture": "图表",
         "narration": "累计授信18.7亿元。平台覆盖了全国900个县。"},
    ]
    fake_openai.queue(reply(json.dumps({"shots": shots}, ensure_ascii=False)))
    outline = service.package.outline(ALICE, app_id)
    assert outline.source == "model" and outline.shots[1].narration == "累计授信18.7亿元。"
    fake_openai.queue(reply("不是 JSON"))
    fallback = service.package.outline(ALICE, app_id)
    assert fallback.source == "offline" and "模型没有给出可用的提纲" in fallback.note
    assert fallback.total_seconds == 300 and len(fallback.shots) == 7


def test_condensing_with_a_model_goes_through_the_drafting_guarantees(tmp_path: Path, fake_openai) -> None:
    from assistant.drafting.model.drafter import ModelDrafter

    service, _ = imported(tmp_path, fake_openai)
    data = scenario("health-exam-mutual-recognition")
    paragraphs = [ImportedParagraph(text=t, part_id=pid) for pid, texts in data["answers"].items() for t in texts]
    app_id = service.imports.create(ALICE, ImportPlan(info=data["info"], paragraphs=paragraphs)).id
    service.drafter = ModelDrafter(service.chat_model, service.settings)
    short = "以区全民健康信息平台为底座，汇聚结构化数据2.3亿条，服务人口78万。平台年收入9亿元。"
    fake_openai.set_default(reply(short))
    result = service.imports.condense(ALICE, app_id, "intro.solution")
    head = service.store.head_versions(app_id)["intro.solution"]
    assert head.source == "model" and head.action == "condense"
    assert "2.3亿条" in head.text and "9亿元" not in head.text  # an invented figure never lands
    assert result.words == head.words < 1500
