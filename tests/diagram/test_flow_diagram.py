"""The 数据要素流向图: built offline from a scenario's answers, drawn by the real Graphviz, read back from its SVG."""

from __future__ import annotations

import io
import json
import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from PIL import Image

from assistant.core.errors import InvalidInputError
from assistant.diagram.extract import extract_graph
from assistant.diagram.graph import FlowGraph, from_rows, to_rows
from assistant.diagram.render import render, to_dot
from assistant.forms.spec import load_form

ROOT = Path(__file__).resolve().parents[2]
needs_dot = pytest.mark.skipif(not shutil.which("dot"), reason="需要 Graphviz（make test 会安装）")


def scenario_graph(name: str) -> FlowGraph:
    data = json.loads((ROOT / f"tests/data/scenarios/{name}.json").read_text(encoding="utf-8"))
    answers = {k: v if isinstance(v, list) else [v] for k, v in data["answers"].items()}
    return extract_graph(answers, load_form(data.get("form", "cq-2024-batch2")), data["info"]["case_name"])


def svg_text(svg: bytes) -> str:
    return unescape(" ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode("utf-8"))))


@needs_dot
def test_a_scenarios_flow_renders_to_jpg_naming_its_sources_and_users() -> None:
    graph = scenario_graph("agri-citrus-credit")
    jpg = render(graph, "jpg")
    assert jpg[:3] == b"\xff\xd8\xff"
    with Image.open(io.BytesIO(jpg)) as image:
        assert image.format == "JPEG" and image.size[0] > 600
    text = svg_text(render(graph, "svg"))
    for name in ("区农业农村委", "收购企业", "柑橘产业数据平台", "银行"):  # sources, the platform, the users
        assert name in text, text
    assert "土地确权数据" in text and "收购交易数据" in text  # what flows
    assert set(graph.names("source")) >= {"区农业农村委", "收购企业"} and graph.names("user") == ["银行"]


def test_every_name_comes_from_the_answers() -> None:
    data = json.loads((ROOT / "tests/data/scenarios/agri-citrus-credit.json").read_text(encoding="utf-8"))
    said = "".join(a for v in data["answers"].values() for a in (v if isinstance(v, list) else [v]))
    said = said.replace("平太", "平台")
    graph = scenario_graph("agri-citrus-credit")
    assert all(node.name in said for node in graph.nodes)


def test_the_table_edits_round_trip_and_refuse_half_rows() -> None:
    graph = scenario_graph("agri-citrus-credit")
    rows = to_rows(graph) + [["区气象局", "气象灾害数据", "柑橘产业数据平台"]]
    edited = from_rows(rows, graph)
    assert edited.node("区气象局").role == "source" and edited.node("柑橘产业数据平台").role == "platform"
    assert edited.source == "edited" and len(edited.edges) == len(graph.edges) + 1
    with pytest.raises(InvalidInputError):
        from_rows([["区气象局", "气象数据", ""]], graph)


@needs_dot
def test_an_applicants_text_cannot_add_graphviz_statements() -> None:
    attack = 'A"]; evil [label="injected'
    graph = from_rows([[attack, "x", "平台"]])
    assert 'label="A\\"]; evil [label=\\"injected"' in to_dot(graph)  # one quoted, escaped label
    svg = render(graph, "svg").decode("utf-8")
    assert svg.count('class="node"') == 2  # the attack's node and the platform, nothing injected
    text = svg_text(svg.encode("utf-8"))
    assert attack in text and "injected" in text  # drawn as text, not as a node of its own
    assert text.count("injected") == 1
