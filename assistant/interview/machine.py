"""The interview as a pure state machine: no I/O, no model calls.

It walks the form part by part, asks each part's questions, asks at most N
follow-ups when an answer lacks a required element (numbers, data sources, data
flow, security measures, results) — never for an element the answers already hold,
never the same follow-up twice — and acts on turns the understanding layer has read
(``turns.Turn``): answers, restatements (only new facts are kept), skip, draft now,
don't know, go back, go to a part, next part, finish. Which elements a text holds is
asked of an injected ``missing`` function, so this module stays pure. A part whose
answers already hold every required element is not asked its remaining questions.
A part closed while elements are still missing is drafted with 【待补充：…】 markers,
and the next prompt says what is missing. The service persists the state after every
turn; this module only computes it.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from assistant.forms.spec import FormSpec
from assistant.interview.turns import MissingElements, Turn

MARKER_PREFIX = "【待补充："


class PartProgress(BaseModel):
    answers: list[str] = Field(default_factory=list)
    question_index: int = 0
    followups_asked: int = 0
    pending_element: str | None = None
    pending_missing: list[str] = Field(default_factory=list)
    asked_elements: list[str] = Field(default_factory=list)
    unresolved: list[str] = Field(default_factory=list)
    done: bool = False
    skipped: bool = False


class InterviewState(BaseModel):
    form_id: str
    current: str | None = None
    parts: dict[str, PartProgress] = Field(default_factory=dict)
    pending_drafts: list[str] = Field(default_factory=list)
    """Parts this turn closed whose drafts are not stored yet: stored with the applicant's message,
    cleared one by one as each draft lands, so a turn killed mid-draft is found and finished later."""


class Prompt(BaseModel):
    """What the assistant asks next, and which part (if any) just became ready to draft."""

    kind: Literal["question", "followup", "done"]
    part_id: str | None
    text: str
    missing: list[str] = Field(default_factory=list)
    completed_part: str | None = None
    # every part closed by this turn (a "finish" closes several); completed_part is the first
    completed_parts: list[str] = Field(default_factory=list)
    intent: str = "answer"


def start(form: FormSpec) -> tuple[InterviewState, Prompt]:
    state = InterviewState(form_id=form.id, parts={pid: PartProgress() for pid in form.part_ids()})
    return _advance(state, form, completed=None)


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


def record_turn(
    state: InterviewState, form: FormSpec, turn: Turn, max_followups: int, missing: MissingElements
) -> tuple[InterviewState, Prompt]:
    """Apply one understood turn to the current part and decide what to ask next."""
    current = state.current
    if turn.kind in ("goto", "back") and turn.content.strip() and current is not None:
        # "成效就是降了17个点，然后回到创新点": the answer stays with the part it answered
        state = state.model_copy(deep=True)
        state.parts[current].answers.append(turn.content.strip())
    if turn.kind == "goto" and turn.target:
        state, prompt = jump_to(state, form, turn.target)
        return state, prompt.model_copy(update={"intent": "goto"})
    if turn.kind == "back":
        return _back(state, form)
    state = state.model_copy(deep=True)
    if state.current is None or turn.kind in ("question", "remark"):
        return state, current_prompt(state, form).model_copy(update={"intent": turn.kind})
    part = form.part(state.current)
    progress = state.parts[part.id]
    content = turn.content.strip()
    if content:
        progress.answers.append(content)
    if turn.kind in ("skip", "draft_now", "next"):
        return _close(state, form, part.id, turn.kind, missing)
    if turn.kind == "finish":
        return _finish(state, form, part.id, missing)
    if turn.kind == "dont_know" and not content:
        if not progress.pending_element and progress.question_index + 1 < len(part.questions):
            progress.question_index += 1  # "不清楚" to one question moves to the next one
            return state, Prompt(
                kind="question",
                part_id=part.id,
                text="好的，这一问先留空。" + _question_text(form, part.id, progress.question_index),
                intent="dont_know",
            )
        return _close(state, form, part.id, "dont_know", missing)
    return _after_content(state, form, part.id, turn.kind, max_followups, missing)


def _after_content(
    state: InterviewState, form: FormSpec, part_id: str, intent: str, max_followups: int, missing: MissingElements
) -> tuple[InterviewState, Prompt]:
    """After an answer (or a restatement): the next question, a follow-up for a gap not asked yet, or close.

    The part's remaining questions are skipped once its answers hold every required element: asking
    "请尽量给出具体数字" right after three figures is what the applicant already did.
    """
    part = form.part(part_id)
    progress = state.parts[part_id]
    progress.pending_element, progress.pending_missing = None, []
    lacking = missing(part.required_elements, _answers_text(progress)) if _answers_text(progress) else list(
        part.required_elements
    )
    if progress.question_index + 1 < len(part.questions) and (lacking or not part.required_elements):
        progress.question_index += 1
        return state, Prompt(
            kind="question", part_id=part.id, text=_question_text(form, part.id, progress.question_index), intent=intent
        )
    not_yet_asked = [m for m in lacking if m not in progress.asked_elements]
    if not_yet_asked and progress.followups_asked < max_followups:
        progress.followups_asked += 1
        # ask for the first gap not asked about yet: never the same follow-up twice
        progress.pending_element = not_yet_asked[0]
        progress.pending_missing = not_yet_asked + [m for m in lacking if m not in not_yet_asked]
        progress.asked_elements.append(not_yet_asked[0])
        return state, current_prompt(state, form).model_copy(update={"intent": intent})
    return _close(state, form, part.id, intent, missing)


def _answers_text(progress: PartProgress) -> str:
    return "\n".join(a for a in progress.answers if not a.startswith(MARKER_PREFIX))


def _close(
    state: InterviewState, form: FormSpec, part_id: str, intent: str, missing: MissingElements
) -> tuple[InterviewState, Prompt]:
    """Mark ``part_id`` done; if it has answers but lacks elements, mark them 【待补充】 and say so."""
    part = form.part(part_id)
    progress = state.parts[part_id]
    progress.done = True
    progress.skipped = not [a for a in progress.answers if not a.startswith(MARKER_PREFIX)]
    progress.pending_element, progress.pending_missing = None, []
    progress.answers = [a for a in progress.answers if not a.startswith(MARKER_PREFIX)]
    lacking = missing(part.required_elements, _answers_text(progress)) if progress.answers else []
    progress.unresolved = lacking
    labels = [form.elements[m].label for m in lacking]
    if lacking:
        progress.answers.append(f"{MARKER_PREFIX}{'、'.join(labels)}】")
    state, prompt = _advance(state, form, completed=part_id)
    note = _closing_note(form, part_id, labels, progress.skipped)
    return state, prompt.model_copy(update={"text": note + prompt.text, "intent": intent})


def _closing_note(form: FormSpec, part_id: str, missing_labels: list[str], skipped: bool) -> str:
    title = form.part(part_id).title
    if skipped:
        return f"好的，“{title}”先留空，草稿中会标注【待补充】，之后可以说“回到{title}”再补充。\n"
    if missing_labels:
        return (
            f"好的，先按现有内容起草“{title}”；还缺少：{'、'.join(missing_labels)}，"
            f"草稿中已标注【待补充】，之后可以说“回到{title}”补充。\n"
        )
    return ""


def _finish(
    state: InterviewState, form: FormSpec, part_id: str, missing: MissingElements
) -> tuple[InterviewState, Prompt]:
    """Close the current part and every part not yet done; the prompt lists what stays empty."""
    closed = [part_id] + [pid for pid in form.part_ids() if pid != part_id and not state.parts[pid].done]
    for pid in closed:
        state, _ = _close(state, form, pid, "finish", missing)
    empty = [form.part(pid).title for pid in closed if state.parts[pid].skipped]
    text = "好的，结束访谈，按现有回答起草。"
    if empty:
        text += f"以下部分还没有回答，草稿中标注了【待补充】：{'、'.join(empty)}。"
    state.current = None
    done = _done_prompt(form, part_id)
    return state, done.model_copy(update={"text": text + done.text, "completed_parts": closed, "intent": "finish"})


def _back(state: InterviewState, form: FormSpec) -> tuple[InterviewState, Prompt]:
    order = form.part_ids()
    index = order.index(state.current) if state.current in order else len(order)
    target = order[max(0, index - 1)]
    state, prompt = jump_to(state, form, target)
    return state, prompt.model_copy(update={"intent": "back"})


def jump_to(state: InterviewState, form: FormSpec, part_id: str) -> tuple[InterviewState, Prompt]:
    """Reopen ``part_id`` so further answers are added to it."""
    form.part(part_id)
    state = state.model_copy(deep=True)
    state.current = part_id
    progress = state.parts[part_id]
    progress.done = False
    progress.pending_element, progress.pending_missing = None, []
    progress.asked_elements = []
    progress.answers = [a for a in progress.answers if not a.startswith(MARKER_PREFIX)]
    progress.question_index = min(progress.question_index, len(form.part(part_id).questions) - 1)
    return state, current_prompt(state, form)


def _advance(state: InterviewState, form: FormSpec, completed: str | None) -> tuple[InterviewState, Prompt]:
    for pid in form.part_ids():
        if not state.parts[pid].done:
            state.current = pid
            prompt = current_prompt(state, form)
            return state, prompt.model_copy(
                update={"completed_part": completed, "completed_parts": [completed] if completed else []}
            )
    state.current = None
    return state, _done_prompt(form, completed)


def _followup_text(form: FormSpec, missing: list[str]) -> str:
    labels = "、".join(form.elements[m].label for m in missing)
    return (
        f"{form.elements[missing[0]].followup}（本部分还缺少：{labels}。"
        "如暂时没有，可回答“跳过”“不清楚”或“先这样，直接起草”。）"
    )


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
        completed_parts=[completed] if completed else [],
    )


def unanswered_parts(state: InterviewState) -> list[str]:
    return [pid for pid, p in state.parts.items() if not [a for a in p.answers if not a.startswith(MARKER_PREFIX)]]
