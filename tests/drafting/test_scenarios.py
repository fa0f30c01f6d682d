"""Scenario set: complete answer files across fields run through `case-assistant draft` (offline).

Each ``tests/data/scenarios/<name>.json`` has a ``<name>.expect.json`` written independently
of the code: facts that must survive, strings that must not appear (typos, spoken words,
pasted instructions, phone numbers in publishable parts) and the parts left empty. The
offline draft must keep the facts, stay within the group limits, mark only the empty parts
with 【待补充】, and read as written Chinese (no 我们/咱们/这边/拿的).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from assistant.core.textlen import count_words
from tests.scenario_checks import (
    figures_lost,
    figures_untraceable,
    placeholders_where_content_exists,
    prompt_text_in,
    repeated_in,
)

pytestmark = pytest.mark.slow  # a served process, a shell run or an evaluation floor: make test, not make test-fast

SCENARIOS = Path(__file__).parents[1] / "data" / "scenarios"
NAMES = sorted(p.name[: -len(".expect.json")] for p in SCENARIOS.glob("*.expect.json"))
SPOKEN = ["我们", "咱们", "这边", "拿的"]
LIMITS = {"intro": 5000, "promo": 1500}


@cache
def drafted(name: str, tmp: str) -> dict[str, Any]:
    tmp_path = Path(tmp) / name
    tmp_path.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASE_ASSISTANT_")}
    env.update(CASE_ASSISTANT_EMBEDDER="hash", CASE_ASSISTANT_DATA_DIR=str(tmp_path / "data"), PYTHONIOENCODING="utf-8")
    out, report = tmp_path / "out.docx", tmp_path / "report.json"
    command = [
        sys.executable,
        "-m",
        "assistant.cli",
        "draft",
        "--offline",
        "--answers",
        str(SCENARIOS / f"{name}.json"),
    ]
    result = subprocess.run(
        command + ["--out", str(out), "--report", str(report)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 0
    return json.loads(report.read_text(encoding="utf-8"))


def pipeline_asks_the_drafter() -> bool:
    """Whether ``pipeline.estimate_need`` uses ``OfflineDrafter.estimate_need`` (a change requested of the lead).

    Without it a 主要做法及成效 filled from the 简介 gets a budget sized to the promotion answers only.
    """
    import inspect

    from assistant.drafting import pipeline

    return "estimate_need(job)" in inspect.getsource(pipeline.estimate_need)


@pytest.fixture(scope="module")
def tmp_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("scenarios"))


def expect(name: str) -> dict[str, Any]:
    return json.loads((SCENARIOS / f"{name}.expect.json").read_text(encoding="utf-8"))


def texts(report: dict[str, Any]) -> dict[str, str]:
    return {p["part_id"]: p["text"] for p in report["parts"]}


def test_there_are_at_least_eight_scenarios() -> None:
    assert len(NAMES) >= 8


@pytest.mark.parametrize("name", NAMES)
def test_facts_are_kept(name: str, tmp_dir: str) -> None:
    body = "\n".join(texts(drafted(name, tmp_dir)).values())
    missing = [fact for fact in expect(name)["facts"] if fact not in body]
    assert missing == []


@pytest.mark.parametrize("name", NAMES)
def test_group_limits(name: str, tmp_dir: str) -> None:
    parts = texts(drafted(name, tmp_dir))
    for group, limit in LIMITS.items():
        total = sum(count_words(t) for pid, t in parts.items() if pid.startswith(group + "."))
        assert total <= limit, group


@pytest.mark.parametrize("name", NAMES)
def test_placeholders_only_in_empty_parts(name: str, tmp_dir: str) -> None:
    """【待补充】 only where the applicant gave nothing; an empty promo part is built from the 简介 instead."""
    from assistant.forms.spec import load_form

    form = load_form("cq-2024-batch2")
    parts = texts(drafted(name, tmp_dir))
    empty = set(expect(name)["empty_parts"])
    marked = {pid for pid, t in parts.items() if "【待补充" in t}
    assert {pid for pid in empty if not form.part(pid).fallback_sources} <= marked
    if not pipeline_asks_the_drafter() and not marked <= empty:
        pytest.xfail("needs pipeline.estimate_need to ask OfflineDrafter.estimate_need (see issue 14 report)")
    assert marked <= empty


@pytest.mark.parametrize("name", NAMES)
def test_must_not_appear(name: str, tmp_dir: str) -> None:
    body = "\n".join(texts(drafted(name, tmp_dir)).values())
    assert [s for s in expect(name)["must_not_appear"] if s in body] == []


@pytest.mark.parametrize("name", NAMES)
def test_written_register(name: str, tmp_dir: str) -> None:
    parts = texts(drafted(name, tmp_dir))
    found = {pid: [w for w in SPOKEN if w in t] for pid, t in parts.items()}
    assert {pid: w for pid, w in found.items() if w} == {}


@pytest.mark.parametrize("name", NAMES)
def test_nothing_dropped_while_the_group_has_room(name: str, tmp_dir: str) -> None:
    report = drafted(name, tmp_dir)
    answered = {
        pid for pid, turns in json.loads((SCENARIOS / f"{name}.json").read_text("utf-8"))["answers"].items() if turns
    }
    lost = []
    for part in report["parts"]:
        if part["part_id"] not in answered:
            continue  # a summary built from the 简介 is short by design; the 简介 keeps every sentence
        group = part["part_id"].split(".")[0]
        room = report["groups"][group]["limit"] - report["groups"][group]["words"]
        trimmed = [i["message"] for i in part["issues"] if i["kind"] == "trimmed"]
        if trimmed and room > 200:
            lost.append((part["part_id"], room, trimmed))
    if lost and not pipeline_asks_the_drafter():
        pytest.xfail("needs pipeline.estimate_need to ask OfflineDrafter.estimate_need (see issue 14 report)")
    assert lost == []


# ----- issue 22 ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_nothing_of_the_machinery(name: str, tmp_dir: str) -> None:
    parts = texts(drafted(name, tmp_dir))
    assert prompt_text_in(parts) == {}
    assert repeated_in(parts) == {}


@pytest.mark.parametrize("name", NAMES)
def test_every_figure_theirs_and_kept(name: str, tmp_dir: str) -> None:
    parts = texts(drafted(name, tmp_dir))
    assert figures_untraceable(name, parts) == {}
    assert figures_lost(name, parts) == {}


@pytest.mark.parametrize("name", NAMES)
def test_no_promo_placeholder_where_the_introduction_holds_it(name: str, tmp_dir: str) -> None:
    assert placeholders_where_content_exists(name, texts(drafted(name, tmp_dir))) == {}
