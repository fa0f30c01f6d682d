"""Case lookups ("有没有文物数字化方面的案例能参考"): which case cards match, named up front.

Why: retrieval ranks passages, not cases, so the best passage can come from one card
(数字敦煌: "文物数字资源") while an equally fitting card (云冈石窟: 文物 in its title, 数字化 in its
data) only supplies the third passage and is never named. Here each case card (kind
``case``) is scored as a whole — the question's weighted words found in its title count
fully, in its body 0.7 — and every card close to the best is named in the lead with its
field, then quoted with its best sentences.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.knowledge.evidence import Evidence, question_weights, score_sentences
from assistant.knowledge.question import Question

if TYPE_CHECKING:
    from assistant.knowledge.search import KnowledgeBase

CASE_KIND = "case"
_LOOKUP = re.compile(
    r"(有没有|有啥|有什么|有哪些|哪些|哪个|哪几个|推荐|类似|可参考|能参考|参考|借鉴).{0,16}(案例|例子|案子|范例|先例)"
    r"|(案例|例子|案子|范例|先例).{0,6}(参考|借鉴|推荐)"
)
_LOOKUP_WORDS = frozenset("案例 例子 案子 范例 先例 参考 借鉴 推荐 类似 没有 有没有 方面 能 有啥 典型 典型案例".split())
_FIELD = re.compile(r"所属领域[：:]\s*([^。；;\s]+)")
_TITLE_PREFIX = re.compile(r"^案例卡片[：:]\s*")
MIN_COVERAGE = 0.5
CLOSE = 0.75
MAX_CARDS = 3
SENTENCES_PER_CARD = 2


def is_lookup(question: Question) -> bool:
    return bool(_LOOKUP.search(question.text))


def _cards(kb: KnowledgeBase) -> dict[str, tuple[str, str]]:
    """doc_id → (title, full text) of every case card."""
    out = {}
    for doc_id, info in kb.store.documents().items():
        if info.get("kind") == CASE_KIND:
            text = "\n".join(t for _c, _l, t in kb.store.section_chunks(doc_id))
            out[doc_id] = (_TITLE_PREFIX.sub("", info.get("title", "")), text)
    return out


def case_evidence(question: Question, kb: KnowledgeBase) -> tuple[list[Evidence], str]:
    """The matching cards' best sentences and a lead naming the cards; empty when none fits."""
    weights = {t: w for t, w in question_weights(question, kb).items() if t not in _LOOKUP_WORDS}
    total = sum(weights.values())
    if not total:
        return [], ""
    scored = []
    for doc_id, (title, text) in _cards(kb).items():
        got = sum(w if t in title else 0.7 * w if t in text else 0.0 for t, w in weights.items())
        scored.append((got / total, doc_id, title, text))
    scored.sort(reverse=True)
    if not scored or scored[0][0] < MIN_COVERAGE:
        return [], ""
    chosen = [s for s in scored if s[0] >= CLOSE * scored[0][0]][:MAX_CARDS]
    evidence: list[Evidence] = []
    names = []
    for _score, doc_id, title, text in chosen:
        passages = kb.store.passages([(cid, 1.0) for cid, _l, _t in kb.store.section_chunks(doc_id)])
        best = score_sentences(question, passages, kb)[:SENTENCES_PER_CARD]
        evidence += best
        field = _FIELD.search(text)
        names.append(f"「{title}」" + (f"（{field.group(1)}）" if field else ""))
    if not evidence:
        return [], ""
    return evidence, f"可参考的案例：{'；'.join(names)}。"
