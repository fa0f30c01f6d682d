"""Sentences that say again what an earlier sentence of the same part already said.

A model padding towards the length it was asked for repeats itself, often with a new lead
(「此外，该做法有效提升了协同效率。」 after 「该做法有效提升了协同效率。」), and applicants restate
a point in the next answer. A reader sees the same sentence twice; the drafting guarantees keep the
first and the reviewer flags the rest. Two sentences are the same when, with their list mark, a
run-in label (「取得成效：」) and a short lead clause (「在实际运行中，」) set aside, their characters
are the same, one holds the other whole, or their character pairs overlap almost entirely — and
the later one has no figure the earlier one lacks (then it says something new).
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from assistant.core.figures import extract_numbers

MIN_KEY = 8  # shorter sentences (「成效明显。」) may well recur
SIMILAR = 0.85  # share of character pairs two near-verbatim sentences have in common (Dice)
CONTAINED_MIN = 12  # a later sentence held whole in an earlier one is a repeat from this length
MAX_COMPARISONS = 40_000  # pairwise look-ups per text; beyond it only exact repeats are found (linear)
_MARK = re.compile(r"^\s*(?:\d{1,2}[.．、]|（\d{1,2}）|[一二三四五六七八九十][是要]|[·•])\s*")
_LABEL = re.compile(r"^[^：:，。；\s]{2,8}[：:]")
_LEAD = re.compile(r"^[^，,：:。；]{1,6}[，,]")
_NON_WORD = re.compile(r"[\W_]")


class Repeat(BaseModel):
    index: int  # the repeating sentence's position in the list given
    sentence: str
    earlier: str  # the sentence it repeats


def _keys(sentence: str) -> tuple[str, str]:
    """(the sentence's key, the key without a short lead clause) — punctuation and marks dropped."""
    body = _LABEL.sub("", _MARK.sub("", sentence.strip()))
    full = _NON_WORD.sub("", body)
    core = _NON_WORD.sub("", _LEAD.sub("", body, count=1))
    return full, core if len(core) >= MIN_KEY else full


def _pairs(key: str) -> set[str]:
    return {key[i : i + 2] for i in range(len(key) - 1)}


def _values(sentence: str) -> set[float]:
    return {round(m.value, 6) for m in extract_numbers(sentence)}


class RepeatFinder:
    """Sentences fed in order; ``add`` tells whether one repeats a sentence fed before (incremental, for streams)."""

    def __init__(self) -> None:
        self._values: dict[str, set[float]] = {}  # figures of a sentence, read once however often it recurs
        self._exact: dict[str, str] = {}
        self._kept: list[tuple[str, str, set[str]]] = []  # (sentence, core key, its pairs) of sentences kept
        self._budget = MAX_COMPARISONS

    def add(self, sentence: str) -> str | None:
        """The earlier sentence ``sentence`` repeats (it is then not remembered), or None."""
        full, core = _keys(sentence)
        if len(core) < MIN_KEY:
            return None
        earlier = self._exact.get(core) or self._exact.get(full)
        pairs: set[str] = set()
        if earlier is None and self._budget > 0:
            pairs = _pairs(core)
            for other_sentence, other, other_pairs in self._kept:
                self._budget -= 1
                if _same(core, pairs, other, other_pairs):
                    earlier = other_sentence
                    break
        if earlier is not None and self._figures(sentence) <= self._figures(earlier):
            return earlier
        self._exact.setdefault(core, sentence)
        self._exact.setdefault(full, sentence)
        if self._budget > 0:
            self._kept.append((sentence, core, pairs or _pairs(core)))
        return None


    def _figures(self, sentence: str) -> set[float]:
        if sentence not in self._values:
            self._values[sentence] = _values(sentence)
        return self._values[sentence]


def find_repeats(sentences: list[str]) -> list[Repeat]:
    """The sentences (by index) that repeat an earlier one; the first of each is never listed."""
    finder = RepeatFinder()
    found = []
    for index, sentence in enumerate(sentences):
        earlier = finder.add(sentence)
        if earlier is not None:
            found.append(Repeat(index=index, sentence=sentence.strip(), earlier=earlier.strip()))
    return found


def _same(key: str, pairs: set[str], other: str, other_pairs: set[str]) -> bool:
    if len(key) >= CONTAINED_MIN and key in other:
        return True
    if not 0.7 <= len(key) / max(len(other), 1) <= 1.4:
        return False
    return 2 * len(pairs & other_pairs) >= SIMILAR * (len(pairs) + len(other_pairs))
