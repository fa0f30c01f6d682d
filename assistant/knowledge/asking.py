"""How a question asks, as opposed to what it asks about: the words weighed at a fraction when evidence is scored.

Why apart: every route weighs the same question's words, and these are read by part of speech and by the shape of
an A-not-A question, not from the documents.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.knowledge.question import QUESTION_CHARS

FUNCTION_TAGS = ("d", "r", "p", "c", "u", "y", "e", "o", "f")  # jieba part-of-speech classes of such words


@lru_cache(maxsize=256)
def function_words(text: str) -> frozenset[str]:
    """Words that say how the question asks, not what about, by their part of speech (adverbs, pronouns,
    prepositions, particles: 直接, 怎么样) and single characters that are not nouns (会, 能;
    钱 stays): a rare word of that kind in the documents otherwise outweighed the subject, so 「会下雨吗」
    matched 「好的案例会量化……」. Cached: every route's weighting of the same question asks again."""
    import jieba.posseg

    tagged = jieba.posseg.lcut(text[:QUESTION_CHARS])
    return frozenset(
        w.word for w in tagged if w.flag.startswith(FUNCTION_TAGS) or (len(w.word) == 1 and w.flag[:1] != "n")
    ) | _asking_pairs(text[:QUESTION_CHARS])


_A_NOT_A = re.compile(r"([\u4e00-\u9fff])(不|没)\1")


def _asking_pairs(text: str) -> frozenset[str]:
    """The pieces of an A-not-A question (是不是, 会不会, 有没有: 不是, 不会, 没有): how it asks, though 不是 alone is
    a rare word of the documents (「不是国家数据局发布的……原文」 answered 「是不是都会报到国家数据局」)."""
    pieces: set[str] = set()
    for found in _A_NOT_A.finditer(text):
        verb, no = found.group(1), found.group(2)
        pieces |= {found.group(0), no + verb, verb}
    return frozenset(pieces)
