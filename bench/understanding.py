"""The understanding layer: held-out accuracy and the cost of reading one turn (``make bench`` section 8).

The cost is measured the way a turn pays it: one message at a time, the encoder warm, in this process;
p50/p95/max over the held-out turns. The issue's budget is 30 ms p95 on two quiet cores.

    python bench/understanding.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "interview"


def _rows(name: str, split: str | None = "heldout") -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split is None or r.get("split") == split]


def run() -> dict[str, Any]:
    from assistant.forms.spec import load_form
    from assistant.understanding.evaluation import evaluate_elements, evaluate_turns
    from assistant.understanding.shipped import element_reader, turn_reader
    from assistant.understanding.training import turn_context

    form = load_form("cq-2024-batch2")
    reader = turn_reader(form)
    turns = _rows("turns.jsonl")
    reader.read("好的", turn_context(turns[0]))  # load the model once, as a running server has
    costs = []
    for row in turns:
        started = time.perf_counter()
        reader.read(row["text"], turn_context(row))
        costs.append((time.perf_counter() - started) * 1000)
    costs.sort()
    report = evaluate_turns(turns, reader)
    elements = {}
    for name, rows in (
        ("set 3", _rows("applicant_sentences_3.jsonl", None)),
        ("sets 4/5/7–11 held out", [r for k in (4, 5, *range(7, 12)) for r in _rows(f"applicant_sentences_{k}.jsonl")]),
    ):
        table = evaluate_elements(rows, element_reader(form))
        elements[name] = {k: round(v.f1, 3) for k, v in table.items()}
    return {
        "turns": len(turns),
        "accuracy": report.accuracy,
        "lowest_recall": min(s.recall for s in report.labels.values()),
        "p50": costs[len(costs) // 2],
        "p95": costs[int(len(costs) * 0.95)],
        "max": costs[-1],
        "elements": elements,
    }


def print_understanding(r: dict[str, Any]) -> None:
    print("\n## 8. 对话理解（留出集，逐条读取，编码器已加载）\n")
    print(f"- 留出对话 {r['turns']} 条：准确率 {r['accuracy']:.3f}，最低召回 {r['lowest_recall']:.3f}")
    print(f"- 每条消息的理解耗时 p50/p95/max：{r['p50']:.1f} / {r['p95']:.1f} / {r['max']:.1f} ms（目标 p95 ≤ 30 ms）")
    for name, f1 in r["elements"].items():
        print(f"- 要素 F1（{name}）：" + "，".join(f"{k} {v:.3f}" for k, v in f1.items()))


if __name__ == "__main__":
    from assistant.core.resources import configure_offline_environment

    configure_offline_environment()
    print_understanding(run())
