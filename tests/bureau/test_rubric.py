"""The rubric is data: every gate and criterion quotes the notice, weights add up, bad references are refused;
the status machine refuses what the process does not allow, in Chinese."""

from __future__ import annotations

import re

import pytest
import yaml

from assistant.bureau.status import next_status
from assistant.core.errors import InvalidInputError
from assistant.core.resources import bundled_dir
from assistant.forms.spec import FormSpec, forms_dir, load_form


def notice_text() -> str:
    return (bundled_dir("knowledge") / "corpus" / "notice-cq-2024-53.txt").read_text(encoding="utf-8")


def test_every_gate_and_criterion_quotes_the_notice() -> None:
    form = load_form("cq-2024-batch2")
    assert form.rubric is not None and form.recommend_limit == 15 and form.deadline == "2024-08-20"
    notice = re.sub(r"\s+", "", notice_text())
    quoted = [g.notice for g in form.rubric.gates] + [c.notice for c in form.rubric.criteria] + [form.rubric.selection]
    for text in quoted:
        for piece in re.split(r"……|；", text.strip("（）")):
            if len(piece) >= 4:
                assert re.sub(r"\s+", "", piece) in notice, piece
    assert form.rubric.max_total == 100
    assert [c.title for c in form.rubric.criteria] == [
        "数据赋能与多源数据融合", "解决行业痛点难点", "显著的经济效益或社会效益", "数据合法合规获取与安全治理",
        "先进性、创新性", "示范性、可持续、适合公开推广",
    ]
    assert all(len(c.levels) == 4 for c in form.rubric.criteria)


def _with(change) -> dict:
    raw = yaml.safe_load((forms_dir() / "cq-2024-batch2.yaml").read_text(encoding="utf-8"))
    change(raw["rubric"])
    return raw


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["criteria"][0]["signals"][0].update(element="no_such_element"), "unknown element"),
        (lambda r: r["criteria"][0].update(parts=["intro.nowhere"]), "unknown parts"),
        (lambda r: r["criteria"][0]["levels"].pop(), "at least 4"),
        (lambda r: r["criteria"][0]["levels"][0].update(requires=["ghost"]), "unknown signals"),
        (lambda r: r["gates"][3].update(item="no_such_item"), "unknown submission item"),
        (lambda r: r["criteria"][1].update(id="data_fusion"), "unique"),
    ],
)
def test_a_broken_rubric_is_refused(change, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FormSpec.model_validate(_with(change))


def test_the_status_machine_refuses_what_the_process_does_not_allow() -> None:
    assert next_status("draft", "submit", "applicant") == "submitted"
    assert next_status("returned", "submit", "applicant") == "submitted"
    assert next_status("reviewed", "recommend", "staff") == "recommended"
    for status, action, actor, words in [
        ("submitted", "submit", "applicant", "撤回"),
        ("draft", "recommend", "staff", "不能“推荐”"),
        ("submitted", "return", "applicant", "只能由工作人员"),
        ("reviewed", "withdraw", "applicant", "只有“已提交”"),
    ]:
        with pytest.raises(InvalidInputError, match=words):
            next_status(status, action, actor)
