"""What the service returns to the API, UI and CLI: plain pydantic views."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant.core.types import Issue, Passage
from assistant.forms.application import ApplicationInfo, MediaInfo
from assistant.interview.machine import Prompt

PartStatus = Literal["未开始", "进行中", "已起草", "需补充"]


class PartView(BaseModel):
    part_id: str
    group_id: str
    number: str
    title: str
    status: PartStatus
    words: int = 0
    budget: int = 0
    text: str = ""
    version: int | None = None
    source: str = ""
    issues: list[Issue] = Field(default_factory=list)
    citations: list[Passage] = Field(default_factory=list)


class GroupView(BaseModel):
    id: str
    number: str
    title: str
    words: int
    limit: int


class MessageView(BaseModel):
    role: str
    content: str
    part_id: str | None = None
    created_at: str = ""


class ApplicationSummary(BaseModel):
    id: int
    owner_id: int
    case_name: str
    field: str
    applicant: str
    updated_at: str


class ApplicationView(ApplicationSummary):
    form_id: str
    info: ApplicationInfo
    media: MediaInfo
    parts: list[PartView]
    groups: list[GroupView]
    messages: list[MessageView]
    prompt: Prompt
    info_issues: list[Issue] = Field(default_factory=list)
    interrupted: list[str] = Field(default_factory=list)
    """Parts whose drafting was cut off; ``Service.resume_interrupted`` (or the next message) finishes them."""


class TurnResult(BaseModel):
    """The reply to one chat turn, after everything it changed is stored."""

    reply: str
    prompt: Prompt
    drafted_part: str | None = None
    revised_part: str | None = None
    issues: list[Issue] = Field(default_factory=list)
    application: ApplicationView
    understood: str = ""  # how the message was read: an act ("answer", "question" …) or "revise:<op>"


class VersionView(BaseModel):
    version: int
    parent_version: int | None
    text: str
    words: int
    budget: int
    source: str
    action: str
    created_at: str
    is_head: bool = False
    issues: list[Issue] = Field(default_factory=list)


class GroupWords(BaseModel):
    id: str
    title: str
    words: int
    limit: int


class OverviewRow(BaseModel):
    """One line of the staff overview: who, what, how far, what is still wrong."""

    id: int
    owner_id: int
    applicant: str
    case_name: str
    field: str
    parts_drafted: int
    parts_total: int
    groups: list[GroupWords]
    errors: int
    warnings: int
    updated_at: str
