"""Accounts and login sessions in the application database (what ``assistant.auth.Accounts`` stores).

Password hashing, token generation and every rule about who may log in stay in
``Accounts``; this is only the storage, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from sqlalchemy import Connection, RowMapping, delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from assistant.core.errors import NotFoundError
from assistant.store.errors import UserExistsError
from assistant.store.lifecycle import log_event
from assistant.store.rows import SessionRow, UserRow, inserted_id, now_iso
from assistant.store.schema import sessions, users


class AccountRecords:
    """Mixed into ``Store``: ``_tx`` is its transaction helper."""

    def _tx(self, *, write: bool = False) -> AbstractContextManager[Connection]:  # pragma: no cover - see Store
        raise NotImplementedError

    def add_user(
        self, username: str, role: str, password_hash: str, *, actor: str = "系统", detail: str = ""
    ) -> int:
        """A new, enabled account (and its log entry); ``UserExistsError`` (400, Chinese) when the name is taken."""
        try:
            with self._tx(write=True) as conn:
                result = conn.execute(
                    insert(users).values(
                        username=username, role=role, password_hash=password_hash, disabled=0, created_at=now_iso()
                    )
                )
                log_event(conn, actor, "add", username, detail or f"创建账号，角色：{role}")
                return inserted_id(result)
        except IntegrityError as exc:
            raise UserExistsError(username) from exc

    def list_users(self) -> list[UserRow]:
        with self._tx() as conn:
            rows = conn.execute(select(users).order_by(users.c.id)).mappings().all()
        return [_user(r) for r in rows]

    def get_user(self, username: str) -> UserRow | None:
        with self._tx() as conn:
            row = conn.execute(select(users).where(users.c.username == username)).mappings().first()
        return _user(row) if row else None

    def count_users(self) -> int:
        with self._tx() as conn:
            return int(conn.execute(select(func.count()).select_from(users)).scalar_one())

    def disable_user(self, username: str, *, actor: str = "系统") -> bool:
        """Mark the account disabled and end all its sessions, in one transaction; False if no such user."""
        try:
            self.set_disabled(username, True, actor=actor, detail="停用账号，已结束其全部登录会话")  # type: ignore[attr-defined]
        except NotFoundError:
            return False
        return True

    def create_session(self, token_hash: str, user_id: int, expires_at: str) -> None:
        """Store a session (only the token's hash) and purge expired ones in the same transaction."""
        with self._tx(write=True) as conn:
            now = now_iso()
            conn.execute(delete(sessions).where(sessions.c.expires_at <= now))
            conn.execute(insert(sessions).values(token_hash=token_hash, user_id=user_id, expires_at=expires_at,
                                                 created_at=now))

    def session(self, token_hash: str) -> SessionRow | None:
        """The session for this token hash with its account, expired or not (the caller decides)."""
        query = (
            select(users.c.id.label("user_id"), users.c.username, users.c.role, users.c.disabled, sessions.c.expires_at)
            .select_from(sessions.join(users, users.c.id == sessions.c.user_id))
            .where(sessions.c.token_hash == token_hash)
        )
        with self._tx() as conn:
            row = conn.execute(query).mappings().first()
        return SessionRow(**{**row, "disabled": bool(row["disabled"])}) if row else None

    def delete_session(self, token_hash: str) -> None:
        with self._tx(write=True) as conn:
            conn.execute(delete(sessions).where(sessions.c.token_hash == token_hash))

    def purge_expired_sessions(self, now: str | None = None) -> int:
        with self._tx(write=True) as conn:
            return int(conn.execute(delete(sessions).where(sessions.c.expires_at <= (now or now_iso()))).rowcount)

    def session_hashes(self) -> list[str]:
        """Every stored token hash (tests check that no raw token is stored)."""
        with self._tx() as conn:
            return list(conn.execute(select(sessions.c.token_hash)).scalars())


def _user(row: RowMapping) -> UserRow:
    return UserRow(**{**row, "disabled": bool(row["disabled"])})
