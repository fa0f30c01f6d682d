"""The evaluation reads a set's split and prints the issue's lines (answer, evidence, recall, declines, latency)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.core.errors import InvalidInputError
from assistant.knowledge.qa_eval import load_rows, run_eval, summary_lines

ROWS = [
    {"id": "a", "question": "申报截止时间是哪天？", "answer_keywords": ["2024年8月20日"], "kind": "date"},
    {"id": "b", "question": "纸质材料要交几份？", "answer_keywords": ["一式两份"], "kind": "number"},
    {"id": "c", "question": "四川省的征集什么时候截止", "answer_keywords": [], "kind": "out_of_scope"},
]
SPLITS = {"a": "dev", "b": "heldout", "c": "heldout"}


def _write(tmp_path: Path) -> Path:
    path = tmp_path / "set.jsonl"
    rows = [{**r, "split": SPLITS[r["id"]]} for r in ROWS]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_split_reads_only_its_rows(tmp_path: Path) -> None:
    path = _write(tmp_path)
    assert [r.id for r in load_rows(path, "heldout")] == ["b", "c"]
    assert [r.id for r in load_rows(path)] == ["a", "b", "c"]
    only_dev = tmp_path / "dev.jsonl"
    only_dev.write_text(json.dumps({**ROWS[0], "split": "dev"}, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="heldout"):
        load_rows(only_dev, "heldout")


def test_the_summary_has_every_figure_the_issue_asks_for(bundled_kb, tmp_path: Path) -> None:
    report = run_eval(bundled_kb, load_rows(_write(tmp_path)), name="set")
    text = "\n".join(summary_lines(report))
    for label in (
        "answer hit: 2/2",
        "evidence hit@3: 2/2",
        "retrieval recall@8:",
        "recall@3:",
        "decline accuracy: 1/1",
        "wrongly declined in scope: 0/2",
        "latency: p50",
    ):
        assert label in text, text
