"""Pre-scoring with a chat model: the model proposes a level and quotes per criterion; every quote is checked.

A quote counts only if it stands verbatim in the submitted application (whitespace aside);
the rest are dropped and the proposal says so. A level above 0 without one checked quote is
not taken: the offline proposal stays. The provenance ceiling applies as offline. When the
model cannot be reached the offline assessment is kept, with a note. A proposal is never a decision.
"""

from __future__ import annotations

import json
import re

from pydantic import BaseModel, Field, ValidationError

from assistant.bureau.models import Assessment, Evidence, Proposal, Snapshot
from assistant.bureau.prescore import located_sentences, with_ceiling
from assistant.bureau.snapshot import place_title
from assistant.core.errors import UserFacingError
from assistant.forms.rubric import Criterion
from assistant.forms.spec import FormSpec
from assistant.llm.chat import ChatModel
from assistant.llm.prompts import render_messages

MAX_TOKENS = 2000
_THINK = re.compile(r"<think>.*?</think>", re.S)
_SPACE = re.compile(r"\s+")


class ModelItem(BaseModel):
    id: str
    level: int = Field(ge=0, le=3)
    quotes: list[str] = Field(default_factory=list, max_length=10)
    reason: str = ""


class ModelReply(BaseModel):
    criteria: list[ModelItem]


def application_text(snapshot: Snapshot) -> str:
    info = snapshot.info
    parts = [f"【案例名称】{info.case_name}", f"【申报理由】{info.reason}"]
    parts += [f"【{p.title}】\n{p.text}" for p in snapshot.parts if p.text.strip()]
    return "\n\n".join(parts)


def parse_reply(raw: str) -> ModelReply | None:
    text = _THINK.sub("", raw)
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        return None
    try:
        return ModelReply.model_validate(json.loads(text[start : end + 1]))
    except (json.JSONDecodeError, ValidationError):
        return None


def locate(form: FormSpec, snapshot: Snapshot, quote: str, places: list[str]) -> Evidence | None:
    """Where ``quote`` stands verbatim (whitespace ignored) in one of ``places``, else None."""
    wanted = _SPACE.sub("", quote).strip("“”\"'")
    if len(wanted) < 4:
        return None
    for place in places:
        for position, offset, sentence in located_sentences(snapshot.text_of(place)):
            if wanted in _SPACE.sub("", sentence):
                return Evidence(place=place, place_title=place_title(form, place), position=position, offset=offset,
                                quote=quote.strip(), signals=["model"])
    return None


def _proposal(form: FormSpec, criterion: Criterion, snapshot: Snapshot, item: ModelItem | None,
              offline: Proposal) -> Proposal:
    if item is None:
        return offline.model_copy(update={"note": "模型没有给出这一项，采用离线预评分。"})
    places = ["info.reason", *form.part_ids()]
    found = [e for e in (locate(form, snapshot, q, places) for q in item.quotes) if e is not None]
    dropped = len(item.quotes) - len(found)
    if item.level > 0 and not found:
        return offline.model_copy(update={"note": "模型给出的引用在申报书中都找不到，未采用其等级，仍为离线预评分。"})
    findings = [e for e in offline.evidence if e.kind == "finding"]
    level, note = with_ceiling(criterion, criterion.level(item.level), findings)
    notes = [note] if note else []
    if dropped:
        notes.append(f"模型的{dropped}条引用在申报书中找不到，已删除。")
    if item.reason:
        notes.append(f"模型理由：{item.reason}")
    return Proposal(criterion_id=criterion.id, level=level.level, label=level.label, anchor=level.anchor,
                    evidence=found + findings, note=" ".join(notes), source="model")


def model_assessment(form: FormSpec, snapshot: Snapshot, offline: Assessment, chat_model: ChatModel) -> Assessment:
    """The model's proposals, each checked against the application; the offline ones where they fail."""
    if form.rubric is None:
        return offline
    criteria = [
        {"id": c.id, "title": c.title, "notice": c.notice, "levels": [f"{lv.level}级：{lv.anchor}" for lv in c.levels]}
        for c in form.rubric.criteria
    ]
    messages = render_messages("prescore", criteria=criteria, application=application_text(snapshot))
    try:
        reply = parse_reply(chat_model.complete(messages, max_tokens=MAX_TOKENS, structured=True))
    except UserFacingError as exc:
        note = f"模型预评分未完成（{exc.message}），采用离线预评分。"
        return offline.model_copy(update={"notes": [*offline.notes, note]})
    if reply is None:
        return offline.model_copy(update={"notes": [*offline.notes, "模型的回复不是约定的格式，采用离线预评分。"]})
    items = {item.id: item for item in reply.criteria}
    proposals = [
        _proposal(form, c, snapshot, items.get(c.id), offline.proposal(c.id) or Proposal(
            criterion_id=c.id, level=0, label=c.level(0).label, anchor=c.level(0).anchor))
        for c in form.rubric.criteria
    ]
    return Assessment(gates=offline.gates, proposals=proposals, source="model", notes=offline.notes,
                      created_at=offline.created_at)
