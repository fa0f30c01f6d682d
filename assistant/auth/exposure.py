"""The exposure policy: who may reach the app without an account.

On a loopback address with no accounts the app runs for a single local user; on
any other address it must not start until an account exists.

Listening on 127.0.0.1 does not make every request local: behind a reverse proxy on
the same machine every visitor arrives from 127.0.0.1. So no-login mode also asks,
per request, whether the request really is local (``request_is_local``): a loopback
peer, no forwarding headers at all, and a loopback Host name. A proxy that passes
``Host $host`` or adds ``X-Forwarded-For`` (as SECURITY.md's recipe does) is refused
until an account exists, unless the operator sets ``no_login_via_proxy``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from assistant.core.errors import UserFacingError
from assistant.core.settings import Settings

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
# Headers a proxy adds to say whom it forwards for; any one of them means "not a local request".
FORWARDING_HEADERS = frozenset(
    {
        "forwarded",
        "x-forwarded-for",
        "x-forwarded-host",
        "x-forwarded-proto",
        "x-forwarded-port",
        "x-forwarded-server",
        "x-forwarded-prefix",
        "x-real-ip",
        "x-client-ip",
        "x-original-forwarded-for",
        "true-client-ip",
        "cf-connecting-ip",
        "via",
    }
)
NO_ACCOUNT_YET = (
    "还没有创建任何账号：经反向代理转发或从其他主机访问时必须登录，不能使用免登录的本机模式。"
    "请管理员先在服务器上运行 `case-assistant users add 用户名 --role admin` 创建管理员账号，再用该账号登录。"
)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(host: str) -> str:
    """``[::1]:7860`` → ``::1``; ``Example.com:80`` → ``example.com``."""
    host = (host or "").strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def request_is_local(peer: str | None, host_header: str, header_names: Iterable[str]) -> bool:
    """A loopback peer, a loopback Host name, no forwarding header: someone on this machine, not a proxy's visitor."""
    if not peer or not is_loopback(peer):
        return False
    name = host_name(host_header)
    if name not in LOOPBACK_NAMES and not is_loopback(name):
        return False
    return not any(header.lower() in FORWARDING_HEADERS for header in header_names)


def check_exposure(settings: Settings, user_count: int) -> None:
    if user_count == 0 and not is_loopback(settings.host):
        raise UserFacingError(
            f"拒绝在 {settings.host} 上启动：还没有任何用户账号，任何人都能看到申报材料。"
            "请先运行 `case-assistant users add 用户名 --role admin` 创建管理员账号，"
            "或只在本机使用（--host 127.0.0.1）。",
            code="no_users",
        )
