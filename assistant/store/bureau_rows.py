"""The rows the bureau's storage reads and writes (see :mod:`assistant.store.bureau`): pydantic at the store's
boundary, so the services never hold a raw database row."""

from __future__ import annotations

from pydantic import BaseModel, Field

from assistant.store.json_object import JsonObject


class AuditEntry(BaseModel):
    """One line of the audit log."""

    id: int = 0
    at: str = ""
    actor_id: int
    actor_name: str
    actor_role: str
    application_id: int | None = None
    action: str
    target: str = ""
    old: str = ""
    new: str = ""
    reason: str = ""


class CallEntryRow(BaseModel):
    application_id: int
    status: str
    submission: int
    allow_errors: bool
    pin: int | None
    pinned_at: str | None
    recommend_reason: str | None
    gate_overrides: JsonObject
    updated_at: str


class SubmissionRow(BaseModel):
    id: int
    application_id: int
    number: int
    case_name: str
    applicant: str
    co_applicants: list[str]
    field: str
    snapshot: JsonObject | None = None
    submitted_by: int
    submitted_at: str


class BoardRecord(BaseModel):
    """What the board reads per application in one query: its entry, its current submission, the assessment."""

    entry: CallEntryRow
    submission: SubmissionRow
    assessment: JsonObject


class ScoreRow(BaseModel):
    id: int
    submission_id: int
    staff_id: int
    staff_name: str
    criterion_id: str
    level: int
    proposed_level: int | None
    reason: str
    created_at: str


class CommentRow(BaseModel):
    id: int
    application_id: int
    submission: int
    parent_id: int | None
    author_id: int
    author_name: str
    author_role: str
    target: str
    text: str
    internal: bool
    resolved_at: str | None
    resolved_by: str | None
    created_at: str


class NewScore(BaseModel):
    criterion_id: str
    level: int
    proposed_level: int | None = None
    reason: str = ""


class NewSubmission(BaseModel):
    case_name: str
    applicant: str
    co_applicants: list[str] = Field(default_factory=list)
    field: str
    snapshot: JsonObject
    files: dict[str, bytes] = Field(default_factory=dict)
    assessment: JsonObject
    source: str = "offline"
