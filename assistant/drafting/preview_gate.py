"""Hold back, while a draft streams, every sentence the guarantees would remove afterwards.

The applicant watches the draft appear and then finds it stored; if a sentence with an
invented figure, one pasted from a retrieved passage, a line of the product's own prompt or a
sentence said twice were shown and then deleted by ``pipeline.finalize_part``, the preview
would have promised text that never existed. So the model drafter asks this gate about each
cleaned sentence before it is shown (``StreamNormaliser(admit=...)``), with the same checkers
and the same sources the guarantees use afterwards (and, in a publishable part, shows it
without contact data); what it refuses or changes is recorded as a ``Removal`` and reported
like a removal after the fact.
"""

from __future__ import annotations

import re

from assistant.core.figures import known_values
from assistant.drafting.copy_guard import CopyGuard
from assistant.drafting.offline.promo import PublicVoice
from assistant.drafting.prompt_guard import machine_text
from assistant.drafting.protocol import DraftJob, Removal
from assistant.review.privacy import redact
from assistant.review.repeats import RepeatFinder
from assistant.review.traceability import untraceable_figures

_PER_REPLY = ("prompt_text", "repeated")  # found anew in each reply: only the last reply is kept


class PreviewGate:
    """``admit(sentence)``: None for a sentence with an untraceable figure, a pasted passage, prompt text or
    a repeat of a sentence shown before in this reply; in a publishable part the sentence without contact
    data (None when nothing else was in it). ``restart()`` when a new reply begins (condense, repair)."""

    def __init__(self, job: DraftJob) -> None:
        self._sources = job.figure_sources()
        self._known = known_values(self._sources)  # every streamed sentence is checked against them
        self._structure = job.structure_numbers()
        self._copies = CopyGuard(job.own_texts(), job.passage_texts())
        self._machine = machine_text(job)
        self._repeats = RepeatFinder()
        self._people = job.people if job.group.publishable else None
        self._applicant = job.applicant
        self._voice = PublicVoice(job.applicant)
        self.removed_figures: list[str] = []
        self.copied: list[str] = []
        self.private: list[str] = []  # kinds of contact data taken out (手机号码, 负责人或联系人姓名 ...)
        self.removals: list[Removal] = []

    def restart(self) -> None:
        """A new reply rewrites the part: repeats are counted afresh, and what the last reply dropped is what counts."""
        self._repeats = RepeatFinder()
        self._voice = PublicVoice(self._applicant)
        self.removals = [r for r in self.removals if r.reason not in _PER_REPLY]

    def _record(self, removal: Removal) -> None:
        key = (re.sub(r"\W", "", removal.sentence), removal.reason)
        if all((re.sub(r"\W", "", r.sentence), r.reason) != key for r in self.removals):
            self.removals.append(removal)

    def admit(self, sentence: str) -> str | None:
        kept, echoed = self._machine.clean(sentence) if self._machine.active else (sentence, None)
        if echoed is not None:
            self._record(Removal(sentence=sentence.strip(), reason="prompt_text", detail=echoed))
        if kept is None:
            return None
        sentence = kept
        figures = untraceable_figures(sentence, self._sources, self._structure, known=self._known)
        if figures:
            self.removed_figures += [f for f in figures if f not in self.removed_figures]
            self._record(Removal(sentence=sentence.strip(), reason="untraceable_figure", detail="、".join(figures)))
            return None
        if self._copies.is_copied(sentence):
            if sentence.strip() not in self.copied:
                self.copied.append(sentence.strip())
            self._record(Removal(sentence=sentence.strip(), reason="passage_copied"))
            return None
        if self._people is not None:
            voiced = self._voice(sentence)  # the public material: third person, no contact-only line
            if voiced is None:
                return None
            redaction = redact(voiced, self._people)
            self.private += [kind for kind in redaction.removed if kind not in self.private]
            sentence = redaction.text
            if not sentence.strip():
                return None
        earlier = self._repeats.add(sentence)  # last: a redaction can make two sentences the same
        if earlier is not None:
            self._record(Removal(sentence=sentence.strip(), reason="repeated", detail=earlier.strip()))
            return None
        return sentence
