"""Schema migrations: Alembic revisions shipped inside the package, run on every open.

The revisions live in ``assistant/store/alembic_scripts/versions`` (so a wheel carries
them) and are applied programmatically by :func:`upgrade`, inside the caller's
transaction and under a lock, so two instances starting at once cannot both migrate.

The first release kept its own ledger, ``schema_migrations``; a database made by it has
the name ``0001_initial`` there and no ``alembic_version`` table, and is stamped at the
Alembic revision of the same name before the newer revisions run. Every revision still
records its name in ``schema_migrations``, so that ledger stays a readable history.
Never edit a released revision; add a new one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

from assistant.store.rows import now_iso

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPTS = Path(__file__).parent / "alembic_scripts"

# (revision, what it does), in order; a test checks this against the revision files.
MIGRATIONS: list[tuple[str, str]] = [
    ("0001_initial", "users, sessions, applications, messages, part versions and heads"),
    ("0002_session_indexes", "sessions indexed by user and by expiry"),
    ("0003_issue26_bureau", "the call's process: submissions, assessments, scores, comments, audit log"),
    ("0004_issue_25_security_accounts", "append-only account log; login attempts shared by every instance"),
    ("0005_issue27_media", "media files of an application and its data-flow diagram"),
    ("0006_issue_24_concurrency_purge", "applications indexed by deletion time (the purge)"),
]
HEAD = MIGRATIONS[-1][0]


def record(revision: str) -> None:
    """Called by each revision's ``upgrade``: note its name in the first release's ledger."""
    from alembic import op

    op.execute(
        text("INSERT INTO schema_migrations (name, applied_at) VALUES (:name, :at)").bindparams(
            name=revision, at=now_iso()
        )
    )


def _config(conn: Connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["connection"] = conn
    return config


def _ledger(conn: Connection) -> set[str]:
    if not inspect(conn).has_table("schema_migrations"):
        return set()
    return {row[0] for row in conn.execute(text("SELECT name FROM schema_migrations"))}


def current_revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def upgrade(conn: Connection) -> list[str]:
    """Bring the schema to the newest revision; return the names applied (``[]`` when current).

    ``conn`` must be in a transaction that excludes other migrators (SQLite: ``BEGIN
    IMMEDIATE``; PostgreSQL: an advisory lock), see ``assistant.store.engine``.
    """
    from alembic import command

    config = _config(conn)
    before = _ledger(conn)
    if current_revision(conn) is None and "0001_initial" in before:
        command.stamp(config, "0001_initial")  # made by the first release: its schema is revision 0001
    if current_revision(conn) != HEAD:
        command.upgrade(config, "head")
    return [name for name, _ in MIGRATIONS if name in _ledger(conn) - before]
