"""``case-assistant users ...`` and the refusal to serve an open instance, as real subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.auth.accounts import Accounts
from assistant.core.settings import Settings
from assistant.store.sql import Store

pytestmark = pytest.mark.slow  # a served process, a shell run or an evaluation floor: make test, not make test-fast

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


def test_users_lifecycle_from_the_shell_is_logged(tmp_path: Path) -> None:
    """Issue 25: reset, enable, role, delete with transfer, and the log an admin reads."""
    for name, role in (("root", "admin"), ("alice", "applicant"), ("bob", "applicant")):
        assert run_cli(tmp_path, "users", "add", name, "--role", role, stdin="first-pass-1\n").returncode == 0
    settings = Settings(data_dir=tmp_path)
    accounts = Accounts(Store.open(settings.sqlite_path), settings)
    token = accounts.create_session(accounts.authenticate("alice", "first-pass-1"))
    accounts.store.create_application(accounts.authenticate("alice", "first-pass-1").id, "cq-2024-batch2", {}, {})

    reset = run_cli(tmp_path, "users", "reset-password", "alice", stdin="second-pass-2\n")
    assert reset.returncode == 0 and "已重置用户 alice 的密码" in reset.stdout, reset.stderr
    assert accounts.principal_for_token(token) is None
    assert accounts.authenticate("alice", "second-pass-2").username == "alice"

    assert run_cli(tmp_path, "users", "disable", "alice").returncode == 0
    enabled = run_cli(tmp_path, "users", "enable", "alice")
    assert enabled.returncode == 0 and "已启用用户 alice" in enabled.stdout
    role = run_cli(tmp_path, "users", "role", "alice", "staff")
    assert role.returncode == 0 and "applicant（申报单位）→ staff（工作人员）" in role.stdout

    refused = run_cli(tmp_path, "users", "delete", "alice")
    assert refused.returncode == 2 and "--transfer-to" in refused.stderr and "Traceback" not in refused.stderr
    deleted = run_cli(tmp_path, "users", "delete", "alice", "--transfer-to", "bob")
    assert deleted.returncode == 0 and "1份申报书已转给 bob" in deleted.stdout
    last_admin = run_cli(tmp_path, "users", "role", "root", "staff")
    assert last_admin.returncode == 2 and "至少保留一个" in last_admin.stderr

    log = run_cli(tmp_path, "users", "log")
    assert log.returncode == 0
    actions = [line.split("\t")[2] for line in log.stdout.strip().splitlines()[1:]]
    assert actions == ["add", "add", "add", "password_reset", "disable", "enable", "role", "delete"]
    assert "second-pass-2" not in log.stdout and "命令行" in log.stdout
