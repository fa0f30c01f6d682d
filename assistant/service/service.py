"""The one service object that the API, the UI and the CLI call.

Collaborators (store, knowledge base, drafter, chat model) are passed in, so tests
inject real-but-small ones without patching. Every permission check happens here,
not only in routes: an applicant reaching another applicant's application gets the
same "not found" as for an id that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import PurePath
from typing import TYPE_CHECKING

from assistant.auth.principal import Principal
from assistant.core.errors import (
    InvalidInputError,
    LimitExceededError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExceededError,
    UnsupportedFileError,
)
from assistant.core.settings import Settings
from assistant.core.text_input import clean_block
from assistant.core.types import Issue
from assistant.drafting.protocol import Drafter
from assistant.export.pdf import work_root
from assistant.forms.application import ApplicationInfo, case_name_problem, check_extra_rows, parse_info, parse_media
from assistant.forms.checks import check_contacts, check_media
from assistant.forms.spec import FormSpec, load_form
from assistant.interview.machine import (
    InterviewState,
    Prompt,
    start,
)
from assistant.knowledge.ingest import IngestResult
from assistant.knowledge.jobs import IngestJobs, IngestJobView
from assistant.knowledge.qa import answer_question
from assistant.knowledge.readers import SUPPORTED_SUFFIXES
from assistant.llm.chat import ChatModel, DeltaCallback
from assistant.review.findings import ReviewReport
from assistant.review.info import info_issues
from assistant.service import documents, overview
from assistant.service.board_desk import BoardDesk
from assistant.service.call_desk import CallDesk
from assistant.service.conversation import Conversation
from assistant.service.import_desk import ImportDesk
from assistant.service.manual_edit import ManualEditDesk
from assistant.service.media_desk import MediaDesk
from assistant.service.package_desk import PackageDesk
from assistant.service.view_builder import build_view
from assistant.service.views import (
    ApplicationSummary,
    ApplicationView,
    OverviewRow,
    TurnResult,
    VersionView,
)
from assistant.store.desk_protocol import ServiceStore
from assistant.store.json_object import JsonObject
from assistant.store.rows import ApplicationRow

if TYPE_CHECKING:
    from assistant.knowledge.qa import QAAnswer
    from assistant.knowledge.search import DocumentInfo, KnowledgeBase

DEFAULT_FORM = "cq-2024-batch2"


class Service:
    def __init__(
        self,
        settings: Settings,
        store: ServiceStore,
        drafter: Drafter,
        knowledge: KnowledgeBase | None = None,
        chat_model: ChatModel | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.drafter = drafter
        self.knowledge = knowledge
        self.chat_model = chat_model
        self.clock = clock or (lambda: datetime.now(UTC))
        """Now, for the call's deadline; tests pass a fixed time instead of waiting for one."""
        self.conversation = Conversation(self)
        """The chat turns: answers, drafts, revisions, questions, undo, recovery (``service/conversation.py``)."""
        self.call = CallDesk(self)
        """The call's process, applicant side: submit, withdraw, status, comments (``service/call_desk.py``)."""
        self.board = BoardDesk(self)
        """The call's process, staff side: scores, the ranking board, the 汇总表, the audit log."""
        self.imports = ImportDesk(self)
        """Start from an existing file: preview the mapping, confirm it, condense a part (``import_desk.py``)."""
        self.media = MediaDesk(self)
        """Pictures, the video and the 数据要素流向图, stored and checked (``media_desk.py``)."""
        self.package = PackageDesk(self)
        """The video outline and the zip the notice asks for (``package_desk.py``)."""
        self.edits = ManualEditDesk(self)
        """A part edited by hand, stored like any version: guarantees, review, undo (``manual_edit.py``)."""
        # Knowledge uploads run as background jobs (threads start only when a job is submitted).
        self._ingest_jobs = IngestJobs(knowledge, settings.ingest_max_chunks) if knowledge is not None else None

    # ---- chat turns (``self.conversation``) ----
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
        return self.conversation.send_message(
            principal, app_id, text, part_id=part_id, action=action, on_delta=on_delta
        )

    def resume_interrupted(self, principal: Principal, app_id: int) -> ApplicationView:
        return self.conversation.resume_interrupted(principal, app_id)

    def redraft(self, principal: Principal, app_id: int, part_id: str) -> ApplicationView:
        return self.conversation.redraft(principal, app_id, part_id)

    def versions(self, principal: Principal, app_id: int, part_id: str) -> list[VersionView]:
        return self.conversation.versions(principal, app_id, part_id)

    def undo(self, principal: Principal, app_id: int, part_id: str) -> ApplicationView:
        return self.conversation.undo(principal, app_id, part_id)

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
        check_extra_rows(form, info)
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
        limit = self.settings.limit_applications_per_user
        if self.store.count_applications(principal.id, include_deleted=True) >= limit:
            self.purge_deleted_applications(owner_id=principal.id)  # what is kept counts: deleted ones go now
        if self.store.count_applications(principal.id) >= limit:
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
        self, principal: Principal, app_id: int, info: JsonObject | None = None, media: JsonObject | None = None
    ) -> ApplicationView:
        row = self._own_row(principal, app_id)
        form = load_form(row.form_id)
        patch = dict(info or {})
        if "extra" in patch:  # the rows sent are changed, the others kept; a blank value clears a row
            merged = {**row.info.get("extra", {}), **patch["extra"]}
            patch["extra"] = {k: v for k, v in merged.items() if v}
        new_info = parse_info({**row.info, **patch})
        self.validate_info(form, new_info)
        check_contacts(form, new_info)
        new_media = parse_media({**row.media, **(media or {})})
        check_media(form, new_media)
        self.store.update_application(app_id, info=new_info.model_dump(), media=new_media.model_dump())
        return self.get_application(principal, app_id)

    def delete_application(self, principal: Principal, app_id: int) -> None:
        self._own_row(principal, app_id)
        if (status := self.call.status_label(app_id)) != "草稿":
            raise InvalidInputError(f"这份申报书已交给数据主管部门（{status}），不能删除；截止前可先撤回提交再删除。")
        self.store.delete_application(app_id)
        self.purge_deleted_applications()

    def purge_deleted_applications(self, owner_id: int | None = None) -> int:
        """Remove for good (messages, versions, media too) what was deleted ``deleted_retention_days`` ago,
        or (``owner_id``) everything that owner deleted; returns how many applications went."""
        cutoff = datetime.now(UTC) - timedelta(days=self.settings.deleted_retention_days)
        before = None if owner_id is not None else cutoff.isoformat(timespec="seconds")
        purged = self.store.purge_deleted(deleted_before=before, owner_id=owner_id)
        for app_id in purged:
            self.media.files.remove_all(app_id)
        return len(purged)

    # ---- chat ----
    # ---- export ----
    def export_docx(self, principal: Principal, app_id: int) -> tuple[str, bytes]:
        """The live application; staff's open comments ride along as Word comments (批注) at their part."""
        row = self._row(principal, app_id)
        name, data = documents.application_docx(row, self.store)
        return name, self.call.with_comments(row, data)

    def export_markdown(self, principal: Principal, app_id: int) -> tuple[str, str]:
        """The live application as Markdown (for e-mail, a wiki, a review tool); comments stay in the Word file."""
        return documents.application_markdown(self._row(principal, app_id), self.store)

    def export_publishable_docx(self, principal: Principal, app_id: int) -> tuple[str, bytes]:
        """The 宣传推广材料 alone: it is published separately from the application."""
        return documents.publishable_docx(self._row(principal, app_id), self.store)

    def export_pdf(self, principal: Principal, app_id: int) -> tuple[str, bytes]:
        """The whole application as PDF (LibreOffice); a Chinese 501 error when it is not installed."""
        return documents.application_pdf(self._row(principal, app_id), self.store, work_root(self.settings.data_dir))

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
        row = self._row(principal, app_id)
        report = documents.review_report(row, self.store, self.knowledge)
        return self.media.with_findings(app_id, load_form(row.form_id), report)

    # ---- knowledge ----
    def _require_knowledge(self) -> KnowledgeBase:
        if self.knowledge is None:
            raise InvalidInputError("知识库尚未启用。")
        return self.knowledge

    def ask(self, principal: Principal, question: str) -> QAAnswer:
        question = clean_block(question or "")
        if not question:
            raise InvalidInputError("请输入问题。")
        if len(question) > self.settings.limit_question_chars:
            raise LimitExceededError(f"问题太长了，请控制在{self.settings.limit_question_chars}字以内。")
        return answer_question(self._require_knowledge(), question, self.chat_model)

    def upload_document(self, principal: Principal, filename: str, data: bytes, kind: str = "notice") -> IngestResult:
        """Upload and wait for the result (an unreadable file is a result with status "error")."""
        try:
            job = self.start_upload(principal, filename, data, kind)
        except (LimitExceededError, UnsupportedFileError, PermissionDeniedError):
            raise
        except InvalidInputError as exc:  # unreadable or empty: reported like the other files of a batch
            return IngestResult(filename=PurePath(filename).name or filename, status="error", message=exc.message)
        done = self._jobs().wait(job.id)
        return done.result or IngestResult(filename=done.filename, status="error", message=done.message)

    def start_upload(self, principal: Principal, filename: str, data: bytes, kind: str = "notice") -> IngestJobView:
        """Check the file, read and cut it now (over ``ingest_max_chunks``: refused here), embed in the background."""
        if not principal.can_manage_knowledge:
            raise PermissionDeniedError("只有工作人员可以上传政策文件。")
        if PurePath(filename).suffix.lower() not in SUPPORTED_SUFFIXES:
            raise UnsupportedFileError(f"文件“{filename}”的类型不受支持：仅支持 {'、'.join(SUPPORTED_SUFFIXES)}。")
        if len(data) > self.settings.limit_upload_mb * 1024 * 1024:
            raise LimitExceededError(f"文件“{filename}”超过{self.settings.limit_upload_mb}MB 的上传上限。")
        return self._jobs().submit(PurePath(filename).name or filename, data, kind)

    def upload_jobs(self, principal: Principal) -> list[IngestJobView]:
        if not principal.can_manage_knowledge:
            raise PermissionDeniedError("只有工作人员可以查看导入任务。")
        return self._jobs().list()

    def upload_job(self, principal: Principal, job_id: int, cancel: bool = False) -> IngestJobView:
        if not principal.can_manage_knowledge:
            raise PermissionDeniedError("只有工作人员可以查看或取消导入任务。")
        return self._jobs().cancel(job_id) if cancel else self._jobs().get(job_id)

    def _jobs(self) -> IngestJobs:
        if self._ingest_jobs is None:
            raise InvalidInputError("知识库尚未启用。")
        return self._ingest_jobs

    def list_documents(self, principal: Principal) -> list[DocumentInfo]:
        return self._require_knowledge().list_documents()

    # ---- issue 13: the info form, review documents, the staff overview (logic in ``overview``) ----
    def export_review(self, principal: Principal, app_id: int, kind: str = "docx") -> tuple[str, str | bytes]:
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
        report = documents.review_report(row, self.store, self.knowledge, with_alignment=False, prompt_parts=part_ids)
        errors = overview.errors_for(form, self.media.with_findings(app_id, form, report), part_ids)
        if errors:
            self.store.add_message(app_id, "assistant", overview.errors_note(form, errors), part_id=part_ids[0])
        return bool(errors)

    def suggest_reason(self, principal: Principal, app_id: int) -> str:
        """A 申报理由 made only of the applicant's own interview sentences (nothing invented)."""
        row = self._own_row(principal, app_id)
        form = load_form(row.form_id)
        spec = form.info.field("reason")
        state = InterviewState.model_validate(row.state)
        drawn_from = spec.drawn_from if spec else []
        return overview.reason_from_answers(form, state, drawn_from, spec.max_chars if spec else 2000)


def _welcome(form: FormSpec, prompt: Prompt) -> str:
    return (
        "您好！我会按申报书模板逐部分向您提问，根据您的回答起草申报材料。所有数字都只来自您的回答；"
        f"没有的信息会标为【待补充】。随时可以回答“跳过”。\n{prompt.text}"
    )
