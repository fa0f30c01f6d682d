"""Take the machinery out of a draft: the product's prompt text and sentences said twice.

Both drafters' output passes here (``pipeline.finalize_part``) before the other guarantees, and the
streamed preview asks the same questions sentence by sentence (``PreviewGate``), so what is shown is
what is stored. A removed sentence is returned with the reason, for the report and the applicant.
Lines are kept; a numbered point that loses all its sentences goes, and the points after it are
renumbered; a run-in heading (「2.……：」) survives the removal of the sentence it opens.
"""

from __future__ import annotations

import re

from assistant.core.textlen import split_sentences
from assistant.drafting import draft_text as dt
from assistant.drafting.protocol import Removal
from assistant.review.machine_text import MachineText
from assistant.review.repeats import find_repeats

_HEADING = re.compile(r"^\s*(?:\d{1,2}[.．、]|（\d{1,2}）)?[^：:，。；\s]{2,12}[：:]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _rebuild(lines: list[list[str]], removed_at: set[tuple[int, int]]) -> str:
    out: list[list[str]] = []
    for i, sentences in enumerate(lines):
        kept: list[str] = []
        heading_only = False
        for j, sentence in enumerate(sentences):
            if (i, j) not in removed_at:
                kept.append(sentence)
                heading_only = False
            elif j == 0 and (heading := _HEADING.match(sentence)) and len(_HAN.findall(heading.group())) >= 2:
                kept.append(heading.group())  # the line's own heading stays, only the sentence goes
                heading_only = True
        if "".join(kept).strip() and not heading_only:
            out.append(kept)
    return dt.join(dt.renumber(out))


def _split(text: str) -> list[list[str]]:
    return [split_sentences(line) for line in text.split("\n") if line.strip()]


def strip_prompt_text(text: str, machine: MachineText) -> tuple[str, list[Removal]]:
    """``text`` without the sentences (or phrases inside them) that copy the product's prompt."""
    if not machine.active:
        return text, []
    lines = _split(text)
    removals: list[Removal] = []
    removed_at: set[tuple[int, int]] = set()
    for i, sentences in enumerate(lines):
        for j, sentence in enumerate(sentences):
            kept, echoed = machine.clean(sentence)
            if echoed is None:
                continue
            removals.append(Removal(sentence=sentence.strip(), reason="prompt_text", detail=echoed))
            if kept is None:
                removed_at.add((i, j))
            else:
                sentences[j] = kept
    return (_rebuild(lines, removed_at) if removals else text), removals


def drop_repeated(text: str) -> tuple[str, list[Removal]]:
    """``text`` with every sentence that repeats an earlier one of the part removed (the first stays)."""
    lines = _split(text)
    places = [(i, j) for i, sentences in enumerate(lines) for j in range(len(sentences))]
    flat = [lines[i][j] for i, j in places]
    repeats = find_repeats(flat)
    if not repeats:
        return text, []
    removed_at = {places[r.index] for r in repeats}
    removals = [Removal(sentence=r.sentence, reason="repeated", detail=r.earlier) for r in repeats]
    return _rebuild(lines, removed_at), removals


def clean_draft(text: str, machine: MachineText) -> tuple[str, list[Removal]]:
    """Prompt text out first (a copied label must not make a real sentence look repeated), then repeats."""
    text, echoed = strip_prompt_text(text, machine)
    text, repeated = drop_repeated(text)
    return text, echoed + repeated
