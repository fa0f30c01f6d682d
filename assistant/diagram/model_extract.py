"""The flow graph from a chat model's JSON, every name checked against the applicant's words.

The model reads the same data-flow answers as the offline extraction and returns nodes, labelled
edges and where raw data stays (``prompts/flow_graph.md``). A node whose name does not stand in
the answers is dropped with its edges (the model must not invent a bank or a bureau); when the
model is unreachable or its reply cannot be read, the offline graph is used, and the caller is told.
"""

from __future__ import annotations

import json
import re

from pydantic import ValidationError

from assistant.core.chinese import fix_typos
from assistant.core.errors import UserFacingError
from assistant.diagram.extract import extract_graph
from assistant.diagram.graph import FlowGraph
from assistant.forms.spec import FormSpec
from assistant.llm.chat import ChatModel
from assistant.llm.prompts import render_messages

MAX_TOKENS = 1500
_THINK = re.compile(r"<think>.*?</think>", re.S)


def parse_graph(raw: str) -> FlowGraph | None:
    text = _THINK.sub("", raw)
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        return None
    try:
        return FlowGraph.model_validate({**json.loads(text[start : end + 1]), "source": "model"})
    except (json.JSONDecodeError, ValidationError, TypeError):
        return None


def grounded(graph: FlowGraph, said: str) -> FlowGraph:
    """Only nodes named in the answers, and the edges between them."""
    kept = [n for n in graph.nodes if n.name in said]
    names = {n.name for n in kept}
    edges = [e for e in graph.edges if e.source in names and e.target in names]
    return graph.model_copy(update={"nodes": kept, "edges": edges, "stays": [s for s in graph.stays if s]})


def model_graph(
    chat: ChatModel, answers: dict[str, list[str]], form: FormSpec, case_name: str
) -> tuple[FlowGraph, str]:
    """(the graph, a note for the applicant: empty when the model's graph was used)."""
    texts = [t for pid in form.flow_parts() for t in answers.get(pid, []) if t.strip()]
    offline = extract_graph(answers, form, case_name)
    try:
        messages = render_messages("flow_graph", case_name=case_name, answers=texts)
        raw = chat.complete(messages, max_tokens=MAX_TOKENS, structured=True)
    except UserFacingError as exc:
        return offline, f"{exc.message}已改用离线抽取的流向图。"
    graph = parse_graph(raw)
    said = fix_typos("".join(texts))
    graph = grounded(graph, said) if graph else None
    if graph is None or not graph.edges:
        return offline, "模型没有给出可用的流向图，已改用离线抽取的结果。"
    return graph, ""
