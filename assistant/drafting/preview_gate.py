"""Hold back, while a draft streams, every sentence the guarantees would remove afterwards.

The applicant watches the draft appear and then finds it stored; if a sentence with an
invented figure or one pasted from a retrieved passage were shown and then deleted by
``pipeline.finalize_part``, the preview would have promised text that never existed.
So the model drafter asks this gate about each cleaned sentence before it is shown
(``StreamNormaliser(admit=...)``), with the same checkers and the same sources the
guarantees use afterwards (and, in a publishable part, shows it without contact data);
what it refuses or changes is recorded and reported like a removal after the fact.
"""

from __future__ import annotations

from assistant.core.figures import known_values
from assistant.drafting.copy_guard import CopyGuard
from assistant.drafting.protocol import DraftJob
from assistant.review.privacy import redact
from assistant.review.traceability import untraceable_figures


class PreviewGate:
    """``admit(sentence)``: None for a sentence with an untraceable figure or a pasted passage; in a
    publishable part the sentence without contact data (None when nothing else was in it)."""

    def __init__(self, job: DraftJob) -> None:
        self._sources = job.figure_sources()
        self._known = known_values(self._sources)  # every streamed sentence is checked against them
        self._structure = job.structure_numbers()
        self._copies = CopyGuard(job.own_texts(), job.passage_texts())
        self._people = job.people if job.group.publishable else None
        self.removed_figures: list[str] = []
        self.copied: list[str] = []
        self.private: list[str] = []  # kinds of contact data taken out (手机号码, 负责人或联系人姓名 ...)

    def admit(self, sentence: str) -> str | None:
        figures = untraceable_figures(sentence, self._sources, self._structure, known=self._known)
        if figures:
            self.removed_figures += [f for f in figures if f not in self.removed_figures]
            return None
        if self._copies.is_copied(sentence):
            if sentence.strip() not in self.copied:
                self.copied.append(sentence.strip())
            return None
        if self._people is None:
            return sentence
        redaction = redact(sentence, self._people)
        self.private += [kind for kind in redaction.removed if kind not in self.private]
        return redaction.text if redaction.text.strip() else None
