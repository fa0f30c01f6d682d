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
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING

from assistant.knowledge.asking import function_words
from assistant.knowledge.evidence import (
    Evidence,
    asked_unit,
    content_terms,
    question_weights,
    score_sentences,
    shares_specific_term,
)
from assistant.knowledge.lexicon import any_of, lexicon
from assistant.knowledge.needs import needed_facts
from assistant.knowledge.question import Question
from assistant.knowledge.routes import Candidate, Context

if TYPE_CHECKING:
    from assistant.knowledge.search import KnowledgeBase

CASE_KIND = "case"
_FIELD = re.compile(r"所属领域[：:]\s*([^。；;\s]+)")
_TITLE_PREFIX = re.compile(r"^[\u4e00-\u9fff]{2,4}[：:]\s*")  # 「案例卡片：」「实践参考：」
_FIGURE = re.compile(r"\d")
MIN_COVERAGE = 0.5
CLOSE = 0.75
MAX_CARDS = 3
SENTENCES_PER_CARD = 2
SENTENCES_ABOUT_ONE = 4
ALL_LINES = 100  # more than any card holds
FIGURE_BONUS = 0.2


@cache
def _lookup() -> re.Pattern[str]:
    words = lexicon().cases
    asks, nouns = any_of(*words.asks).pattern, any_of(*words.nouns).pattern
    return re.compile(rf"(?:{asks}).{{0,16}}(?:{nouns})|(?:{nouns}).{{0,6}}(?:参考|借鉴|推荐)")


def is_lookup(question: Question) -> bool:
    """ "有没有做文物方面的案例可以借鉴": a request for cases to look at, not a question about one."""
    return bool(_lookup().search(question.text))


def _cards(kb: KnowledgeBase) -> dict[str, tuple[str, str]]:
    """doc_id → (title, full text) of every case card."""
    out = {}
    for doc_id, info in kb.store.documents().items():
        if info.get("kind") == CASE_KIND:
            text = "\n".join(t for _c, _l, t in kb.store.section_chunks(doc_id))
            out[doc_id] = (_TITLE_PREFIX.sub("", info.get("title", "")), text)
    return out


def _scored_cards(question: Question, kb: KnowledgeBase) -> list[tuple[float, str, str, str]]:
    """(coverage, doc_id, title, text) of every card, best first: the question's weighted words found in a
    card's title count fully, in its body 0.7."""
    plain = lexicon().cases.plain_words
    weights = question_weights(question, kb)
    if question.case_part:  # 「首批第1号案例是谁报的？是什么性质的企业」: the second part is about the first's case
        for term, weight in question_weights(question, kb, question.case_part).items():
            weights[term] = max(weight, weights.get(term, 0.0))
    weights = {t: w for t, w in weights.items() if t not in plain}
    total = sum(weights.values())
    if not total:
        return []
    scored = []
    for doc_id, (title, text) in _cards(kb).items():
        got = sum(w if t in title else 0.7 * w if t in text else 0.0 for t, w in weights.items())
        scored.append((got / total, doc_id, title, text))
    return sorted(scored, reverse=True)


def _card_lines(question: Question, kb: KnowledgeBase, doc_id: str, count: int) -> list[Evidence]:
    """The card's best sentences for the question, with its figures: at least one sentence holding a number."""
    passages = kb.store.passages([(cid, 1.0) for cid, _l, _t in kb.store.section_chunks(doc_id)])
    ranked = score_sentences(_own_words(question), passages, kb)
    if count > SENTENCES_PER_CARD and question.has("number"):  # how much, about one case: its figures first
        needs = needed_facts(question)  # 「授信了多少钱」: the lines with an amount of money before other figures
        unit = asked_unit(question)  # 「数据量多大」: the lines with an amount of 条 before 「首批20个」

        def figures_first(e: Evidence) -> float:
            holds = FIGURE_BONUS if _FIGURE.search(e.sentence) else 0.0
            counts = FIGURE_BONUS if unit and re.search(rf"\d[万亿]?{re.escape(unit)}", e.sentence) else 0.0
            return e.score + holds + counts + (FIGURE_BONUS if any(h.search(e.sentence) for h in needs) else 0.0)

        ranked.sort(key=figures_first, reverse=True)
    best = ranked[:count]
    if not any(_FIGURE.search(e.sentence) for e in best):
        best += [e for e in ranked[count:] if _FIGURE.search(e.sentence)][:1]
    return best


_COUNT_TERM = re.compile(r"[\d一二两三四五六七八九十]+[\u4e00-\u9fff]?")  # 「七项」「7项」: a count names nothing


def _own_words(question: Question) -> Question:
    """The question as its asking clauses alone: within the card chosen, every line is about the case the context
    names (「国家能源集团那个多式联运装备案例，数据量有多大」), so its lines are ranked by what is asked (数据量).
    Unless they name nothing but a count (「……说有7项安全措施，分别是哪七项」): what is asked is in the context."""
    if not question.context:
        return question
    asking = " ".join(question.parts)
    how = function_words(asking)
    if not any(len(t) >= 2 and t not in how and not _COUNT_TERM.fullmatch(t) for t in content_terms(asking)):
        return question
    return replace(question, text=asking, context=[])


def case_evidence(question: Question, kb: KnowledgeBase, lookup: bool = True) -> tuple[list[Evidence], str]:
    """The matching cards' best sentences and a lead naming the cards; empty when none fits.

    A lookup ("有没有…案例可参考") names every card close to the best; a question about one case quotes
    that card's sentences, its figures among them."""
    scored = _scored_cards(question, kb)
    if not scored or scored[0][0] < MIN_COVERAGE:
        return [], ""
    chosen = [s for s in scored if s[0] >= CLOSE * scored[0][0]][: MAX_CARDS if lookup else 1]
    evidence: list[Evidence] = []
    names = []
    for _score, doc_id, title, text in chosen:
        evidence += _card_lines(question, kb, doc_id, SENTENCES_PER_CARD if lookup else SENTENCES_ABOUT_ONE)
        field = _FIELD.search(text)
        names.append(f"「{title}」" + (f"（{field.group(1)}）" if field else ""))
    if not evidence:
        return [], ""
    return evidence, (f"可参考的案例：{'；'.join(names)}。" if lookup else f"案例：{names[0]}。")


class CaseCards:
    """Route: a question about a case (or asking for cases to look at), answered from the case cards."""

    name = "cases"

    def answer(self, context: Context) -> Candidate | None:
        from assistant.knowledge.values import lead_line

        question = context.question
        lookup = is_lookup(question) and not question.has("number")  # 「推荐几个案例」 counts, it does not look
        if not (lookup or question.has("case")):
            return None
        evidence, lead = case_evidence(question, context.kb, lookup)
        if not evidence:
            return None
        not_given = None if lookup else _says_not_stated(context, evidence)
        if not_given and _asks_whether_given(question):  # 「有没有给出经济效益的数字」: that it is not is the answer
            rest = [e for e in evidence if e.sentence != not_given.sentence]
            lead = f"{lead}{lexicon().cases.not_given_lead}"
            return Candidate(self.name, [not_given, *rest], lead, confidence=0.8, structural=True)
        unstated = not_given.sentence if not_given else ""
        value = "" if unstated else lead_line(question, evidence)
        if value and not lookup:
            lead = f"{lead.rstrip('。')}，{value.removeprefix('答：')}"
        sure = lookup or not question.has("number") or _figure_about_what_is_asked(context, evidence)
        return Candidate(self.name, evidence, lead, confidence=0.8, structural=sure, unstated=unstated)


def _figure_about_what_is_asked(context: Context, evidence: list[Evidence]) -> bool:
    """For 「多少」 about a case: does a line with a figure share a specific word of the question other than the case's
    name? When only the name is shared (「数字敦煌素材库一共有多少张图」 against the card's lines), the card does not
    give the figure, and the answer is left to the evidence threshold like any other, not taken as sure. The case's
    field names it too: a question about a sum of money the card does not give shares only the field's word with
    the line about the prize the case won."""
    card = _cards(context.kb).get(evidence[0].passage.doc_id, ("", ""))[1]
    field = _FIELD.search(card)
    named = [evidence[0].passage.title, field.group(1) if field else "", *lexicon().cases.plain_words]
    besides = " ".join(named)  # 「那个项目」 names no figure
    return any(
        _FIGURE.search(item.sentence) and shares_specific_term(context.question, context.kb, item.sentence, besides)
        for item in evidence[:SENTENCES_ABOUT_ONE]
    )


def _asks_whether_given(question: Question) -> bool:
    """A yes/no question, or one asking whether the material writes it (「写没写」「提没提到」)."""
    return question.has("yes_no") or bool(any_of(*lexicon().cases.asks_given).search(question.text))


def _says_not_stated(context: Context, evidence: list[Evidence]) -> Evidence | None:
    """The card's line saying the figure asked for is not given (「……未载明经济效益数字」), when the question
    asks how much, or whether the card gives it (a yes/no question), and the line shares a specific word of it
    (效益): a number read off another line would answer a different question."""
    words, question = lexicon().cases, context.question
    asks = question.has("number") or _asks_whether_given(question) or any(w in question.text for w in words.asks_amount)
    if not asks:
        return None
    card = evidence[0].passage.doc_id  # any line of the card: figure lines rank above it for a 「多少」 question
    for item in _card_lines(context.question, context.kb, card, ALL_LINES):
        said = any(m in item.sentence for m in words.not_stated)
        # a term of two characters or more: 「国能 装备 类别 数」 shares only 数 with 「……未载明经济效益数字」
        if said and shares_specific_term(context.question, context.kb, item.sentence, own=True, min_chars=2):
            return item
    return None
