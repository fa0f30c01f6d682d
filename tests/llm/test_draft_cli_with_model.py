"""End to end: ``case-assistant draft`` with the model pointed at a fake server.

A model writing 3× the requested length (the realistic fake's ``runaway``, whose
condensed versions overshoot too) and a verbose cooperating writer: the exported report
must show every part within its budget and every group within its limit, with at most
two condense calls per part — also when the model does not manage to condense (then
sentences are dropped, figures of the applicant's last, and the report says so).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes import reply_with, smart_writer
from tests.fakes.openai_server import FakeOpenAIServer
from tests.fakes.realistic_model import RealisticModelServer

pytestmark = pytest.mark.slow  # a served process, a shell run or an evaluation floor: make test, not make test-fast

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).parent / "case-assistant"
EXAMPLE = ROOT / "examples" / "cq-logistics-example.json"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli-data")  # shared: the knowledge index is built once


def run_draft(server: FakeOpenAIServer | RealisticModelServer, data_dir: Path, out_dir: Path) -> dict:
    env = {
        **os.environ,
        "CASE_ASSISTANT_LLM_BASE_URL": server.base_url,
        "CASE_ASSISTANT_LLM_MODEL": "fake-model",
        "CASE_ASSISTANT_LLM_MAX_RETRIES": "0",
        "CASE_ASSISTANT_EMBEDDER": "hash",
        "CASE_ASSISTANT_DATA_DIR": str(data_dir),
    }
    docx, report = out_dir / "x.docx", out_dir / "r.json"
    result = subprocess.run(
        [str(CLI), "draft", "--answers", str(EXAMPLE), "--out", str(docx), "--report", str(report)],
        cwd=out_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert "模型起草" in result.stdout
    assert docx.stat().st_size > 10_000
    return json.loads(report.read_text(encoding="utf-8"))


def assert_within_limits(report: dict) -> None:
    assert report["mode"] == "model"
    for group in report["groups"].values():
        assert group["words"] <= group["limit"]
    for part in report["parts"]:
        assert part["source"] == "model", part["part_id"]
        assert part["words"] <= part["budget"], part["part_id"]
        assert part["condense_calls"] <= 2, part["part_id"]


@pytest.mark.skipif(not CLI.exists(), reason="console script not installed (pip install -e .)")
def test_drafts_at_twice_the_budget_stay_within_the_limits(
    fake_openai: FakeOpenAIServer, data_dir: Path, tmp_path: Path
) -> None:
    fake_openai.set_default(reply_with(smart_writer(draft_factor=2.0)))
    report = run_draft(fake_openai, data_dir, tmp_path)
    assert_within_limits(report)
    drafts = fake_openai.chat_requests("起草")
    assert len(drafts) == len(report["parts"])
    assert all(r.target is not None and r.target <= 0.9 * r.budget + 1 for r in drafts)
    # the writer pads by cycling its sentences; verbatim repeats are dropped by the normaliser,
    # so a part may fit without condensing
    assert sum(p["condense_calls"] for p in report["parts"]) == len(fake_openai.chat_requests("压缩"))


@pytest.mark.skipif(not CLI.exists(), reason="console script not installed (pip install -e .)")
def test_a_model_that_cannot_condense_still_exports_within_limits(data_dir: Path, tmp_path: Path) -> None:
    with RealisticModelServer(["plain", "runaway"]) as server:
        report = run_draft(server, data_dir, tmp_path)
        condense = [r for r in server.requests if "【任务：压缩】" in r["messages"][0]["content"]]
    assert_within_limits(report)
    assert sum(p["condense_calls"] for p in report["parts"]) == len(condense)
    # Issue 22: runaway padding is mostly the fake's generic sentences said again («此外，……»), and the part asks
    # for what its answers support: with the repeats gone the example's parts fit without condensing. The path of
    # a model that fails to condense twice is test_model_drafter's test_second_condense_aims_lower_by_the_overshoot.
    assert all(p["words"] <= p["budget"] for p in report["parts"])
    for part in report["parts"]:
        assert not {"1", "2", "3"} & set(part["removed_numbers"]), part["part_id"]  # ordinals are structure
        if part["condense_calls"] == 2 and "trimmed" in [i["kind"] for i in part["issues"]]:
            assert "删去部分句子" in next(i["message"] for i in part["issues"] if i["kind"] == "trimmed")
