"""宣传推广材料 from the 简介 answers, by role: what each part of the public material is for.

A summary part (the form's ``summary``) is to summarise three things the template names — the significance
for the industry, the problem, what the case does — not to copy the part the problem comes from: so it takes
the applicant's own statement of significance (申报理由) when there is one, the problem's most telling sentences
(figures first), the approach's opening sentence and the heads of its enumerated measures
(「一是病虫害预警；二是产量预测」). A part's numbered sub-points take data and flow, security governance and
results from whichever 简介 part holds them — a sentence serves a point when it holds the point's element,
whichever point it serves best — so the security sub-point comes from the part whose questions ask for security
instead of a 【待补充】 mark. The public material speaks of the applicant in the third person (its name, then
该单位), as the reviewed register table says.
"""

from __future__ import annotations

import re

from assistant.core.figures import extract_numbers
from assistant.core.textlen import count_words, split_sentences
from assistant.drafting.offline.register import load_register
from assistant.drafting.offline.roles import is_contact, subpoint_of, without_contact
from assistant.forms.spec import FormSpec, SubPoint, SummarySources
from assistant.understanding.shipped import element_reader

PROBLEM_SENTENCES = 2  # 问题 in a summary part: the most telling sentences of its problem part, figures first
APPROACH_SENTENCES = 1  # 做法: the opening sentence of its approach part, then the heads of its measures
MOVED_PER_SUBPOINT = 3  # 简介 sentences that fill an empty sub-point of a part with sub-points
_ORDINALS = "一二三四五六七八九十"
_ITEM = re.compile(r"^([一二三四五六七八九十])是")
_HEAD_END = re.compile(r"[，,；;：:。]")


def _has_figure(sentence: str) -> bool:
    return bool(extract_numbers(sentence))


def _heads(items: list[str]) -> str:
    """「一是病虫害预警；二是产量预测。」 from the enumerated measures (each up to its first comma), renumbered."""
    heads: list[str] = []
    for item in items:
        head = _ITEM.sub("", _HEAD_END.split(item, 1)[0])
        if count_words(head) >= 3 and len(heads) < len(_ORDINALS):
            heads.append(f"{_ORDINALS[len(heads)]}是{head}")
    return "；".join(heads) + "。" if len(heads) >= 2 else ""


def describe(
    moved_from: list[tuple[str, str]], significance: list[str], summary: SummarySources | None
) -> list[list[str]]:
    """A summary part's paragraphs: 意义 and 问题, then 做法 (the sentences are the applicant's, cleaned).

    Which parts hold the 问题 and the 做法 is the form spec's ``summary``; a part without one is not summarised.
    """
    if summary is None:
        return []
    problem = [s for pid, s in moved_from if pid == summary.problem]
    solution = [s for pid, s in moved_from if pid == summary.approach]
    ranked = sorted(range(len(problem)), key=lambda i: (not _has_figure(problem[i]), i))[:PROBLEM_SENTENCES]
    first = significance[:1] + [problem[i] for i in sorted(ranked)]
    items = [s for s in solution if _ITEM.match(s)]
    plain = [s for s in solution if not _ITEM.match(s)]
    opening = plain[:APPROACH_SENTENCES]
    heads = _heads(items)
    if heads:
        second = opening + [heads]
    else:  # no enumerated measures: the approach's most telling sentences after the opening, figures first
        rest = plain[APPROACH_SENTENCES:] + items
        ranked = sorted(range(len(rest)), key=lambda i: (not _has_figure(rest[i]), i))[:PROBLEM_SENTENCES]
        second = opening + [rest[i] for i in sorted(ranked)]
    return [p for p in (first, second) if p]


def fill_points(
    form: FormSpec,
    subpoints: list[SubPoint],
    buckets: list[list[str]],
    moved_from: list[tuple[str, str]],
) -> bool:
    """Fill each empty sub-point with 简介 sentences holding its element; True when any was used.

    A sentence from the part whose questions ask for the element comes first (the element is among
    its ``required_elements``), a sentence with figures first for a point that asks for numbers; a sentence
    already in another point is not used twice.
    """
    sentences = [s for _, s in moved_from]
    held = dict(zip(sentences, element_reader(form).present(sentences), strict=True)) if sentences else {}
    used = {s for b in buckets for s in b}
    candidates: dict[int, list[tuple[int, int, int, str]]] = {}
    for index, sp in enumerate(subpoints):
        if buckets[index]:
            continue
        wanted = {e for e in sp.elements if e != "numbers"}
        candidates[index] = []
        for order, (pid, sentence) in enumerate(moved_from):
            found = set(held.get(sentence, set()))
            if sentence in used or not wanted & found:
                continue
            # tier 0: from the part that asks for the element and serving this point best; 1: either; 2: holds it
            asked = bool(wanted & set(form.part(pid).required_elements))
            best = subpoint_of(form, subpoints, sentence) in (index, None)
            figures = 0 if "numbers" in sp.elements and "numbers" in found else 1
            candidates[index].append((2 - asked - best, figures, order, sentence))
    moved = False
    # the point with the fewest good sentences chooses first: a sentence holding both data and security
    # goes to the security sub-point when nothing else can fill it
    for index in sorted(candidates, key=lambda i: (sum(c[0] < 2 for c in candidates[i]), i)):
        free = sorted(c for c in candidates[index] if c[-1] not in used)
        top = [c for c in free if free and c[0] == free[0][0]][:MOVED_PER_SUBPOINT]
        for *_, sentence in top:
            buckets[index].append(_ITEM.sub("", sentence))  # 「一是」 of the approach's list means nothing in a point
            used.add(sentence)
            moved = True
    said_at = {_ITEM.sub("", s): i for i, s in enumerate(sentences)}
    for bucket in buckets:  # in the order the applicant said them
        bucket.sort(key=lambda s: said_at.get(s, -1))
    return moved


def third_person(text: str, applicant: str) -> str:
    """The public material's voice: 「本单位」 becomes the applicant's name once, then 「该单位」; 本集团 → 该集团 …"""
    register = load_register()
    if applicant.strip() and "本单位" in text:
        text = text.replace("本单位", applicant.strip(), 1)
    for own, third in register.third_person.items():
        text = text.replace(own, third)
    return text


class PublicVoice:
    """``public_voice`` sentence by sentence, for a stream: the applicant is named at its first mention."""

    def __init__(self, applicant: str) -> None:
        self.applicant = applicant
        self.named = False

    def __call__(self, sentence: str) -> str | None:
        if is_contact(sentence) and without_contact(sentence) is None:
            return None
        if not self.named and "本单位" in sentence and self.applicant.strip():
            self.named = True
            sentence = sentence.replace("本单位", self.applicant.strip(), 1)
        return third_person(sentence, "")


def public_voice(text: str, applicant: str) -> str:
    """Text fit for the public material: third person, and no sentence that was only a contact line."""
    lines = []
    for line in text.split("\n"):
        kept = [s for s in split_sentences(line) if not is_contact(s) or without_contact(s) is not None]
        if "".join(kept).strip():
            lines.append("".join(kept))
    return third_person("\n".join(lines), applicant)
