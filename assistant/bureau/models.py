"""What the call's process records and shows: snapshots, gate results, proposals with evidence, scores.

Plain pydantic models; the store keeps them as JSON, the service hands them to the API,
the UI and the CLI.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant.forms.application import ApplicationInfo, MediaInfo
from assistant.review.findings import ReviewReport


class SnapshotPart(BaseModel):
    part_id: str
    title: str
    text: str
    words: int
    version: int | None = None


class Snapshot(BaseModel):
    """An application exactly as submitted: staff review this, never the live draft."""

    application_id: int
    number: int
    form_id: str
    info: ApplicationInfo
    media: MediaInfo
    parts: list[SnapshotPart]
    review: ReviewReport
    """The pre-submission review of the submitted text, frozen with it (gates and evidence read it)."""
    taken_at: str
    files: list[str] = Field(default_factory=list)
    """Names of the export files stored with the snapshot (the .docx as submitted, the 宣传推广材料)."""

    def text_of(self, place: str) -> str:
        """A part's text, or an info row's (``info.reason``)."""
        if place.startswith("info."):
            value = self.info.value(place.removeprefix("info."))
            return value if isinstance(value, str) else ""
        return next((p.text for p in self.parts if p.part_id == place), "")


class Evidence(BaseModel):
    """A quoted sentence of the application (where it is) or a finding of the review."""

    kind: Literal["quote", "finding"] = "quote"
    place: str
    place_title: str
    position: int = 0
    """The sentence's number within its part (1-based); 0 for a finding."""
    offset: int = 0
    """Character offset of the quote in the part's text."""
    quote: str
    signals: list[str] = Field(default_factory=list)
    """What the sentence shows (the criterion's signals: a data source, a security measure …), or the finding's rule."""


class Proposal(BaseModel):
    """The assistant's proposed level for one criterion, with the evidence. Never a decision."""

    criterion_id: str
    level: int
    label: str
    anchor: str
    evidence: list[Evidence] = Field(default_factory=list)
    note: str = ""
    """Why the level is what it is when a rule capped or replaced it (a figure without a source …)."""
    source: Literal["offline", "model"] = "offline"


class GateResult(BaseModel):
    gate_id: str
    title: str
    passed: bool
    reason: str = ""
    overridden: bool = False
    """True when a staff member decided this gate by hand (with a reason in the audit log)."""


class Assessment(BaseModel):
    """Gates and proposals for one snapshot, computed when it is submitted (or re-scored)."""

    gates: list[GateResult]
    proposals: list[Proposal]
    source: Literal["offline", "model"] = "offline"
    notes: list[str] = Field(default_factory=list)
    created_at: str = ""

    def proposal(self, criterion_id: str) -> Proposal | None:
        return next((p for p in self.proposals if p.criterion_id == criterion_id), None)


class StaffScore(BaseModel):
    """One staff member's current level for one criterion of one submission."""

    criterion_id: str
    staff_id: int
    staff_name: str
    level: int
    proposed_level: int | None = None
    reason: str = ""
    at: str = ""
