"""`case-assistant draft` as a real subprocess: the scripted-mode contract other tools rely on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from assistant.core.errors import InvalidInputError
from assistant.core.figures import untraceable_numbers
from assistant.export.scripted import parse_answers
from tests.spine_helpers import (
    ALL_PART_IDS,
    EXAMPLE_PATH,
    FORM_ID,
    FORMS_DIR,
    docx_full_text,
    load_example,
    section_bodies,
)

pytestmark = pytest.mark.slow  # a served process, a shell run or an evaluation floor: make test, not make test-fast


def run_cli(tmp_path: Path, *args: str, script: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the CLI offline: no CASE_ASSISTANT_* model settings, data dir in tmp, cwd in tmp (no .env)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASE_ASSISTANT_")}
    env["CASE_ASSISTANT_DATA_DIR"] = str(tmp_path / "data")
    env["PYTHONIOENCODING"] = "utf-8"
    command = (
        [str(Path(sys.executable).parent / "case-assistant")] if script else [sys.executable, "-m", "assistant.cli"]
    )
    return subprocess.run(command + list(args), capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)


def write_answers(tmp_path: Path, data: Any, name: str = "answers.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def draft_ok(tmp_path: Path, answers: Path) -> tuple[bytes, dict[str, Any], subprocess.CompletedProcess[str]]:
    out, report = tmp_path / "out" / "application.docx", tmp_path / "report.json"
    result = run_cli(tmp_path, "draft", "--answers", str(answers), "--out", str(out), "--report", str(report))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return out.read_bytes(), json.loads(report.read_text(encoding="utf-8")), result


@pytest.fixture(scope="module")
def example_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[bytes, dict[str, Any], subprocess.CompletedProcess[str]]:
    return draft_ok(tmp_path_factory.mktemp("cli-example"), EXAMPLE_PATH)


def test_example_exits_zero_and_reports_offline_mode(example_run) -> None:
    data, report, result = example_run
    assert data[:2] == b"PK"  # a .docx is a zip file
    assert report["form"] == FORM_ID and report["mode"] == "offline"
    assert "离线" in result.stdout and "intro" in result.stdout
    assert report["warnings"] == []  # "_note" is a comment key, not an unknown key
    assert result.stderr.strip() == ""


def test_example_report_groups_within_limits(example_run) -> None:
    _, report, _ = example_run
    assert report["groups"]["intro"]["limit"] == 5000 and report["groups"]["promo"]["limit"] == 1500
    for group in report["groups"].values():
        assert 0 < group["words"] <= group["limit"]
    assert [p["part_id"] for p in report["parts"]] == ALL_PART_IDS
    for part in report["parts"]:
        assert part["words"] <= part["budget"] <= part["limit"]
        assert part["text"].strip()
        assert all(issue["part_id"] == part["part_id"] for issue in part["issues"])
        assert not [i for i in part["issues"] if i["severity"] == "error"], part["part_id"]
    totals = {"intro": 0, "promo": 0}
    for part in report["parts"]:
        totals[part["part_id"].split(".")[0]] += part["words"]
    assert totals == {g: v["words"] for g, v in report["groups"].items()}
    # the use of the budget, per part and per group (issue 22): what it was written from, asked for, used
    for part in report["parts"]:
        assert part["material_words"] >= 0 and part["target"] > 0 and part["removed_sentences"] == []
        assert part["use"] == round(part["words"] / part["budget"], 3)
    assert report["groups"]["intro"]["use"] == round(report["groups"]["intro"]["words"] / 5000, 3)


def test_example_docx_holds_the_report_texts(example_run) -> None:
    data, report, _ = example_run
    bodies = section_bodies(data)
    for part in report["parts"]:
        body = "\n".join(bodies["二" if part["part_id"].startswith("intro.") else "三"])
        for line in part["text"].split("\n"):
            assert line.strip() in body


def test_every_number_in_the_drafted_sections_is_from_the_answers_file(example_run) -> None:
    data, _, _ = example_run
    answers_file = EXAMPLE_PATH.read_text(encoding="utf-8")
    bodies = section_bodies(data)
    drafted = "\n".join(bodies["二"] + bodies["三"])
    subpoint_numbers = "1. 2. 3."  # printed by the template in 主要做法及成效
    assert untraceable_numbers(drafted, [answers_file, subpoint_numbers]) == []


def test_every_number_in_the_whole_docx_is_from_answers_or_template(example_run) -> None:
    """Outside the drafted parts the only figures are the template's own and today's date."""
    data, _, _ = example_run
    sources = [
        EXAMPLE_PATH.read_text(encoding="utf-8"),
        (FORMS_DIR / f"{FORM_ID}.yaml").read_text(encoding="utf-8"),
        date.today().isoformat(),
        " ".join(str(i) for i in range(1, 6)),
    ]
    assert untraceable_numbers(docx_full_text(data), sources) == []


def test_empty_part_gives_marker_in_docx_and_issue_in_report(tmp_path: Path) -> None:
    data = load_example()
    data["answers"]["intro.innovation"] = []
    docx_bytes, report, _ = draft_ok(tmp_path, write_answers(tmp_path, data))
    bodies = section_bodies(docx_bytes)
    assert any(line.startswith("【待补充") and "创新点" in line for line in bodies["二"])
    part = next(p for p in report["parts"] if p["part_id"] == "intro.innovation")
    assert "【待补充" in part["text"]
    kinds = {i["kind"] for i in part["issues"]}
    assert {"missing", "placeholder"} <= kinds
    assert all(i["part_id"] == "intro.innovation" for i in part["issues"])


def test_missing_part_key_is_treated_as_empty(tmp_path: Path) -> None:
    data = load_example()
    del data["answers"]["intro.participants"]
    _, report, _ = draft_ok(tmp_path, write_answers(tmp_path, data))
    part = next(p for p in report["parts"] if p["part_id"] == "intro.participants")
    assert "【待补充" in part["text"] and any(i["kind"] == "missing" for i in part["issues"])


def test_a_single_string_answer_is_accepted(tmp_path: Path) -> None:
    data = load_example()
    data["answers"]["intro.innovation"] = "技术创新：首次把电子运单用于铁水联运。"
    _, report, _ = draft_ok(tmp_path, write_answers(tmp_path, data))
    part = next(p for p in report["parts"] if p["part_id"] == "intro.innovation")
    assert part["text"] == "技术创新：首次把电子运单用于铁水联运。"


def test_unknown_keys_warn_but_succeed(tmp_path: Path) -> None:
    data = load_example()
    data["version"] = 3
    data["info"]["nickname"] = "物流一单通"
    data["answers"]["intro.background"] = "这个部分不存在。"
    _, report, result = draft_ok(tmp_path, write_answers(tmp_path, data))
    stderr = result.stderr
    assert "警告" in stderr
    for key in ("version", "nickname", "intro.background"):
        assert key in stderr
    assert len(report["warnings"]) == 3


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"form": "cq-2024-batch2", "answers": {', "不是合法的 JSON"),
        ("", "不是合法的 JSON"),
        ("[1, 2, 3]", "顶层必须是 JSON 对象"),
        ('{"form": "cq-2024-batch2", "answers": {"intro.problem": 42}}', "intro.problem"),
        ('{"form": "cq-2024-batch2", "answers": ["a"]}', "answers"),
        ('{"form": "cq-2024-batch2", "info": "甲公司"}', "info"),
        ('{"form": "cq-2024-batch2", "info": {"leader": "王示例"}}', "leader"),
    ],
)
def test_bad_input_exits_2_with_a_chinese_message(tmp_path: Path, content: str, expected: str) -> None:
    answers = write_answers(tmp_path, content)
    out = tmp_path / "out.docx"
    result = run_cli(tmp_path, "draft", "--answers", str(answers), "--out", str(out))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("错误：")
    assert expected in result.stderr
    assert not out.exists()


def test_unknown_form_id_exits_2_and_lists_known_forms(tmp_path: Path) -> None:
    data = load_example()
    data["form"] = "bj-2099-batch9"
    result = run_cli(
        tmp_path, "draft", "--answers", str(write_answers(tmp_path, data)), "--out", str(tmp_path / "x.docx")
    )
    assert result.returncode == 2
    assert "未知的申报书模板" in result.stderr and "bj-2099-batch9" in result.stderr and FORM_ID in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_answers_file_exits_2(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "draft", "--answers", str(tmp_path / "nope.json"), "--out", str(tmp_path / "x.docx"))
    assert result.returncode == 2
    assert "找不到回答文件" in result.stderr and "Traceback" not in result.stderr


def test_console_script_works(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "case-assistant"
    if not script.exists():
        pytest.skip(f"console script not installed next to {sys.executable}")
    out = tmp_path / "x.docx"
    result = run_cli(tmp_path, "draft", "--answers", str(EXAMPLE_PATH), "--out", str(out), script=True)
    assert result.returncode == 0, result.stderr
    assert out.is_file()


def test_co_applicants_as_a_string_is_not_split_into_characters() -> None:
    data = load_example()
    data["info"]["co_applicants"] = "重庆示例港务集团有限公司"
    try:
        parsed = parse_answers(data)
    except InvalidInputError:
        return  # rejecting the wrong shape with a Chinese message is also acceptable
    assert parsed.info.co_applicants == ["重庆示例港务集团有限公司"]
