"""The account log (append-only, enforced by triggers) and the login attempts every instance shares.

Revision ID: 0004_issue_25_security_accounts
Revises: 0003_issue26_bureau
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from assistant.store.migrations import record

revision = "0004_issue_25_security_accounts"
down_revision = "0003_issue26_bureau"
branch_labels = None
depends_on = None

AUTO = {"sqlite_autoincrement": True}
REFUSAL = "account_events is append-only"
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER account_events_no_{verb.lower()} BEFORE {verb} ON account_events "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
    for verb in ("UPDATE", "DELETE")
]
POSTGRES_TRIGGERS = [
    "CREATE FUNCTION account_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$",
    "CREATE TRIGGER account_events_no_change BEFORE UPDATE OR DELETE ON account_events "
    "FOR EACH ROW EXECUTE FUNCTION account_events_append_only()",
    "CREATE TRIGGER account_events_no_truncate BEFORE TRUNCATE ON account_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION account_events_append_only()",
]


def upgrade() -> None:
    op.create_table(
        "account_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("username", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
        **AUTO,
    )
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("bucket", sa.Text, nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        **AUTO,
    )
    op.create_index("login_attempts_bucket", "login_attempts", ["bucket", "at"])
    op.create_index("login_attempts_at", "login_attempts", ["at"])
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS:
        op.execute(statement)
    record(revision)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE account_events")
        op.execute("DROP FUNCTION account_events_append_only()")
    else:
        op.drop_table("account_events")
    op.drop_index("login_attempts_at", "login_attempts")
    op.drop_index("login_attempts_bucket", "login_attempts")
    op.drop_table("login_attempts")
    op.execute(f"DELETE FROM schema_migrations WHERE name = '{revision}'")
