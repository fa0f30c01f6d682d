"""The tables, as SQLAlchemy Core objects: one description for SQLite and PostgreSQL.

Timestamps are ISO-8601 text in UTC (``rows.now_iso``) and JSON documents are text,
exactly as the first release stored them, so an old SQLite file needs no data rewrite.
The Alembic revisions in ``assistant/store/alembic_scripts/versions`` create these tables; this
module is what the queries are written against, and a test checks the two agree.
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", Text, nullable=False, unique=True),
    Column("role", Text, CheckConstraint("role IN ('applicant', 'staff', 'admin')"), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("disabled", Integer, nullable=False, server_default="0"),
    Column("created_at", Text, nullable=False),
    sqlite_autoincrement=True,
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", Text, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("expires_at", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Index("sessions_user", "user_id"),
    Index("sessions_expires", "expires_at"),
)

applications = Table(
    "applications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner_id", Integer, nullable=False),
    Column("form_id", Text, nullable=False),
    Column("info_json", Text, nullable=False),
    Column("media_json", Text, nullable=False, server_default="{}"),
    Column("state_json", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    Column("deleted_at", Text),
    Index("applications_owner", "owner_id"),
    Index("applications_deleted", "deleted_at"),
    sqlite_autoincrement=True,
)

messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("application_id", Integer, ForeignKey("applications.id"), nullable=False),
    Column("role", Text, CheckConstraint("role IN ('user', 'assistant')"), nullable=False),
    Column("part_id", Text),
    Column("content", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Index("messages_app", "application_id", "id"),
    sqlite_autoincrement=True,
)

part_versions = Table(
    "part_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("application_id", Integer, ForeignKey("applications.id"), nullable=False),
    Column("part_id", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("parent_version", Integer),
    Column("text", Text, nullable=False),
    Column("words", Integer, nullable=False),
    Column("budget", Integer, nullable=False),
    Column("source", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("report_json", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    UniqueConstraint("application_id", "part_id", "version"),
    sqlite_autoincrement=True,
)

part_heads = Table(
    "part_heads",
    metadata,
    Column("application_id", Integer, ForeignKey("applications.id"), nullable=False),
    Column("part_id", Text, nullable=False),
    Column("version", Integer, nullable=False),
    PrimaryKeyConstraint("application_id", "part_id"),
)

# Who changed which account how (add, password, role, disable/enable, delete): append-only, enforced by
# triggers (migration 0003). ``username``/``actor`` are names, not ids: the row outlives a deleted account.
account_events = Table(
    "account_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("username", Text, nullable=False),
    Column("detail", Text, nullable=False, server_default=""),
    sqlite_autoincrement=True,
)

# Login attempts per bucket ("login-account:<name>", "login-client:<address>") for the shared throttle on
# PostgreSQL: every instance counts in the same rows (see ``assistant.store.attempts``).
login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("bucket", Text, nullable=False),
    Column("at", Float, nullable=False),
    Index("login_attempts_bucket", "bucket", "at"),
    Index("login_attempts_at", "at"),
    sqlite_autoincrement=True,
)

# The first release's migration ledger; every Alembic revision still records its name here.
schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("name", Text, primary_key=True),
    Column("applied_at", Text, nullable=False),
)

# ---- the call's process (issue 26): submissions, scores, comments, the audit log ---------------------
CALL_STATUSES = "'draft', 'submitted', 'returned', 'reviewed', 'recommended', 'not_recommended'"

call_settings = Table(
    "call_settings",
    metadata,
    Column("form_id", Text, primary_key=True),
    Column("reopened_until", Text),
    Column("updated_at", Text, nullable=False),
)

call_entries = Table(
    "call_entries",
    metadata,
    Column("application_id", Integer, ForeignKey("applications.id"), primary_key=True),
    Column("status", Text, CheckConstraint(f"status IN ({CALL_STATUSES})"), nullable=False),
    Column("submission", Integer, nullable=False, server_default="0"),
    Column("allow_errors", Integer, nullable=False, server_default="0"),
    Column("pin", Integer),
    Column("pinned_at", Text),
    Column("recommend_reason", Text),
    Column("gate_overrides_json", Text, nullable=False, server_default="{}"),
    Column("updated_at", Text, nullable=False),
)

submissions = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("application_id", Integer, ForeignKey("applications.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("case_name", Text, nullable=False),
    Column("applicant", Text, nullable=False),
    Column("co_applicants_json", Text, nullable=False),
    Column("field", Text, nullable=False),
    Column("snapshot_json", Text, nullable=False),
    Column("submitted_by", Integer, nullable=False),
    Column("submitted_at", Text, nullable=False),
    UniqueConstraint("application_id", "number"),
    sqlite_autoincrement=True,
)

submission_files = Table(
    "submission_files",
    metadata,
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("data", LargeBinary, nullable=False),
    PrimaryKeyConstraint("submission_id", "name"),
)

assessments = Table(
    "assessments",
    metadata,
    Column("submission_id", Integer, ForeignKey("submissions.id"), primary_key=True),
    Column("source", Text, nullable=False),
    Column("assessment_json", Text, nullable=False),
    Column("created_at", Text, nullable=False),
)

scores = Table(
    "scores",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False),
    Column("staff_id", Integer, nullable=False),
    Column("staff_name", Text, nullable=False),
    Column("criterion_id", Text, nullable=False),
    Column("level", Integer, CheckConstraint("level BETWEEN 0 AND 3"), nullable=False),
    Column("proposed_level", Integer),
    Column("reason", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Index("scores_submission", "submission_id"),
    sqlite_autoincrement=True,
)

comments = Table(
    "comments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("application_id", Integer, ForeignKey("applications.id"), nullable=False),
    Column("submission", Integer, nullable=False),
    Column("parent_id", Integer),
    Column("author_id", Integer, nullable=False),
    Column("author_name", Text, nullable=False),
    Column("author_role", Text, nullable=False),
    Column("target", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("internal", Integer, nullable=False, server_default="0"),
    Column("resolved_at", Text),
    Column("resolved_by", Text),
    Column("created_at", Text, nullable=False),
    Index("comments_app", "application_id", "id"),
    sqlite_autoincrement=True,
)

# Append-only: the migration adds triggers that refuse UPDATE and DELETE on this table.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Text, nullable=False),
    Column("actor_id", Integer, nullable=False),
    Column("actor_name", Text, nullable=False),
    Column("actor_role", Text, nullable=False),
    Column("application_id", Integer),
    Column("action", Text, nullable=False),
    Column("target", Text, nullable=False),
    Column("old_value", Text, nullable=False),
    Column("new_value", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Index("audit_app", "application_id", "id"),
    sqlite_autoincrement=True,
)


# Issue 27: pictures and the video of an application (bytes under 数据目录/media/), and its 数据要素流向图.
media_files = Table(
    "media_files",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("application_id", Integer, ForeignKey("applications.id"), nullable=False),
    Column("slot", Text, nullable=False),
    Column("filename", Text, nullable=False),
    Column("stored_name", Text, nullable=False),
    Column("size", Integer, nullable=False),
    Column("facts_json", Text, nullable=False),
    Column("generated", Integer, nullable=False, server_default="0"),
    Column("created_at", Text, nullable=False),
    UniqueConstraint("application_id", "slot"),
    sqlite_autoincrement=True,
)

flow_graphs = Table(
    "flow_graphs",
    metadata,
    Column("application_id", Integer, ForeignKey("applications.id"), primary_key=True),
    Column("graph_json", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
)
