"""Index applications by deletion time, for the purge of deleted applications after their retention.

Revision ID: 0006_issue_24_concurrency_purge
Revises: 0005_issue27_media
"""

from __future__ import annotations

from alembic import op

from assistant.store.migrations import record

revision = "0006_issue_24_concurrency_purge"
down_revision = "0005_issue27_media"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("applications_deleted", "applications", ["deleted_at"])
    record(revision)


def downgrade() -> None:
    op.drop_index("applications_deleted", "applications")
    op.execute("DELETE FROM schema_migrations WHERE name = '0006_issue_24_concurrency_purge'")
