"""Test doubles that talk real protocols (currently: a fake OpenAI-compatible server)."""

from .behaviours import (
    Behaviour,
    RecordedRequest,
    empty,
    hang,
    malformed,
    missing_choices,
    no_choices,
    reply,
    reply_with,
    stall_stream,
    status,
)
from .openai_server import FakeOpenAIServer
from .writer import fluent_text, smart_writer

__all__ = [
    "Behaviour",
    "FakeOpenAIServer",
    "RecordedRequest",
    "empty",
    "fluent_text",
    "hang",
    "malformed",
    "missing_choices",
    "no_choices",
    "reply",
    "reply_with",
    "smart_writer",
    "stall_stream",
    "status",
]
