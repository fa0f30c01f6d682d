"""A stored picture or video and what the checks found."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Severity = Literal["错误", "警告", "建议"]


class MediaFinding(BaseModel):
    severity: Severity
    message: str


class MediaFacts(BaseModel):
    """What the checks read from the file itself."""

    kind: Literal["image", "video"]
    mime: str
    format: str
    width: int = 0
    height: int = 0
    duration_s: float = 0.0
    codec: str = ""
    findings: list[MediaFinding] = Field(default_factory=list)


class MediaItem(BaseModel):
    """One stored file of an application; ``slot`` is ``image:<n>`` (the template's picture n) or ``video``."""

    id: int
    application_id: int
    slot: str
    filename: str
    stored_name: str
    size: int
    facts: MediaFacts
    generated: bool = False
    """Made by the assistant (the 数据要素流向图), not uploaded."""
    created_at: str = ""

    @property
    def picture_number(self) -> int | None:
        return int(self.slot.split(":")[1]) if self.slot.startswith("image:") else None
