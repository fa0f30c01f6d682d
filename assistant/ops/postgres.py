"""pg_dump and pg_restore for a PostgreSQL-backed deployment.

The dump reads an exported snapshot (``pg_export_snapshot`` in a REPEATABLE READ transaction that stays
open while pg_dump runs), and the manifest's counts and checksums are taken in that same transaction, so
both describe one instant while the server keeps writing. The password travels in ``PGPASSWORD``,
never on the command line (``ps`` would show it).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

from assistant.core.errors import UserFacingError
from assistant.ops.quiesce import postgres_paused
from assistant.store.engine import CONNECT_TIMEOUT_S

PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
DUMP_TIMEOUT_S = 6 * 3600


def tool(name: str) -> str | None:
    """``pg_dump``/``pg_restore`` on PATH, else the newest Debian server install's copy."""
    found = shutil.which(name)
    if found:
        return found
    for directory in sorted(glob.glob(PG_BIN_GLOB), key=lambda d: int(Path(d).parent.name or 0), reverse=True):
        candidate = Path(directory) / name
        if candidate.is_file():
            return str(candidate)
    return None


def require_tool(name: str) -> str:
    path = tool(name)
    if path is None:
        raise UserFacingError(
            f"没有找到 {name}：备份和恢复 PostgreSQL 数据库需要它。请安装 PostgreSQL 客户端"
            "（Debian/Ubuntu：apt-get install postgresql-client），版本不低于数据库服务器。",
            code="pg_tool_missing",
        )
    return path


def libpq(url: str) -> tuple[str, dict[str, str]]:
    """(connection string without the password, environment with ``PGPASSWORD``) for the libpq tools."""
    parsed = make_url(url)
    env = {**os.environ}
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return plain, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=DUMP_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UserFacingError(f"{what}失败：{exc}。请检查数据库服务后重试。", code="pg_tool_failed") from exc
    if done.returncode != 0:
        tail = done.stderr.strip()[-800:]
        raise UserFacingError(f"{what}失败：{tail}。请检查数据库地址和权限后重试。", code="pg_tool_failed")


def dump(url: str, target: Path, inside: Callable[[Connection], None], while_still: Callable[[], None]) -> bool:
    """Dump the database to ``target`` (custom format) from one snapshot; ``inside`` runs in that snapshot,
    ``while_still`` right after it is taken with writes paused (see ``quiesce``). False: they could not be."""
    pg_dump = require_tool("pg_dump")
    engine = create_engine(url, isolation_level="REPEATABLE READ", connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
    try:
        with engine.connect() as conn, conn.begin():
            with postgres_paused(engine) as paused:
                snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                while_still()
            inside(conn)
            dsn, env = libpq(url)
            _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                  f"--file={target}", f"--dbname={dsn}"], env, "pg_dump 备份")
        return paused
    finally:
        engine.dispose()


def restore(url: str, source: Path, *, clean: bool) -> None:
    """pg_restore into ``url`` in one transaction (all or nothing); ``clean`` drops what the dump recreates."""
    pg_restore = require_tool("pg_restore")
    dsn, env = libpq(url)
    command = [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
               f"--dbname={dsn}"]
    if clean:
        command += ["--clean", "--if-exists"]
    _run([*command, str(source)], env, "pg_restore 恢复")
