"""What the service needs from storage, as a protocol.

``assistant.store.sql.Store`` implements both protocols, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from assistant.store.json_object import JsonObject
from assistant.store.lifecycle import AccountEventRow
from assistant.store.rows import ApplicationRow, MessageRow, SessionRow, UserRow, VersionRow


class ApplicationStore(Protocol):
    """Applications, their chat messages and part versions; every write is committed before it returns."""

    def create_application(self, owner_id: int, form_id: str, info: JsonObject, state: JsonObject) -> int: ...

    def get_application(self, app_id: int) -> ApplicationRow | None: ...

    def list_applications(self, owner_id: int | None = None) -> list[ApplicationRow]: ...

    def count_applications(self, owner_id: int, *, include_deleted: bool = False) -> int: ...

    def update_application(
        self,
        app_id: int,
        *,
        info: JsonObject | None = None,
        media: JsonObject | None = None,
        state: JsonObject | None = None,
    ) -> None: ...

    def delete_application(self, app_id: int) -> None: ...

    def purge_deleted(self, *, deleted_before: str | None = None, owner_id: int | None = None) -> list[int]: ...

    def add_message(
        self, app_id: int, role: str, content: str, part_id: str | None = None, state: JsonObject | None = None
    ) -> int: ...

    def messages(self, app_id: int) -> list[MessageRow]: ...

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
        """``expected_head``: the head the caller built on (0 = none yet); a different head raises ConflictError.

        ``state_update`` maps the interview state *as stored at commit time* to the new one, in the same
        transaction as the version: an answer that belongs to this version (a 「补充：…」) is kept exactly
        when the version is, whatever other turns committed meanwhile."""
        ...

    def versions(self, app_id: int, part_id: str) -> list[VersionRow]: ...

    def head_versions(self, app_id: int) -> dict[str, VersionRow]: ...

    def set_head(self, app_id: int, part_id: str, version: int | None, expected_head: int | None = None) -> None: ...


class AccountStore(Protocol):
    """Users and login sessions (hashing and login rules stay in ``assistant.auth.accounts``)."""

    def add_user(
        self, username: str, role: str, password_hash: str, *, actor: str = "系统", detail: str = ""
    ) -> int: ...

    def list_users(self) -> list[UserRow]: ...

    def get_user(self, username: str) -> UserRow | None: ...

    def count_users(self) -> int: ...

    def disable_user(self, username: str) -> bool: ...

    def create_session(self, token_hash: str, user_id: int, expires_at: str) -> None: ...

    def session(self, token_hash: str) -> SessionRow | None: ...

    def delete_session(self, token_hash: str) -> None: ...

    def purge_expired_sessions(self, now: str | None = None) -> int: ...

    # account lifecycle (each change with its ``account_events`` row, in one transaction; see ``store.lifecycle``)
    def set_password(self, username: str, password_hash: str, *, actor: str, action: str, detail: str) -> UserRow: ...

    def set_role(self, username: str, role: str, *, actor: str, detail: Callable[[str], str]) -> UserRow: ...

    def set_disabled(self, username: str, disabled: bool, *, actor: str, detail: str) -> UserRow: ...

    def delete_user(
        self, username: str, *, transfer_to: str | None, actor: str, detail: Callable[[int, str | None], str]
    ) -> int: ...

    def account_events(self, limit: int | None = None) -> list[AccountEventRow]: ...

    # the login throttle's shared counts (used on PostgreSQL; see ``store.attempts``)
    def take_attempt(self, bucket: str, limit: int, window_s: float, now: float | None = None) -> float | None: ...

    def clear_attempts(self, bucket: str) -> None: ...
