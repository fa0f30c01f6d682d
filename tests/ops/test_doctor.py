"""``case-assistant doctor``: each missing piece is named with its fix; the exit code is non-zero exactly when a
required piece is missing (``--strict``: any piece)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.core.settings import Settings
from assistant.ops.doctor import exit_code, render, run_doctor
from assistant.store.sql import Store
from tests.fakes.behaviours import reply, status
from tests.ops.conftest import REPO, clean_env
from tests.servers import free_port

OFFICE = {"soffice", "libreoffice", "loffice", "lowriter"}


def path_without(tmp_path: Path, hidden: set[str]) -> str:
    """A PATH with every program of the current one except ``hidden`` (as if LibreOffice were uninstalled)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if not Path(directory).is_dir():
            continue
        for program in Path(directory).iterdir():
            link = folder / program.name
            if program.name not in hidden and not link.exists() and os.access(program, os.X_OK):
                link.symlink_to(program)
    return str(folder)


def doctor(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant.cli", "doctor", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


def test_without_libreoffice_the_doctor_names_it_and_the_fix_and_a_missing_database_fails_it(tmp_path: Path) -> None:
    Store.open(tmp_path / "data" / "app.sqlite3").close()
    env = clean_env(CASE_ASSISTANT_DATA_DIR=str(tmp_path / "data"), CASE_ASSISTANT_EMBEDDER="hash",
                    PATH=path_without(tmp_path, OFFICE))
    found = doctor(env)
    assert "[不可用] LibreOffice（导出 PDF，可选）：没有找到 soffice 命令，无法导出 PDF" in found.stdout, found.stdout
    assert "解决：apt-get install libreoffice-writer-nogui；离线安装包中以 root 运行 ./install.sh" in found.stdout
    assert "可选功能 1 项不可用：LibreOffice" in found.stdout
    assert found.returncode == 0, found.stdout + found.stderr  # PDF is optional: Word export still works
    assert doctor(env, "--strict").returncode == 1

    env["CASE_ASSISTANT_DATABASE_URL"] = f"postgresql+psycopg://case:secret@127.0.0.1:{free_port()}/case_assistant"
    broken = doctor(env)
    assert broken.returncode == 1, broken.stdout
    assert "[不可用] 数据库：无法连接 PostgreSQL 127.0.0.1" in broken.stdout
    assert "解决：检查 CASE_ASSISTANT_DATABASE_URL" in broken.stdout and "secret" not in broken.stdout
    assert "结论：必需项 1 项不可用：数据库" in broken.stdout and "Traceback" not in broken.stderr


def settings(tmp_path: Path, **extra: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", embedder="hash", _env_file=None, **extra)


def by_key(report) -> dict:
    return {c.key: c for c in report.checks}


def test_a_configured_model_is_called_once_and_its_latency_reported(tmp_path: Path, fake_openai) -> None:
    fake_openai.queue(reply("正常"))
    report = run_doctor(settings(tmp_path, llm_base_url=fake_openai.base_url, llm_model="fake-chat"))
    model = by_key(report)["model"]
    assert (model.status, model.required) == ("ok", True) and "回复“正常”" in model.detail
    assert model.seconds is not None and len(fake_openai.chat_requests()) == 1


def test_a_failing_model_endpoint_is_a_required_failure_with_what_to_check(tmp_path: Path, fake_openai) -> None:
    fake_openai.queue(status(401, "invalid api key"))
    report = run_doctor(settings(tmp_path, llm_base_url=fake_openai.base_url, llm_model="fake-chat"))
    model = by_key(report)["model"]
    assert model.status == "fail" and "CASE_ASSISTANT_LLM_API_KEY" in model.fix
    assert not report.ok and exit_code(report) == 1 and "大模型接口" in report.summary


def test_a_data_directory_that_is_a_file_and_an_open_network_address_without_accounts_fail(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a directory")
    report = run_doctor(settings(tmp_path, host="0.0.0.0"))
    checks = by_key(report)
    assert checks["data_dir"].status == "fail" and "不是目录" in checks["data_dir"].detail
    assert not report.ok

    other = tmp_path / "other"
    report = run_doctor(Settings(data_dir=other, embedder="hash", host="0.0.0.0", _env_file=None))
    exposure = by_key(report)["exposure"]
    assert exposure.status == "fail" and "users add" in exposure.fix and not report.ok


@pytest.mark.parametrize(("revision", "status", "words"), [("0002_session_indexes", "warn", "自动升级"),
                                                          ("0099_from_the_future", "fail", "更新版本")])
def test_the_database_revision_is_compared_with_the_program(tmp_path: Path, revision, status, words) -> None:
    Store.open(tmp_path / "data" / "app.sqlite3").close()
    with sqlite3.connect(tmp_path / "data" / "app.sqlite3") as conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    check = by_key(run_doctor(settings(tmp_path)))["database"]
    assert check.status == status and words in check.detail + check.fix


def test_the_json_report_has_every_check_with_its_fix(tmp_path: Path) -> None:
    env = clean_env(CASE_ASSISTANT_DATA_DIR=str(tmp_path / "data"), CASE_ASSISTANT_EMBEDDER="hash")
    found = doctor(env, "--json")
    report = json.loads(found.stdout)
    keys = {c["key"] for c in report["checks"]}
    assert {"python", "packages", "bundled", "data_dir", "database", "exposure", "vectors", "embedder", "model",
            "libreoffice", "cjk_fonts", "ffprobe", "graphviz"} <= keys
    assert all(c["fix"] for c in report["checks"] if c["status"] != "ok")
    assert report["ok"] is (found.returncode == 0)


def test_the_text_report_is_chinese_with_one_line_per_check(tmp_path: Path) -> None:
    report = run_doctor(settings(tmp_path))
    text = render(report)
    assert text.startswith("运行检查") and text.count("\n[") == len(report.checks)
    assert "结论：" in text
