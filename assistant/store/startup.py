"""What an operator reads when the database cannot be opened: one Chinese line, never a traceback.

``users list`` and ``serve`` used to print the driver's 126-line traceback for an
unreachable PostgreSQL URL. The line names where we tried (host, port, database; the
password is never shown) and what to check; the driver's own text is only used to
tell a refused login and a missing database from a server that is not reachable.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from assistant.store.errors import DatabaseUnavailableError

SETTING = "CASE_ASSISTANT_DATABASE_URL"
_LOGIN_WORDS = ("password authentication failed", "no password supplied", "authentication failed", "role \"")
_MISSING_DB = "does not exist"


def where(url: str) -> str:
    """``host:port/database`` of a server URL (no user, no password)."""
    parsed = make_url(url)
    host = parsed.host or "localhost"
    port = parsed.port or (5432 if parsed.get_backend_name() == "postgresql" else "")
    return f"{host}:{port}/{parsed.database or ''}" if port else f"{host}/{parsed.database or ''}"


def unavailable(url: str, exc: BaseException, sqlite_path: Path | None = None) -> DatabaseUnavailableError:
    """The error to raise instead of the driver's exception ``exc`` when opening ``url`` failed."""
    if sqlite_path is not None:
        return DatabaseUnavailableError(
            f"无法打开数据库文件 {sqlite_path}：请检查数据目录（CASE_ASSISTANT_DATA_DIR）是否存在、可写，"
            f"以及文件是否被其他程序锁定；或在 {SETTING} 中改用其他数据库。"
        )
    detail = str(getattr(exc, "orig", None) or exc).lower()
    name = make_url(url).database or ""
    if f'database "{name.lower()}" {_MISSING_DB}' in detail:
        reason = f"数据库“{name}”不存在，请先创建它（createdb {name}），或检查 {SETTING} 中的库名。"
    elif any(word in detail for word in _LOGIN_WORDS):
        reason = f"数据库拒绝了登录，请检查 {SETTING} 中的用户名或密码。"
    else:
        reason = f"请检查 {SETTING} 中的主机和端口、数据库服务是否已启动，以及网络和防火墙是否放行。"
    return DatabaseUnavailableError(f"无法连接数据库 {where(url)}：{reason}")


def malformed(reason: str) -> DatabaseUnavailableError:
    return DatabaseUnavailableError(
        f"数据库地址 {SETTING} 的格式不正确（{reason}）：应为 postgresql+psycopg://用户:密码@主机:端口/库名 "
        "或 sqlite:///文件路径。"
    )
