"""What happens to an account after it is created: password, role, disable/enable, delete; and the log.

Mixed into ``Accounts`` (the rules here, the storage in ``assistant.store.lifecycle``).
Every change is logged with who made it (``actor``: an admin's name, the user's own
name, or “命令行（系统用户）”) and ends the account's sessions whenever it takes
something away, so a session opened before the change never keeps what the change removed.

Password rules (``rules.PASSWORD_RULES``): 8–256 characters, not the username; a new
password differs from the current one. Changing one's own password needs the current
one, and that check goes through the login throttle, so a stolen session cannot be used
to guess it.
"""

from __future__ import annotations

from typing import Any

from assistant.auth.principal import Principal, Role
from assistant.auth.rules import ROLE_LABELS, UserInfo, check_password, check_role, normalise_username
from assistant.core.errors import AuthenticationError, InvalidInputError
from assistant.store.lifecycle import AccountEventRow

ENDED = "已结束该账号的全部登录会话"


def role_text(role: str) -> str:
    return f"{role}（{ROLE_LABELS.get(role, role)}）"


class AccountLifecycle:
    """Needs from ``Accounts``: ``store``, ``throttle``, ``authenticate``, ``create_session``, ``hash_new``."""

    store: Any
    throttle: Any

    def authenticate(self, username: str, password: str) -> Principal:  # pragma: no cover - see Accounts
        raise NotImplementedError

    def create_session(self, principal: Principal) -> str:  # pragma: no cover - see Accounts
        raise NotImplementedError

    def hash_new(self, password: str) -> str:  # pragma: no cover - see Accounts
        raise NotImplementedError

    def change_password(self, principal: Principal, current: str, new: str, client: str) -> str:
        """The user's own change: needs the current password; ends every session; returns a fresh token."""
        if principal.local:
            raise InvalidInputError("本机模式没有账号，无需修改密码。", code="no_account")
        check_password(new, principal.username)
        if new == current:
            raise InvalidInputError("新密码不能与当前密码相同。")
        self.throttle.begin(principal.username, client)  # guessing the current password is a login attempt
        try:
            self.authenticate(principal.username, current)
        except AuthenticationError as exc:
            if exc.code == "bad_credentials":
                raise AuthenticationError("当前密码不正确，密码未修改。", code="bad_current_password") from None
            raise
        self.throttle.succeeded(principal.username)
        detail = f"本人修改密码，{ENDED}"
        self.store.set_password(
            principal.username, self.hash_new(new), actor=principal.username, action="password_change", detail=detail
        )
        return self.create_session(principal)

    def reset_password(self, username: str, password: str, actor: str) -> UserInfo:
        """An administrator sets a new password (the user forgot theirs); the user's sessions end."""
        name = normalise_username(username)
        check_password(password, name)
        detail = f"管理员重置密码，{ENDED}"
        row = self.store.set_password(name, self.hash_new(password), actor=actor, action="password_reset",
                                      detail=detail)
        return _info(row)

    def set_role(self, username: str, role: str, actor: str) -> tuple[Role, UserInfo]:
        """(the role before, the account now); the account's sessions end (they carried the old role)."""
        new = check_role(role)
        def detail(old: str) -> str:
            return f"角色：{role_text(old)}→ {role_text(new)}"

        before = self.store.set_role(normalise_username(username), new, actor=actor, detail=detail)
        return before.role, _info(before).model_copy(update={"role": new})

    def set_disabled(self, username: str, disabled: bool, actor: str) -> UserInfo:
        text = f"停用账号，{ENDED}" if disabled else "重新启用账号"
        return _info(self.store.set_disabled(normalise_username(username), disabled, actor=actor, detail=text))

    def delete_user(self, username: str, transfer_to: str | None, actor: str) -> int:
        """Delete the account; its applications go to ``transfer_to`` (required when it has any)."""
        name = normalise_username(username)
        target = normalise_username(transfer_to) if transfer_to else None
        if target == name:
            raise InvalidInputError("申报书不能转给被删除的账号本身，请指定另一个账号。")

        def detail(moved: int, to: str | None) -> str:
            return f"{moved}份申报书已转给 {to}" if to else "没有申报书需要转交"

        return self.store.delete_user(name, transfer_to=target, actor=actor, detail=detail)

    def account_log(self, limit: int | None = None) -> list[AccountEventRow]:
        """The account log, oldest first (the last ``limit`` entries when given)."""
        return self.store.account_events(limit)


def _info(row: Any) -> UserInfo:
    return UserInfo(id=row.id, username=row.username, role=row.role, disabled=row.disabled, created_at=row.created_at)
