"""What the interview needs to know of one message: its kind, the answer it carries, the part it names.

Reading a message is the understanding layer's job (``assistant.understanding``); the state machine
only acts on the result. Kinds beyond an answer: a restatement ("上面说过了"; ``content`` holds only
facts the part does not have yet), a question to the assistant or a remark (no content, nothing
changes), and the interview intents — skip, draft now, don't know, back, go to a part, next, finish.
An intent may carry content: "……已覆盖3800户。没有了，请直接起草" is draft-now with that answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from pydantic import BaseModel

TurnKind = Literal[
    "answer", "restatement", "question", "remark", "skip", "draft_now", "dont_know", "back", "goto", "next", "finish"
]
CONTENT_FREE = ("question", "remark")

MissingElements = Callable[[Sequence[str], str], list[str]]
"""``missing(element_ids, text)`` → the ids ``text`` lacks, in order (the understanding layer's element reader)."""


class Turn(BaseModel):
    kind: TurnKind
    content: str = ""  # what of the message is an answer (empty for a pure intent)
    target: str | None = None  # part id for goto
