"""The general route: the best sentences of the retrieved passages, quoted; a list question gets every item.

Why quotes: an offline answer is only ever read off the documents, so it is the documents' own
sentences, each with its citation. Which sentences: the best, those scoring close to it, every item of
an enumeration when a list is asked for, and the best sentence of each of the next strong passages (an
answer often spans two places). A question about how a section is built ("案例简介包括哪几部分") is
answered from the document's headings (an outline) rather than from sentences.

This route answers whenever there is evidence; whether the evidence is strong enough to answer at all is
:mod:`assistant.knowledge.scope`'s decision, not this route's.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from assistant.core.chinese import MIXED_SENTENCE_ENDS, split_sentences
from assistant.core.types import Passage
from assistant.knowledge.chunking import heading_of
from assistant.knowledge.evidence import Evidence, question_weights
from assistant.knowledge.lexicon import any_of, lexicon
from assistant.knowledge.question import Question
from assistant.knowledge.routes import Candidate, Context

if TYPE_CHECKING:
    from assistant.knowledge.search import KnowledgeBase

MAX_QUOTES = 4
MAX_LIST_QUOTES = 8
MAX_LIST_CHARS = 400  # a list quoted as one sentence stops here (a passage of ；-items would otherwise be one quote)
MIN_PASSAGES = 3
SHORT_PASSAGE = 200
COVERAGE = 0.5
# No ；: the reading order of list items is looked up among whole sentences (items end in ；).
_SENTENCE_ENDS = "。！？!?"
_ITEM = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．]|[一二三四五六七八九十]+[是、])")
_LIST_JOIN = re.compile(r"[；;、]")


def _list_items(best: Evidence, evidence: list[Evidence]) -> list[Evidence]:
    """For a list question: every enumerated sentence of the best passage, in reading order."""
    same = [e for e in evidence if e.passage.chunk_id == best.passage.chunk_id]
    items = [e for e in same if _ITEM.match(e.sentence) or e.sentence.endswith(("；", ";"))]
    if len(items) < 2:
        return []
    order = {s: i for i, s in enumerate(split_sentences(best.passage.text, _SENTENCE_ENDS))}
    return sorted(items, key=lambda e: order.get(e.sentence, 0))[:MAX_LIST_QUOTES]


def _continuation(best: Evidence, evidence: list[Evidence]) -> list[Evidence]:
    """A list cut at 「；」 into several sentences ("四项基本原则：需求牵引、注重实效；试点先行…"): the rest of it."""
    if not best.sentence.rstrip().endswith(("；", ";", "：", ":")):
        return []
    same = [e for e in evidence if e.passage.chunk_id == best.passage.chunk_id and e.sentence != best.sentence]
    text = best.passage.text
    start = text.find(best.sentence)
    following = sorted((e for e in same if text.find(e.sentence) > start >= 0), key=lambda e: text.find(e.sentence))
    out = []
    for item in following:
        out.append(item)
        if not item.sentence.rstrip().endswith(("；", ";")):
            break
    return out[:MAX_LIST_QUOTES]


def whole_list(item: Evidence) -> Evidence:
    """A sentence cut at 「；」 or ending in 「：」, quoted with the rest of its list as one quote.

    Why one quote: 「行动计划提出四项基本原则：需求牵引、注重实效；试点先行、重点突破；……」 is one sentence to a reader;
    quoted item by item, the items the question's words do not score were left out (only the first and last of
    the four principles were quoted). The span is the passage's own text, so its citation still verifies.
    """
    if not item.sentence.rstrip().endswith(("；", ";", "：", ":")):
        return item
    text = item.passage.text
    span = _span(text, item.sentence)
    if span is None:
        return item
    start, end = span
    first_end = end
    for piece in split_sentences(text[end : start + MAX_LIST_CHARS], MIXED_SENTENCE_ENDS):
        sentence = piece.strip()
        if not sentence:
            continue
        at = text.find(sentence, end)
        if at < 0 or text[end:at].strip() or heading_of(sentence) is not None:
            break
        end = at + len(sentence)
        if not sentence.endswith(("；", ";")):
            break
    if end == first_end:
        return item
    return replace(item, sentence=text[start:end])


def _whole_rule(best: Evidence, evidence: list[Evidence]) -> list[Evidence]:
    """A short passage holding the best sentence (one rule: 「（一）申报单位。……」) is quoted whole:
    a yes/no, eligibility or how-to answer needs the whole rule, not its best-matching clause."""
    if len(best.passage.text) > SHORT_PASSAGE:
        return []
    text = best.passage.text
    same = [e for e in evidence if e.passage.chunk_id == best.passage.chunk_id]
    return sorted(same, key=lambda e: text.find(e.sentence))


def pick_evidence(question: Question, evidence: list[Evidence]) -> list[Evidence]:
    """The sentences to quote: the best, those close to it, all items when a list is asked for, the rest of
    a list cut at 「；」, and a short rule whole when a yes/no, eligibility or how-to question asks about it."""
    best = evidence[0]
    picked: list[Evidence] = [best]
    more = _list_items(best, evidence) if question.has("list") else []
    if any(question.has(k) for k in ("yes_no", "eligibility", "how_to")):
        more += _whole_rule(best, evidence)
    picked += [e for e in more + _continuation(best, evidence) if all(e.sentence != p.sentence for p in picked)]
    for item in evidence[1:]:
        if len(picked) >= MAX_QUOTES + (MAX_LIST_QUOTES if len(picked) > 2 else 0):
            break
        if item.score >= 0.75 * best.score and all(item.sentence != p.sentence for p in picked):
            picked.append(item)
    # Merge evidence from several passages: the best sentence of each of the next strong passages.
    passages = {e.passage.chunk_id for e in picked}
    for item in evidence[1:]:
        if len(passages) >= MIN_PASSAGES:
            break
        if item.passage.chunk_id not in passages and item.score >= 0.5 * best.score:
            picked.append(item)
            passages.add(item.passage.chunk_id)
    for item in list(picked[1:]):  # a quoted sentence ending in 「；」 goes on to the end of its list
        picked += [e for e in _continuation(item, evidence) if all(e.sentence != p.sentence for p in picked)]
    return _lists_whole(picked)


def _lists_whole(picked: list[Evidence]) -> list[Evidence]:
    """Each quoted list item becomes its whole list (``whole_list``), quoted once: quotes of one passage that
    overlap it are joined into one span of the passage's text."""
    out: list[Evidence] = []
    for item in picked:
        item = whole_list(item)
        for index, other in enumerate(out):
            if (joined := _joined(other, item)) is not None:
                out[index] = joined
                break
        else:
            out.append(item)
    return out


def _joined(first: Evidence, second: Evidence) -> Evidence | None:
    """One quote of the two when they overlap in the same passage, else None."""
    if first.passage.chunk_id != second.passage.chunk_id:
        return None
    text = first.passage.text
    one, two = _span(text, first.sentence), _span(text, second.sentence)
    if one is None or two is None or one[1] <= two[0] or two[1] <= one[0]:
        return None
    return replace(first, sentence=text[min(one[0], two[0]) : max(one[1], two[1])])


def _span(text: str, sentence: str) -> tuple[int, int] | None:
    """Where a quoted sentence stands in its passage; a quote joined from a fragment and what follows it has a space
    where the passage has a line break (``sentences.quotable_sentences``)."""
    at = text.find(sentence)
    if at >= 0:
        return at, at + len(sentence)
    pieces = sentence.split()
    if len(pieces) < 2:
        return None
    found = re.search(r"\s*".join(re.escape(p) for p in pieces), text)
    return (found.start(), found.end()) if found else None


# --- outlines ("案例简介包括哪几部分？") -------------------------------------------------------------
def _asks_outline(text: str) -> bool:
    words = lexicon().outline
    return bool(
        re.search(f"(?:{any_of(*words.asks).pattern}).{{0,6}}(?:{any_of(*words.parts).pattern})", text)
        or re.search(r"由哪|结构", text)
    )


def _heading_coverage(weights: dict[str, float], heading: str) -> float:
    total = sum(weights.values()) or 1.0
    return sum(w for t, w in weights.items() if t in heading) / total


def outline_answer(question: Question, passages: list[Passage], kb: KnowledgeBase) -> tuple[str, Passage] | None:
    """List the sub-parts of the heading the question names, read from the document's structure."""
    if not _asks_outline(question.text):
        return None
    plain = lexicon().outline.plain_words
    weights = {t: w for t, w in question_weights(question, kb).items() if t not in plain}
    best: tuple[float, list[str], Passage] | None = None
    for passage in passages:
        parts = [p for p in passage.locator.split(" > ") if p]
        for depth in range(len(parts)):
            score = _heading_coverage(weights, parts[depth]) if weights else 0
            if score >= COVERAGE and (best is None or score > best[0]):
                best = (score, parts[: depth + 1], passage)
    if best is None:
        return None
    _, prefix, passage = best
    children: list[str] = []
    for _cid, locator, _text in kb.store.section_chunks(passage.doc_id):
        parts = [p for p in locator.split(" > ") if p]
        if parts[: len(prefix)] == prefix and len(parts) > len(prefix):
            for child in re.split(r" 至 ", parts[len(prefix)]):
                if child not in children:
                    children.append(child)
    if len(children) < 2:
        return None
    return f"「{prefix[-1]}」包括以下{len(children)}个部分：{'；'.join(children)}。", passage


class Outline:
    """Route: "……包括哪几部分" answered from the headings under the section the question names."""

    name = "outline"

    def answer(self, context: Context) -> Candidate | None:
        found = outline_answer(context.question, context.retrieved.passages, context.kb)
        if found is None:
            return None
        lead, passage = found
        line = Evidence(passage=passage, sentence=passage.locator.split(" > ")[-1], score=1.0, rank=0)
        return Candidate(self.name, [line], lead, confidence=0.9, structural=True)


class GeneralEvidence:
    """Route: the best evidence sentences, quoted (with a value lead when one can be read off)."""

    name = "general"

    def answer(self, context: Context) -> Candidate | None:
        from assistant.knowledge.values import lead_line

        if not context.evidence:
            return None
        picked = pick_evidence(context.question, context.evidence)
        return Candidate(self.name, picked, lead_line(context.question, picked), confidence=picked[0].score)
