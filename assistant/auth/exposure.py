"""The exposure policy: who may reach the app without an account.

On a loopback address with no accounts the app runs for a single local user; on
any other address it must not start until an account exists.
"""

from __future__ import annotations

import ipaddress

from assistant.core.errors import UserFacingError
from assistant.core.settings import Settings


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_exposure(settings: Settings, user_count: int) -> None:
    if user_count == 0 and not is_loopback(settings.host):
        raise UserFacingError(
            f"拒绝在 {settings.host} 上启动：还没有任何用户账号，任何人都能看到申报材料。"
            "请先运行 `case-assistant users add 用户名 --role admin` 创建管理员账号，"
            "或只在本机使用（--host 127.0.0.1）。",
            code="no_users",
        )
