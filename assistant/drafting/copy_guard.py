"""Keep retrieved passages out of the applicant's text: they are guidance, not the applicant's facts.

A model given the action plan's directions or an exemplar case tends to paste them in
("取得成效：推进智能网联汽车创新发展……"), which reads as a claim the applicant never
made. A sentence that mostly repeats a passage and not the applicant's own answers is
removed and reported; naming a direction in a few words stays possible, because the
sentence must be long and mostly copied before it is dropped.
"""

from __future__ import annotations

import re

from assistant.core.chinese import han_count, han_grams, is_copied, split_sentences

_QUOTED = re.compile(r"“[^”]{0,40}”|《[^》]{0,60}》|「[^」]{0,40}」")


class CopyGuard:
    """The passages' and the applicant's 4-grams, computed once; ``is_copied`` tests one sentence."""

    def __init__(self, answers: list[str], passages: list[str]) -> None:
        self._source = han_grams("\n".join(passages))
        self._own = han_grams("\n".join(answers))

    @property
    def active(self) -> bool:
        """False when there are no passages: nothing can have been copied."""
        return bool(self._source)

    def is_copied(self, sentence: str) -> bool:
        if not self._source:
            return False
        unquoted = _QUOTED.sub("", sentence)  # naming a direction or a document in quotes is citing it
        return is_copied(han_grams(unquoted), han_count(unquoted), self._source, self._own)


def copied_message(sentences: list[str]) -> str:
    """What the applicant is told, once per part, about removed sentences (the same words while streaming
    and after); the sentences themselves are kept in the version's report (``copied_sentences``)."""
    first = sentences[0][:30] + ("……" if len(sentences[0]) > 30 else "")
    many = f"等{len(sentences)}句" if len(sentences) > 1 else ""
    return f"草稿照搬了参考材料中的句子（“{first}”{many}），它们不是您提供的事实，已删除。"


def drop_copied_sentences(text: str, answers: list[str], passages: list[str]) -> tuple[str, list[str]]:
    """(text without pasted passage sentences, the sentences removed)."""
    guard = CopyGuard(answers, passages)
    if not guard.active:
        return text, []
    lines, dropped = [], []
    for line in text.split("\n"):
        kept = []
        for sentence in split_sentences(line):
            if guard.is_copied(sentence):
                dropped.append(sentence.strip())
            else:
                kept.append(sentence)
        if "".join(kept).strip():
            lines.append("".join(kept))
    return (_renumber(lines) if dropped else "\n".join(lines)), dropped


_POINT = re.compile(r"^(\d{1,2})([.．])")


def _renumber(lines: list[str]) -> str:
    """Close the gaps a removed point leaves ("1." "2." "4." becomes "1." "2." "3.")."""
    out, expected = [], 1
    for line in lines:
        match = _POINT.match(line)
        if match is None:
            expected = 1
            out.append(line)
            continue
        out.append(f"{expected}{match.group(2)}{line[match.end() :]}")
        expected += 1
    return "\n".join(out)
