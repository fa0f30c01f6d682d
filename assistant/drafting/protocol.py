"""What a drafter is asked to do and what it returns.

Two implementations share this interface: ``assistant.drafting.offline.drafter.OfflineDrafter``
(composes from the applicant's own answers, no model) and
``assistant.drafting.model.drafter.ModelDrafter`` (an OpenAI-compatible chat model). The
orchestration in ``assistant.drafting.pipeline`` picks one by settings and then applies the
same length and number checks to whatever comes back.
"""

from __future__ import annotations

from typing import Literal, Protocol

from pydantic import BaseModel, Field

from assistant.core.types import Issue, Passage
from assistant.forms.spec import PartGroup, PartSpec
from assistant.llm.chat import DeltaCallback
from assistant.review.privacy import PersonTerm
from assistant.review.traceability import structure_numbers
from assistant.understanding.acts import RevisionOp


class DraftJob(BaseModel):
    """Everything needed to write (or revise) one part."""

    form_id: str
    part: PartSpec
    group: PartGroup
    field: str = ""
    case_name: str = ""
    applicant: str = ""
    significance: str = ""  # the applicant's own 申报理由 (a summary part's 意义 when built from the 简介)
    answers: list[str] = Field(default_factory=list)
    fallback_answers: dict[str, list[str]] = Field(default_factory=dict)
    other_drafts: dict[str, str] = Field(default_factory=dict)  # stored drafts of the fallback parts (the 简介's)
    budget: int
    guidance_passages: list[Passage] = Field(default_factory=list)
    exemplar_passages: list[Passage] = Field(default_factory=list)
    previous_text: str = ""
    instruction: str = ""  # the applicant's words, as typed (the model reads them; figures in them are theirs)
    revision: RevisionOp | None = None  # what the instruction asks, as the understanding layer read it
    private_terms: list[str] = Field(default_factory=list)
    people: list[PersonTerm] = Field(default_factory=list)  # 负责人/联系人: kept out of publishable parts

    def figure_sources(self) -> list[str]:
        """Texts a figure in the draft may be traced to: the one list every checker uses.

        The applicant's answers in full, the stored drafts of the parts this one is built from (they
        passed the same check), the guidance passages the drafter was given, and when revising the
        previous version and the instruction (both from the applicant).
        Never exemplars: another applicant's figures are not this applicant's facts.
        """
        sources = list(self.answers) + [t for texts in self.fallback_answers.values() for t in texts]
        sources += [t for t in self.other_drafts.values() if t.strip()]
        sources += [self.significance] if self.significance.strip() else []
        sources += [p.text for p in self.guidance_passages]
        if self.instruction.strip():
            sources += [self.previous_text, self.instruction]
        return sources

    def passage_texts(self) -> list[str]:
        """Everything retrieved for the drafter (guidance and exemplars): material, never the applicant's facts."""
        return [p.text for p in self.guidance_passages + self.exemplar_passages]

    def own_texts(self) -> list[str]:
        """The applicant's own words among the figure sources (answers, previous version, instruction).

        The copy guard measures a pasted sentence against these; the preview gate and the final
        guarantees must use the same list, or a sentence shown while streaming could be removed later.
        """
        passages = self.passage_texts()
        return [s for s in self.figure_sources() if s not in passages]

    def structure_numbers(self) -> list[str]:
        """The template's own numbers for this part (see ``review.traceability``)."""
        return structure_numbers(self.part, self.group)


RemovalReason = Literal["untraceable_figure", "prompt_text", "repeated", "passage_copied"]


class Removal(BaseModel):
    """A sentence taken out of a draft, kept so the applicant is told what was lost and why."""

    sentence: str
    reason: RemovalReason
    detail: str = ""  # the untraceable figures, the prompt text copied, the sentence it repeats


class DraftOutput(BaseModel):
    text: str
    issues: list[Issue] = Field(default_factory=list)
    source: Literal["offline", "model"] = "offline"
    model_calls: int = 0
    condense_calls: int = 0
    removed_numbers: list[str] = Field(default_factory=list)
    copied_sentences: list[str] = Field(default_factory=list)  # pasted from retrieved passages, removed
    removals: list[Removal] = Field(default_factory=list)  # every sentence the drafter took out, with why
    target: int = 0  # 字 the drafter asked for (0: it did not ask, it composed)


class Drafter(Protocol):
    """Writes a part from a job; revises when ``job.instruction`` is set."""

    mode: Literal["offline", "model"]

    def draft(self, job: DraftJob, *, on_delta: DeltaCallback | None = None) -> DraftOutput: ...

    def phrase_followup(self, part: PartSpec, missing_labels: list[str], default_text: str, answer: str) -> str: ...
