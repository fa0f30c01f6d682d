"""A five-minute shot list (段落、时长、画面、解说词) drawn from the application's parts.

Offline, each segment takes the applicant's own sentences from its part — those with figures
first — up to what can be spoken in its time (about four characters a second), so the narration
says nothing the application does not. With a model, the model writes the narration as JSON
(``prompts/video_outline.md``); a sentence with a figure the application does not hold is dropped,
and a failed or unreadable reply falls back to the offline outline.
"""

from __future__ import annotations

import json
import re

from pydantic import BaseModel, Field, ValidationError

from assistant.core.errors import UserFacingError
from assistant.core.figures import extract_numbers, known_values, untraceable_numbers
from assistant.core.textlen import count_words, split_sentences
from assistant.forms.spec import FormSpec, default_form
from assistant.llm.chat import ChatModel
from assistant.llm.prompts import render_messages

CHARS_PER_SECOND = 4
TOTAL_SECONDS = 300
NARRATION_CHARS = 800
_THINK = re.compile(r"<think>.*?</think>", re.S)


class Shot(BaseModel):
    segment: str = Field(max_length=30)
    seconds: int = Field(ge=5, le=180)
    picture: str = Field(max_length=200)
    narration: str = Field(max_length=NARRATION_CHARS)


class VideoOutline(BaseModel):
    title: str
    shots: list[Shot]
    source: str = "offline"
    note: str = ""

    @property
    def total_seconds(self) -> int:
        return sum(s.seconds for s in self.shots)


def _pick(texts: list[str], seconds: int, used: set[str]) -> str:
    """The applicant's sentences that fit the time, figures first, in their original order.

    Also within a shot's NARRATION_CHARS: Word's 字数 counts a run of Latin letters or digits as one, so a long
    English sentence or a pasted number fitted the time and then failed the shot's length check."""
    sentences = [s.strip() for t in texts for s in split_sentences(t) if s.strip() and s.strip() not in used]
    ranked = sorted(range(len(sentences)), key=lambda i: (not extract_numbers(sentences[i]), i))
    budget, chosen, words, chars = seconds * CHARS_PER_SECOND, [], 0, 0
    for i in ranked:
        more = count_words(sentences[i])
        if words + more <= budget and chars + len(sentences[i]) <= NARRATION_CHARS:
            chosen.append(i)
            words, chars = words + more, chars + len(sentences[i])
    picked = [sentences[i] for i in sorted(chosen)]
    used.update(picked)
    return "".join(picked)


def offline_outline(case_name: str, texts: dict[str, str], form: FormSpec | None = None) -> VideoOutline:
    """The form spec's shot list (``media.video.outline``) narrated with the applicant's own sentences."""
    used: set[str] = set()
    shots = []
    for plan in (form or default_form()).video_outline():
        if not plan.parts:
            narration = f"{case_name.split('——')[-1] or '本案例'}。"
        else:
            narration = _pick([texts.get(p, "") for p in plan.parts], plan.seconds, used) or "【待补充：本段解说词】"
        shots.append(Shot(segment=plan.segment, seconds=plan.seconds, picture=plan.picture, narration=narration))
    return VideoOutline(title=f"{case_name or '案例'}视频拍摄提纲（约5分钟）", shots=shots)


def model_outline(
    chat: ChatModel, case_name: str, texts: dict[str, str], form: FormSpec | None = None
) -> VideoOutline:
    """The model's outline, narration checked against the application; the offline one when that fails."""
    offline = offline_outline(case_name, texts, form)
    application = "\n".join(f"{pid}：{text}" for pid, text in texts.items() if text.strip())
    plan = [s.model_dump(include={"segment", "seconds", "picture"}) for s in (form or default_form()).video_outline()]
    try:
        raw = chat.complete(
            render_messages("video_outline", case_name=case_name, application=application, plan=plan),
            max_tokens=2500,
            structured=True,
        )
    except UserFacingError as exc:
        return offline.model_copy(update={"note": f"{exc.message}已改用根据申报书整理的提纲。"})
    try:
        text = _THINK.sub("", raw)
        shots = [Shot.model_validate(s) for s in json.loads(text[text.find("{") : text.rfind("}") + 1])["shots"]]
    except (ValueError, KeyError, TypeError, ValidationError):
        return offline.model_copy(update={"note": "模型没有给出可用的提纲，已改用根据申报书整理的提纲。"})
    sources = list(texts.values())
    known = known_values(sources)  # once: checking sentence by sentence re-read the whole application each time
    for shot in shots:
        kept = [s for s in split_sentences(shot.narration) if not untraceable_numbers(s, sources, known=known)]
        shot.narration = "".join(kept) or "【待补充：本段解说词】"
    return VideoOutline(title=offline.title, shots=shots, source="model")
