"""Alembic environment for the application database.

The app runs the revisions itself on open (``assistant.store.migrations.upgrade``) and
hands over its connection, already inside a locked transaction. From the command line,
``alembic -c assistant/store/alembic_scripts/alembic.ini -x url=postgresql+psycopg://… upgrade head``
works as well.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from assistant.store.schema import metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("alembic: no database url (-x url=... or sqlalchemy.url)")
    with create_engine(url).begin() as conn:
        _run(conn)
