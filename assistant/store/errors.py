"""Store errors the user sees (in Chinese), on top of ``assistant.core.errors``."""

from __future__ import annotations

from assistant.core.errors import InvalidInputError, UserFacingError


class ConflictError(UserFacingError):
    """Someone else changed the part (another window, another instance) since this user last saw it."""

    status_code = 409
    code = "version_conflict"

    def __init__(
        self,
        message: str = "这一部分刚刚已被修改（可能是您在另一个窗口或另一位同事的操作），为避免覆盖，本次修改未保存。"
        "请刷新页面查看最新版本后再试。",
    ) -> None:
        super().__init__(message)


class UserExistsError(InvalidInputError):
    code = "user_exists"

    def __init__(self, username: str) -> None:
        super().__init__(f"用户名“{username}”已存在，请换一个。")


class DatabaseUnavailableError(UserFacingError):
    """The database could not be opened at start-up: one line for the operator, never the password."""

    status_code = 503
    code = "database_unavailable"
