"""The chat turns of the service: answers, follow-ups, drafts, revisions, questions, undo and recovery.

Each message is read once by the understanding layer (``turn_reading``) into a typed act, and the
act decides what happens: an answer or a restatement goes to the interview (a restatement adds only
its new facts), a question to the assistant is answered from the template and the knowledge base and
the interview resumes, a remark changes nothing, a revision is done, verified and stored — or refused
with the reason. The applicant's message is committed before anything else happens; the parts a turn
closes are recorded as pending with it and cleared as each draft lands, so a turn cut off mid-draft
is found and finished (``resume_interrupted``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant.auth.principal import Principal
from assistant.core.errors import InvalidInputError, LimitExceededError, ModelUnavailableError, UserFacingError
from assistant.core.text_input import clean_block
from assistant.core.types import Issue
from assistant.forms.spec import FormSpec, load_form
from assistant.interview.machine import InterviewState, Prompt, current_prompt, jump_to, record_turn
from assistant.interview.turns import Turn
from assistant.llm.chat import ChatModel, DeltaCallback
from assistant.service.part_drafting import StoredDraft, draft_and_store
from assistant.service.turn_reading import read_turn
from assistant.service.views import ApplicationView, TurnResult, VersionView
from assistant.store.json_object import JsonObject
from assistant.store.rows import ApplicationRow
from assistant.understanding.acts import INTERVIEW_INTENTS, RevisionOp, TurnAct
from assistant.understanding.rules import rule_book
from assistant.understanding.shipped import element_reader

DEFAULT_FORM = "cq-2024-batch2"
if TYPE_CHECKING:
    from assistant.service.service import Service

QUESTION_ANSWER_CHARS = 400  # a question mid-interview gets a short answer; the Q&A tab has the long one


MOVE_FLOOR = 0.5  # a move of the interview is carried out only when the offline reader thinks it more likely than not


def unsure_move(act: TurnAct) -> bool:
    """A move of the interview (next, skip, finish …) the offline reader is at most even-odds sure of. Such a move
    closes a part, drafts it early or ends the interview; read wrongly (「第七部分」 as 「下一个」 at 0.36) it stored
    a 【待补充】 the applicant never asked for. A chat model's reading or a button's is not held back."""
    return act.kind in INTERVIEW_INTENTS and act.reader == "offline" and act.confidence <= MOVE_FLOOR


def _resumed(prompt: Prompt) -> str:
    """The open question again, after a reply that did not move the interview."""
    return f"我们继续：{prompt.text}" if prompt.kind != "done" else prompt.text


class Conversation:
    """Everything a chat turn does, as a collaborator of ``Service`` (``service.conversation``): it reads the
    service's settings, store, drafter, knowledge base and model, and its access checks (``_row``/``_own_row``)
    and views (``get_application``); ``Service`` keeps its public methods and hands them here."""

    def __init__(self, service: Service) -> None:
        self.service = service

    def send_message(
        self,
        principal: Principal,
        app_id: int,
        text: str,
        *,
        part_id: str | None = None,
        action: str | None = None,
        on_delta: DeltaCallback | None = None,
    ) -> TurnResult:
        """One chat turn. The applicant's message is committed before anything else happens."""
        text = clean_block(text or "")
        if not text:
            raise InvalidInputError("消息不能为空。")
        if len(text) > self.service.settings.limit_message_chars:
            raise LimitExceededError(f"单条消息最多{self.service.settings.limit_message_chars}个字符，请分几次发送。")
        row = self.service._own_row(principal, app_id)
        if InterviewState.model_validate(row.state).pending_drafts:
            self.resume_interrupted(principal, app_id)
            row = self.service._own_row(principal, app_id)
        form = load_form(row.form_id)
        state = InterviewState.model_validate(row.state)
        drafted = set(self.service.store.head_versions(app_id))
        if action == "goto" and part_id:
            state, prompt = jump_to(state, form, part_id)
            self.service.store.add_message(app_id, "user", text, part_id=part_id, state=state.model_dump())
            return self._reply(principal, app_id, prompt.text, prompt)
        act = read_turn(form, state, drafted, text, self.service.settings, self._understanding_model(), action)
        if act.kind == "revise":
            target = act.target or part_id or _last_drafted(state, drafted, form)
            if target is None or target not in drafted:
                return self._not_drafted(principal, row, form, state, text, target)
            self.service.store.add_message(app_id, "user", text, part_id=target)
            return self._revise(principal, row, form, state, target, act, text, on_delta)
        if act.kind in ("question", "remark"):
            self.service.store.add_message(app_id, "user", text, part_id=state.current)
            return self._aside(principal, row, form, state, act, text)
        if unsure_move(act):
            self.service.store.add_message(app_id, "user", text, part_id=state.current)
            return self._unsure(principal, row, form, state, act)
        return self._answer(principal, row, form, state, act, text, on_delta)

    def _understanding_model(self) -> ChatModel | None:
        """The chat model, time-limited like a follow-up's phrasing: reading a turn must stay quick."""
        limited = getattr(self.service.chat_model, "limited", None)
        return limited(self.service.settings.llm_followup_timeout) if limited is not None else self.service.chat_model

    def _answer(
        self,
        principal: Principal,
        row: ApplicationRow,
        form: FormSpec,
        state: InterviewState,
        act: TurnAct,
        text: str,
        on_delta: DeltaCallback | None,
    ) -> TurnResult:
        answered_part = state.current
        content = act.content
        if act.kind == "restatement" and content and state.current:
            pending = state.parts[state.current].pending_element
            if pending:  # 「上面说过了，就是分类分级、加密这些」: the facts, labelled by what was asked
                content = f"{form.elements[pending].label}：{content}"
        turn = Turn(kind=act.kind, content=content, target=act.target)
        missing = element_reader(form).missing
        state, prompt = record_turn(state, form, turn, self.service.settings.max_followups_per_part, missing)
        # A "finish" closes several parts at once; each is drafted in the template's order.
        closed = prompt.completed_parts or ([prompt.completed_part] if prompt.completed_part else [])
        state = state.model_copy(update={"pending_drafts": list(closed)})
        self.service.store.add_message(row.id, "user", text, part_id=answered_part, state=state.model_dump())
        notes, issues, state = self._draft_pending(row, form, state, on_delta)
        if prompt.kind == "followup":
            prompt = prompt.model_copy(update={"text": self._phrase_followup(form, prompt, content or text)})
        reply = "\n".join(notes + [prompt.text])
        return self._reply(
            principal, row.id, reply, prompt, drafted_part=prompt.completed_part, issues=issues, understood=act.label
        )

    def _aside(
        self, principal: Principal, row: ApplicationRow, form: FormSpec, state: InterviewState, act: TurnAct, text: str
    ) -> TurnResult:
        """A question to the assistant is answered; a remark is acknowledged; the open question stands."""
        prompt = current_prompt(state, form)
        lead = self._answer_aside_question(form, state, text) if act.kind == "question" else "好的。"
        return self._reply(principal, row.id, f"{lead}\n{_resumed(prompt)}", prompt, understood=act.label)

    def _unsure(
        self, principal: Principal, row: ApplicationRow, form: FormSpec, state: InterviewState, act: TurnAct
    ) -> TurnResult:
        """A move read at even odds or less is not carried out: the reply says what it looked like and the plain
        words for it; nothing is recorded and the open question stands."""
        book = rule_book()
        move = book.unsure_moves[act.kind]
        prompt = current_prompt(state, form)
        lead = book.unsure_reply.format(means=move.means, say=move.say)
        return self._reply(principal, row.id, f"{lead}\n{_resumed(prompt)}", prompt, understood=f"unsure:{act.kind}")

    def _answer_aside_question(self, form: FormSpec, state: InterviewState, question: str) -> str:
        """The template's guidance for the part being written, and what the knowledge base says."""
        lines: list[str] = []
        if self.service.knowledge is not None:
            from assistant.knowledge.qa import answer_question

            try:
                answer = answer_question(self.service.knowledge, question, None)
            except UserFacingError:
                answer = None
            if answer is not None and answer.grounded:
                lines.append(answer.answer[:QUESTION_ANSWER_CHARS])
        if state.current is not None:
            part = form.part(state.current)
            group = form.group_of(part.id)
            lines.append(
                f"“{part.number}{part.title}”的模板说明：{part.guidance}（建议约{part.default_budget}字；"
                f"{group.title}合计不超过{group.limit}字）"
            )
        return "\n".join(lines) or "这个问题我在文件中没有找到相关规定，可以在“政策问答”里换个说法再问。"

    def _not_drafted(
        self,
        principal: Principal,
        row: ApplicationRow,
        form: FormSpec,
        state: InterviewState,
        text: str,
        target: str | None,
    ) -> TurnResult:
        self.service.store.add_message(row.id, "user", text, part_id=state.current)
        title = f"“{form.part(target).title}”" if target else "这一部分"
        prompt = current_prompt(state, form)
        reply = f"{title}还没有草稿，暂时无法修改；请先回答访谈问题。\n{prompt.text}"
        return self._reply(principal, row.id, reply, prompt, understood="revise")

    def _draft_pending(
        self, row: ApplicationRow, form: FormSpec, state: InterviewState, on_delta: DeltaCallback | None
    ) -> tuple[list[str], list[Issue], InterviewState]:
        """Draft every part in ``state.pending_drafts``, clearing each in storage once its version is stored."""
        notes: list[str] = []
        issues: list[Issue] = []
        for part_id in list(state.pending_drafts):
            draft = self._draft_part(row, form, state, part_id, on_delta=on_delta)
            state = state.model_copy(update={"pending_drafts": [p for p in state.pending_drafts if p != part_id]})
            self.service.store.update_application(row.id, state=state.model_dump())
            issues += draft.issues
            part = form.part(part_id)
            if not state.parts[part_id].skipped:  # a skipped part was announced as left empty, not as drafted
                notes.append(
                    f"已起草“{part.number}{part.title}”（{draft.words}字，模板建议约{part.default_budget}字），"
                    "可在预览中查看，也可以直接说“更简洁”“补充：……”来修改。"
                )
            notes += [f"【注意】{i.message}" for i in draft.issues if i.severity != "info"]
        return notes, issues, state

    def resume_interrupted(self, principal: Principal, app_id: int) -> ApplicationView:
        """Finish the drafts of a turn that was cut off (a crash or a kill mid-draft) and say so in the chat."""
        row = self.service._own_row(principal, app_id)
        state = InterviewState.model_validate(row.state)
        if state.pending_drafts:
            form = load_form(row.form_id)
            titles = "、".join(f"“{form.part(p).title}”" for p in state.pending_drafts)
            notes, _, _ = self._draft_pending(row, form, state, None)
            note = f"上次起草{titles}时被中断，您的回答都已保存，现已重新起草。"
            self.service.store.add_message(app_id, "assistant", "\n".join([note, *notes]), part_id=None)
        return self.service.get_application(principal, app_id)

    def _phrase_followup(self, form: FormSpec, prompt: Prompt, answer: str) -> str:
        part = form.part(prompt.part_id or "")
        labels = [form.elements[m].label for m in prompt.missing]
        try:
            return self.service.drafter.phrase_followup(part, labels, prompt.text, answer)
        except ModelUnavailableError:
            return prompt.text

    def _revise(
        self,
        principal: Principal,
        row: ApplicationRow,
        form: FormSpec,
        state: InterviewState,
        part_id: str,
        act: TurnAct,
        instruction: str,
        on_delta: DeltaCallback | None,
    ) -> TurnResult:
        head = self.service.store.head_versions(row.id)[part_id]
        op = act.revision or RevisionOp(kind="supplement", content=instruction)
        update = _supplement_update(part_id, op.content) if op.kind == "supplement" and op.content else None
        draft = self._draft_part(
            row,
            form,
            state,
            part_id,
            instruction=instruction,
            previous=head.text,
            revision=op,
            update=update,
            on_delta=on_delta,
        )
        part = form.part(part_id)
        changed = draft.version is not None
        lines = [_revision_lead(part.number + part.title, draft, part.default_budget)]
        lines += [i.message for i in draft.issues if i.kind == "revision" or i.severity != "info"]
        if changed:
            lines.append("如不满意，可以点击“撤销”恢复上一版。")
        return self._reply(
            principal,
            row.id,
            "\n".join(line for line in lines if line),
            current_prompt(state, form),
            revised_part=part_id if changed else None,
            issues=draft.issues,
            understood=act.label,
        )

    def _reply(self, principal: Principal, app_id: int, reply: str, prompt: Prompt, **extra: object) -> TurnResult:
        """Store the reply and answer with it; ``extra`` are further ``TurnResult`` fields (``understood``, …)."""
        self.service.store.add_message(app_id, "assistant", reply, part_id=prompt.part_id)
        return TurnResult(
            reply=reply, prompt=prompt, application=self.service.get_application(principal, app_id), **extra
        )

    # ---- drafting ----
    def _draft_part(
        self,
        row: ApplicationRow,
        form: FormSpec,
        state: InterviewState,
        part_id: str,
        *,
        instruction: str = "",
        previous: str = "",
        revision: RevisionOp | None = None,
        update: Callable[[JsonObject], JsonObject] | None = None,
        on_delta: DeltaCallback | None = None,
    ) -> StoredDraft:
        return draft_and_store(
            self.service.store,
            self.service.drafter,
            self.service.knowledge,
            row,
            form,
            state,
            part_id,
            instruction=instruction,
            previous=previous,
            revision=revision,
            state_update=update,
            on_delta=on_delta,
        )

    def redraft(self, principal: Principal, app_id: int, part_id: str) -> ApplicationView:
        row = self.service._own_row(principal, app_id)
        form = load_form(row.form_id)
        self._draft_part(row, form, InterviewState.model_validate(row.state), part_id)
        return self.service.get_application(principal, app_id)

    def versions(self, principal: Principal, app_id: int, part_id: str) -> list[VersionView]:
        row = self.service._row(principal, app_id)
        load_form(row.form_id).part(part_id)
        head = self.service.store.head_versions(app_id).get(part_id)
        return [
            VersionView(
                **v.model_dump(exclude={"id", "part_id", "report"}),
                is_head=head is not None and head.version == v.version,
                issues=[Issue.model_validate(i) for i in v.report.get("issues", [])],
            )
            for v in self.service.store.versions(app_id, part_id)
        ]

    def undo(self, principal: Principal, app_id: int, part_id: str) -> ApplicationView:
        """Make the version before the current one current again; every version stays stored."""
        row = self.service._own_row(principal, app_id)
        load_form(row.form_id).part(part_id)
        head = self.service.store.head_versions(app_id).get(part_id)
        if head is None or head.parent_version is None:
            raise InvalidInputError("没有可以撤销的上一版。")
        self.service.store.set_head(app_id, part_id, head.parent_version, expected_head=head.version)
        self.service.store.add_message(
            app_id, "assistant", f"已撤销，恢复为第{head.parent_version}版。", part_id=part_id
        )
        return self.service.get_application(principal, app_id)


REFUSED_HINT = "也可以直接说明要删哪一句、哪一段（如“删除第二句”），这类修改会逐字照办。"


def _revision_lead(title: str, draft: StoredDraft, limit: int) -> str:
    """One line that says what happened to the part, never two that contradict each other; ``limit``: the
    template's 字数 for the part (the figure the rail shows), not the budget the draft was given."""
    if draft.refused:
        return f"没有修改“{title}”：{'；'.join(draft.refused)}。原稿保持不变。{REFUSED_HINT}"
    if draft.version is None:
        return f"“{title}”没有修改。"
    changes = f"{draft.changes}。" if draft.changes else ""
    return f"已修改“{title}”（第{draft.version}版，{draft.words}字，模板建议约{limit}字）。{changes}"


def _supplement_update(part_id: str, content: str) -> Callable[[JsonObject], JsonObject]:
    """The supplement joins the part's answers (so a redraft keeps it) in the version's own transaction."""

    def update(state: JsonObject) -> JsonObject:
        parts = state.get("parts", {})
        if part_id in parts:
            parts[part_id].setdefault("answers", []).append(content)
        return state

    return update


def _last_drafted(state: InterviewState, drafted: set[str], form: FormSpec) -> str | None:
    """The part a revision naming none is about: the last drafted part before the current one, else the last."""
    order = form.part_ids()
    if state.current in order:
        before = [pid for pid in order[: order.index(state.current)] if pid in drafted]
        if before:
            return before[-1]
    drafted_in_order = [pid for pid in order if pid in drafted]
    return drafted_in_order[-1] if drafted_in_order else None
