"""Definitions ("三医联动的三医是指什么", "数据二十条是什么意思"): the sentence that defines the term, first.

Why: a question about what a short name stands for was answered by the general route, which quotes the
sentences most like the question — the card's title and its figures — and left out the one sentence
that says 「「三医」指医疗、医保、医药」. A definition is found by its shape, not by word overlap: the
term the question asks about (the words before 「指的是」「是什么意思」…, or its shortest tail that the
documents use, so 「海南三医」 finds 「三医」), followed in a document sentence by 「指」「是指」「即」…
("「三医」指医疗、医保、医药"), or named after such a word in brackets ("《…意见》（即「数据二十条」）").
The lead states the definition as the document words it; the sentence is quoted with its citation.
The cue words are in the lexicon (``definition``).
"""

from __future__ import annotations

import re
from functools import cache

from assistant.knowledge.evidence import Evidence
from assistant.knowledge.lexicon import alternation, lexicon
from assistant.knowledge.question import Question
from assistant.knowledge.routes import Candidate, Context

MIN_TERM = 2
MAX_TERM = 12
_HAN_RUN = re.compile(r"[\u4e00-\u9fff×A-Za-z0-9]+")
_QUOTES = "「」“”\"'《》"


@cache
def _asks() -> re.Pattern[str]:
    return re.compile(f"(?:{alternation(lexicon().definition.asks)})")


def asked_term(question: Question) -> str:
    """The term before the first definition cue ("海南三医指的是哪三个医" → 海南三医), or ""."""
    found = _asks().search(question.text)
    if found is None:
        return ""
    before = question.text[: found.start()].strip(_QUOTES + " ，,？?")
    runs = _HAN_RUN.findall(before)
    if not runs:  # 「什么叫三医」: the term follows the cue
        runs = _HAN_RUN.findall(question.text[found.end() :])[:1]
    term = runs[-1] if runs else ""
    for lead in lexicon().definition.not_the_term:  # 「这里的」「文件里说的」 are not part of the term
        if term.startswith(lead):
            term = term[len(lead) :]
    return term[-MAX_TERM:] if len(term) >= MIN_TERM else ""


def _patterns(term: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    words = lexicon().definition
    says, names = alternation(words.defines), alternation(words.names)
    quoted = f"[「“\"]?{re.escape(term)}[」”\"]?"
    forward = re.compile(rf"{quoted}\s*(?:{says})(?![{''.join(words.not_after)}])\s*([^。；;！!？?\n]{{1,200}})")
    # bounded runs: a long sentence without brackets is scanned once, not once per start position
    backward = re.compile(rf"(《[^》]{{1,80}}》|[^，,。；;（(《》]{{1,40}})\s*[（(]\s*(?:{names})\s*{quoted}\s*[）)]")
    return forward, backward


def defining(term: str, evidence: list[Evidence]) -> tuple[str, Evidence] | None:
    """(the definition as a lead line, the sentence that gives it) for the term or its longest tail the
    documents define; None when no retrieved sentence defines it."""
    for start in range(0, len(term) - MIN_TERM + 1):  # 海南三医 → 南三医 → 三医
        tail = term[start:]
        forward, backward = _patterns(tail)
        for item in evidence:
            if found := forward.search(item.sentence):
                return f"「{tail}」指{found.group(1).strip()}。", item
            if found := backward.search(item.sentence):
                return f"「{tail}」即{found.group(1).strip()}。", item
    return None


class Definition:
    """Route: what a term stands for, answered with the sentence that defines it."""

    name = "definition"

    def answer(self, context: Context) -> Candidate | None:
        term = asked_term(context.question)
        if not term or not context.evidence:
            return None
        found = defining(term, context.evidence)
        if found is None:
            return None
        lead, sentence = found
        others = [e for e in context.evidence[:2] if e.sentence != sentence.sentence]
        return Candidate(self.name, [sentence, *others[:1]], lead, confidence=0.8, structural=True)
