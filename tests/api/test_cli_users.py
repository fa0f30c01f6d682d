"""``case-assistant users ...`` and the refusal to serve an open instance, as real subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from assistant.auth.accounts import Accounts
from assistant.core.settings import Settings
from assistant.store.sql import Store

REPO = Path(__file__).resolve().parents[2]


def run_cli(data_dir: Path, *args: str, stdin: str = "", timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "CASE_ASSISTANT_DATA_DIR": str(data_dir), "CASE_ASSISTANT_EMBEDDER": "hash"}
    env.pop("CASE_ASSISTANT_HOST", None)
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=data_dir,
        timeout=timeout,
    )


def test_users_add_list_disable(tmp_path: Path) -> None:
    added = run_cli(tmp_path, "users", "add", "Zhang", "--role", "staff", stdin="s3cret-pass\nignored\n")
    assert added.returncode == 0, added.stderr
    assert "已添加用户 zhang（工作人员）" in added.stdout

    settings = Settings(data_dir=tmp_path)
    accounts = Accounts(Store.open(settings.sqlite_path), settings)
    assert accounts.authenticate("zhang", "s3cret-pass").role == "staff"  # first stdin line only

    listed = run_cli(tmp_path, "users", "list")
    assert listed.returncode == 0 and "zhang\tstaff（工作人员）\t正常" in listed.stdout

    disabled = run_cli(tmp_path, "users", "disable", "zhang")
    assert disabled.returncode == 0 and "已停用用户 zhang" in disabled.stdout
    assert "已停用" in run_cli(tmp_path, "users", "list").stdout


def test_users_add_refuses_short_password_and_unknown_names_cleanly(tmp_path: Path) -> None:
    short = run_cli(tmp_path, "users", "add", "li", stdin="short\n")
    assert short.returncode == 2
    assert "密码至少需要8个字符" in short.stderr and "Traceback" not in short.stderr
    ghost = run_cli(tmp_path, "users", "disable", "ghost")
    assert ghost.returncode == 2 and "没有名为“ghost”的用户" in ghost.stderr
    empty = run_cli(tmp_path, "users", "list")
    assert "还没有任何用户" in empty.stdout


def test_serve_on_a_public_address_without_accounts_refuses(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "serve", "--host", "0.0.0.0", "--port", "9")
    assert result.returncode != 0
    assert "拒绝在 0.0.0.0 上启动" in result.stderr
    assert "case-assistant users add" in result.stderr
    assert "Traceback" not in result.stderr
