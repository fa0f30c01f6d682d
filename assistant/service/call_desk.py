"""The applicant's side of the call, held by ``Service`` as ``service.call``: submit, withdraw, status,
comments and their answers, the snapshot as submitted; staff return an application, allow a
submission despite review errors and reopen the call.

Who may do what is decided here (owner-only actions go through ``Service._own_row``, so
another applicant gets the same 404 as for a missing id, and staff a 403); every change
is written with its audit entry in one transaction by the store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.auth.principal import Principal
from assistant.bureau import status as flow
from assistant.bureau.models import Snapshot
from assistant.bureau.prescore import assess
from assistant.bureau.snapshot import take_snapshot
from assistant.bureau.window import closed_message, parse_day
from assistant.bureau.word_comments import WordComment, add_word_comments
from assistant.core.errors import InvalidInputError, NotFoundError
from assistant.export.scripted import AnswersFile
from assistant.forms.application import ApplicationInfo, MediaInfo
from assistant.forms.spec import FormSpec, load_form
from assistant.review.findings import Finding, ReviewReport
from assistant.service import call_common as common
from assistant.service import documents
from assistant.service.answers_import import import_answers
from assistant.service.call_views import (
    CallInfo,
    CommentView,
    HistoryItem,
    SubmissionInfo,
    SubmissionStatus,
)
from assistant.store.bureau import CommentRow, NewSubmission
from assistant.store.desk_protocol import ServiceStore
from assistant.store.json_object import JsonObject
from assistant.store.rows import ApplicationRow

if TYPE_CHECKING:
    from assistant.service.service import Service

DEFAULT_FORM = "cq-2024-batch2"
REASON_LIMIT = 2000
ERRORS_SHOWN = 8


class CallDesk:
    def __init__(self, service: Service) -> None:
        self.service = service

    @property
    def store(self) -> ServiceStore:
        return self.service.store

    def now(self) -> str:
        return self.service.clock().isoformat(timespec="seconds")

    def create_from_answers(self, principal: Principal, answers: AnswersFile, offline: bool = False) -> int:
        """Store an application owned by ``principal`` from an answers file (see ``answers_import``)."""
        return import_answers(self.service, principal, answers, offline=offline)

    # ---- the call's window ------------------------------------------------------------------------------------
    def call_info(self, principal: Principal, form_id: str = DEFAULT_FORM) -> CallInfo:
        form = load_form(form_id)
        window = common.window(self.store, form)
        return CallInfo(
            form_id=form.id,
            title=form.notice_title,
            deadline=window.deadline.isoformat(),
            reopened_until=window.reopened_until.isoformat() if window.reopened_until else None,
            open=window.is_open(self.service.clock()),
            description=window.describe(self.service.clock()),
            recommend_limit=form.recommend_limit,
        )

    def reopen(self, principal: Principal, until: str | None, reason: str, form_id: str = DEFAULT_FORM) -> CallInfo:
        """Staff accept submissions again until ``until`` (YYYY-MM-DD), or end the reopening (None)."""
        common.require_staff(principal, "重新开放或关闭征集")
        form = load_form(form_id)
        reason = common.required_text(reason, "重新开放（或关闭）征集的理由", REASON_LIMIT)
        day = parse_day(until, "开放截止日期").isoformat() if until else None
        before = self.store.reopened_until(form.id)
        entry = common.audit(principal, "call", target=form.id, old=before or form.deadline,
                             new=day or f"恢复为{form.deadline}", reason=reason)
        self.store.set_reopened_until(form.id, day, entry)
        return self.call_info(principal, form.id)

    # ---- status -------------------------------------------------------------------------------------------------
    def current(self, app_id: int) -> str:
        entry = self.store.call_entry(app_id)
        return entry.status if entry else "draft"

    def status_label(self, app_id: int) -> str:
        return flow.label(self.current(app_id))

    def status(self, principal: Principal, app_id: int) -> SubmissionStatus:
        row = self.service._row(principal, app_id)
        form = load_form(row.form_id)
        entry = self.store.call_entry(app_id)
        status = entry.status if entry else "draft"
        latest = self.store.submission(app_id)
        window = common.window(self.store, form)
        is_open = window.is_open(self.service.clock())
        owner = row.owner_id == principal.id
        return SubmissionStatus(
            application_id=app_id,
            status=status,
            status_label=flow.label(status),
            submission=latest.number if latest else 0,
            submitted_at=latest.submitted_at if latest else "",
            can_submit=owner and (status == "returned" or (status == "draft" and is_open)),
            can_withdraw=owner and status == "submitted" and is_open,
            allow_errors=bool(entry and entry.allow_errors),
            call=self.call_info(principal, form.id),
            history=self._history(principal, app_id),
            submissions=[SubmissionInfo(number=s.number, submitted_at=s.submitted_at)
                         for s in self.store.submissions(app_id)],
            comments=self._comment_views(principal, form, self.store.comments(app_id)),
            changed_since_submission=latest is not None and self._changed(row, latest.snapshot or {}),
        )

    def _history(self, principal: Principal, app_id: int) -> list[HistoryItem]:
        staff = common.is_staff(principal)
        items = []
        for e in self.store.audit_entries(app_id):
            if e.action != "status":
                continue
            by = f"{e.actor_name}（{'工作人员' if e.actor_role != 'applicant' else '申报单位'}）"
            if not staff:
                by = "申报单位" if e.actor_role == "applicant" else "工作人员"
            items.append(HistoryItem(at=e.at, action=e.target, status=e.new, by=by, reason=e.reason))
        return items

    def _changed(self, row: ApplicationRow, snapshot: JsonObject) -> bool:
        heads = {pid: v.version for pid, v in self.store.head_versions(row.id).items()}
        frozen = {p["part_id"]: p.get("version") for p in snapshot.get("parts", []) if p.get("version")}
        info = ApplicationInfo.model_validate(row.info).model_dump()
        media = MediaInfo.model_validate(row.media).model_dump()
        return heads != frozen or info != snapshot.get("info") or media != snapshot.get("media")

    def _move(self, principal: Principal, app_id: int, action: str, actor: str, reason: str = "",
              **values: object) -> None:
        old = self.current(app_id)
        new = flow.next_status(old, action, actor)
        entry = common.audit(principal, "status", app_id, target=flow.ACTION_LABELS[action],
                             old=flow.label(old), new=flow.label(new), reason=reason)
        self.store.update_entry(app_id, [entry], expected_status=old, status=new, **values)

    # ---- applicant actions --------------------------------------------------------------------------------------
    def submit(self, principal: Principal, app_id: int) -> SubmissionStatus:
        """Freeze the application as it is now; refused after the deadline or while the review has errors."""
        row = self.service._own_row(principal, app_id)
        form = load_form(row.form_id)
        entry = self.store.call_entry(app_id)
        old = entry.status if entry else "draft"
        new = flow.next_status(old, "submit", "applicant")
        window = common.window(self.store, form)
        if old != "returned" and not window.is_open(self.service.clock()):
            raise InvalidInputError(closed_message(window, "提交"), code="call_closed")
        report = documents.review_report(row, self.store, self.service.knowledge)
        errors = [f for f in report.findings if f.severity == "错误"]
        allowed = bool(entry and entry.allow_errors)
        if errors and not allowed:
            raise InvalidInputError(_errors_message(form, errors), code="review_errors")
        snapshot = self._snapshot(form, row, report)
        files = dict([documents.application_docx(row, self.store), documents.publishable_docx(row, self.store)])
        snapshot.files = list(files)
        reason = f"审阅仍有{len(errors)}项错误，工作人员已允许提交" if errors else ""
        audit = common.audit(principal, "status", app_id, target="提交", old=flow.label(old),
                             new=f"{flow.label(new)}（第{{number}}次提交）", reason=reason)
        self.store.add_submission(
            app_id,
            principal.id,
            NewSubmission(
                case_name=snapshot.info.case_name, applicant=snapshot.info.applicant,
                co_applicants=snapshot.info.co_applicants, field=snapshot.info.field,
                snapshot=snapshot.model_dump(), files=files,
                assessment=assess(form, snapshot, self.now()).model_dump(),
            ),
            [audit],
            status=new,
            expected_status=old,
        )
        return self.status(principal, app_id)

    def _snapshot(self, form: FormSpec, row: ApplicationRow, report: ReviewReport) -> Snapshot:
        heads = self.store.head_versions(row.id)
        return take_snapshot(
            form,
            row.id,
            0,
            ApplicationInfo.model_validate(row.info),
            MediaInfo.model_validate(row.media),
            {pid: v.text for pid, v in heads.items()},
            {pid: v.version for pid, v in heads.items()},
            report,
            self.now(),
        )

    def withdraw(self, principal: Principal, app_id: int) -> SubmissionStatus:
        row = self.service._own_row(principal, app_id)
        window = common.window(self.store, load_form(row.form_id))
        if not window.is_open(self.service.clock()):
            raise InvalidInputError(closed_message(window, "撤回"), code="call_closed")
        self._move(principal, app_id, "withdraw", "applicant")
        return self.status(principal, app_id)

    # ---- staff actions on one application -----------------------------------------------------------------------
    def allow_errors(self, principal: Principal, app_id: int, reason: str) -> SubmissionStatus:
        self.service._row(principal, app_id)
        common.require_staff(principal, "允许带错误提交")
        reason = common.required_text(reason, "允许带错误提交的理由", REASON_LIMIT)
        entry = common.audit(principal, "allow", app_id, target="提交前审阅", old="有错误不能提交",
                             new="允许提交一次", reason=reason)
        self.store.update_entry(app_id, [entry], allow_errors=1)
        return self.status(principal, app_id)

    def return_application(self, principal: Principal, app_id: int, reason: str,
                           target: str = "general") -> SubmissionStatus:
        """退回修改: the reason becomes a comment the applicant sees (beside the part and in the chat)."""
        row = self.service._row(principal, app_id)
        common.require_staff(principal, "退回申报书")
        common.check_place(load_form(row.form_id), target)
        reason = common.required_text(reason, "退回的理由", REASON_LIMIT)
        self._move(principal, app_id, "return", "staff", reason=reason)
        self.add_comment(principal, app_id, target, reason)
        return self.status(principal, app_id)

    # ---- comments -------------------------------------------------------------------------------------------------
    def add_comment(self, principal: Principal, app_id: int, target: str, text: str, internal: bool = False,
                    parent_id: int | None = None) -> CommentView:
        row = self.service._row(principal, app_id)
        form = load_form(row.form_id)
        staff = common.is_staff(principal)
        if internal and not staff:
            raise InvalidInputError("申报单位不能添加内部备注。")
        text = common.required_text(text, "意见内容", self.service.settings.limit_message_chars)
        existing = self.store.comments(app_id)
        if parent_id is not None:
            parent = next((c for c in existing if c.id == parent_id and (staff or not c.internal)), None)
            if parent is None:
                raise NotFoundError("找不到要回复的意见。")
            parent_id = parent.parent_id or parent.id  # a reply to a reply joins the same thread
            target, internal = parent.target, parent.internal
        common.check_place(form, target)
        submission = self.store.call_entry(app_id)
        kind = "内部备注" if internal else ("回复" if parent_id else "意见")
        entry = common.audit(principal, "comment", app_id, target=f"{kind}·{common.place(form, target)}", new=text)
        comment_id = self.store.add_comment(
            dict(application_id=app_id, submission=submission.submission if submission else 0, parent_id=parent_id,
                 author_id=principal.id, author_name=principal.username, author_role=principal.role, target=target,
                 text=text, internal=int(internal)),
            [entry],
        )
        if staff and not internal:  # the applicant also reads it in the chat
            where = common.place(form, target)
            part_id = target if target in form.part_ids() else None
            self.store.add_message(app_id, "assistant", f"【工作人员意见·{where}】{text}", part_id=part_id)
        views = self._comment_views(principal, form, self.store.comments(app_id), flat=True)
        return next(v for v in views if v.id == comment_id)

    def comments(self, principal: Principal, app_id: int) -> list[CommentView]:
        row = self.service._row(principal, app_id)
        return self._comment_views(principal, load_form(row.form_id), self.store.comments(app_id))

    def resolve(self, principal: Principal, app_id: int, comment_id: int) -> CommentView:
        row = self.service._row(principal, app_id)
        common.require_staff(principal, "把意见标为已处理")
        form = load_form(row.form_id)
        found = next((c for c in self.store.comments(app_id) if c.id == comment_id), None)
        if found is None:
            raise NotFoundError("找不到这条意见。")
        where = common.place(form, found.target)
        entry = common.audit(principal, "resolve", app_id, target=f"意见#{comment_id}·{where}", old="未处理",
                             new="已处理")
        self.store.resolve_comment(comment_id, principal.username, [entry])
        views = self._comment_views(principal, form, self.store.comments(app_id), flat=True)
        return next(v for v in views if v.id == comment_id)

    def _comment_views(self, principal: Principal, form: FormSpec, rows: list[CommentRow],
                       flat: bool = False) -> list[CommentView]:
        staff = common.is_staff(principal)
        views = {
            r.id: CommentView(
                id=r.id, target=r.target, place=common.place(form, r.target), text=r.text,
                author=r.author_name if staff else ("工作人员" if r.author_role != "applicant" else "申报单位"),
                author_role=r.author_role, internal=r.internal, resolved=r.resolved_at is not None,
                parent_id=r.parent_id, submission=r.submission, created_at=r.created_at,
            )
            for r in rows
            if staff or not r.internal
        }
        if flat:
            return list(views.values())
        for view in list(views.values()):
            if view.parent_id in views:
                views[view.parent_id].replies.append(view)
        return [v for v in views.values() if v.parent_id is None or v.parent_id not in views]

    # ---- what was submitted ------------------------------------------------------------------------------------------
    def snapshot(self, principal: Principal, app_id: int, number: int | None = None) -> Snapshot:
        self.service._row(principal, app_id)
        found = self.store.submission(app_id, number)
        if found is None:
            raise NotFoundError("这份申报书还没有提交过。" if number is None else f"没有第{number}次提交。")
        return Snapshot.model_validate(found.snapshot)

    def submitted_file(self, principal: Principal, app_id: int, promo: bool = False,
                       number: int | None = None) -> tuple[str, bytes]:
        snapshot = self.snapshot(principal, app_id, number)
        found = self.store.submission(app_id, snapshot.number)
        assert found is not None  # ``snapshot`` just read it
        files = self.store.submission_files(found.id)
        name = next((n for n in files if n.endswith("宣传推广材料.docx") == promo), None)
        if name is None:
            raise NotFoundError("找不到提交时保存的文件。")
        return name, files[name]

    def with_comments(self, row: ApplicationRow, data: bytes) -> bytes:
        """The applicant's .docx with the open, non-internal comments as Word comments at their part."""
        form = load_form(row.form_id)
        rows = self.store.comments(row.id)
        replies: dict[int, list[str]] = {}
        for r in rows:
            if r.parent_id is not None and not r.internal:
                who = "申报单位" if r.author_role == "applicant" else "工作人员"
                replies.setdefault(r.parent_id, []).append(f"{who}回复：{r.text}")
        comments = [
            WordComment(target=r.target, author="工作人员", text=r.text, replies=replies.get(r.id, []))
            for r in rows
            if r.parent_id is None and not r.internal and r.resolved_at is None
        ]
        return add_word_comments(data, form, comments)


def _errors_message(form: FormSpec, errors: list[Finding]) -> str:
    lines = [f"提交前审阅还有{len(errors)}项错误，暂不能提交："]
    for n, f in enumerate(errors[:ERRORS_SHOWN], 1):
        where = common.place(form, f.part_id) if f.part_id != "info" else "申报信息表"
        lines.append(f"{n}. {where}：{f.message}")
    if len(errors) > ERRORS_SHOWN:
        lines.append(f"……另有{len(errors) - ERRORS_SHOWN}项，见“审阅”页。")
    lines.append("请修改后再提交；如确有特殊情况，请联系工作人员允许带错误提交。")
    return "\n".join(lines)
