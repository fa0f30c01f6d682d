"""Pictures and the video of an application (the bytes live under the data directory) and its 数据要素流向图.

Revision ID: 0005_issue27_media
Revises: 0004_issue_25_security_accounts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from assistant.store.migrations import record

revision = "0005_issue27_media"
down_revision = "0004_issue_25_security_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media_files",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("application_id", sa.Integer, sa.ForeignKey("applications.id"), nullable=False),
        sa.Column("slot", sa.Text, nullable=False),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("stored_name", sa.Text, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("facts_json", sa.Text, nullable=False),
        sa.Column("generated", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.UniqueConstraint("application_id", "slot"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "flow_graphs",
        sa.Column("application_id", sa.Integer, sa.ForeignKey("applications.id"), primary_key=True),
        sa.Column("graph_json", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
    )
    record(revision)


def downgrade() -> None:
    op.drop_table("flow_graphs")
    op.drop_table("media_files")
    op.execute("DELETE FROM schema_migrations WHERE name = '0005_issue27_media'")
