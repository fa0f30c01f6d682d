"""What kind of fact an answer must hold when the question asks for one: a phone number for 电话, an amount of money
for 奖金, a date for 哪天公布 (the lexicon's ``needs``).

Why apart from the scoring: these decide whether an answer stands at all (:func:`assistant.knowledge.scope.too_weak`),
and a case card's lines are ordered by them, not scored by them.
"""

from __future__ import annotations

import re
from functools import cache

from assistant.knowledge.evidence import Evidence, leading
from assistant.knowledge.lexicon import any_of, lexicon
from assistant.knowledge.question import Question


@cache
def _needs() -> tuple[tuple[re.Pattern[str], re.Pattern[str], str, str, tuple[str, ...], tuple[str, ...]], ...]:
    return tuple(
        (any_of(*n.asks), re.compile(n.holds, re.IGNORECASE), n.only_for, n.not_for, tuple(n.only_with),
         tuple(n.not_with))
        for n in lexicon().needs
    )


def needed_facts(question: Question) -> list[re.Pattern[str]]:
    """What an answering sentence must hold: a phone number for 电话, an amount of money for 奖金 … (lexicon);
    a need named for one question type applies only to questions of that type, one named against a type not to
    questions of that type; one named with words (``only_with``/``not_with``) only when the question holds / does
    not hold one of them. Only the asking clauses count: 「我们是……的业务处室，……需要怎么配合」 asks no address."""
    asking = " ".join(question.parts) or question.text
    return [
        holds
        for asks, holds, only_for, not_for, only_with, not_with in _needs()
        if _asks(asks, asking)
        and (not only_for or question.has(only_for))
        and not (not_for and question.has(not_for))
        and (not only_with or any(w in question.text for w in only_with))
        and not any(w in question.text for w in not_with)
    ]


def _asks(asks: re.Pattern[str], text: str) -> bool:
    """Does the text ask it? 「这几天在整理材料」 points at these days, it asks no number of days: an asking word right
    after 这/那 points."""
    return any(found.start() == 0 or text[found.start() - 1] not in POINTERS for found in asks.finditer(text))


POINTERS = "这那"



def missing_needed_fact(question: Question, evidence: list[Evidence], lead: str = "", every: bool = False) -> bool:
    """The question asks for a phone number, address, amount or name that no leading sentence holds, nor the
    candidate's lead. ``every``: all the evidence counts, not the leading lines (a structural route's lines are in
    the document's order: the form's 负责人 is its sixth line)."""
    top = evidence if every else leading(evidence, count=5)  # a case card's names lead; its figures follow close
    return any(
        not (any(holds.search(e.sentence) for e in top) or holds.search(lead)) for holds in needed_facts(question)
    )
