"""What the service's desks need from storage beyond ``ApplicationStore``, as protocols.

The call desks (``service/call_desk.py``, ``board_desk.py``) read and write the call's process
(``store.bureau``) and the media desk the pictures, video and flow diagram (``store.media``). Naming
exactly those methods here lets the service type its store without importing the SQL class, and lets
mypy check that ``assistant.store.sql.Store`` still provides each of them.
"""

from __future__ import annotations

from typing import Protocol

from assistant.store.bureau import (
    AuditEntry,
    BoardRecord,
    CallEntryRow,
    CommentRow,
    NewScore,
    NewSubmission,
    ScoreRow,
    SubmissionRow,
)
from assistant.store.json_object import JsonObject
from assistant.store.media import MediaRow
from assistant.store.protocol import ApplicationStore


class CallStore(Protocol):
    """The call's process: status, submissions, assessments, scores, comments, reopening, the audit log."""

    def audit_entries(self, application_id: int | None = None, limit: int | None = None) -> list[AuditEntry]: ...

    def reopened_until(self, form_id: str) -> str | None: ...

    def set_reopened_until(self, form_id: str, until: str | None, audit: AuditEntry) -> None: ...

    def call_entry(self, application_id: int) -> CallEntryRow | None: ...

    def update_entry(
        self, application_id: int, audit: list[AuditEntry], expected_status: str | None = None, **values: object
    ) -> None: ...

    def add_submission(
        self,
        application_id: int,
        submitted_by: int,
        new: NewSubmission,
        audit: list[AuditEntry],
        status: str,
        expected_status: str,
    ) -> int: ...

    def submission(self, application_id: int, number: int | None = None) -> SubmissionRow | None: ...

    def submissions(self, application_id: int) -> list[SubmissionRow]: ...

    def submission_files(self, submission_id: int) -> dict[str, bytes]: ...

    def set_assessment(
        self, submission_id: int, assessment: JsonObject, source: str, audit: list[AuditEntry]
    ) -> None: ...

    def board_records(self, form_id: str) -> list[BoardRecord]: ...

    def add_scores(
        self, submission_id: int, staff_id: int, staff_name: str, new: list[NewScore], audit: list[AuditEntry]
    ) -> None: ...

    def scores(self, submission_ids: list[int]) -> list[ScoreRow]: ...

    def add_comment(self, values: JsonObject, audit: list[AuditEntry]) -> int: ...

    def comments(self, application_id: int) -> list[CommentRow]: ...

    def resolve_comment(self, comment_id: int, by: str, audit: list[AuditEntry]) -> None: ...


class MediaStore(Protocol):
    """An application's media rows and its flow diagram (the bytes live in ``assistant.media.files``)."""

    def put_media(
        self,
        app_id: int,
        slot: str,
        filename: str,
        stored_name: str,
        size: int,
        facts: JsonObject,
        generated: bool = False,
    ) -> tuple[int, str | None]: ...

    def media(self, app_id: int) -> list[MediaRow]: ...

    def media_item(self, app_id: int, media_id: int) -> MediaRow | None: ...

    def delete_media(self, app_id: int, media_id: int) -> str | None: ...

    def flow_graph(self, app_id: int) -> JsonObject | None: ...

    def put_flow_graph(self, app_id: int, graph: JsonObject) -> None: ...


class ServiceStore(ApplicationStore, CallStore, MediaStore, Protocol):
    """Everything ``Service`` and its desks call on ``service.store``."""
