"""The chat-model interface: one method, streaming or not.

Implementations: ``assistant.llm.OpenAIChatModel`` (any OpenAI-compatible endpoint).
The offline drafter does not pretend to be a chat model; it implements the
``Drafter`` interface in ``assistant.drafter`` directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, Protocol

from pydantic import BaseModel

DeltaCallback = Callable[[str], None]

STREAM_RESTART = "\x00restart\x00"
"""A delta equal to this means: forget the text streamed so far, what follows replaces it.

A turn may make several model calls (the draft, then a number repair or a condensing
round); each later call rewrites the whole part, so the preview restarts with it and the
applicant always watches the text that will be stored."""


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant"]
    content: str


class ChatModel(Protocol):
    """A model that continues a conversation.

    ``complete`` returns the whole reply. When ``on_delta`` is given the reply is
    streamed and each new piece of text is passed to it as it arrives, in whole sentences or lines
    (closing quotes included: a piece never ends inside a sentence, so a caller can act on it); the return
    value is still the whole text, so callers re-check it after the stream ends.
    Raises ``ModelUnavailableError`` (with a Chinese message) once retries are spent.
    ``structured``: the reply is data (JSON), not prose — only reasoning blocks are removed, so the
    prose normaliser (which drops English-looking lines) cannot eat it; the caller parses and checks it.
    """

    name: str

    def complete(
        self,
        messages: list[ChatMessage],
        *,
        on_delta: DeltaCallback | None = None,
        max_tokens: int | None = None,
        structured: bool = False,
    ) -> str: ...
