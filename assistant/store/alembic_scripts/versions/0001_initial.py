"""The first release's schema (its hand-written migration "0001_initial"), in Alembic form.

A database made by that release already has these tables and the name in
``schema_migrations``; it is stamped at this revision instead of running it.

Revision ID: 0001_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from assistant.store.migrations import record

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

AUTO = {"sqlite_autoincrement": True}


def upgrade() -> None:
    op.create_table(
        "schema_migrations",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("applied_at", sa.Text, nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.Text, nullable=False, unique=True),
        sa.Column("role", sa.Text, sa.CheckConstraint("role IN ('applicant', 'staff', 'admin')"), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("disabled", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.Text, nullable=False),
        **AUTO,
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.Text, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("expires_at", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
    )
    op.create_table(
        "applications",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("owner_id", sa.Integer, nullable=False),
        sa.Column("form_id", sa.Text, nullable=False),
        sa.Column("info_json", sa.Text, nullable=False),
        sa.Column("media_json", sa.Text, nullable=False, server_default="{}"),
        sa.Column("state_json", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.Column("deleted_at", sa.Text),
        **AUTO,
    )
    op.create_index("applications_owner", "applications", ["owner_id"])
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("application_id", sa.Integer, sa.ForeignKey("applications.id"), nullable=False),
        sa.Column("role", sa.Text, sa.CheckConstraint("role IN ('user', 'assistant')"), nullable=False),
        sa.Column("part_id", sa.Text),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        **AUTO,
    )
    op.create_index("messages_app", "messages", ["application_id", "id"])
    op.create_table(
        "part_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("application_id", sa.Integer, sa.ForeignKey("applications.id"), nullable=False),
        sa.Column("part_id", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("parent_version", sa.Integer),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("words", sa.Integer, nullable=False),
        sa.Column("budget", sa.Integer, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("report_json", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.UniqueConstraint("application_id", "part_id", "version"),
        **AUTO,
    )
    op.create_table(
        "part_heads",
        sa.Column("application_id", sa.Integer, sa.ForeignKey("applications.id"), nullable=False),
        sa.Column("part_id", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("application_id", "part_id"),
    )
    record(revision)


def downgrade() -> None:
    for table in ("part_heads", "part_versions", "messages", "applications", "sessions", "users", "schema_migrations"):
        op.drop_table(table)
