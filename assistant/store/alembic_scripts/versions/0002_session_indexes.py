"""Index sessions by user (disabling an account ends its sessions) and by expiry (the purge).

Revision ID: 0002_session_indexes
Revises: 0001_initial
"""

from __future__ import annotations

from alembic import op

from assistant.store.migrations import record

revision = "0002_session_indexes"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("sessions_user", "sessions", ["user_id"])
    op.create_index("sessions_expires", "sessions", ["expires_at"])
    record(revision)


def downgrade() -> None:
    op.drop_index("sessions_expires", "sessions")
    op.drop_index("sessions_user", "sessions")
    op.execute("DELETE FROM schema_migrations WHERE name = '0002_session_indexes'")
