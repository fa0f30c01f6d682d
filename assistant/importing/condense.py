"""Shorten an imported part offline to its budget, keeping every figure and every sentence that holds one.

An imported part is the applicant's own text, often longer than the template allows. Without a
model we cannot rewrite it, so we remove what carries least: first whole sentences without a
figure (the least informative first, by ``sentence_priority``), then parenthetical asides without
a figure. Sentences with figures are never touched. If the part is still over, it says so and by
how much, so the applicant knows what is left to cut by hand.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pydantic import BaseModel, Field

from assistant.core.figures import extract_numbers
from assistant.core.textlen import count_words, split_sentences

_ASIDE = re.compile(r"（[^（）]{1,60}）|\([^()]{1,60}\)")


class Condensed(BaseModel):
    text: str
    words: int
    dropped: list[str] = Field(default_factory=list)
    still_over: int = 0
    """字 over the budget after everything without a figure was removed (0: within it)."""


def _priority(sentence: str) -> int:
    hints = ("数据", "来源", "流通", "安全", "平台", "提升", "降低", "节约")
    return sum(h in sentence for h in hints)


def condense_offline(text: str, budget: int) -> Condensed:
    paragraphs = [split_sentences(p) for p in text.split("\n") if p.strip()]
    flat = [(i, j, s) for i, para in enumerate(paragraphs) for j, s in enumerate(para)]
    removable = sorted((x for x in flat if not extract_numbers(x[2])), key=lambda x: (_priority(x[2]), -x[0], -x[1]))

    def without_sentences(k: int) -> str:
        return _join(paragraphs, {(i, j) for i, j, _ in removable[:k]})

    k = _fewest(len(removable), lambda k: count_words(without_sentences(k)) <= budget)
    dropped = [sentence for _, _, sentence in removable[:k]]
    result = without_sentences(k)
    asides = [m for m in _ASIDE.finditer(result) if not extract_numbers(m.group())]
    n = _fewest(len(asides), lambda n: count_words(_without(result, asides[:n])) <= budget)
    dropped += [m.group() for m in asides[:n]]
    result = _without(result, asides[:n])
    total = count_words(result)
    return Condensed(text=result, words=total, dropped=dropped, still_over=max(0, total - budget))


def _fewest(count: int, within: Callable[[int], bool]) -> int:
    """The fewest of ``count`` removals (taken in order) after which the text is ``within`` its budget; all of them
    when it never is.

    Removing more never makes the text longer, so this is a binary search: about log₂(count) counts of the
    text, not one count per removal (which made a 100,000-character paste take seconds to minutes).
    """
    low, high = 0, count
    while low < high:
        middle = (low + high) // 2
        if within(middle):
            high = middle
        else:
            low = middle + 1
    return low


def _without(text: str, spans: list[re.Match[str]]) -> str:
    pieces, start = [], 0
    for match in spans:
        pieces.append(text[start : match.start()])
        start = match.end()
    return "".join(pieces) + text[start:]


def _join(paragraphs: list[list[str]], drop: set[tuple[int, int]]) -> str:
    lines = ["".join(s for j, s in enumerate(para) if (i, j) not in drop) for i, para in enumerate(paragraphs)]
    return "\n".join(line for line in lines if line.strip())
