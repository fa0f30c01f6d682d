"""Offline pre-scoring: a proposed level per criterion with the sentences that show it.

Each criterion of the rubric names where to look (parts, or the 申报理由 row) and what
marks a sentence as evidence: an element detector of the understanding layer
(``assistant.understanding.shipped.element_reader``, one batch per place) or the rubric's cue
words. The encoder reads the first ``MAX_PIECES`` sentences of a place and the form's keywords the rest,
so an overlong part costs seconds of CPU, not minutes. The proposed level is the highest whose rule
holds (enough evidence sentences, each required kind among them). The review's findings are shown as
evidence against; a figure without a traceable source caps the criterion (the provenance ceiling).
A proposal is never a decision: staff accept or change it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.bureau.gates import check_gates
from assistant.bureau.models import Assessment, Evidence, Proposal, Snapshot
from assistant.bureau.snapshot import place_title
from assistant.core.textlen import split_sentences
from assistant.forms.rubric import Criterion, Level, Signal
from assistant.forms.spec import FormSpec
from assistant.review.traceability import mask_ordinals
from assistant.understanding.elements import MAX_PIECES
from assistant.understanding.shipped import element_reader

MAX_QUOTES = 6
UNTRACEABLE = "untraceable_figure"


def located_sentences(text: str) -> list[tuple[int, int, str]]:
    """(sentence number from 1, character offset, sentence) for each non-blank sentence."""
    found, offset, number = [], 0, 0
    for piece in split_sentences(text):
        stripped = piece.strip()
        if stripped:
            number += 1
            found.append((number, offset + piece.find(stripped), stripped))
        offset += len(piece)
    return found


def plain_sentence(form: FormSpec, place: str, sentence: str) -> str:
    """The sentence as evidence is read: without a sub-point's printed label (“2.……：”, which names
    a kind of evidence without being one) and with list ordinals masked (“1.” is not a figure)."""
    return _plain(_labels(form, place), sentence)


def _labels(form: FormSpec, place: str) -> tuple[str, ...]:
    if place not in form.part_ids():
        return ()
    return tuple(f"{point.number}{point.title}{mark}" for point in form.part(place).subpoints for mark in ("：", ":"))


def _plain(labels: tuple[str, ...], sentence: str) -> str:
    for label in labels:
        sentence = sentence.removeprefix(label)
    return mask_ordinals(sentence)


@lru_cache(maxsize=256)
def _cue_pattern(cues: tuple[str, ...]) -> re.Pattern[str] | None:
    """Any of a signal's cue words, as one search (a part of 2,000 sentences was tested cue by cue)."""
    return re.compile("|".join(re.escape(cue) for cue in cues)) if cues else None


def _hits(signal: Signal, cues: re.Pattern[str] | None, sentence: str, elements: set[str]) -> bool:
    if cues is not None and cues.search(sentence):
        return True
    return bool(signal.element) and signal.element in elements


Reading = list[tuple[int, int, str, str, set[str]]]
"""A place read once: (sentence number, offset, sentence, the sentence as evidence is read, its elements)."""


def _read_place(form: FormSpec, snapshot: Snapshot, place: str) -> Reading:
    located = located_sentences(snapshot.text_of(place))
    labels = _labels(form, place)
    plains = [_plain(labels, sentence) for _, _, sentence in located]
    held = element_reader(form).present(plains, budget=MAX_PIECES)
    rows = zip(located, plains, held, strict=True)
    return [(n, at, sentence, plain, elements) for (n, at, sentence), plain, elements in rows]


def evidence_sentences(
    form: FormSpec, criterion: Criterion, snapshot: Snapshot, readings: dict[str, Reading] | None = None
) -> list[Evidence]:
    """Every sentence in the criterion's places that shows at least one of its signals, in order.

    ``readings``: places already read, shared by the criteria of one assessment (several criteria look at
    the same part; each read it again)."""
    readings = {} if readings is None else readings
    found: list[Evidence] = []
    for place in criterion.parts:
        if place not in readings:
            readings[place] = _read_place(form, snapshot, place)
        signals = [(s, _cue_pattern(tuple(s.cues))) for s in criterion.signals if place in (s.parts or criterion.parts)]
        for position, offset, sentence, plain, elements in readings[place]:
            shown = [s for s, cues in signals if _hits(s, cues, plain, elements)]
            if shown:
                found.append(
                    Evidence(
                        place=place,
                        place_title=place_title(form, place),
                        position=position,
                        offset=offset,
                        quote=sentence,
                        signals=[s.id for s in shown],
                    )
                )
    return found


def level_for(criterion: Criterion, evidence: list[Evidence]) -> Level:
    """The highest level whose rule holds for this evidence (level 0 always holds)."""
    shown = {s for e in evidence for s in e.signals}
    for level in criterion.levels:  # highest first
        counted = all(sum(signal in e.signals for e in evidence) >= n for signal, n in level.counts.items())
        if len(evidence) >= level.min_sentences and set(level.requires) <= shown and counted:
            return level
    return criterion.level(0)


def pick_quotes(criterion: Criterion, evidence: list[Evidence], limit: int = MAX_QUOTES) -> list[Evidence]:
    """A few quotes that between them show every signal found, then the richest others, in text order."""
    chosen: list[Evidence] = []
    for signal in criterion.signals:
        first = next((e for e in evidence if signal.id in e.signals and e not in chosen), None)
        if first is not None and not any(signal.id in e.signals for e in chosen):
            chosen.append(first)
    for item in sorted(evidence, key=lambda e: -len(e.signals)):
        if len(chosen) >= limit:
            break
        if item not in chosen:
            chosen.append(item)
    order = {id(e): i for i, e in enumerate(evidence)}
    return sorted(chosen[:limit], key=lambda e: order[id(e)])


def finding_evidence(form: FormSpec, criterion: Criterion, snapshot: Snapshot) -> list[Evidence]:
    """The review's findings about this criterion's places (a missing source, a figure without one …)."""
    places = set(criterion.parts) | {form.group_of(p).id for p in criterion.parts if p in form.part_ids()}
    return [
        Evidence(
            kind="finding",
            place=f.part_id,
            place_title=place_title(form, f.part_id),
            quote=f.message + (f"（{f.excerpt}）" if f.excerpt else ""),
            signals=[f.rule],
        )
        for f in snapshot.review.findings
        if f.rule in criterion.findings and f.part_id in places
    ]


def with_ceiling(criterion: Criterion, level: Level, findings: list[Evidence]) -> tuple[Level, str]:
    cap = criterion.cap_untraceable
    if cap is None or level.level <= cap:
        return level, ""
    untraceable = [e for e in findings if UNTRACEABLE in e.signals]
    if not untraceable:
        return level, ""
    note = f"有{len(untraceable)}处数字找不到出处，本项最高{cap}级（原为{level.level}级）。"
    return criterion.level(cap), note


def propose(
    form: FormSpec, criterion: Criterion, snapshot: Snapshot, readings: dict[str, Reading] | None = None
) -> Proposal:
    evidence = evidence_sentences(form, criterion, snapshot, readings)
    findings = finding_evidence(form, criterion, snapshot)
    level, note = with_ceiling(criterion, level_for(criterion, evidence), findings)
    return Proposal(
        criterion_id=criterion.id,
        level=level.level,
        label=level.label,
        anchor=level.anchor,
        evidence=pick_quotes(criterion, evidence) + findings,
        note=note,
    )


def prescore(form: FormSpec, snapshot: Snapshot) -> list[Proposal]:
    """A proposal for every criterion of the form's rubric (none without a rubric)."""
    readings: dict[str, Reading] = {}
    return [propose(form, c, snapshot, readings) for c in (form.rubric.criteria if form.rubric else [])]


def assess(form: FormSpec, snapshot: Snapshot, at: str) -> Assessment:
    """Gates and offline proposals for a snapshot, as stored with it at submission."""
    return Assessment(gates=check_gates(form, snapshot), proposals=prescore(form, snapshot), created_at=at)
