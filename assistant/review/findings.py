"""What the pre-submission reviewer reports: findings with a severity, and the materials checklist."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant.core.types import Passage

Severity = Literal["错误", "警告", "建议"]
SEVERITY_ORDER: dict[str, int] = {"错误": 0, "警告": 1, "建议": 2}


class Finding(BaseModel):
    """One problem, at one part, with the text that shows it and a one-line fix."""

    rule: str
    severity: Severity
    part_id: str
    message: str
    excerpt: str = ""
    fix: str = ""
    citations: list[Passage] = Field(default_factory=list)


class ChecklistItem(BaseModel):
    id: str
    requirement: str
    notice: str
    status: Literal["已具备", "未声明", "请自查"]
    detail: str = ""


class Alignment(BaseModel):
    """An action-plan direction for the applicant's field and whether the case speaks to it."""

    direction: str
    addressed: bool
    matched_terms: list[str] = Field(default_factory=list)
    note: str = ""
    """The source's own caveat, e.g. “摘要，待与原文核对”: shown with the direction, never hidden."""
    citation: Passage | None = None


class ReviewReport(BaseModel):
    findings: list[Finding]
    checklist: list[ChecklistItem]
    alignment: list[Alignment]

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)
