"""The staff's side of the call, held by ``Service`` as ``service.board``: score sheets, scores, gates
decided by hand, the ranking board and its moves, decisions, the 推荐理由, the 汇总表, the package
of recommended files, re-scoring and the audit log.

Everything here is staff only: an applicant gets 404 for another's application (``Service._row``)
and 403 for their own, and never sees a score, proposal, rank or audit entry.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant.auth.principal import Principal
from assistant.bureau import status as flow
from assistant.bureau.audit import audit_csv
from assistant.bureau.board import Board, BoardEntry, BoardRow, rank
from assistant.bureau.models import Assessment, GateResult, Snapshot, StaffScore
from assistant.bureau.prescore import assess
from assistant.bureau.summary import Summary, build_summary, draft_reason, summary_docx, summary_xlsx
from assistant.core.errors import InvalidInputError
from assistant.forms.rubric import Rubric
from assistant.forms.spec import FormSpec, load_form
from assistant.service import call_common as common
from assistant.service.call_views import CriterionSheet, GateInput, LevelView, ScoreInput, ScoreSheet
from assistant.store.bureau import AuditEntry, BoardRecord, NewScore, ScoreRow
from assistant.store.desk_protocol import ServiceStore
from assistant.store.json_object import JsonObject

if TYPE_CHECKING:
    from assistant.service.service import Service

DEFAULT_FORM = "cq-2024-batch2"
REASON_LIMIT = 2000
SORTS = ("rank", "total", "field", "status", "submitted_at")
DECISIONS = ("review", "recommend", "not_recommend", "reconsider")


def rubric_of(form: FormSpec) -> Rubric:
    if form.rubric is None:
        raise InvalidInputError(f"“{form.title}”（{form.id}）的表单文件中没有评分标准（rubric），无法评分和排序。")
    return form.rubric


def latest_scores(rows: list[ScoreRow]) -> dict[int, list[StaffScore]]:
    """Submission id → the current score of each staff member per criterion (the last one they gave)."""
    last: dict[tuple[int, int, str], ScoreRow] = {}
    for row in rows:
        last[(row.submission_id, row.staff_id, row.criterion_id)] = row
    found: dict[int, list[StaffScore]] = defaultdict(list)
    for (submission_id, _, _), row in last.items():
        found[submission_id].append(
            StaffScore(criterion_id=row.criterion_id, staff_id=row.staff_id, staff_name=row.staff_name,
                       level=row.level, proposed_level=row.proposed_level, reason=row.reason, at=row.created_at)
        )
    return found


def overrides(record: BoardRecord) -> dict[str, GateResult]:
    return {
        gate_id: GateResult(gate_id=gate_id, title=value.get("title", gate_id), passed=bool(value["passed"]),
                            reason=f"{value.get('reason', '')}（{value.get('by', '工作人员')}认定）", overridden=True)
        for gate_id, value in record.entry.gate_overrides.items()
    }


class BoardDesk:
    def __init__(self, service: Service) -> None:
        self.service = service

    @property
    def store(self) -> ServiceStore:
        return self.service.store

    # ---- reading -------------------------------------------------------------------------------------------------
    def _records(self, form: FormSpec) -> tuple[list[BoardRecord], dict[int, list[StaffScore]]]:
        records = self.store.board_records(form.id)
        return records, latest_scores(self.store.scores([r.submission.id for r in records]))

    def _ranked(self, form: FormSpec) -> tuple[Board, dict[int, BoardRecord]]:
        records, scores = self._records(form)
        entries = [
            BoardEntry(
                application_id=r.entry.application_id, status=r.entry.status, submission=r.submission.number,
                submitted_at=r.submission.submitted_at, case_name=r.submission.case_name,
                applicant=r.submission.applicant, co_applicants=r.submission.co_applicants, field=r.submission.field,
                assessment=Assessment.model_validate(r.assessment), scores=scores.get(r.submission.id, []),
                gate_overrides=overrides(r), pin=r.entry.pin, pinned_at=r.entry.pinned_at or "",
            )
            for r in records
            if r.entry.status != "draft"  # withdrawn: no longer before the bureau
        ]
        board = rank(rubric_of(form), form.recommend_limit, entries, form.rubric.selection if form.rubric else "")
        return board, {r.entry.application_id: r for r in records}

    def board(self, principal: Principal, field: str | None = None, status: str | None = None,
              sort: str = "rank", gated: bool | None = None, form_id: str = DEFAULT_FORM) -> Board:
        """The ranked board; filters and another sort change what is listed, never the ranks or the line."""
        common.require_staff(principal, "查看评审排序")
        if sort not in SORTS and not (sort.startswith("criterion:")):
            raise InvalidInputError(f"不认识的排序方式“{sort}”。可用：{'、'.join(SORTS)}，或 criterion:<评分项编号>。")
        board, _ = self._ranked(load_form(form_id))
        rows = [r for r in board.rows
                if (not field or r.field == field) and (not status or r.status == status)
                and (gated is None or (not r.gates_passed) == gated)]
        rows.sort(key=_sort_key(sort, board))
        return board.model_copy(update={"rows": rows})

    def _row(self, principal: Principal, app_id: int) -> tuple[FormSpec, Board, BoardRow, BoardRecord]:
        app = self.service._row(principal, app_id)
        common.require_staff(principal, "评分和排序")
        form = load_form(app.form_id)
        board, records = self._ranked(form)
        row = next((r for r in board.rows if r.application_id == app_id), None)
        if row is None:
            raise InvalidInputError("这份申报书还没有提交，不能评分或排序。", code="not_submitted")
        return form, board, row, records[app_id]

    def score_sheet(self, principal: Principal, app_id: int) -> ScoreSheet:
        form, _, row, record = self._row(principal, app_id)
        rubric = rubric_of(form)
        assessment = Assessment.model_validate(record.assessment)
        scores = latest_scores(self.store.scores([record.submission.id])).get(record.submission.id, [])
        sheets = []
        for criterion, cell in zip(rubric.criteria, row.criteria, strict=True):
            mine = next((s.level for s in scores if s.criterion_id == criterion.id and s.staff_id == principal.id),
                        None)
            sheets.append(CriterionSheet(
                criterion_id=criterion.id, title=criterion.title, notice=criterion.notice, weight=criterion.weight,
                evidence_hint=criterion.evidence,
                levels=[LevelView(level=lv.level, label=lv.label, anchor=lv.anchor) for lv in criterion.levels],
                proposal=assessment.proposal(criterion.id),
                scores=[s for s in scores if s.criterion_id == criterion.id], mean=cell.mean,
                disagreement=cell.disagreement, mine=mine,
            ))
        return ScoreSheet(
            application_id=app_id, case_name=row.case_name, submission=row.submission, status=row.status,
            status_label=row.status_label, gates=row.gates, criteria=sheets, notes=assessment.notes,
            recommend_reason=record.entry.recommend_reason or draft_reason(rubric, row, assessment),
            source=assessment.source,
        )

    # ---- scoring -------------------------------------------------------------------------------------------------
    def put_scores(
        self, principal: Principal, app_id: int, scores: list[ScoreInput], gates: list[GateInput] | None = None
    ) -> ScoreSheet:
        """Accept or change each proposed level (a reason is required when changing); decide gates by hand."""
        form, _, row, record = self._row(principal, app_id)
        if row.status not in flow.UNDER_REVIEW:
            raise InvalidInputError(f"这份申报书目前是“{row.status_label}”，待申报单位重新提交后才能评分。")
        rubric = rubric_of(form)
        assessment = Assessment.model_validate(record.assessment)
        mine = {s.criterion_id: s for s in latest_scores(self.store.scores([record.submission.id]))
                .get(record.submission.id, []) if s.staff_id == principal.id}
        new, entries = [], []
        for item in scores:
            criterion = rubric.criterion(item.criterion)
            if criterion is None:
                known = "、".join(c.id for c in rubric.criteria)
                raise InvalidInputError(f"没有评分项“{item.criterion}”。可用：{known}。")
            level = item.level
            proposal = assessment.proposal(criterion.id)
            proposed = proposal.level if proposal else None
            reason = common.clean_reason(item.reason, REASON_LIMIT)
            if level != proposed and not reason:
                raise InvalidInputError(f"“{criterion.title}”改动了预评分（{proposed}级→{level}级），请写明理由。",
                                        code="reason_required")
            before = mine.get(criterion.id)
            if before is not None and before.level == level and not reason:
                continue
            old = f"{before.level}级" if before else (f"预评{proposed}级" if proposed is not None else "未评")
            new.append(NewScore(criterion_id=criterion.id, level=level, proposed_level=proposed, reason=reason))
            entries.append(common.audit(principal, "score", app_id, target=criterion.title, old=old,
                                        new=f"{level}级（{criterion.level(level).label}）",
                                        reason=reason or ("接受预评分" if level == proposed else "")))
        decided = self._gates(principal, form, app_id, record, gates or [], entries)
        if new:
            self.store.add_scores(record.submission.id, principal.id, principal.username, new,
                                  [e for e in entries if e.action == "score"])
        if decided is not None:
            self.store.update_entry(app_id, [e for e in entries if e.action == "gate"], gate_overrides=decided)
        return self.score_sheet(principal, app_id)

    def _gates(self, principal: Principal, form: FormSpec, app_id: int, record: BoardRecord,
               gates: list[GateInput], entries: list[AuditEntry]) -> JsonObject | None:
        if not gates:
            return None
        rubric = rubric_of(form)
        decided = dict(record.entry.gate_overrides)
        computed = {g.gate_id: g for g in Assessment.model_validate(record.assessment).gates}
        for item in gates:
            gate = rubric.gate(item.gate)
            if gate is None:
                raise InvalidInputError(f"没有资格条件“{item.gate}”。可用：{'、'.join(g.id for g in rubric.gates)}。")
            reason = common.required_text(item.reason, f"认定“{gate.title}”的理由", REASON_LIMIT)
            passed = item.passed
            before = decided.get(gate.id, {}).get("passed", computed[gate.id].passed if gate.id in computed else None)
            if passed is None:
                decided.pop(gate.id, None)
                new_text = "恢复自动检查"
            else:
                decided[gate.id] = {"passed": bool(passed), "reason": reason, "by": principal.username,
                                    "title": gate.title}
                new_text = "通过" if passed else "不通过"
            entries.append(common.audit(principal, "gate", app_id, target=gate.title,
                                        old="通过" if before else "不通过", new=new_text, reason=reason))
        return decided

    # ---- order and decisions -------------------------------------------------------------------------------------
    def move(self, principal: Principal, app_id: int, position: int | None, reason: str) -> Board:
        """Place an application at ``position`` (1 = first), across the line or not; None: back to the score order."""
        form, board, row, _ = self._row(principal, app_id)
        reason = common.required_text(reason, "调整排序的理由", REASON_LIMIT)
        if position is not None and (position < 1 or position > 10_000):
            raise InvalidInputError("位置须为1到10000之间的整数。")
        if not row.eligible:
            raise InvalidInputError(f"这份申报书不参与推荐排序：{row.note}如需人工认定资格，请在评分页中处理。",
                                    code="not_rankable")
        eligible = sum(1 for r in board.rows if r.eligible)
        target = min(position, eligible) if position else None
        if row.status == "recommended" and target and target > form.recommend_limit:
            raise InvalidInputError("这份申报书已标为“推荐”，不能移到推荐线以下；请先改为“已审核”或“不推荐”。")
        side = "" if target is None else ("（推荐线以上）" if target <= board.line_after else "（推荐线以下）")
        entry = common.audit(principal, "move", app_id, target=row.case_name,
                             old=f"第{row.rank}位{'（推荐线以上）' if row.above_line else '（推荐线以下）'}",
                             new=f"第{target}位{side}" if target else "按得分排序", reason=reason)
        self.store.update_entry(app_id, [entry], pin=target, pinned_at=self.service.call.now() if target else None)
        return self.board(principal, form_id=form.id)

    def decide(self, principal: Principal, app_id: int, action: str, reason: str = "") -> Board:
        """已审核 / 推荐 / 不推荐 / 重新审核. 推荐 only above the line; 不推荐 needs a reason."""
        form, _, row, _ = self._row(principal, app_id)
        if action not in DECISIONS:
            raise InvalidInputError(f"不认识的决定“{action}”。可用：{'、'.join(DECISIONS)}。")
        if action == "recommend" and not row.above_line:
            raise InvalidInputError("只能推荐排在推荐线以上的申报书；请先调整排序。", code="below_line")
        reason = common.clean_reason(reason, REASON_LIMIT)
        if action == "not_recommend" and not reason:
            raise InvalidInputError("请写明不推荐的理由。", code="reason_required")
        self.service.call._move(principal, app_id, action, "staff", reason=reason)
        return self.board(principal, form_id=form.id)

    def set_reason(self, principal: Principal, app_id: int, text: str) -> ScoreSheet:
        self._row(principal, app_id)
        text = common.required_text(text, "推荐理由", REASON_LIMIT)
        before = (found.recommend_reason or "") if (found := self.store.call_entry(app_id)) else ""
        entry = common.audit(principal, "reason", app_id, target="推荐理由", old=before, new=text)
        self.store.update_entry(app_id, [entry], recommend_reason=text)
        return self.score_sheet(principal, app_id)

    # ---- reporting -----------------------------------------------------------------------------------------------
    def summary(self, principal: Principal, contacts: bool = False, form_id: str = DEFAULT_FORM) -> Summary:
        common.require_staff(principal, "导出汇总表")
        form = load_form(form_id)
        rubric = rubric_of(form)
        board, records = self._ranked(form)
        reasons, people = {}, {}
        for row in (r for r in board.rows if r.above_line):
            record = records[row.application_id]
            reasons[row.application_id] = record.entry.recommend_reason or draft_reason(
                rubric, row, Assessment.model_validate(record.assessment))
            if contacts:
                submitted = self.store.submission(row.application_id, row.submission)
                assert submitted is not None  # a row on the board is a submission
                snapshot = submitted.snapshot or {}
                person = snapshot.get("info", {}).get("contact", {})
                people[row.application_id] = (person.get("name", ""), person.get("phone", ""))
        return build_summary(rubric, board, reasons, people if contacts else None)

    def summary_file(self, principal: Principal, kind: str = "xlsx", contacts: bool = False) -> tuple[str, bytes]:
        summary = self.summary(principal, contacts)
        if kind == "docx":
            return "汇总表.docx", summary_docx(summary)
        return "汇总表.xlsx", summary_xlsx(summary)

    def package(self, principal: Principal, form_id: str = DEFAULT_FORM) -> tuple[str, bytes]:
        """One zip: the 汇总表 (.xlsx, .docx) and each recommended application's files as submitted."""
        summary = self.summary(principal, form_id=form_id)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("汇总表.xlsx", summary_xlsx(summary))
            archive.writestr("汇总表.docx", summary_docx(summary))
            for row in summary.rows:
                found = self.store.submission(row.application_id)
                assert found is not None  # a recommended row is a submission
                folder = f"{row.number:02d}-{_safe(row.case_name)}"
                for name, data in self.store.submission_files(found.id).items():
                    archive.writestr(f"{folder}/{_safe(name)}", data)
        return "推荐案例材料.zip", out.getvalue()

    def audit(self, principal: Principal, app_id: int | None = None) -> list[AuditEntry]:
        common.require_staff(principal, "查看操作记录")
        if app_id is not None:
            self.service._row(principal, app_id)
        return self.store.audit_entries(app_id)

    def audit_file(self, principal: Principal, app_id: int | None = None) -> tuple[str, str]:
        return "操作记录.csv", audit_csv(self.audit(principal, app_id))

    def rescore(self, principal: Principal, form_id: str = DEFAULT_FORM) -> int:
        """Recompute gates and proposals of every current submission (after the rubric changed, or with a model)."""
        common.require_staff(principal, "重新预评分")
        form = load_form(form_id)
        chat_model = self.service.chat_model
        records, _ = self._records(form)
        for record in records:
            found = self.store.submission(record.entry.application_id, record.submission.number)
            assert found is not None  # the record was read from this submission
            snapshot = Snapshot.model_validate(found.snapshot)
            assessment = assess(form, snapshot, self.service.call.now())
            if chat_model is not None:
                from assistant.bureau.model_prescore import model_assessment

                assessment = model_assessment(form, snapshot, assessment, chat_model)
            entry = common.audit(principal, "prescore", record.entry.application_id, target="预评分",
                                 new="模型预评分" if assessment.source == "model" else "离线预评分")
            self.store.set_assessment(found.id, assessment.model_dump(), assessment.source, [entry])
        return len(records)


def _safe(name: str) -> str:
    return re.sub(r"[\\/:*?\"<>|\x00-\x1f]", "-", name)[:80] or "未命名"


def _sort_key(sort: str, board: Board) -> Callable[[BoardRow], tuple[object, ...] | int]:
    if sort == "total":
        return lambda r: (-r.total, r.rank)
    if sort.startswith("criterion:"):
        wanted = sort.removeprefix("criterion:")
        return lambda r: (-next((c.used for c in r.criteria if c.criterion_id == wanted), 0), r.rank)
    if sort in ("field", "status", "submitted_at"):
        return lambda r: (getattr(r, sort), r.rank)
    return lambda r: r.rank
