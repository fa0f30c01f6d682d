"""Retrieval for the Q&A: hybrid search, plus what the question itself implies about where the answer is.

Why structure rather than words: the rankings that are fused (reciprocal rank, as in
:meth:`KnowledgeBase.search_by_vector`) are dense (the e5 vector of the normalised question, shared with
the question-type reader) and BM25 over the normalised question *with* the lexicon's expansions (民企 →
民营企业). Two more rankings are added only when the question implies them:

* a field of the call named in the question (「<领域>领域的重点方向」): the passages written about that
  field alone — the action plan's section for it, its case cards — ahead of those about all twelve;
* a question about a case (the learned type ``case``) → the case cards;
* a document named by a run of its title that no other title holds (「模板里供应链协同管理的示例」) → that
  document's passages.

One more ranking is learned rather than implied: the bundled passages that answered questions asked like this
one (:mod:`assistant.knowledge.answer_passages`), so a paraphrase finds the passage its words miss.

Chunks keep an enumeration whole and carry their heading path (:mod:`assistant.knowledge.chunking`), so a
list question retrieves the list. ``eval-qa`` prints recall@3/@8 of this stage: the share of in-scope
questions whose keywords are all in the top passages.

Measured and left out (development rows, recall@3 of the 231 in-scope questions): a sentence-level dense
index returning its parent passage, and reranking by the best sentence's e5 similarity, each changed
recall by −5 to +0 once enumerations were kept whole; a title prefix in the embedded text cost 11; a
preference for the template's parts when the learned type is how-to cost 2 (recall@8 3, answer hits 3).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.core.types import Passage
from assistant.knowledge.answer_passages import learned_ranking
from assistant.knowledge.question import QUESTION_CHARS, Question
from assistant.knowledge.search import CANDIDATES, EXACT_TERM_WEIGHT, rrf_fuse
from assistant.knowledge.sentences import has_quotable
from assistant.knowledge.tokens import PHRASES

if TYPE_CHECKING:
    from assistant.knowledge.search import KnowledgeBase

SEARCH_K = 12
SENTENCE_INDEX = True
SENTENCE_WEIGHT = 1.0
# Reciprocal-rank constant of the Q&A's fusion. The usual 60 lets a passage ranked moderately by every ranking
# beat the one a single ranking puts first (「往上推荐几个」: lexical and sentence rank 1, dense 40th, fused 12th).
# Development rows of all sets, recall@3/@8 of 486 in-scope questions: 60 → 411/451, 30 → 412/453,
# 15 → 416/457, 10 → 420/458, 5 → 422/459 (answers 468 → 472 from 15 down).
FUSION_K = 10
# The learned answer-passage ranking (:mod:`assistant.knowledge.answer_passages`). Development rows of 24 sets, each
# set ranked by a model trained on the other 23, against no such ranking (1739 answers, 1771 evidence, 368/385
# declined, 9 wrongly declined): weight 1 → 1738, 1777, 368, 8; weight 2 → 1740, 1779, 368, 7.
LEARNED_WEIGHT = 2.0
NAMING_CHARS = 6  # 4 named documents by runs like 「行动计划」: recall@3 on development rows fell by 13 (sets 3–6)
_CHINESE_RUN = re.compile(r"[\u4e00-\u9fff]+")


@dataclass
class Retrieved:
    """The passages to answer from (quotable, best first) and the whole fused pool they came from."""

    passages: list[Passage]
    pool: list[Passage]


def query_vector(kb: KnowledgeBase, question: Question) -> Any:
    """The question's dense vector: the one the type reader computed when it is the same model, else embedded."""
    if question.vector is not None:
        return question.vector
    return kb.embedder.embed([question.text[:QUESTION_CHARS]], "query")[0]


def document_titles(kb: KnowledgeBase) -> dict[str, str]:
    """doc_id → the document's own name: its title after a label of its kind (「案例卡片：」「申报书模板示例：」), which
    names what kind of document it is, not which one (「申报书模板」 is the template's word too)."""
    return {doc_id: str(info.get("title", "")).split("：", 1)[-1] for doc_id, info in kb.store.documents().items()}


def named_document(text: str, titles: dict[str, str]) -> str | None:
    """The one document whose title the question quotes a run of ``NAMING_CHARS`` Chinese characters from that
    no other title holds (「模板里供应链协同管理的示例」 → the template example); None when none or several."""
    runs = {text[i : i + NAMING_CHARS] for i in range(len(text) - NAMING_CHARS + 1)}
    named: set[str] = set()
    for run in (r for r in runs if _CHINESE_RUN.fullmatch(r)):
        holders = [doc_id for doc_id, title in titles.items() if run in title]
        if len(holders) == 1:
            named.add(holders[0])
    return named.pop() if len(named) == 1 else None


def _implied(question: Question, fields: list[str], titles: dict[str, str]) -> list[Callable[[Passage], bool]]:
    """Which passages the question points at, beyond its words."""
    wanted: list[Callable[[Passage], bool]] = []
    document = named_document(question.text, titles)
    if document is not None:
        wanted.append(lambda p: p.doc_id == document)
    named = [f for f in fields if f in question.text]
    if len(named) == 1:
        only: str = named[0]
        wanted.append(lambda p: p.fields == [only])
    if question.has("case"):
        wanted.append(lambda p: p.kind == "case")
    return wanted


def retrieve(
    kb: KnowledgeBase, question: Question, fields: list[str], k: int = SEARCH_K, vector: Any = None
) -> Retrieved:
    """The top ``k`` quotable passages for ``question``. ``vector``: the whole question's dense vector when
    ``question`` is one of its parts ("成文日期是哪天" keeps the 行动计划 the whole question names): both the
    part's own vector and the whole one rank."""
    if len(kb.store) == 0:
        return Retrieved([], [])
    own = query_vector(kb, question)
    vectors = [v for v in (own, vector) if v is not None]
    if len(vectors) == 2 and vectors[0] is vectors[1]:
        vectors = vectors[:1]
    text = question.search_text[:QUESTION_CHARS]
    rankings = [[cid for cid, _ in kb.store.dense(v, CANDIDATES)] for v in vectors]
    weights = [1.0 / len(vectors)] * len(vectors)
    rankings.append([cid for cid, _ in kb.store.lexical(text, CANDIDATES)])
    weights.append(EXACT_TERM_WEIGHT if PHRASES.search(text) else 1.0)
    if SENTENCE_INDEX:
        rankings.append([cid for cid, _ in kb.store.sentence_lexical(text, CANDIDATES)])
        weights.append(SENTENCE_WEIGHT)
    learned = learned_ranking(kb, question)
    if learned:
        rankings.append(learned)
        weights.append(LEARNED_WEIGHT)
    pool = kb.store.passages(rrf_fuse(rankings, k=FUSION_K, weights=weights)[:CANDIDATES])
    base = len(rankings)
    for wanted in _implied(question, fields, document_titles(kb)):
        rankings.append([p.chunk_id for p in pool if wanted(p)])
        weights.append(1.0)  # 1.5, 2 and 3 measured with FUSION_K 10: recall@3 on development rows 488, 487, 479
    if len(rankings) > base:
        pool = kb.store.passages(rrf_fuse(rankings, k=FUSION_K, weights=weights)[:CANDIDATES])
    return Retrieved(passages=[p for p in pool if has_quotable(p)][:k], pool=pool)
