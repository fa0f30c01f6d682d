"""Scripted behaviours of the fake OpenAI-compatible server, and what it records.

A test queues behaviours (one per chat request, first in first out) and sets a
default for when the queue is empty. Each behaviour says what the next
``/v1/chat/completions`` request gets: a fixed reply, a reply computed from the
request, an HTTP error, a hang, malformed JSON, an empty reply or no choices.
The same behaviour works for JSON and for SSE streaming requests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

BehaviourKind = Literal["reply", "status", "hang", "malformed", "empty", "no_choices", "missing_choices"]

_TASK_RE = re.compile(r"【任务：([^】]+)】")
_LENGTH_RE = re.compile(r"【篇幅】\s*约\s*(\d+)\s*字[^\n]*?不超过\s*(\d+)\s*字")


@dataclass
class RecordedRequest:
    """One request the server received (body already parsed from JSON when possible)."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", [])) if isinstance(self.body, dict) else []

    def _text_of(self, role: str) -> str:
        return "\n".join(str(m.get("content", "")) for m in self.messages if m.get("role") == role)

    @property
    def system_text(self) -> str:
        return self._text_of("system")

    @property
    def user_text(self) -> str:
        return self._text_of("user")

    @property
    def prompt_text(self) -> str:
        return "\n".join(str(m.get("content", "")) for m in self.messages)

    @property
    def stream(self) -> bool:
        return bool(isinstance(self.body, dict) and self.body.get("stream"))

    @property
    def task(self) -> str:
        """The task named in the prompt (起草/压缩/修改/追问/数字核对), or ''."""
        match = _TASK_RE.search(self.prompt_text)
        return match.group(1) if match else ""

    @property
    def target(self) -> int | None:
        """The requested length (约 N 字) from the prompt's 【篇幅】 line."""
        match = _LENGTH_RE.search(self.prompt_text)
        return int(match.group(1)) if match else None

    @property
    def budget(self) -> int | None:
        """The hard limit (不超过 N 字) from the prompt's 【篇幅】 line."""
        match = _LENGTH_RE.search(self.prompt_text)
        return int(match.group(2)) if match else None

    def block(self, tag: str) -> str:
        """Text of the data block ``<tag>`` … ``</tag>`` (tags on lines of their own) in the user message."""
        name = re.escape(tag)
        match = re.search(rf"^<{name}>\n(.*?)\n?^</{name}>$", self.user_text, re.S | re.M)
        return match.group(1) if match else ""


ReplyFunction = Callable[[RecordedRequest], str]


@dataclass
class Behaviour:
    """What the server does with one chat request."""

    kind: BehaviourKind
    text: str = ""
    compute: ReplyFunction | None = None
    status: int = 200
    seconds: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    chunk_size: int = 6
    stall_after: int | None = None  # streaming only: go silent for ``seconds`` after this many chunks

    def reply_text(self, request: RecordedRequest) -> str:
        return self.compute(request) if self.compute else self.text


def reply(text: str, *, chunk_size: int = 6) -> Behaviour:
    """Answer with ``text`` (streamed in pieces of ``chunk_size`` characters when asked to stream)."""
    return Behaviour("reply", text=text, chunk_size=chunk_size)


def reply_with(compute: ReplyFunction, *, chunk_size: int = 6) -> Behaviour:
    """Answer with text computed from the request (e.g. twice the budget found in the prompt)."""
    return Behaviour("reply", compute=compute, chunk_size=chunk_size)


def status(code: int, message: str = "fake error", *, retry_after: float | None = None) -> Behaviour:
    """Answer with an HTTP error and an OpenAI-style error body."""
    headers = {"retry-after": str(retry_after)} if retry_after is not None else {}
    return Behaviour("status", text=message, status=code, headers=headers)


def hang(seconds: float, then: str = "迟到的回复。") -> Behaviour:
    """Say nothing for ``seconds`` (longer than the client's timeout), then reply with ``then``."""
    return Behaviour("hang", text=then, seconds=seconds)


def stall_stream(text: str, *, after_chunks: int, seconds: float, chunk_size: int = 6) -> Behaviour:
    """Stream ``after_chunks`` pieces of ``text``, then go silent for ``seconds`` (a stream dying mid-way)."""
    return Behaviour("reply", text=text, chunk_size=chunk_size, stall_after=after_chunks, seconds=seconds)


def malformed() -> Behaviour:
    """Send a body that is not valid JSON (an SSE event that is not JSON when streaming)."""
    return Behaviour("malformed")


def empty() -> Behaviour:
    """A well-formed completion whose content is the empty string."""
    return Behaviour("empty")


def no_choices() -> Behaviour:
    """A well-formed completion with ``choices: []``."""
    return Behaviour("no_choices")


def missing_choices() -> Behaviour:
    """A JSON body without a ``choices`` key at all."""
    return Behaviour("missing_choices")
