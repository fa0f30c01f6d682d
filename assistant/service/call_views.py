"""What the call's process shows, per role: the applicant's status and comments, the staff's score sheet.

Applicant views carry no score, proposal, rank, staff-only note or audit entry; those
exist only in the staff views (``ScoreSheet``, the board, the audit log).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from assistant.bureau.models import Evidence, GateResult, Proposal, StaffScore


class CallInfo(BaseModel):
    form_id: str
    title: str
    deadline: str
    reopened_until: str | None = None
    open: bool
    description: str
    recommend_limit: int


class HistoryItem(BaseModel):
    at: str
    action: str
    status: str
    by: str
    """For applicants only the role (申报单位/工作人员); staff see the name."""
    reason: str = ""


class SubmissionInfo(BaseModel):
    number: int
    submitted_at: str


class CommentView(BaseModel):
    id: int
    target: str
    place: str
    text: str
    author: str
    author_role: str
    internal: bool = False
    resolved: bool = False
    parent_id: int | None = None
    submission: int = 0
    created_at: str
    replies: list[CommentView] = Field(default_factory=list)


class SubmissionStatus(BaseModel):
    """What an applicant (and staff) see about where an application stands in the call."""

    application_id: int
    status: str
    status_label: str
    submission: int = 0
    submitted_at: str = ""
    can_submit: bool = False
    can_withdraw: bool = False
    allow_errors: bool = False
    call: CallInfo
    history: list[HistoryItem] = Field(default_factory=list)
    submissions: list[SubmissionInfo] = Field(default_factory=list)
    comments: list[CommentView] = Field(default_factory=list)
    changed_since_submission: bool = False
    """The live draft differs from what was submitted (staff still review the submitted text)."""


class ScoreInput(BaseModel):
    """One staff member's level for one criterion; a reason is required when it differs from the proposal."""

    criterion: str = Field(max_length=64)
    level: int = Field(ge=0, le=3)
    reason: str = Field("", max_length=2000)


class GateInput(BaseModel):
    """A gate decided by hand (``passed`` None: back to the automatic check), always with a reason."""

    gate: str = Field(max_length=64)
    passed: bool | None = None
    reason: str = Field(max_length=2000)


class LevelView(BaseModel):
    level: int
    label: str
    anchor: str


class CriterionSheet(BaseModel):
    criterion_id: str
    title: str
    notice: str
    weight: float
    evidence_hint: str
    levels: list[LevelView]
    proposal: Proposal | None = None
    scores: list[StaffScore] = Field(default_factory=list)
    mean: float | None = None
    disagreement: bool = False
    mine: int | None = None


class ScoreSheet(BaseModel):
    """Staff only: the proposals with their evidence, every staff member's levels, the gates."""

    application_id: int
    case_name: str
    submission: int
    status: str
    status_label: str
    gates: list[GateResult]
    criteria: list[CriterionSheet]
    findings: list[Evidence] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    recommend_reason: str = ""
    source: str = "offline"
