"""The one service object that the API, the UI and the CLI call.

Collaborators (store, knowledge base, drafter, chat model) are passed in, so tests
inject real-but-small ones without patching. Every permission check happens here,
not only in routes: an applicant reaching another applicant's application gets the
same "not found" as for an id that does not exist.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Any

from assistant.auth.principal import Principal
from assistant.core.errors import (
    InvalidInputError,
    LimitExceededError,
    ModelUnavailableError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExceededError,
    UnsupportedFileError,
)
from assistant.core.settings import Settings
from assistant.core.text_input import clean_block
from assistant.core.types import Issue
from assistant.drafting.protocol import Drafter
from assistant.forms.application import ApplicationInfo, case_name_problem, parse_info, parse_media
from assistant.forms.checks import check_contacts, check_media
from assistant.forms.spec import FormSpec, load_form
from assistant.interview.intents import choose_action
from assistant.interview.machine import (
    InterviewState,
    Prompt,
    current_prompt,
    jump_to,
    record_answer,
    start,
)
from assistant.knowledge.qa import answer_question
from assistant.knowledge.readers import SUPPORTED_SUFFIXES
from assistant.llm.chat import ChatModel, DeltaCallback
from assistant.review.findings import ReviewReport
from assistant.review.info import info_issues
from assistant.service import documents, overview
from assistant.service.part_drafting import StoredDraft, draft_and_store
from assistant.service.view_builder import build_view
from assistant.service.views import (
    ApplicationSummary,
    ApplicationView,
    OverviewRow,
    TurnResult,
    VersionView,
)
from assistant.store.protocol import ApplicationStore
from assistant.store.rows import ApplicationRow

DEFAULT_FORM = "cq-2024-batch2"


class Service:
    def __init__(
        self,
        settings: Settings,
        store: ApplicationStore,
        drafter: Drafter,
        knowledge: Any = None,
        chat_model: ChatModel | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.drafter = drafter
        self.knowledge = knowledge
        self.chat_model = chat_model

    # ---- mode ----
    @property
    def mode_label(self) -> str:
        if self.drafter.mode == "model":
            return f"模型模式：{self.settings.llm_model}"
        return "离线模式：根据您的回答整理成文，不调用大模型"

    # ---- applications ----
    def _row(self, principal: Principal, app_id: int) -> ApplicationRow:
        row = self.store.get_application(app_id)
        if row is None or (row.owner_id != principal.id and not principal.can_read_all):
            raise NotFoundError("找不到这份申报书，可能已被删除，或您没有访问权限。")
        return row

    def _own_row(self, principal: Principal, app_id: int) -> ApplicationRow:
        row = self._row(principal, app_id)
        if row.owner_id != principal.id:
            raise PermissionDeniedError("只有申报书的创建者可以修改它；工作人员可以查看和审阅。")
        return row

    def validate_info(self, form: FormSpec, info: ApplicationInfo) -> None:
        if info.field and info.field not in form.fields:
            raise InvalidInputError(f"所属领域须为{form.fields_phrase}之一：{'、'.join(form.fields)}。")
        if info.case_name:
            problem = case_name_problem(form, info.case_name, info.field)
            if problem:
                raise InvalidInputError(problem)

    def create_application(
        self, principal: Principal, info: ApplicationInfo, form_id: str = DEFAULT_FORM
    ) -> ApplicationView:
        form = load_form(form_id)
        if not info.field:
            raise InvalidInputError(f"请选择案例所属领域（{form.fields_phrase}之一）。")
        self.validate_info(form, info)
        if self.store.count_applications(principal.id) >= self.settings.limit_applications_per_user:
            raise QuotaExceededError(
                f"每个用户最多创建{self.settings.limit_applications_per_user}份申报书，请先删除不需要的申报书。"
            )
        state, prompt = start(form)
        app_id = self.store.create_application(principal.id, form.id, info.model_dump(), state.model_dump())
        self.store.add_message(app_id, "assistant", _welcome(form, prompt), part_id=prompt.part_id)
        return self.get_application(principal, app_id)

    def list_applications(self, principal: Principal) -> list[ApplicationSummary]:
        rows = self.store.list_applications(None if principal.can_read_all else principal.id)
        return [
            ApplicationSummary(
                id=r.id,
                owner_id=r.owner_id,
                case_name=r.info.get("case_name", ""),
                field=r.info.get("field", ""),
                applicant=r.info.get("applicant", ""),
                updated_at=r.updated_at,
            )
            for r in rows
        ]

    def get_application(self, principal: Principal, app_id: int) -> ApplicationView:
        row = self._row(principal, app_id)
        return build_view(load_form(row.form_id), row, self.store)

    def update_application(
        self, principal: Principal, app_id: int, info: dict | None = None, media: dict | None = None
    ) -> ApplicationView:
        row = self._own_row(principal, app_id)
        form = load_form(row.form_id)
        new_info = parse_info({**row.info, **(info or {})})
        self.validate_info(form, new_info)
        check_contacts(form, new_info)
        new_media = parse_media({**row.media, **(media or {})})
        check_media(form, new_media)
        self.store.update_application(app_id, info=new_info.model_dump(), media=new_media.model_dump())
        return self.get_application(principal, app_id)

    def delete_application(self, principal: Principal, app_id: int) -> None:
        self._own_row(principal, app_id)
        self.store.delete_application(app_id)

    # ---- chat ----
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

    # ---- export ----
    def export_docx(self, principal: Principal, app_id: int) -> tuple[str, bytes]:
        return documents.application_docx(self._row(principal, app_id), self.store)

    def export_publishable_docx(self, principal: Principal, app_id: int) -> tuple[str, bytes]:
        """The 宣传推广材料 alone: it is published separately from the application."""
        return documents.publishable_docx(self._row(principal, app_id), self.store)

    def export_pdf(self, principal: Principal, app_id: int) -> tuple[str, bytes]:
        """The whole application as PDF (LibreOffice); a Chinese 501 error when it is not installed."""
        return documents.application_pdf(self._row(principal, app_id), self.store)

    def review(self, principal: Principal, app_id: int) -> list[Issue]:
        """All open issues of an application: the 申报信息表 and each part's current version."""
        view = self.get_application(principal, app_id)
        form = load_form(view.form_id)
        issues = info_issues(form, view.info)
        for part in view.parts:
            if part.version is None:
                issues.append(
                    Issue(part_id=part.part_id, kind="missing", severity="error", message=f"“{part.title}”还没有草稿。")
                )
            issues += [i for i in part.issues if i.severity != "info"]
        return issues

    def review_report(self, principal: Principal, app_id: int) -> ReviewReport:
        """The pre-submission review the bureau would do: findings, plan alignment and the materials checklist."""
        return documents.review_report(self._row(principal, app_id), self.store, self.knowledge)

    # ---- knowledge ----
    def _require_knowledge(self):
        if self.knowledge is None:
            raise InvalidInputError("知识库尚未启用。")
        return self.knowledge

    def ask(self, principal: Principal, question: str):
        question = clean_block(question or "")
        if not question:
            raise InvalidInputError("请输入问题。")
        if len(question) > self.settings.limit_question_chars:
            raise LimitExceededError(f"问题太长了，请控制在{self.settings.limit_question_chars}字以内。")
        return answer_question(self._require_knowledge(), question, self.chat_model)

    def upload_document(self, principal: Principal, filename: str, data: bytes, kind: str = "notice"):
        if not principal.can_manage_knowledge:
            raise PermissionDeniedError("只有工作人员可以上传政策文件。")
        if PurePath(filename).suffix.lower() not in SUPPORTED_SUFFIXES:
            raise UnsupportedFileError(f"文件“{filename}”的类型不受支持：仅支持 {'、'.join(SUPPORTED_SUFFIXES)}。")
        if len(data) > self.settings.limit_upload_mb * 1024 * 1024:
            raise LimitExceededError(f"文件“{filename}”超过{self.settings.limit_upload_mb}MB 的上传上限。")
        return self._require_knowledge().ingest_bytes(filename, data, kind=kind)

    def list_documents(self, principal: Principal):
        return self._require_knowledge().list_documents()

    # ---- issue 13: the info form, review documents, the staff overview (logic in ``overview``) ----
    def export_review(self, principal: Principal, app_id: int, kind: str = "docx") -> tuple[str, Any]:
        """The review report as its own document (``kind`` "md" or "docx"), never inside the application."""
        view = self.get_application(principal, app_id)
        report = self.review_report(principal, app_id)
        return overview.review_document(load_form(view.form_id), report, view, kind)

    def overview(self, principal: Principal, field: str | None = None) -> list[OverviewRow]:
        """Every application the principal may read (staff: all; applicants: their own), optionally one field."""
        rows = []
        for summary in self.list_applications(principal):
            if field and summary.field != field:
                continue
            view = self.get_application(principal, summary.id)
            rows.append(overview.overview_row(view, self.review_report(principal, summary.id)))
        return rows

    def note_review_errors(self, principal: Principal, app_id: int, part_ids: list[str]) -> bool:
        """After a draft: put the review's 错误 for those parts in the chat (warnings stay in the panel)."""
        row = self._own_row(principal, app_id)
        form = load_form(row.form_id)
        errors = overview.errors_for(form, self.review_report(principal, app_id), part_ids)
        if errors:
            self.store.add_message(app_id, "assistant", overview.errors_note(form, errors), part_id=part_ids[0])
        return bool(errors)

    def suggest_reason(self, principal: Principal, app_id: int) -> str:
        """A 申报理由 made only of the applicant's own interview sentences (nothing invented)."""
        row = self._own_row(principal, app_id)
        spec = load_form(row.form_id).info.field("reason")
        return overview.reason_from_answers(InterviewState.model_validate(row.state), spec.max_chars if spec else 2000)


def _with_supplement(state: InterviewState, part_id: str, instruction: str) -> InterviewState:
    """“补充：…” adds the applicant's own words to the part's answers, so a redraft keeps them."""
    match = re.match(r"^(补充|增加|添加|加上)[^：:]*[：:](.+)$", instruction.strip(), re.S)
    if not match or part_id not in state.parts:
        return state
    state = state.model_copy(deep=True)
    state.parts[part_id].answers.append(match.group(2).strip())
    return state


def _welcome(form: FormSpec, prompt: Prompt) -> str:
    return (
        "您好！我会按申报书模板逐部分向您提问，根据您的回答起草申报材料。所有数字都只来自您的回答；"
        f"没有的信息会标为【待补充】。随时可以回答“跳过”。\n{prompt.text}"
    )
