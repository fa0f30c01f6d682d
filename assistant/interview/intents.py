"""Decide what one chat message means: an interview answer, or a revision of a drafted part.

Kept apart from the service so the rule is testable on its own and easy to change.
Turn intents ("没有了""不清楚""回到解决方案""下一部分"…) are interview turns, never
revisions: they go to the state machine, which reads them with ``turns.classify_turn``.
"""

from __future__ import annotations

import re

from assistant.forms.spec import FormSpec, load_form
from assistant.interview.machine import InterviewState
from assistant.interview.turns import Turn, classify_turn

REVISE_RE = re.compile(
    r"(更简洁|精简|简短一些|压缩|更正式|语气|书面|改写|重写|润色|补充[^，。]{0,12}[：:]|^补充|删除第|删去第|去掉第|第[一二三四五六七八九十\d]+段)"
)


def looks_like_revision(text: str) -> bool:
    """Short imperative edits such as “第二段更简洁”“语气更正式”“补充：…”."""
    return bool(REVISE_RE.search(text)) and (len(text) <= 60 or text.startswith(("补充", "修改")))


def classify(text: str, state: InterviewState, form: FormSpec | None = None) -> Turn:
    """The turn intent of ``text`` (answer, skip, draft_now, dont_know, back, goto, next, finish)."""
    return classify_turn(form or load_form(state.form_id), text)


def choose_action(
    text: str,
    state: InterviewState,
    drafted: set[str],
    part_id: str | None,
    action: str | None,
    form: FormSpec | None = None,
) -> tuple[str, str | None]:
    """Return ("answer" | "revise", target part id)."""
    if action == "answer":
        return "answer", state.current
    target = part_id or _last_drafted(state, drafted)
    if action == "revise":
        return "revise", target
    if classify(text, state, form).kind != "answer":
        return "answer", state.current
    if target in drafted and (state.current is None or looks_like_revision(text)):
        return "revise", target
    return "answer", state.current


def _last_drafted(state: InterviewState, drafted: set[str]) -> str | None:
    order = list(state.parts)
    if state.current in order:
        before = order[: order.index(state.current)]
        candidates = [pid for pid in before if pid in drafted]
        if candidates:
            return candidates[-1]
    drafted_in_order = [pid for pid in order if pid in drafted]
    return drafted_in_order[-1] if drafted_in_order else None
