"""Hold back, while a draft streams, every sentence the guarantees would remove afterwards.

The applicant watches the draft appear and then finds it stored; if a sentence with an
invented figure or one pasted from a retrieved passage were shown and then deleted by
``pipeline.finalize_part``, the preview would have promised text that never existed.
So the model drafter asks this gate about each cleaned sentence before it is shown
(``StreamNormaliser(admit=...)``), with the same checkers and the same sources the
guarantees use afterwards; what it refuses is recorded and reported like a removal
after the fact.
"""

from __future__ import annotations

from assistant.drafting.copy_guard import CopyGuard
from assistant.drafting.protocol import DraftJob
from assistant.review.traceability import untraceable_figures


class PreviewGate:
    """``admit(sentence)``: False for a sentence with an untraceable figure or a pasted passage."""

    def __init__(self, job: DraftJob) -> None:
        self._sources = job.figure_sources()
        self._structure = job.structure_numbers()
        passages = [p.text for p in job.guidance_passages + job.exemplar_passages]
        own = [s for s in self._sources if s not in passages]  # the applicant's words, as in finalize_part
        self._copies = CopyGuard(own, passages)
        self.removed_figures: list[str] = []
        self.copied: list[str] = []

    def admit(self, sentence: str) -> bool:
        figures = untraceable_figures(sentence, self._sources, self._structure)
        if figures:
            self.removed_figures += [f for f in figures if f not in self.removed_figures]
            return False
        if self._copies.is_copied(sentence):
            if sentence.strip() not in self.copied:
                self.copied.append(sentence.strip())
            return False
        return True
