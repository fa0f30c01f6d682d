"""The flow graph and its table form (one row per edge: 来源 | 数据 | 去向), which the applicant edits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from assistant.core.errors import InvalidInputError
from assistant.core.text_input import clean_line

Role = Literal["source", "platform", "user", "other"]
MAX_NODES = 30
MAX_EDGES = 60
MAX_LABEL = 40


class Node(BaseModel):
    name: str = Field(min_length=1, max_length=MAX_LABEL)
    role: Role = "other"

    @field_validator("name", mode="before")
    @classmethod
    def _clean(cls, value: object) -> object:
        return clean_line(value) if isinstance(value, str) else value


class Edge(BaseModel):
    source: str = Field(min_length=1, max_length=MAX_LABEL)
    target: str = Field(min_length=1, max_length=MAX_LABEL)
    label: str = Field("", max_length=MAX_LABEL)

    @field_validator("source", "target", "label", mode="before")
    @classmethod
    def _clean(cls, value: object) -> object:
        return clean_line(value) if isinstance(value, str) else value


class FlowGraph(BaseModel):
    title: str = Field("数据要素流向图", max_length=60)
    nodes: list[Node] = Field(default_factory=list, max_length=MAX_NODES)
    edges: list[Edge] = Field(default_factory=list, max_length=MAX_EDGES)
    stays: list[str] = Field(default_factory=list, max_length=5)
    """Where raw data stays (“原始数据不出域”), printed under the graph."""
    source: Literal["offline", "model", "edited"] = "offline"

    def node(self, name: str) -> Node | None:
        return next((n for n in self.nodes if n.name == name), None)

    def add_node(self, name: str, role: Role) -> None:
        existing = self.node(name)
        if existing is None:
            if len(self.nodes) < MAX_NODES:
                self.nodes.append(Node(name=name, role=role))
        elif existing.role == "other" and role != "other":
            existing.role = role

    def add_edge(self, source: str, target: str, label: str) -> None:
        if source == target or len(self.edges) >= MAX_EDGES:
            return
        for edge in self.edges:
            if (edge.source, edge.target) == (source, target):
                if label and label not in edge.label and len(edge.label) + len(label) < MAX_LABEL:
                    edge.label = f"{edge.label}、{label}" if edge.label else label
                return
        self.edges.append(Edge(source=source, target=target, label=label[:MAX_LABEL]))

    def names(self, role: Role) -> list[str]:
        return [n.name for n in self.nodes if n.role == role]


TABLE_HEADERS = ["来源", "数据", "去向"]


def to_rows(graph: FlowGraph) -> list[list[str]]:
    return [[e.source, e.label, e.target] for e in graph.edges]


def from_rows(rows: Sequence[Sequence[object]], previous: FlowGraph | None = None) -> FlowGraph:
    """The graph the applicant edited as a table; node roles kept from before, new nodes guessed by position."""
    roles = {n.name: n.role for n in (previous.nodes if previous else [])}
    graph = FlowGraph(title=previous.title if previous else "数据要素流向图", stays=previous.stays if previous else [])
    graph.source = "edited"
    for row in rows:
        cells = [clean_line(str(c)) if c is not None else "" for c in (list(row) + ["", "", ""])[:3]]
        source, label, target = cells
        if not source and not target:
            continue
        if not source or not target:
            raise InvalidInputError("流向图的每一行都要写明“来源”和“去向”，请补全或删除该行。")
        if max(len(source), len(target), len(label)) > MAX_LABEL:
            raise InvalidInputError(f"流向图中的名称和数据说明请控制在{MAX_LABEL}字以内。")
        graph.add_node(source, roles.get(source, "source"))
        graph.add_node(target, roles.get(target, "user"))
        graph.add_edge(source, target, label)
    if not graph.edges:
        raise InvalidInputError("流向图至少需要一行“来源 → 去向”。")
    targets, sources = {e.target for e in graph.edges}, {e.source for e in graph.edges}
    for node in graph.nodes:
        if node.name not in roles and node.name in targets and node.name in sources:
            node.role = "platform"
    return graph
