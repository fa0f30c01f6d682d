"""The rules for account names, passwords and roles, and what may be shown about an account.

Shared by ``Accounts`` and its lifecycle (``assistant.auth.lifecycle``); the CLI and the
API print the same Chinese messages because they raise the same errors.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from assistant.auth.principal import Role
from assistant.core.errors import InvalidInputError

ROLES: tuple[Role, ...] = ("applicant", "staff", "admin")
ROLE_LABELS = {"applicant": "申报单位", "staff": "工作人员", "admin": "管理员"}
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 256
PASSWORD_RULES = "密码须为8–256个字符，不能与用户名相同；修改密码时新密码不能与当前密码相同。"
USERNAME_RE = re.compile(r"[a-z0-9\u4e00-\u9fff][a-z0-9_.\-\u4e00-\u9fff]{1,31}")


class UserInfo(BaseModel):
    """What may be shown about an account (never the password hash)."""

    id: int
    username: str
    role: Role
    disabled: bool
    created_at: str


def normalise_username(username: str) -> str:
    """Usernames compare case-insensitively (``Alice`` and ``alice`` are one account)."""
    return (username or "").strip().lower()


def check_username(username: str) -> str:
    name = normalise_username(username)
    if not USERNAME_RE.fullmatch(name):
        raise InvalidInputError("用户名须为2–32个字符，只能包含字母、数字、汉字和 _ . -，且不能以 _ . - 开头。")
    return name


def check_password(password: str, username: str = "") -> None:
    """``PASSWORD_RULES``: 8–256 characters and not the username (compared like usernames)."""
    if len(password or "") < MIN_PASSWORD_CHARS:
        raise InvalidInputError(f"密码至少需要{MIN_PASSWORD_CHARS}个字符。")
    if len(password) > MAX_PASSWORD_CHARS:
        raise InvalidInputError(f"密码最多{MAX_PASSWORD_CHARS}个字符。")
    if username and normalise_username(password) == normalise_username(username):
        raise InvalidInputError("密码不能与用户名相同。")


def check_role(role: str) -> Role:
    if role not in ROLES:
        raise InvalidInputError(f"角色须为以下之一：{'、'.join(f'{r}（{ROLE_LABELS[r]}）' for r in ROLES)}。")
    return role
