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
    ForeignKey,
    Index,
    Integer,
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

# The first release's migration ledger; every Alembic revision still records its name here.
schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("name", Text, primary_key=True),
    Column("applied_at", Text, nullable=False),
)
