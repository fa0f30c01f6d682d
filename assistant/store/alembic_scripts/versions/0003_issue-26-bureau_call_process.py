"""The call's process: call settings, per-application status, frozen submissions and their files,
assessments (gates and proposals), staff scores, comments and the append-only audit log.

The audit log refuses UPDATE and DELETE in the database itself (a trigger on SQLite and on
PostgreSQL), so no code path, old or new, can rewrite who decided what.

Revision ID: 0003_issue26_bureau
Revises: 0002_session_indexes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from assistant.store.migrations import record

revision = "0003_issue26_bureau"
down_revision = "0002_session_indexes"
branch_labels = None
depends_on = None

AUTO = {"sqlite_autoincrement": True}
STATUSES = "'draft', 'submitted', 'returned', 'reviewed', 'recommended', 'not_recommended'"
APPEND_ONLY = "审计日志只能追加，不能修改或删除"


def _tables() -> None:
    op.create_table(
        "call_settings",
        sa.Column("form_id", sa.Text, primary_key=True),
        sa.Column("reopened_until", sa.Text),
        sa.Column("updated_at", sa.Text, nullable=False),
    )
    op.create_table(
        "call_entries",
        sa.Column("application_id", sa.Integer, sa.ForeignKey("applications.id"), primary_key=True),
        sa.Column("status", sa.Text, sa.CheckConstraint(f"status IN ({STATUSES})"), nullable=False),
        sa.Column("submission", sa.Integer, nullable=False, server_default="0"),
        sa.Column("allow_errors", sa.Integer, nullable=False, server_default="0"),
        sa.Column("pin", sa.Integer),
        sa.Column("pinned_at", sa.Text),
        sa.Column("recommend_reason", sa.Text),
        sa.Column("gate_overrides_json", sa.Text, nullable=False, server_default="{}"),
        sa.Column("updated_at", sa.Text, nullable=False),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("application_id", sa.Integer, sa.ForeignKey("applications.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("case_name", sa.Text, nullable=False),
        sa.Column("applicant", sa.Text, nullable=False),
        sa.Column("co_applicants_json", sa.Text, nullable=False),
        sa.Column("field", sa.Text, nullable=False),
        sa.Column("snapshot_json", sa.Text, nullable=False),
        sa.Column("submitted_by", sa.Integer, nullable=False),
        sa.Column("submitted_at", sa.Text, nullable=False),
        sa.UniqueConstraint("application_id", "number"),
        **AUTO,
    )
    op.create_table(
        "submission_files",
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("submission_id", "name"),
    )
    op.create_table(
        "assessments",
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("assessment_json", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
    )
    op.create_table(
        "scores",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False),
        sa.Column("staff_id", sa.Integer, nullable=False),
        sa.Column("staff_name", sa.Text, nullable=False),
        sa.Column("criterion_id", sa.Text, nullable=False),
        sa.Column("level", sa.Integer, sa.CheckConstraint("level BETWEEN 0 AND 3"), nullable=False),
        sa.Column("proposed_level", sa.Integer),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        **AUTO,
    )
    op.create_index("scores_submission", "scores", ["submission_id"])
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("application_id", sa.Integer, sa.ForeignKey("applications.id"), nullable=False),
        sa.Column("submission", sa.Integer, nullable=False),
        sa.Column("parent_id", sa.Integer),
        sa.Column("author_id", sa.Integer, nullable=False),
        sa.Column("author_name", sa.Text, nullable=False),
        sa.Column("author_role", sa.Text, nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("internal", sa.Integer, nullable=False, server_default="0"),
        sa.Column("resolved_at", sa.Text),
        sa.Column("resolved_by", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
        **AUTO,
    )
    op.create_index("comments_app", "comments", ["application_id", "id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("actor_id", sa.Integer, nullable=False),
        sa.Column("actor_name", sa.Text, nullable=False),
        sa.Column("actor_role", sa.Text, nullable=False),
        sa.Column("application_id", sa.Integer),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("old_value", sa.Text, nullable=False),
        sa.Column("new_value", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        **AUTO,
    )
    op.create_index("audit_app", "audit_log", ["application_id", "id"])


def _append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        )


def upgrade() -> None:
    _tables()
    _append_only()
    record(revision)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    for table in ("audit_log", "comments", "scores", "assessments", "submission_files", "submissions",
                  "call_entries", "call_settings"):
        op.drop_table(table)
    op.execute("DELETE FROM schema_migrations WHERE name = '0003_issue26_bureau'")
