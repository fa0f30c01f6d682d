"""A long answer: the flow is still found past the encoder's cap (by the elements' keywords), and no reading
sends more than ``MAX_PIECES`` pieces to the encoder (tests/core/test_linear_text.py times the extraction)."""

from __future__ import annotations

from assistant.diagram.extract import extract_graph
from assistant.forms.spec import load_form
from assistant.understanding.elements import MAX_PIECES
from assistant.understanding.shipped import element_reader

FORM = load_form("cq-2024-batch2")
FLOW = "区农业农村委的土地确权数据推送到柑橘产业数据平台，平台把评估结果提供给银行使用。"


def test_a_flow_after_many_sentences_is_drawn_with_a_bounded_reading(monkeypatch) -> None:
    reader = element_reader(FORM)
    sent: list[int] = []
    encode = reader.encoder.encode
    monkeypatch.setattr(reader.encoder, "encode", lambda texts: sent.append(len(texts)) or encode(texts))
    answer = "这项工作按计划推进，各方沟通顺畅。" * (MAX_PIECES + 60) + FLOW
    graph = extract_graph({"intro.solution": [answer]}, FORM, "现代农业领域——测试")
    assert sent and max(sent) <= MAX_PIECES
    assert graph.names("source") == ["区农业农村委"] and graph.names("user") == ["银行"]
    assert graph.names("platform") == ["柑橘产业数据平台"]
