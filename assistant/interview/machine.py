"""The interview as a pure state machine: no I/O, no model calls.

It walks the form part by part, asks each part's questions, asks at most N
follow-ups when an answer lacks a required element (numbers, data sources, data
flow, security measures, results), honours 跳过, and reports which parts are done.
The service persists the state after every turn; this module only computes it.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from assistant.forms.spec import FormSpec
from assistant.interview.elements import missing_elements

SKIP_WORDS = {"跳过", "跳过。", "skip", "略过", "暂不回答", "下一步", "下一个"}


class PartProgress(BaseModel):
    answers: list[str] = Field(default_factory=list)
    question_index: int = 0
    followups_asked: int = 0
    pending_element: str | None = None
    pending_missing: list[str] = Field(default_factory=list)
    done: bool = False
    skipped: bool = False


class InterviewState(BaseModel):
    form_id: str
    current: str | None = None
    parts: dict[str, PartProgress] = Field(default_factory=dict)


class Prompt(BaseModel):
    """What the assistant asks next, and which part (if any) just became ready to draft."""

    kind: Literal["question", "followup", "done"]
    part_id: str | None
    text: str
    missing: list[str] = Field(default_factory=list)
    completed_part: str | None = None


def start(form: FormSpec) -> tuple[InterviewState, Prompt]:
    state = InterviewState(form_id=form.id, parts={pid: PartProgress() for pid in form.part_ids()})
    return _advance(state, form, completed=None)


def is_skip(text: str) -> bool:
    return text.strip().lower() in SKIP_WORDS


def current_prompt(state: InterviewState, form: FormSpec) -> Prompt:
    """Re-derive the question standing open (after a reload), without changing state."""
    if state.current is None:
        return _done_prompt(form, None)
    part = form.part(state.current)
    progress = state.parts[state.current]
    if progress.pending_element:
        missing = progress.pending_missing or [progress.pending_element]
        return Prompt(kind="followup", part_id=part.id, text=_followup_text(form, missing), missing=missing)
    index = min(progress.question_index, len(part.questions) - 1)
    return Prompt(kind="question", part_id=part.id, text=_question_text(form, part.id, index))


def record_answer(
    state: InterviewState, form: FormSpec, text: str, max_followups: int
) -> tuple[InterviewState, Prompt]:
    """Record ``text`` against the current part and decide what to ask next."""
    state = state.model_copy(deep=True)
    if state.current is None:
        return state, _done_prompt(form, None)
    part = form.part(state.current)
    progress = state.parts[part.id]
    if is_skip(text):
        progress.done = True
        progress.skipped = not progress.answers
        progress.pending_element, progress.pending_missing = None, []
        return _advance(state, form, completed=part.id)
    progress.answers.append(text.strip())
    progress.pending_element, progress.pending_missing = None, []
    if progress.question_index + 1 < len(part.questions):
        progress.question_index += 1
        return state, Prompt(
            kind="question", part_id=part.id, text=_question_text(form, part.id, progress.question_index)
        )
    missing = missing_elements(form, part.required_elements, "\n".join(progress.answers))
    if missing and progress.followups_asked < max_followups:
        progress.followups_asked += 1
        progress.pending_element = missing[0]
        progress.pending_missing = missing
        return state, current_prompt(state, form)
    progress.done = True
    return _advance(state, form, completed=part.id)


def jump_to(state: InterviewState, form: FormSpec, part_id: str) -> tuple[InterviewState, Prompt]:
    """Reopen ``part_id`` so further answers are added to it."""
    form.part(part_id)
    state = state.model_copy(deep=True)
    state.current = part_id
    progress = state.parts[part_id]
    progress.done = False
    progress.pending_element, progress.pending_missing = None, []
    progress.question_index = min(progress.question_index, len(form.part(part_id).questions) - 1)
    return state, current_prompt(state, form)


def _advance(state: InterviewState, form: FormSpec, completed: str | None) -> tuple[InterviewState, Prompt]:
    for pid in form.part_ids():
        if not state.parts[pid].done:
            state.current = pid
            prompt = current_prompt(state, form)
            return state, prompt.model_copy(update={"completed_part": completed})
    state.current = None
    return state, _done_prompt(form, completed)


def _followup_text(form: FormSpec, missing: list[str]) -> str:
    labels = "、".join(form.elements[m].label for m in missing)
    return f"{form.elements[missing[0]].followup}（本部分还缺少：{labels}。如暂时没有，可回答“跳过”。）"


def _question_text(form: FormSpec, part_id: str, index: int) -> str:
    part = form.part(part_id)
    group = form.group_of(part_id)
    header = f"【{group.number}、{_short_title(group.title)} {part.number}{part.title}】" if index == 0 else ""
    return f"{header}{part.questions[index]}"


def _short_title(title: str) -> str:
    return re.sub(r"^“数据要素×”典型", "", title)


def _done_prompt(form: FormSpec, completed: str | None) -> Prompt:
    return Prompt(
        kind="done",
        part_id=None,
        text="所有部分都已访谈完毕。您可以继续用对话修改任一部分（例如“第二段更简洁”），或点击“导出 Word”。",
        completed_part=completed,
    )


def unanswered_parts(state: InterviewState) -> list[str]:
    return [pid for pid, p in state.parts.items() if not p.answers]
