"""The typed result of reading one chat turn: what the applicant means, not which words they used.

A turn is read once, in context (``TurnContext``), into a ``TurnAct``; the interview, the
revision pipeline and the reply all act on that object. The same shape is produced offline
(the classifier over the shipped embedding model) and by a configured chat model (JSON checked
against this schema), so everything downstream is the same whichever reader ran.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

ActKind = Literal[
    "answer",
    "restatement",
    "question",
    "remark",
    "goto",
    "back",
    "next",
    "draft_now",
    "dont_know",
    "skip",
    "finish",
    "revise",
]
RevisionKind = Literal["shorten", "expand", "formalise", "delete", "replace", "supplement", "reorder"]
SupplementPlace = Literal["end", "point", "paragraph", "placeholder"]

ACT_KINDS: tuple[str, ...] = ActKind.__args__  # type: ignore[attr-defined]
REVISION_KINDS: tuple[str, ...] = RevisionKind.__args__  # type: ignore[attr-defined]
INTERVIEW_INTENTS = ("goto", "back", "next", "draft_now", "dont_know", "skip", "finish")


class TurnContext(BaseModel):
    """What the reader knows besides the message: where the interview stands and what exists."""

    current_part: str | None = None
    last_question: str = ""
    drafted: list[str] = Field(default_factory=list)
    part_answers: list[str] = Field(default_factory=list)
    other_answers: list[str] = Field(default_factory=list)  # answers to the other parts, for "上面说过了"


class RevisionOp(BaseModel):
    """One edit of a drafted part, with what it names; numbers count from 1, -1 is "the last"."""

    kind: RevisionKind
    sentence: int | None = None
    paragraph: int | None = None
    point: int | None = None
    quote: str = ""  # exact text to delete
    old: str = ""  # replace: text in the draft …
    new: str = ""  # … and what it becomes
    content: str = ""  # supplement: the applicant's new words
    where: SupplementPlace = "end"
    detail: str = ""  # reorder: the request in the applicant's words

    def scope(self) -> str:
        """The named place in Chinese ("第2段", "最后一句", "全文"), for replies."""
        for value, unit in ((self.sentence, "句"), (self.paragraph, "段"), (self.point, "点")):
            if value is not None:
                return f"最后一{unit}" if value == -1 else f"第{value}{unit}"
        return "全文"


class TurnAct(BaseModel):
    """What one message means. ``content`` is the part of it that is an answer (empty for a pure intent)."""

    kind: ActKind
    content: str = ""
    target: str | None = None  # the part named (goto) or to revise (revise); None: the current/last drafted
    revision: RevisionOp | None = None
    confidence: float = 1.0
    reader: Literal["offline", "model", "explicit"] = "offline"

    @property
    def label(self) -> str:
        """The flat label the classifier predicts: the act, or ``revise:<op>``."""
        return f"revise:{self.revision.kind}" if self.kind == "revise" and self.revision else self.kind


def flat_labels() -> list[str]:
    """Every label of the offline classifier, in a fixed order."""
    return [k for k in ACT_KINDS if k != "revise"] + [f"revise:{op}" for op in REVISION_KINDS]
