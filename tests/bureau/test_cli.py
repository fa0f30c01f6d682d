"""The call's process from the shell: create, reopen, submit, board --json, summary (each a real subprocess)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.bureau.variants import SCENARIOS, variant

pytestmark = pytest.mark.slow  # a served process, a shell run or an evaluation floor: make test, not make test-fast

REPO = Path(__file__).resolve().parents[2]


def cli(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], cwd=REPO, env=env, input=stdin,
                          capture_output=True, text=True, timeout=180)


def test_create_submit_board_and_summary_from_the_shell(tmp_path: Path) -> None:
    env = {k: val for k, val in os.environ.items() if not k.startswith("CASE_ASSISTANT_")}
    env.update(CASE_ASSISTANT_DATA_DIR=str(tmp_path / "data"), CASE_ASSISTANT_EMBEDDER="hash",
               PYTHONIOENCODING="utf-8")
    assert cli(env, "users", "add", "acme", "--role", "applicant", stdin="applicant-pass-1\n").returncode == 0
    answers = tmp_path / "good.json"
    answers.write_text(json.dumps(variant("agri-citrus-credit", "good"), ensure_ascii=False), encoding="utf-8")
    created = cli(env, "create", "--answers", str(answers), "--owner", "acme", "--offline")
    assert created.returncode == 0, created.stderr
    app_id = created.stdout.strip()
    assert app_id.isdigit()
    missing = cli(env, "create", "--answers", str(SCENARIOS / "finance-smb-credit.json"), "--owner", "nobody")
    assert missing.returncode == 2 and "没有可用的账号“nobody”" in missing.stderr

    late = cli(env, "submit", app_id)  # the seed's deadline (2024-08-20) has passed on this machine's clock
    assert late.returncode == 2 and "截止" in late.stderr and "重新开放" in late.stderr
    assert cli(env, "reopen", "--until", "2099-12-31", "--reason", "补交窗口").returncode == 0
    submitted = cli(env, "submit", app_id)
    assert submitted.returncode == 0 and "已提交（第1次）" in submitted.stdout, submitted.stderr

    board = cli(env, "board", "--json")
    assert board.returncode == 0, board.stderr
    rows = json.loads(board.stdout)
    assert rows == [{**rows[0], "rank": 1, "id": int(app_id), "gates_passed": True, "status": "submitted"}]
    assert rows[0]["case_name"].startswith("现代农业领域——") and rows[0]["total"] > 0

    out = tmp_path / "汇总表.xlsx"
    summary = cli(env, "summary", "--out", str(out))
    assert summary.returncode == 0, summary.stderr
    sheet = load_workbook(io.BytesIO(out.read_bytes())).active
    assert sheet["B3"].value == rows[0]["case_name"]
