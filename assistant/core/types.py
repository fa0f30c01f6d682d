"""Types shared across layers: a retrieved passage and a finding about a part.

They live in core because drafting, review, knowledge and the service all speak
them; keeping them in the drafting package made the knowledge base import drafting.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


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
        "missing",
        "over_limit",
        "trimmed",
        "untraceable_number",
        "number_removed",
        "instruction_ignored",
        "private_data",
        "missing_element",
        "placeholder",
        "model_fallback",
        "inconsistent_name",
        "revision",
        "answer_truncated",
        "figure_omitted",
        "passage_copied",
        "prompt_text_removed",
        "repeat_removed",
        "figure_restored",
    ]
    message: str
    severity: Literal["info", "warning", "error"] = "warning"
