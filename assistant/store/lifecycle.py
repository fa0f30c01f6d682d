"""Account changes after creation — password, role, disable/enable, delete — each with its log entry.

Every change and its ``account_events`` row are written in one transaction, so the log
cannot miss a change or record one that did not happen. Changes that take power away
(password, role, disable, delete) also end the account's sessions in that transaction.
The rule "at least one enabled admin remains" is checked inside the same transaction,
with the admin rows locked on PostgreSQL, so two admins demoting each other at once
cannot both succeed.

The log is append-only: this module only inserts, and triggers (migration 0003) refuse
UPDATE, DELETE and TRUNCATE on the table.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from pydantic import BaseModel
from sqlalchemy import Connection, delete, func, insert, select, update

from assistant.core.errors import NotFoundError
from assistant.store.errors import LastAdminError, TransferRequiredError
from assistant.store.rows import UserRow, now_iso
from assistant.store.schema import account_events, applications, sessions, users


class AccountEventRow(BaseModel):
    id: int
    at: str
    actor: str
    action: str
    username: str
    detail: str


def log_event(conn: Connection, actor: str, action: str, username: str, detail: str) -> None:
    conn.execute(
        insert(account_events).values(at=now_iso(), actor=actor, action=action, username=username, detail=detail)
    )


def _no_user(username: str) -> NotFoundError:
    return NotFoundError(f"没有名为“{username}”的用户。", code="user_not_found")


class LifecycleRecords:
    """Mixed into ``Store``: ``_tx`` is its transaction helper."""

    def _tx(self, *, write: bool = False) -> AbstractContextManager[Connection]:  # pragma: no cover - see Store
        raise NotImplementedError

    def set_password(self, username: str, password_hash: str, *, actor: str, action: str, detail: str) -> UserRow:
        with self._tx(write=True) as conn:
            row = _locked_user(conn, username)
            conn.execute(update(users).where(users.c.id == row.id).values(password_hash=password_hash))
            conn.execute(delete(sessions).where(sessions.c.user_id == row.id))
            log_event(conn, actor, action, row.username, detail)
        return row

    def set_role(self, username: str, role: str, *, actor: str, detail: Callable[[str], str]) -> UserRow:
        """The account as it was before; ``detail(old_role)`` is the log text; its sessions end (old role)."""
        with self._tx(write=True) as conn:
            row = _locked_user(conn, username)
            if role != "admin":
                _keep_an_admin(conn, row)
            conn.execute(update(users).where(users.c.id == row.id).values(role=role))
            conn.execute(delete(sessions).where(sessions.c.user_id == row.id))
            log_event(conn, actor, "role", row.username, detail(row.role))
        return row

    def set_disabled(self, username: str, disabled: bool, *, actor: str, detail: str) -> UserRow:
        with self._tx(write=True) as conn:
            row = _locked_user(conn, username)
            if disabled:
                _keep_an_admin(conn, row)
                conn.execute(delete(sessions).where(sessions.c.user_id == row.id))
            conn.execute(update(users).where(users.c.id == row.id).values(disabled=int(disabled)))
            log_event(conn, actor, "disable" if disabled else "enable", row.username, detail)
        return row.model_copy(update={"disabled": disabled})

    def delete_user(
        self, username: str, *, transfer_to: str | None, actor: str, detail: Callable[[int, str | None], str]
    ) -> int:
        """Delete the account and hand its applications to ``transfer_to``; returns how many moved."""
        with self._tx(write=True) as conn:
            row = _locked_user(conn, username)
            owned = int(
                conn.execute(
                    select(func.count()).where(applications.c.owner_id == row.id, applications.c.deleted_at.is_(None))
                ).scalar_one()
            )
            target = _locked_user(conn, transfer_to) if transfer_to else None
            if owned and target is None:
                raise TransferRequiredError(
                    f"用户“{row.username}”还有{owned}份申报书：删除前请指定接收这些申报书的账号"
                    "（接口参数 transfer_to，命令行 --transfer-to 用户名）；也可以只停用该账号。"
                )
            if int(conn.execute(select(func.count()).select_from(users)).scalar_one()) <= 1:
                raise LastAdminError("不能删除最后一个账号：至少保留一个启用的管理员账号。")
            _keep_an_admin(conn, row)
            if target is not None:
                conn.execute(
                    update(applications)
                    .where(applications.c.owner_id == row.id, applications.c.deleted_at.is_(None))
                    .values(owner_id=target.id)
                )
            conn.execute(delete(sessions).where(sessions.c.user_id == row.id))
            conn.execute(delete(users).where(users.c.id == row.id))
            log_event(conn, actor, "delete", row.username, detail(owned, target.username if target else None))
        return owned

    def account_events(self, limit: int | None = None) -> list[AccountEventRow]:
        """The log, oldest first (the last ``limit`` entries when given)."""
        query = select(account_events).order_by(account_events.c.id.desc())
        if limit is not None:
            query = query.limit(limit)
        with self._tx() as conn:
            rows = conn.execute(query).mappings().all()
        return [AccountEventRow(**r) for r in reversed(rows)]


def _locked_user(conn: Connection, username: str) -> UserRow:
    row = conn.execute(select(users).where(users.c.username == username).with_for_update()).mappings().first()
    if row is None:
        raise _no_user(username)
    return UserRow(**{**row, "disabled": bool(row["disabled"])})


def _keep_an_admin(conn: Connection, row: UserRow) -> None:
    """Refuse when ``row`` is the only enabled admin (the admin rows are locked until commit)."""
    query = select(users.c.id).where(users.c.role == "admin", users.c.disabled == 0).with_for_update()
    admins = list(conn.execute(query).scalars())
    if admins == [row.id]:
        raise LastAdminError()
