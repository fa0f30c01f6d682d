"""A length asked of a field of the application's info table (申报理由, 通讯地址 …): the documents set none.

The values route had read the closest amount — the promotion material's 「不超过1500字」 — and given it as the
field's limit, a rule the documents do not make. Wordings here are this test's own (not rows of any set).
"""

from __future__ import annotations

import pytest

from assistant.knowledge.info_table import named_field
from assistant.knowledge.qa import answer_question
from assistant.knowledge.scope import default_call


def _lead(text: str) -> str:
    return text.split("根据文件原文")[0]


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("申报理由那一栏写多少字合适", "申报理由"),
        ("通讯地址那一栏最多能写多少字", "通讯地址"),
        ("信息表里申报单位意见大概写几百字？", "申报单位意见"),
    ],
)
def test_no_length_is_invented_for_an_info_table_field(corpus_kb, question: str, label: str) -> None:
    answer = answer_question(corpus_kb, question)
    lead = _lead(answer.answer)
    assert f"没有规定申报信息表「{label}」一栏的字数" in lead, answer.answer
    assert not lead.startswith("答："), lead  # no amount is given as the field's own limit
    assert "5000字" in lead and "1500字" in lead, lead  # the limits the documents do set, quoted
    assert any(label in c.text for c in answer.citations), answer.citations


def test_a_template_part_named_keeps_its_own_limit(corpus_kb) -> None:
    answer = answer_question(corpus_kb, "宣传推广材料最多多少字")
    assert _lead(answer.answer).startswith("答：不超过1500字"), answer.answer


def test_the_covers_labels_name_the_field_only_as_a_field() -> None:
    call = default_call()
    assert named_field("每个申报单位最多能写多少字", call) == ""  # the applicant, not its row of the table
    assert named_field("申报单位那一栏填多少字", call) == "申报单位"
    assert named_field("申报单位意见写多少字", call) == "申报单位意见"  # the longest label wins
