"""The chat turns of the service: answers, follow-ups, drafts, revisions, undo and recovery.

The applicant's message is committed before anything else happens; the parts a turn
closes are recorded as pending with it and cleared as each draft lands, so a turn cut
off mid-draft is found and finished (``resume_interrupted``).
"""

from __future__ import annotations

import re
from typing import Any

from assistant.auth.principal import Principal
from assistant.core.errors import (
    InvalidInputError,
    LimitExceededError,
    ModelUnavailableError,
)
from assistant.core.settings import Settings
from assistant.core.text_input import clean_block
from assistant.core.types import Issue
from assistant.drafting.protocol import Drafter
from assistant.forms.spec import FormSpec, load_form
from assistant.interview.intents import choose_action
from assistant.interview.machine import (
    InterviewState,
    Prompt,
    current_prompt,
    jump_to,
    record_answer,
)
from assistant.llm.chat import DeltaCallback
from assistant.service.part_drafting import StoredDraft, draft_and_store
from assistant.service.views import (
    ApplicationView,
    TurnResult,
    VersionView,
)
from assistant.store.protocol import ApplicationStore
from assistant.store.rows import ApplicationRow

DEFAULT_FORM = "cq-2024-batch2"


class ConversationMixin:
    """Half of ``Service``: everything a chat turn does. Kept apart so each file has one job;
    the attributes and ``_row``/``_own_row``/``get_application`` come from ``Service``."""

    settings: Settings
    store: ApplicationStore
    drafter: Drafter
    knowledge: Any

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
        if len(text) > self.settings.limit_message_chars:
            raise LimitExceededError(f"单条消息最多{self.settings.limit_message_chars}个字符，请分几次发送。")
        row = self._own_row(principal, app_id)
        if InterviewState.model_validate(row.state).pending_drafts:
            self.resume_interrupted(principal, app_id)
            row = self._own_row(principal, app_id)
        form = load_form(row.form_id)
        state = InterviewState.model_validate(row.state)
        drafted = set(self.store.head_versions(app_id))
        if action == "goto" and part_id:
            state, prompt = jump_to(state, form, part_id)
            self.store.add_message(app_id, "user", text, part_id=part_id, state=state.model_dump())
            return self._reply(principal, app_id, prompt.text, prompt)
        kind, target = choose_action(text, state, drafted, part_id, action)
        if kind == "revise" and target:
            state = _with_supplement(state, target, text)
            self.store.add_message(app_id, "user", text, part_id=target, state=state.model_dump())
            return self._revise(principal, row, form, state, target, text, on_delta)
        return self._answer(principal, row, form, state, text, on_delta)

    def _answer(
        self,
        principal: Principal,
        row: ApplicationRow,
        form: FormSpec,
        state: InterviewState,
        text: str,
        on_delta: DeltaCallback | None,
    ) -> TurnResult:
        answered_part = state.current
        state, prompt = record_answer(state, form, text, self.settings.max_followups_per_part)
        # A "finish" closes several parts at once; each is drafted in the template's order.
        closed = prompt.completed_parts or ([prompt.completed_part] if prompt.completed_part else [])
        state = state.model_copy(update={"pending_drafts": list(closed)})
        self.store.add_message(row.id, "user", text, part_id=answered_part, state=state.model_dump())
        notes, issues, state = self._draft_pending(row, form, state, on_delta)
        if prompt.kind == "followup":
            prompt = prompt.model_copy(update={"text": self._phrase_followup(form, prompt, text)})
        reply = "\n".join(notes + [prompt.text])
        return self._reply(principal, row.id, reply, prompt, drafted_part=prompt.completed_part, issues=issues)

    def _draft_pending(
        self, row: ApplicationRow, form: FormSpec, state: InterviewState, on_delta: DeltaCallback | None
    ) -> tuple[list[str], list[Issue], InterviewState]:
        """Draft every part in ``state.pending_drafts``, clearing each in storage once its version is stored."""
        notes: list[str] = []
        issues: list[Issue] = []
        for part_id in list(state.pending_drafts):
            draft = self._draft_part(row, form, state, part_id, on_delta=on_delta)
            state = state.model_copy(update={"pending_drafts": [p for p in state.pending_drafts if p != part_id]})
            self.store.update_application(row.id, state=state.model_dump())
            issues += draft.issues
            part = form.part(part_id)
            notes.append(
                f"已起草“{part.number}{part.title}”（{draft.words}/{draft.budget}字），"
                "可在右侧预览，也可以直接说“更简洁”“补充：……”来修改。"
            )
            notes += [f"【注意】{i.message}" for i in draft.issues if i.severity != "info"]
        return notes, issues, state

    def resume_interrupted(self, principal: Principal, app_id: int) -> ApplicationView:
        """Finish the drafts of a turn that was cut off (a crash or a kill mid-draft) and say so in the chat."""
        row = self._own_row(principal, app_id)
        state = InterviewState.model_validate(row.state)
        if state.pending_drafts:
            form = load_form(row.form_id)
            titles = "、".join(f"“{form.part(p).title}”" for p in state.pending_drafts)
            notes, _, _ = self._draft_pending(row, form, state, None)
            note = f"上次起草{titles}时被中断，您的回答都已保存，现已重新起草。"
            self.store.add_message(app_id, "assistant", "\n".join([note, *notes]), part_id=None)
        return self.get_application(principal, app_id)

    def _phrase_followup(self, form: FormSpec, prompt: Prompt, answer: str) -> str:
        part = form.part(prompt.part_id or "")
        labels = [form.elements[m].label for m in prompt.missing]
        try:
            return self.drafter.phrase_followup(part, labels, prompt.text, answer)
        except ModelUnavailableError:
            return prompt.text

    def _revise(
        self,
        principal: Principal,
        row: ApplicationRow,
        form: FormSpec,
        state: InterviewState,
        part_id: str,
        instruction: str,
        on_delta: DeltaCallback | None,
    ) -> TurnResult:
        head = self.store.head_versions(row.id).get(part_id)
        if head is None:
            raise InvalidInputError("这一部分还没有草稿，请先回答访谈问题。")
        draft = self._draft_part(
            row, form, state, part_id, instruction=instruction, previous=head.text, on_delta=on_delta
        )
        part = form.part(part_id)
        changed = draft.version is not None
        lead = (
            f"已修改“{part.number}{part.title}”（第{draft.version}版，{draft.words}/{draft.budget}字）。"
            if changed
            else "草稿没有变化。"
        )
        notes = [i.message for i in draft.issues if i.kind == "revision" or i.severity != "info"]
        reply = "\n".join([lead] + notes + ["如不满意，可以点击“撤销”恢复上一版。" if changed else ""]).strip()
        return self._reply(
            principal,
            row.id,
            reply,
            current_prompt(state, form),
            revised_part=part_id if changed else None,
            issues=draft.issues,
        )

    def _reply(self, principal: Principal, app_id: int, reply: str, prompt: Prompt, **extra: Any) -> TurnResult:
        self.store.add_message(app_id, "assistant", reply, part_id=prompt.part_id)
        return TurnResult(reply=reply, prompt=prompt, application=self.get_application(principal, app_id), **extra)

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
        on_delta: DeltaCallback | None = None,
    ) -> StoredDraft:
        return draft_and_store(
            self.store,
            self.drafter,
            self.knowledge,
            row,
            form,
            state,
            part_id,
            instruction=instruction,
            previous=previous,
            on_delta=on_delta,
        )

    def redraft(self, principal: Principal, app_id: int, part_id: str) -> ApplicationView:
        row = self._own_row(principal, app_id)
        form = load_form(row.form_id)
        self._draft_part(row, form, InterviewState.model_validate(row.state), part_id)
        return self.get_application(principal, app_id)

    def versions(self, principal: Principal, app_id: int, part_id: str) -> list[VersionView]:
        row = self._row(principal, app_id)
        load_form(row.form_id).part(part_id)
        head = self.store.head_versions(app_id).get(part_id)
        return [
            VersionView(
                **v.model_dump(exclude={"id", "part_id", "report"}),
                is_head=head is not None and head.version == v.version,
                issues=[Issue.model_validate(i) for i in v.report.get("issues", [])],
            )
            for v in self.store.versions(app_id, part_id)
        ]

    def undo(self, principal: Principal, app_id: int, part_id: str) -> ApplicationView:
        """Make the version before the current one current again; every version stays stored."""
        row = self._own_row(principal, app_id)
        load_form(row.form_id).part(part_id)
        head = self.store.head_versions(app_id).get(part_id)
        if head is None or head.parent_version is None:
            raise InvalidInputError("没有可以撤销的上一版。")
        self.store.set_head(app_id, part_id, head.parent_version, expected_head=head.version)
        self.store.add_message(app_id, "assistant", f"已撤销，恢复为第{head.parent_version}版。", part_id=part_id)
        return self.get_application(principal, app_id)


def _with_supplement(state: InterviewState, part_id: str, instruction: str) -> InterviewState:
    """“补充：…” adds the applicant's own words to the part's answers, so a redraft keeps them."""
    match = re.match(r"^(补充|增加|添加|加上)[^：:]*[：:](.+)$", instruction.strip(), re.S)
    if not match or part_id not in state.parts:
        return state
    state = state.model_copy(deep=True)
    state.parts[part_id].answers.append(match.group(2).strip())
    return state
