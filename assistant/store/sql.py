"""The store: applications, chat messages, part versions, accounts and sessions.

One implementation for SQLite (embedded default) and PostgreSQL, written against
SQLAlchemy Core (``assistant.store.schema``) and migrated by Alembic on open. Every
write commits before the method returns, which is what lets the service promise that
an applicant's turn is on disk (or in PostgreSQL) before the reply is produced, and
what makes it visible at once to every other instance on the same database.

Versions are append-only. Two writers on one part (two windows, two app instances)
are ordered by a row lock on the application (``BEGIN IMMEDIATE`` on SQLite), so each
gets its own version number and none is lost; a caller that passes ``expected_head``
gets a :class:`ConflictError` instead of silently building on a head it never saw.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import ColumnElement, Connection, RowMapping, Table, and_, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from assistant.core.errors import DiskFullError, is_disk_full
from assistant.core.settings import Settings
from assistant.store.attempts import AttemptRecords
from assistant.store.bureau import BureauRecords
from assistant.store.engine import (
    close_quietly,
    database_url,
    make_engine,
    migration_lock,
    no_space_left,
    open_keeper,
    sqlite_file,
    transaction,
)
from assistant.store.errors import ConflictError
from assistant.store.json_object import JsonObject
from assistant.store.lifecycle import LifecycleRecords
from assistant.store.media import MediaRecords
from assistant.store.migrations import upgrade
from assistant.store.rows import ApplicationRow, MessageRow, VersionRow, inserted_id, now_iso
from assistant.store.schema import (
    applications,
    call_entries,
    comments,
    flow_graphs,
    media_files,
    messages,
    part_heads,
    part_versions,
    submissions,
)
from assistant.store.startup import unavailable
from assistant.store.users import AccountRecords


def _json(value: JsonObject) -> str:
    return json.dumps(value, ensure_ascii=False)


class Store(AccountRecords, LifecycleRecords, BureauRecords, AttemptRecords, MediaRecords):
    """``ApplicationStore`` (and the account storage) over SQLite or PostgreSQL.

    ``target`` is a SQLAlchemy URL (``sqlite:///file``, ``postgresql+psycopg://…``) or a
    plain path to a SQLite file. ``path`` is that file, or None on PostgreSQL.
    """

    def __init__(self, target: str | Path) -> None:
        self.url = database_url(target)
        self.path: Path | None = sqlite_file(self.url)
        self.engine = make_engine(self.url)
        self._keeper: sqlite3.Connection | None = None

    @classmethod
    def open(cls, target: str | Path) -> Store:
        """Connect, migrate (Alembic, under a lock) and, on SQLite, hold the WAL keeper."""
        store = cls(target)
        try:
            if store.path is not None:
                store.path.parent.mkdir(parents=True, exist_ok=True)
                store._keeper = open_keeper(store.path)
            store.migrate()
            if store._keeper is not None:
                store._keeper.execute("SELECT 1 FROM schema_migrations LIMIT 1").fetchall()
        except (DBAPIError, sqlite3.Error, PermissionError) as exc:
            store.close()
            raise unavailable(store.url, exc, store.path) from None  # the driver's text may hold the URL
        return store

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        """``CASE_ASSISTANT_DATABASE_URL`` if set (SQLite or PostgreSQL), else 数据目录/app.sqlite3."""
        return cls.open(settings.database_url.strip() or settings.data_dir / "app.sqlite3")

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()
        if self._keeper is not None:
            close_quietly(self._keeper)
            self._keeper = None

    def migrate(self) -> list[str]:
        """Apply pending Alembic revisions in order; return the names applied."""
        with self._tx(write=True) as conn, migration_lock(conn):
            return upgrade(conn)

    def _tx(self, *, write: bool = False) -> contextlib.AbstractContextManager[Connection]:
        return transaction(self.engine, write=write, sqlite_path=self.path)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A raw ``sqlite3`` connection (SQLite only), kept for callers not yet moved to the methods."""
        if self.path is None:
            raise RuntimeError("Store.connect() is SQLite-only; use the store's methods on PostgreSQL")
        conn = sqlite3.connect(self.path, timeout=30)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
            yield conn
            conn.commit()
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):
                conn.rollback()
            if isinstance(exc, sqlite3.Error | OSError) and (is_disk_full(exc) or no_space_left(self.path)):
                raise DiskFullError() from exc
            raise
        finally:
            conn.close()

    # applications -------------------------------------------------------
    def create_application(self, owner_id: int, form_id: str, info: JsonObject, state: JsonObject) -> int:
        now = now_iso()
        values = {"owner_id": owner_id, "form_id": form_id, "info_json": _json(info), "state_json": _json(state)}
        with self._tx(write=True) as conn:
            result = conn.execute(insert(applications).values(**values, created_at=now, updated_at=now))
            return inserted_id(result)

    def get_application(self, app_id: int) -> ApplicationRow | None:
        query = select(applications).where(applications.c.id == app_id, applications.c.deleted_at.is_(None))
        with self._tx() as conn:
            row = conn.execute(query).mappings().first()
        return _application(row) if row else None

    def list_applications(self, owner_id: int | None = None) -> list[ApplicationRow]:
        query = select(applications).where(applications.c.deleted_at.is_(None))
        if owner_id is not None:
            query = query.where(applications.c.owner_id == owner_id)
        with self._tx() as conn:
            rows = conn.execute(query.order_by(applications.c.updated_at.desc(), applications.c.id.desc())).mappings()
            return [_application(r) for r in rows]

    def count_applications(self, owner_id: int, *, include_deleted: bool = False) -> int:
        """Live applications, or (``include_deleted``) every one still stored, deleted ones not yet purged."""
        query = select(func.count()).where(applications.c.owner_id == owner_id)
        if not include_deleted:
            query = query.where(applications.c.deleted_at.is_(None))
        with self._tx() as conn:
            return int(conn.execute(query).scalar_one())

    def update_application(
        self,
        app_id: int,
        *,
        info: JsonObject | None = None,
        media: JsonObject | None = None,
        state: JsonObject | None = None,
    ) -> None:
        values: dict[str, str] = {"updated_at": now_iso()}
        for column, value in (("info_json", info), ("media_json", media), ("state_json", state)):
            if value is not None:
                values[column] = _json(value)
        with self._tx(write=True) as conn:
            conn.execute(update(applications).where(applications.c.id == app_id).values(**values))

    def delete_application(self, app_id: int) -> None:
        """Soft delete: the rows stay (for audit) until ``purge_deleted``; the application leaves every listing."""
        with self._tx(write=True) as conn:
            conn.execute(update(applications).where(applications.c.id == app_id).values(deleted_at=now_iso()))

    def purge_deleted(self, *, deleted_before: str | None = None, owner_id: int | None = None) -> list[int]:
        """Remove for good the applications deleted before ``deleted_before`` (every deleted one when None),
        optionally only one owner's, with everything they hold; returns their ids (the caller removes their
        media files). Never one that was ever submitted: the bureau's records of it stay (and so does the
        audit log, which nothing deletes)."""
        submitted = select(submissions.c.id).where(submissions.c.application_id == applications.c.id).exists()
        query = select(applications.c.id).where(applications.c.deleted_at.is_not(None), ~submitted)
        if deleted_before is not None:
            query = query.where(applications.c.deleted_at <= deleted_before)
        if owner_id is not None:
            query = query.where(applications.c.owner_id == owner_id)
        with self._tx(write=True) as conn:
            ids = list(conn.execute(query).scalars())
            for table in (part_heads, part_versions, messages, media_files, flow_graphs, call_entries, comments):
                conn.execute(delete(table).where(table.c.application_id.in_(ids)))
            conn.execute(delete(applications).where(applications.c.id.in_(ids)))
        return ids

    # messages -----------------------------------------------------------
    def add_message(
        self, app_id: int, role: str, content: str, part_id: str | None = None, state: JsonObject | None = None
    ) -> int:
        """Append a chat message (and the new interview state) in one transaction."""
        now = now_iso()
        with self._tx(write=True) as conn:
            result = conn.execute(
                insert(messages).values(application_id=app_id, role=role, part_id=part_id, content=content,
                                        created_at=now)
            )
            if state is not None:
                conn.execute(
                    update(applications).where(applications.c.id == app_id).values(state_json=_json(state),
                                                                                   updated_at=now)
                )
            return inserted_id(result)

    def messages(self, app_id: int) -> list[MessageRow]:
        query = select(messages).where(messages.c.application_id == app_id).order_by(messages.c.id)
        with self._tx() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            MessageRow(id=r["id"], role=r["role"], part_id=r["part_id"], content=r["content"],
                       created_at=r["created_at"])
            for r in rows
        ]

    # part versions --------------------------------------------------------
    def add_version(
        self,
        app_id: int,
        part_id: str,
        text: str,
        words: int,
        budget: int,
        source: str,
        action: str,
        report: JsonObject,
        expected_head: int | None = None,
        state_update: Callable[[JsonObject], JsonObject] | None = None,
    ) -> int:
        """Append a version, make it the head, return its number.

        ``expected_head`` is the head the caller built on (0: the part had no version yet);
        if another writer moved it meanwhile, nothing is written and ``ConflictError`` (409)
        is raised. ``None`` skips the check (the version is still never lost).
        """
        with self._tx(write=True) as conn:
            head = self._locked_head(conn, app_id, part_id, expected_head)
            last = conn.execute(
                select(func.max(part_versions.c.version)).where(_part(part_versions, app_id, part_id))
            ).scalar()
            version = (last or 0) + 1
            conn.execute(
                insert(part_versions).values(
                    application_id=app_id, part_id=part_id, version=version, parent_version=head, text=text,
                    words=words, budget=budget, source=source, action=action, report_json=_json(report),
                    created_at=now_iso(),
                )
            )
            self._put_head(conn, app_id, part_id, version)
            if state_update is not None:
                stored = conn.execute(select(applications.c.state_json).where(applications.c.id == app_id)).scalar()
                new_state = state_update(json.loads(stored or "{}"))
                conn.execute(
                    update(applications)
                    .where(applications.c.id == app_id)
                    .values(state_json=_json(new_state), updated_at=now_iso())
                )
            return version

    def versions(self, app_id: int, part_id: str) -> list[VersionRow]:
        query = select(part_versions).where(_part(part_versions, app_id, part_id)).order_by(part_versions.c.version)
        with self._tx() as conn:
            return [_version(r) for r in conn.execute(query).mappings()]

    def head_versions(self, app_id: int) -> dict[str, VersionRow]:
        v, h = part_versions, part_heads
        joined = v.join(h, and_(h.c.application_id == v.c.application_id, h.c.part_id == v.c.part_id,
                                h.c.version == v.c.version))
        query = select(v).select_from(joined).where(v.c.application_id == app_id)
        with self._tx() as conn:
            return {r["part_id"]: _version(r) for r in conn.execute(query).mappings()}

    def set_head(self, app_id: int, part_id: str, version: int | None, expected_head: int | None = None) -> None:
        """Point the part at ``version`` (None: no current version); ``expected_head`` as in ``add_version``."""
        with self._tx(write=True) as conn:
            self._locked_head(conn, app_id, part_id, expected_head)
            if version is None:
                conn.execute(delete(part_heads).where(_part(part_heads, app_id, part_id)))
            else:
                self._put_head(conn, app_id, part_id, version)

    def _locked_head(self, conn: Connection, app_id: int, part_id: str, expected: int | None) -> int | None:
        """Serialise writers of one application, then read (and check) the part's head."""
        conn.execute(select(applications.c.id).where(applications.c.id == app_id).with_for_update())
        head = conn.execute(select(part_heads.c.version).where(_part(part_heads, app_id, part_id))).scalar()
        if expected is not None and (head or 0) != expected:
            raise ConflictError()
        return head

    def _put_head(self, conn: Connection, app_id: int, part_id: str, version: int) -> None:
        dialect_insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        statement = dialect_insert(part_heads).values(application_id=app_id, part_id=part_id, version=version)
        conn.execute(
            statement.on_conflict_do_update(index_elements=["application_id", "part_id"], set_={"version": version})
        )


def _part(table: Table, app_id: int, part_id: str) -> ColumnElement[bool]:
    return and_(table.c.application_id == app_id, table.c.part_id == part_id)


def _application(row: RowMapping) -> ApplicationRow:
    return ApplicationRow(
        id=row["id"],
        owner_id=row["owner_id"],
        form_id=row["form_id"],
        info=json.loads(row["info_json"]),
        media=json.loads(row["media_json"]),
        state=json.loads(row["state_json"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _version(row: RowMapping) -> VersionRow:
    return VersionRow(
        id=row["id"],
        part_id=row["part_id"],
        version=row["version"],
        parent_version=row["parent_version"],
        text=row["text"],
        words=row["words"],
        budget=row["budget"],
        source=row["source"],
        action=row["action"],
        report=json.loads(row["report_json"]),
        created_at=row["created_at"],
    )
