"""Shorten an imported part offline to its budget, keeping every figure and every sentence that holds one.

An imported part is the applicant's own text, often longer than the template allows. Without a
model we cannot rewrite it, so we remove what carries least: first whole sentences without a
figure (the least informative first, by ``sentence_priority``), then parenthetical asides without
a figure. Sentences with figures are never touched. If the part is still over, it says so and by
how much, so the applicant knows what is left to cut by hand.
"""

from __future__ import annotations

import re

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
    drop: set[tuple[int, int]] = set()
    dropped: list[str] = []

    def words() -> int:
        return count_words(_join(paragraphs, drop))

    removable = sorted((x for x in flat if not extract_numbers(x[2])), key=lambda x: (_priority(x[2]), -x[0], -x[1]))
    for i, j, sentence in removable:
        if words() <= budget:
            break
        drop.add((i, j))
        dropped.append(sentence)
    result = _join(paragraphs, drop)
    for aside in _ASIDE.findall(result):
        if count_words(result) <= budget:
            break
        if not extract_numbers(aside):
            result = result.replace(aside, "", 1)
            dropped.append(aside)
    total = count_words(result)
    return Condensed(text=result, words=total, dropped=dropped, still_over=max(0, total - budget))


def _join(paragraphs: list[list[str]], drop: set[tuple[int, int]]) -> str:
    lines = ["".join(s for j, s in enumerate(para) if (i, j) not in drop) for i, para in enumerate(paragraphs)]
    return "\n".join(line for line in lines if line.strip())
