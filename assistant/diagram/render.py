"""Draw the flow graph with Graphviz (``dot``, Debian's graphviz) in a CJK face: SVG, PNG and JPG.

Sources on the left, the platform in the middle, users on the right (left-to-right ranks), each
edge labelled with the data it carries; where raw data stays is printed under the graph. The DOT
source is built with every label quoted and escaped, so an applicant's text cannot add statements.
Graphviz is run without a shell, with a timeout, on a graph bounded by ``graph.MAX_NODES``.
"""

from __future__ import annotations

import shutil
import subprocess

from assistant.core.errors import UserFacingError
from assistant.diagram.graph import FlowGraph

FONT = "Noto Sans CJK SC,WenQuanYi Zen Hei,sans-serif"
TIMEOUT_S = 30
STYLE = {
    "source": 'shape=box, style="rounded,filled", fillcolor="#e8f1fb", color="#4a78b0"',
    "platform": 'shape=box, style="filled,bold", fillcolor="#fff3d6", color="#c98a00", penwidth=2',
    "user": 'shape=box, style="rounded,filled", fillcolor="#e9f6ec", color="#3d8b4f"',
    "other": 'shape=box, style="rounded"',
}


class DiagramUnavailableError(UserFacingError):
    status_code = 501
    code = "diagram_unavailable"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def to_dot(graph: FlowGraph) -> str:
    lines = [
        "digraph flow {",
        f"  graph [rankdir=LR, fontname={_quote(FONT)}, fontsize=20, labelloc=t, label={_quote(graph.title)},"
        " pad=0.4, nodesep=0.5, ranksep=1.1, dpi=150];",
        f"  node [fontname={_quote(FONT)}, fontsize=14, margin=\"0.2,0.1\"];",
        f"  edge [fontname={_quote(FONT)}, fontsize=11, color=\"#555555\"];",
    ]
    ids = {node.name: f"n{i}" for i, node in enumerate(graph.nodes)}
    for role in ("source", "platform", "user", "other"):
        members = [n for n in graph.nodes if n.role == role]
        if not members:
            continue
        rank = {"source": "source", "user": "sink"}.get(role, "same")
        lines.append(f"  {{ rank={rank};")
        lines += [f"    {ids[n.name]} [label={_quote(n.name)}, {STYLE[role]}];" for n in members]
        lines.append("  }")
    for edge in graph.edges:
        if edge.source in ids and edge.target in ids:
            lines.append(f"  {ids[edge.source]} -> {ids[edge.target]} [label={_quote(edge.label)}];")
    if graph.stays:
        note = "原始数据：" + "；".join(graph.stays)
        lines.append(f"  note [shape=note, fontsize=12, label={_quote(note)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def dot_path() -> str | None:
    return shutil.which("dot")


def render(graph: FlowGraph, fmt: str) -> bytes:
    """The graph drawn as ``svg``, ``png`` or ``jpg``; a Chinese 501 error when Graphviz is missing."""
    if fmt not in ("svg", "png", "jpg"):
        raise ValueError(fmt)
    dot = dot_path()
    if dot is None:
        raise DiagramUnavailableError(
            "服务器没有安装 Graphviz，无法生成流向图：请安装 graphviz（Debian/Ubuntu：apt-get install graphviz），"
            "或自行绘制后作为图片上传。"
        )
    try:
        done = subprocess.run(
            [dot, f"-T{fmt}"], input=to_dot(graph).encode("utf-8"), capture_output=True, timeout=TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise DiagramUnavailableError("生成流向图超时，请减少图中的节点后重试。") from exc
    if done.returncode != 0 or not done.stdout:
        raise DiagramUnavailableError("Graphviz 未能生成流向图，请检查表中的名称后重试。")
    return done.stdout
