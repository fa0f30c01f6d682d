"""Cases compared (「福建应急和国能装备这两个案例，哪个汇聚的数据条数更多？各是多少」): each named case's figure.

Why a route of its own: a question naming two cases splits its words between two cards, so neither card covers
half of them and the case route found none (one case's figure was read off the general evidence, the other's was
lost). Here the cards are told apart by the words only one of them holds (福建 and 应急 name one card, 装备 the
other); each named card's figure for what is asked is read off its own lines, and the lead gives them side by side,
saying which is larger when both are amounts of the same unit.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from assistant.knowledge.cases import SENTENCES_ABOUT_ONE, _card_lines, _cards
from assistant.knowledge.evidence import Evidence, aliases, asked_unit, question_weights
from assistant.knowledge.lexicon import any_of, lexicon
from assistant.knowledge.needs import needed_facts
from assistant.knowledge.question import Question
from assistant.knowledge.routes import Candidate, Context
from assistant.knowledge.sentences import quotable_sentences

if TYPE_CHECKING:
    from assistant.knowledge.search import KnowledgeBase

NAMED_SHARE = 0.12  # a card is named when the words only it holds weigh this share of the question's words
MAX_COMPARED = 3
FIGURES = 0.85  # the confidence of a lead giving each card's figure
SIDE_BY_SIDE = 0.75  # of one quoting the cards' lines, no figure read
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿)?([\u4e00-\u9fff%]?)")
_SCALE = {"": 1.0, "万": 1e4, "亿": 1e8}
_COMPARED_COUNT = re.compile(r"[这那]?[两二三](?:个|家)(?:案例|项目|单位)?")


def compared_cards(question: Question, kb: KnowledgeBase) -> list[tuple[str, str, list[str]]]:
    """(doc_id, title, the question's words only that card holds) of each case card the question names, in the order
    it names them, when it compares two or more (the lexicon's ``cases.compare`` words); empty otherwise."""
    if not any_of(*lexicon().cases.compare).search(question.text):
        return []
    plain = lexicon().cases.plain_words
    weights = {t: w for t, w in question_weights(question, kb).items() if t not in plain}
    total = sum(weights.values())
    cards = _cards(kb)
    alias = aliases(question)
    issuers = {d: str(info.get("issuer", "")) for d, info in kb.store.documents().items()}
    naming: dict[str, list[str]] = {}  # card → the question's words only it holds that name it (its title, issuer)
    owned: dict[str, float] = {}  # card → the weight of every word only it holds (its names, the figure asked: 条数)
    for term, weight in weights.items():
        spellings = (term, *alias.get(term, ()))
        holders = [d for d, (title, body) in cards.items() if any(s in title or s in body for s in spellings)]
        if len(holders) != 1:
            continue
        card = holders[0]
        owned[card] = owned.get(card, 0.0) + weight
        if any(s in cards[card][0] + issuers[card] for s in spellings):
            naming.setdefault(card, []).append(term)
    said = " ".join([*question.context, question.text])  # a part's cases may be named in the clause before it
    named = sorted(
        (min(max(said.find(t), 0) for t in names), doc_id, names)
        for doc_id, names in naming.items()
        if owned[doc_id] >= NAMED_SHARE * total
    )
    if len(named) < 2:
        return []
    return [(doc_id, cards[doc_id][0], names) for _at, doc_id, names in named[:MAX_COMPARED]]


def _about_one(question: Question, others: list[str]) -> Question:
    """The question with the other compared cards' own words taken out: a card's lines are scored by what is asked
    and its own name (a sentence about 福建 is passed over for a question that also names 海南)."""
    text = _COMPARED_COUNT.sub(" ", question.text)  # 「这两个案例」 counts the cases compared, it asks no count of 案例
    for term in sorted(others, key=len, reverse=True):
        text = text.replace(term, " ")
    return replace(question, text=text, parts=[text], context=[], case_part="")


def _amount(value: str) -> tuple[float, str] | None:
    """「约59.8亿条」 → (5.98e9, 条): an amount and its unit, to say which is larger."""
    found = _AMOUNT.search(value)
    if not found:
        return None
    return float(found.group(1)) * _SCALE[found.group(2) or ""], found.group(3)


def _larger(values: list[tuple[str, str]]) -> str:
    """「其中「…」的更大」 when every value is an amount of the same unit, else ""."""
    amounts = [a for _t, v in values if (a := _amount(v)) is not None]
    if len(amounts) != len(values) or len({unit for _n, unit in amounts}) != 1:
        return ""
    best = max(range(len(values)), key=lambda i: amounts[i][0])
    return f"其中「{values[best][0]}」的数字更大。"


class CaseComparison:
    """Route: two or more named cases compared on a figure, each card's figure side by side."""

    name = "case_compare"

    def answer(self, context: Context) -> Candidate | None:
        from assistant.knowledge.values import lead_line

        question = context.question
        asks_who = bool(any_of(*lexicon().cases.asks_who).search(question.text))  # 「各自是谁申报的」
        if not (asks_who or question.has("case") or question.has("number")):
            return None
        cards = compared_cards(question, context.kb)
        if not cards:
            return None
        if asks_who:
            return self._applicants(context, cards)
        evidence: list[Evidence] = []
        values: list[tuple[str, str]] = []
        shown = []
        for doc_id, title, _own in cards:
            others = [t for d, _t, terms in cards if d != doc_id for t in terms]
            one = _about_one(question, others)
            lines = _card_lines(one, context.kb, doc_id, SENTENCES_ABOUT_ONE)
            needs = needed_facts(one)  # 「授信金额」: the lines with an amount of money, not the card's other figures
            fitting = [e for e in lines if all(h.search(e.sentence) for h in needs)] or lines
            value = _asked_value(one, lead_line(one, fitting).removeprefix("答：").rstrip("。"))
            evidence += lines[:2]
            shown.append(f"「{title}」：{value or lexicon().cases.no_figure}")
            if value:
                values.append((title, value))
        if not values:  # 「哪个对接的系统多」 read as no number question: the cards' lines, side by side
            names = "；".join(f"「{title}」" for _d, title, _n in cards)
            lead = f"比较的案例：{names}（原文见下）。"
            return Candidate(self.name, evidence, lead, confidence=SIDE_BY_SIDE, structural=True)
        larger = _larger(values) if len(values) == len(cards) else ""
        lead = f"{'；'.join(shown)}。{larger}"
        return Candidate(self.name, evidence, lead, confidence=FIGURES, structural=True)


    def _applicants(self, context: Context, cards: list[tuple[str, str, list[str]]]) -> Candidate | None:
        """Each compared card's 「申报单位：……」 (or 「主体：……」) line, quoted, its value side by side."""
        evidence: list[Evidence] = []
        shown = []
        for doc_id, title, _own in cards:
            found = _applicant_line(context.kb, doc_id)
            shown.append(f"「{title}」：{found[1] if found else lexicon().cases.no_figure}")
            evidence += [found[0]] if found else []
        if not evidence:
            return None
        lead = f"{'；'.join(shown)}。"  # not FIGURES: a question asking more than who is still answered part by part
        return Candidate(self.name, evidence, lead, confidence=SIDE_BY_SIDE, structural=True)


_APPLICANT = re.compile(r"(?:申报单位|主体)[：:]\s*([^。；;]+)")


def _applicant_line(kb: KnowledgeBase, doc_id: str) -> tuple[Evidence, str] | None:
    """The card's sentence naming who applied or runs it, and that name."""
    chunks = kb.store.section_chunks(doc_id)
    for passage in kb.store.passages([(chunk_id, 1.0) for chunk_id, _l, _t in chunks]):
        for sentence in quotable_sentences(passage):
            if found := _APPLICANT.search(sentence):
                return Evidence(passage=passage, sentence=sentence, score=1.0, rank=0), found.group(1).strip()
    return None


def _asked_value(question: Question, value: str) -> str:
    """The value, when it is the kind asked for (an amount of money for 金额, of 条 for 条数), else "": a card's other
    figure (「7项」 for 「授信金额」) stated as the answer would be wrong."""
    needs = needed_facts(question)
    unit = asked_unit(question)
    if needs and not any(h.search(value) for h in needs):
        return ""
    return "" if unit and unit not in value else value
