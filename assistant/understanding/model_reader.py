"""Model mode: the configured chat model reads the turn as JSON; the offline reader is the floor.

The offline classifier reads every turn first (it is cheap and always there). When it is sure
(``confident``), its reading stands and no model call is made: a slow model must not add seconds to
"下一部分". Otherwise the model is asked for the same ``TurnAct`` as JSON; the reply is checked —
schema, a part id that exists, a revision only of a drafted part, every quoted span taken from the
message — and one retry is allowed. A reply that still fails, a timeout or an unreachable model
leaves the offline reading in place. Nothing the model says is trusted unchecked.
"""

from __future__ import annotations

import json
import logging
import re

from pydantic import ValidationError

from assistant.core.errors import ModelUnavailableError
from assistant.forms.spec import FormSpec
from assistant.llm.chat import ChatModel
from assistant.llm.prompts import render_messages
from assistant.understanding.acts import TurnAct, TurnContext
from assistant.understanding.reader import TurnReader

log = logging.getLogger(__name__)
_JSON_RE = re.compile(r"\{.*\}", re.S)


class ModelTurnReader:
    """``read(text, context)`` like ``TurnReader``, asking the model only when the classifier is unsure."""

    def __init__(self, offline: TurnReader, chat_model: ChatModel, confident: float = 0.85) -> None:
        self.offline = offline
        self.chat_model = chat_model
        self.confident = confident

    @property
    def form(self) -> FormSpec:
        return self.offline.form

    def read(self, text: str, context: TurnContext) -> TurnAct:
        fallback = self.offline.read(text, context)
        if fallback.confidence >= self.confident:
            return fallback
        messages = render_messages(
            "understand_turn",
            parts=[f"{p.id}：{p.number}{p.title}" for p in self.form.all_parts()],
            current=context.current_part or "无",
            last_question=context.last_question or "（无）",
            drafted="、".join(context.drafted) or "无",
            part_answers=context.part_answers[-3:],
            message=text,
        )
        for _attempt in range(2):
            try:
                reply = self.chat_model.complete(messages, max_tokens=400, structured=True)
            except ModelUnavailableError:
                return fallback
            act = self.checked(reply, text, context)
            if act is not None:
                return act
        log.info("model reading of a turn failed its checks twice; the offline reading stands")
        return fallback

    def checked(self, reply: str, text: str, context: TurnContext) -> TurnAct | None:
        """The reply as a TurnAct, or None when it is not JSON, not the schema, or not true to the message."""
        match = _JSON_RE.search(reply or "")
        if not match:
            return None
        try:
            act = TurnAct.model_validate({**json.loads(match.group(0)), "reader": "model", "confidence": 1.0})
        except (json.JSONDecodeError, ValidationError, TypeError):
            return None
        part_ids = set(self.form.part_ids())
        if act.target is not None and act.target not in part_ids:
            return None
        if act.kind == "goto" and act.target is None:
            return None
        if act.kind == "revise" and (act.revision is None or not context.drafted):
            return None
        spans = [act.content]
        if act.revision is not None:
            spans += [act.revision.quote, act.revision.old, act.revision.content]
        if any(span and _squash(span) not in _squash(text) for span in spans):
            return None
        return act


def _squash(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())
