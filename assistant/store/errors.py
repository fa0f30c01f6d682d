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


LAST_ADMIN = "至少保留一个启用的管理员账号：请先把另一个账号设为管理员（users role 用户名 admin），再修改这个。"


class LastAdminError(UserFacingError):
    """The change would leave no enabled administrator (nobody could manage accounts any more)."""

    status_code = 409
    code = "last_admin"

    def __init__(self, message: str = "") -> None:
        super().__init__(message or LAST_ADMIN)


class TransferRequiredError(UserFacingError):
    """Deleting an account that still owns applications needs an account to receive them."""

    status_code = 409
    code = "transfer_required"
