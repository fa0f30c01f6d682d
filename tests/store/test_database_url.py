"""CASE_ASSISTANT_DATABASE_URL either works (sqlite:///…) or is refused at start-up, never ignored."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from assistant.core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _users_list(tmp_path: Path, url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CASE_ASSISTANT_DATA_DIR": str(tmp_path / "data"), "CASE_ASSISTANT_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", "users", "list"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )


def test_sqlite_url_is_used(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "app.db"
    assert Settings(database_url=f"sqlite:///{target}", _env_file=None).sqlite_path == target
    result = _users_list(tmp_path, f"sqlite:///{target}")
    assert result.returncode == 0, result.stderr
    assert target.is_file() and not (tmp_path / "data" / "app.sqlite3").exists()


def test_other_database_is_refused_with_a_chinese_message(tmp_path: Path) -> None:
    result = _users_list(tmp_path, "mysql://user:secret@127.0.0.1/db")
    assert result.returncode == 2
    assert "暂不支持数据库地址" in result.stderr and "CASE_ASSISTANT_DATABASE_URL" in result.stderr
    assert "secret" not in result.stderr and "Traceback" not in result.stderr
