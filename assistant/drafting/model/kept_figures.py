"""Every figure the applicant gave stays in the part, whatever the model wrote — also when it is cut.

``keep_facts_trim`` cuts an overlong reply by dropping other sentences before those that carry the
applicant's figures or the first reply's numbered points; ``omitted_figures`` names what a reply left
out; ``restore_figures`` brings it back.

A model asked for a shorter, written text drops figures (and the number-repair call may not bring
them back); the applicant signs that the figures are theirs and expects all of them in. After the
model's last word, each figure of the applicant's answers still missing brings back the applicant's
own sentence that holds it — as the offline drafter would write it (written register, remarks set
aside) — in a closing paragraph; the length guarantee keeps such sentences before any other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.core.figures import extract_numbers
from assistant.core.textlen import count_words, longest_prefix_within, split_sentences, trim_to_limit
from assistant.review.privacy import find_private_data
from assistant.review.traceability import mask_ordinals

_POINT_RE = re.compile(r"^(?:\d{1,2}\.|（\d{1,2}）)")
_LABEL_RE = re.compile(r"^[^：:，。\s]{2,8}[：:]")  # a run-in label such as 「取得成效：」


def omitted_figures(text: str, answers: Iterable[str]) -> list[str]:
    """Figures of the applicant's ``answers`` that ``text`` does not contain (by value), in order."""
    present = {round(m.value, 6) for m in extract_numbers(mask_ordinals(text))}
    found: dict[str, bool] = {}
    for answer in answers:
        for mention in extract_numbers(mask_ordinals(answer)):
            found[mention.raw] = found.get(mention.raw, False) or round(mention.value, 6) in present
    return [raw for raw, ok in found.items() if not ok]


def _values(texts: Iterable[str]) -> set[float]:
    return {round(m.value, 6) for t in texts for m in extract_numbers(mask_ordinals(t))}


def point_keys(text: str) -> set[str]:
    """The numbered points of ``text``, as comparison keys (number and punctuation dropped)."""
    return {_key(_POINT_RE.sub("", line)) for line in text.split("\n") if _POINT_RE.match(line)}


def _key(sentence: str) -> str:
    return re.sub(r"[\W_]", "", sentence)


def keep_facts_trim(text: str, budget: int, applicant_texts: Iterable[str], points: Iterable[str] = ()) -> str:
    """Cut ``text`` to ``budget`` 字 at sentence ends, dropping other sentences before facts.

    Kept first: sentences that carry a figure of the applicant's or are one of ``points``
    (the first draft's numbered points, as ``point_keys``); then sentences opening a
    numbered point; then the rest, in order while they fit. Line breaks stay.
    """
    known = _values(applicant_texts)
    points = set(points)
    units: list[tuple[int, str, int]] = []  # (line, sentence, tier: 0 first, 2 last)
    for index, line in enumerate(text.split("\n")):
        for k, sentence in enumerate(split_sentences(line)):
            figures = {round(m.value, 6) for m in extract_numbers(mask_ordinals(sentence))}
            bare = _POINT_RE.sub("", sentence)
            if figures & known or {_key(bare), _key(_LABEL_RE.sub("", bare))} & points:
                tier = 0
            else:
                tier = 1 if k == 0 and _POINT_RE.match(line) else 2
            units.append((index, sentence, tier))
    first = [u for u in units if u[2] == 0]
    if sum(count_words(s) for _, s, _ in first) > budget:
        return trim_to_limit("\n".join(s for _, s, _ in first), budget)[0]
    chosen = {i for i, u in enumerate(units) if u[2] == 0}
    for tier in (1, 2):
        used = sum(count_words(units[i][1]) for i in chosen)
        for i, (_, sentence, t) in enumerate(units):
            if t == tier and used + count_words(sentence) <= budget:
                chosen.add(i)
                used += count_words(sentence)
    lines: dict[int, str] = {}
    for i in sorted(chosen):
        index, sentence, _ = units[i]
        lines[index] = lines.get(index, "") + sentence
    return "\n".join(line.strip() for _, line in sorted(lines.items()) if line.strip())


def hard_cut(text: str, limit: int) -> str:
    """Last resort when not even one sentence fits: cut characters and close the sentence."""
    cut = text[: longest_prefix_within(text, limit - 1)] if limit > 0 else ""  # "。" counts one more
    return cut + "。" if cut else ""


def restore_figures(text: str, answers: list[str]) -> tuple[str, list[str]]:
    """(``text`` with a closing paragraph of the answer sentences holding its missing figures, those sentences).

    A phone number, e-mail or ID number is contact data, not a figure of the case: never brought back.
    """
    present = _values([text])
    added: list[str] = []
    for answer in answers:
        for line in answer.split("\n"):
            for sentence in split_sentences(line):
                values = _values([sentence])
                if values and not values <= present and not find_private_data(sentence):
                    added.append(sentence.strip())
                    present |= values
    if not added:
        return text, []
    return text.rstrip() + "\n" + "".join(added), added
