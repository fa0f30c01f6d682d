"""What a drafter is asked to do and what it returns.

Two implementations share this interface: ``assistant.offline.OfflineDrafter``
(composes from the applicant's own answers, no model) and
``assistant.model_drafter.ModelDrafter`` (an OpenAI-compatible chat model). The
orchestration in ``assistant.drafting`` picks one by settings and then applies the
same length and number checks to whatever comes back.
"""

from __future__ import annotations

from typing import Literal, Protocol

from pydantic import BaseModel, Field

from .chat import DeltaCallback
from .forms import PartGroup, PartSpec


class Passage(BaseModel):
    """A retrieved passage that a draft or an answer may cite."""

    chunk_id: str
    doc_id: str
    title: str
    source: str = ""
    locator: str = ""
    kind: str = ""
    fields: list[str] = Field(default_factory=list)
    text: str
    score: float = 0.0


class Issue(BaseModel):
    """One finding about a part: shown in the report, the UI and the review."""

    part_id: str
    kind: Literal[
        "missing", "over_limit", "trimmed", "untraceable_number", "number_removed", "instruction_ignored",
        "private_data", "missing_element", "placeholder", "model_fallback", "inconsistent_name", "revision", "answer_truncated",
    ]
    message: str
    severity: Literal["info", "warning", "error"] = "warning"


class DraftJob(BaseModel):
    """Everything needed to write (or revise) one part."""

    form_id: str
    part: PartSpec
    group: PartGroup
    field: str = ""
    case_name: str = ""
    applicant: str = ""
    answers: list[str] = Field(default_factory=list)
    fallback_answers: dict[str, list[str]] = Field(default_factory=dict)
    budget: int
    guidance_passages: list[Passage] = Field(default_factory=list)
    exemplar_passages: list[Passage] = Field(default_factory=list)
    previous_text: str = ""
    instruction: str = ""
    private_terms: list[str] = Field(default_factory=list)


class DraftOutput(BaseModel):
    text: str
    issues: list[Issue] = Field(default_factory=list)
    source: Literal["offline", "model"] = "offline"
    model_calls: int = 0
    condense_calls: int = 0
    removed_numbers: list[str] = Field(default_factory=list)


class Drafter(Protocol):
    """Writes a part from a job; revises when ``job.instruction`` is set."""

    mode: Literal["offline", "model"]

    def draft(self, job: DraftJob, *, on_delta: DeltaCallback | None = None) -> DraftOutput: ...

    def phrase_followup(self, part: PartSpec, missing_labels: list[str], default_text: str, answer: str) -> str: ...
