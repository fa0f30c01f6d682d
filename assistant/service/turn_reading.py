"""Read one chat message in its context, once per turn, with the reader the settings choose.

The context is what the understanding layer needs besides the words: the part the interview stands
on, the question just asked, the parts already drafted, the part's answers so far and the others'.
The UI may say outright what a message is (the "修改" button sends ``action="revise"``); that is
honoured, and the reader still supplies the operation and its arguments.
"""

from __future__ import annotations

from assistant.core.settings import Settings
from assistant.forms.spec import FormSpec
from assistant.interview.machine import MARKER_PREFIX, InterviewState, current_prompt
from assistant.llm.chat import ChatModel
from assistant.understanding.acts import RevisionOp, TurnAct, TurnContext
from assistant.understanding.model_reader import ModelTurnReader
from assistant.understanding.reader import TurnReader
from assistant.understanding.shipped import turn_reader


def turn_context(form: FormSpec, state: InterviewState, drafted: set[str]) -> TurnContext:
    def own(answers: list[str]) -> list[str]:
        return [a for a in answers if not a.startswith(MARKER_PREFIX)]

    current = state.current
    return TurnContext(
        current_part=current,
        last_question=current_prompt(state, form).text,
        drafted=[pid for pid in form.part_ids() if pid in drafted],
        part_answers=own(state.parts[current].answers) if current in state.parts else [],
        other_answers=[a for pid, p in state.parts.items() if pid != current for a in own(p.answers)],
    )


def read_turn(
    form: FormSpec,
    state: InterviewState,
    drafted: set[str],
    text: str,
    settings: Settings,
    chat_model: ChatModel | None,
    action: str | None = None,
) -> TurnAct:
    """The act ``text`` is, read once. An explicit ``action`` from the UI narrows it: "skip" (the 跳过 button),
    "answer" (for the interview, never a revision) or "revise" (a revision of the selected part)."""
    context = turn_context(form, state, drafted)
    offline = turn_reader(form)
    if action == "skip":
        return TurnAct(kind="skip", reader="explicit")
    if action == "answer":  # "for the interview, not a revision": read with nothing drafted to revise
        return offline.read(text, context.model_copy(update={"drafted": []}))
    if action == "revise":
        return _as_revision(offline, text, context)
    if chat_model is not None and settings.understanding_mode != "offline":
        confident = 1.01 if settings.understanding_mode == "model" else 0.85
        reader = ModelTurnReader(offline, chat_model, confident=confident)
        return reader.read(text, context)
    return offline.read(text, context)


def _as_revision(offline: TurnReader, text: str, context: TurnContext) -> TurnAct:
    """The UI said "this is a revision": the most likely revision operation, with its arguments."""
    context = context.model_copy(update={"drafted": context.drafted or ["_"]})
    probs = offline.probabilities([text], [context])[0]
    revise = [(p, label) for p, label in zip(probs, offline.model.classes, strict=True) if label.startswith("revise:")]
    confidence, label = max(revise)
    act = offline.act_for(label, float(confidence), text, context)
    return (
        act.model_copy(update={"reader": "explicit"})
        if act.revision
        else TurnAct(kind="revise", revision=RevisionOp(kind="supplement", content=text), reader="explicit")
    )
