"""Storage of the call's process: status per application, frozen submissions and their files,
assessments, staff scores, comments, the call's reopening and the append-only audit log.

Every write takes the audit entries that describe it and commits both in one transaction,
so a change is never stored without its record (who, when, old → new, why), nor the
other way round. There is no method that changes or deletes an audit entry, and the
database refuses to (see the migration ``0003_issue26_bureau``).
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import Connection, RowMapping, func, insert, select, update

from assistant.store.bureau_rows import (
    AuditEntry,
    BoardRecord,
    CallEntryRow,
    CommentRow,
    NewScore,
    NewSubmission,
    ScoreRow,
    SubmissionRow,
)
from assistant.store.errors import ConflictError
from assistant.store.json_object import JsonObject
from assistant.store.rows import inserted_id, now_iso
from assistant.store.schema import (
    applications,
    assessments,
    audit_log,
    call_entries,
    call_settings,
    comments,
    scores,
    submission_files,
    submissions,
)


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


class BureauRecords:
    """Mixed into ``Store``: ``_tx`` is its transaction helper."""

    def _tx(self, *, write: bool = False) -> AbstractContextManager[Connection]:  # pragma: no cover - see Store
        raise NotImplementedError

    # ---- audit -------------------------------------------------------------------------------------------
    @staticmethod
    def _audit(conn: Connection, entries: list[AuditEntry], at: str) -> None:
        for e in entries:
            conn.execute(
                insert(audit_log).values(
                    at=at, actor_id=e.actor_id, actor_name=e.actor_name, actor_role=e.actor_role,
                    application_id=e.application_id, action=e.action, target=e.target, old_value=e.old,
                    new_value=e.new, reason=e.reason,
                )
            )

    def add_audit(self, *entries: AuditEntry) -> None:
        with self._tx(write=True) as conn:
            self._audit(conn, list(entries), now_iso())

    def audit_entries(self, application_id: int | None = None, limit: int | None = None) -> list[AuditEntry]:
        query = select(audit_log).order_by(audit_log.c.id)
        if application_id is not None:
            query = query.where(audit_log.c.application_id == application_id)
        if limit:
            query = query.limit(limit)
        with self._tx() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            AuditEntry(
                id=r["id"], at=r["at"], actor_id=r["actor_id"], actor_name=r["actor_name"],
                actor_role=r["actor_role"], application_id=r["application_id"], action=r["action"],
                target=r["target"], old=r["old_value"], new=r["new_value"], reason=r["reason"],
            )
            for r in rows
        ]

    # ---- the call ----------------------------------------------------------------------------------------
    def reopened_until(self, form_id: str) -> str | None:
        with self._tx() as conn:
            return conn.execute(
                select(call_settings.c.reopened_until).where(call_settings.c.form_id == form_id)
            ).scalar()

    def set_reopened_until(self, form_id: str, until: str | None, audit: AuditEntry) -> None:
        now = now_iso()
        with self._tx(write=True) as conn:
            found = conn.execute(select(call_settings.c.form_id).where(call_settings.c.form_id == form_id)).first()
            if found:
                conn.execute(
                    update(call_settings).where(call_settings.c.form_id == form_id)
                    .values(reopened_until=until, updated_at=now)
                )
            else:
                conn.execute(insert(call_settings).values(form_id=form_id, reopened_until=until, updated_at=now))
            self._audit(conn, [audit], now)

    # ---- entries -----------------------------------------------------------------------------------------
    def call_entry(self, application_id: int) -> CallEntryRow | None:
        query = select(call_entries).where(call_entries.c.application_id == application_id)
        with self._tx() as conn:
            row = conn.execute(query).mappings().first()
        return _entry(row) if row else None

    def _ensure_entry(self, conn: Connection, application_id: int, now: str, expected_status: str | None) -> None:
        """Lock (or create as 草稿) the entry; ``expected_status`` other than the stored one is a 409."""
        query = select(call_entries.c.status).where(call_entries.c.application_id == application_id)
        status = conn.execute(query.with_for_update()).scalar()
        if status is None:
            conn.execute(insert(call_entries).values(application_id=application_id, status="draft", updated_at=now))
            status = "draft"
        if expected_status is not None and status != expected_status:
            raise ConflictError("这份申报书的状态刚刚已被修改（可能是另一位工作人员或另一个窗口的操作），"
                                "请刷新后再试。")

    def update_entry(
        self, application_id: int, audit: list[AuditEntry], expected_status: str | None = None, **values: object
    ) -> None:
        """Change the entry's columns (status, allow_errors, pin, pinned_at, recommend_reason, gate_overrides)."""
        now = now_iso()
        if "gate_overrides" in values:
            values["gate_overrides_json"] = _json(values.pop("gate_overrides"))
        with self._tx(write=True) as conn:
            self._ensure_entry(conn, application_id, now, expected_status)
            conn.execute(
                update(call_entries).where(call_entries.c.application_id == application_id)
                .values(**values, updated_at=now)
            )
            self._audit(conn, audit, now)

    # ---- submissions ---------------------------------------------------------------------------------------
    def add_submission(
        self,
        application_id: int,
        submitted_by: int,
        new: NewSubmission,
        audit: list[AuditEntry],
        status: str,
        expected_status: str,
    ) -> int:
        """Freeze a snapshot with its files and assessment, make it current, set the status: one transaction."""
        now = now_iso()
        with self._tx(write=True) as conn:
            self._ensure_entry(conn, application_id, now, expected_status)
            last = conn.execute(
                select(func.max(submissions.c.number)).where(submissions.c.application_id == application_id)
            ).scalar()
            number = (last or 0) + 1
            snapshot = {**new.snapshot, "number": number, "taken_at": now}
            result = conn.execute(
                insert(submissions).values(
                    application_id=application_id, number=number, case_name=new.case_name, applicant=new.applicant,
                    co_applicants_json=_json(new.co_applicants), field=new.field, snapshot_json=_json(snapshot),
                    submitted_by=submitted_by, submitted_at=now,
                )
            )
            submission_id = inserted_id(result)
            for name, data in new.files.items():
                conn.execute(insert(submission_files).values(submission_id=submission_id, name=name, data=data))
            conn.execute(
                insert(assessments).values(
                    submission_id=submission_id, source=new.source, assessment_json=_json(new.assessment),
                    created_at=now,
                )
            )
            conn.execute(
                update(call_entries).where(call_entries.c.application_id == application_id)
                .values(status=status, submission=number, allow_errors=0, updated_at=now)
            )
            for entry in audit:  # "{number}" in an entry stands for the number this submission gets
                entry.new, entry.target = (v.replace("{number}", str(number)) for v in (entry.new, entry.target))
            self._audit(conn, audit, now)
            return number

    def submission(self, application_id: int, number: int | None = None) -> SubmissionRow | None:
        """The numbered submission, or the latest; with its snapshot."""
        query = select(submissions).where(submissions.c.application_id == application_id)
        query = query.where(submissions.c.number == number) if number else query.order_by(submissions.c.number.desc())
        with self._tx() as conn:
            row = conn.execute(query.limit(1)).mappings().first()
        return _submission(row, with_snapshot=True) if row else None

    def submissions(self, application_id: int) -> list[SubmissionRow]:
        query = select(*[c for c in submissions.c if c.name != "snapshot_json"]).where(
            submissions.c.application_id == application_id
        )
        with self._tx() as conn:
            rows = conn.execute(query.order_by(submissions.c.number)).mappings().all()
        return [_submission(r) for r in rows]

    def submission_files(self, submission_id: int) -> dict[str, bytes]:
        query = select(submission_files.c.name, submission_files.c.data).where(
            submission_files.c.submission_id == submission_id
        )
        with self._tx() as conn:
            return {r.name: bytes(r.data) for r in conn.execute(query)}

    def assessment(self, submission_id: int) -> JsonObject | None:
        query = select(assessments.c.assessment_json).where(assessments.c.submission_id == submission_id)
        with self._tx() as conn:
            raw = conn.execute(query).scalar()
        return json.loads(raw) if raw else None

    def set_assessment(self, submission_id: int, assessment: JsonObject, source: str, audit: list[AuditEntry]) -> None:
        now = now_iso()
        with self._tx(write=True) as conn:
            conn.execute(
                update(assessments).where(assessments.c.submission_id == submission_id)
                .values(assessment_json=_json(assessment), source=source, created_at=now)
            )
            self._audit(conn, audit, now)

    def board_records(self, form_id: str) -> list[BoardRecord]:
        """Every live application of the call with a current submission: entry, submission (no snapshot), assessment."""
        e, s, a, apps = call_entries, submissions, assessments, applications
        columns = [c for c in s.c if c.name != "snapshot_json"]
        query = (
            select(*e.c, *[c.label(f"s_{c.name}") for c in columns], a.c.assessment_json)
            .select_from(
                e.join(s, (s.c.application_id == e.c.application_id) & (s.c.number == e.c.submission))
                .join(a, a.c.submission_id == s.c.id)
                .join(apps, apps.c.id == e.c.application_id)
            )
            .where(e.c.submission > 0, apps.c.form_id == form_id, apps.c.deleted_at.is_(None))
        )
        with self._tx() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            BoardRecord(
                entry=_entry(r),
                submission=_submission({c.name: r[f"s_{c.name}"] for c in columns}),
                assessment=json.loads(r["assessment_json"]),
            )
            for r in rows
        ]

    # ---- scores ----------------------------------------------------------------------------------------------
    def add_scores(
        self, submission_id: int, staff_id: int, staff_name: str, new: list[NewScore], audit: list[AuditEntry]
    ) -> None:
        now = now_iso()
        with self._tx(write=True) as conn:
            for score in new:
                conn.execute(
                    insert(scores).values(
                        submission_id=submission_id, staff_id=staff_id, staff_name=staff_name,
                        criterion_id=score.criterion_id, level=score.level, proposed_level=score.proposed_level,
                        reason=score.reason, created_at=now,
                    )
                )
            self._audit(conn, audit, now)

    def scores(self, submission_ids: list[int]) -> list[ScoreRow]:
        """Every score row of these submissions, oldest first (the latest per staff and criterion is current)."""
        if not submission_ids:
            return []
        query = select(scores).where(scores.c.submission_id.in_(submission_ids)).order_by(scores.c.id)
        with self._tx() as conn:
            return [ScoreRow(**r) for r in conn.execute(query).mappings()]

    # ---- comments ----------------------------------------------------------------------------------------------
    def add_comment(self, values: JsonObject, audit: list[AuditEntry]) -> int:
        now = now_iso()
        with self._tx(write=True) as conn:
            result = conn.execute(insert(comments).values(**values, created_at=now))
            comment_id = inserted_id(result)
            for entry in audit:
                entry.target = entry.target or f"意见#{comment_id}"
            self._audit(conn, audit, now)
            return comment_id

    def comments(self, application_id: int) -> list[CommentRow]:
        query = select(comments).where(comments.c.application_id == application_id).order_by(comments.c.id)
        with self._tx() as conn:
            return [CommentRow(**{**r, "internal": bool(r["internal"])}) for r in conn.execute(query).mappings()]

    def resolve_comment(self, comment_id: int, by: str, audit: list[AuditEntry]) -> None:
        now = now_iso()
        with self._tx(write=True) as conn:
            conn.execute(update(comments).where(comments.c.id == comment_id).values(resolved_at=now, resolved_by=by))
            self._audit(conn, audit, now)


def _entry(row: RowMapping) -> CallEntryRow:
    return CallEntryRow(
        application_id=row["application_id"],
        status=row["status"],
        submission=row["submission"],
        allow_errors=bool(row["allow_errors"]),
        pin=row["pin"],
        pinned_at=row["pinned_at"],
        recommend_reason=row["recommend_reason"],
        gate_overrides=json.loads(row["gate_overrides_json"] or "{}"),
        updated_at=row["updated_at"],
    )


def _submission(row: RowMapping | dict[str, Any], with_snapshot: bool = False) -> SubmissionRow:
    return SubmissionRow(
        id=row["id"],
        application_id=row["application_id"],
        number=row["number"],
        case_name=row["case_name"],
        applicant=row["applicant"],
        co_applicants=json.loads(row["co_applicants_json"]),
        field=row["field"],
        snapshot=json.loads(row["snapshot_json"]) if with_snapshot else None,
        submitted_by=row["submitted_by"],
        submitted_at=row["submitted_at"],
    )
