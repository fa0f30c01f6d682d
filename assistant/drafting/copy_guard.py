"""Keep retrieved passages out of the applicant's text: they are guidance, not the applicant's facts.

A model given the action plan's directions or an exemplar case tends to paste them in
("取得成效：推进智能网联汽车创新发展……"), which reads as a claim the applicant never
made. A sentence that mostly repeats a passage and not the applicant's own answers is
removed and reported; naming a direction in a few words stays possible, because the
sentence must be long and mostly copied before it is dropped.
"""

from __future__ import annotations

import re

from assistant.core.textlen import split_sentences

GRAM = 4
MIN_HAN = 8
COPIED_SHARE = 0.6
OWN_SHARE = 0.3
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
_QUOTED = re.compile(r"“[^”]{0,40}”|《[^》]{0,60}》|「[^」]{0,40}」")


def _grams(text: str) -> set[str]:
    runs = _HAN_RUN.findall(text)
    return {run[i : i + GRAM] for run in runs for i in range(len(run) - GRAM + 1)}


def drop_copied_sentences(text: str, answers: list[str], passages: list[str]) -> tuple[str, list[str]]:
    """(text without pasted passage sentences, the sentences removed)."""
    source = _grams("\n".join(passages))
    if not source:
        return text, []
    own = _grams("\n".join(answers))
    lines, dropped = [], []
    for line in text.split("\n"):
        kept = []
        for sentence in split_sentences(line):
            unquoted = _QUOTED.sub("", sentence)  # naming a direction or a document in quotes is citing it
            grams = _grams(unquoted)
            han = sum(len(run) for run in _HAN_RUN.findall(unquoted))
            copied = len(grams & source) / len(grams) if grams else 0.0
            mine = len(grams & own) / len(grams) if grams else 0.0
            if han >= MIN_HAN and copied >= COPIED_SHARE and mine < OWN_SHARE:
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
