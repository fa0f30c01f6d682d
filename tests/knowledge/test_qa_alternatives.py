"""A question that offers a choice (「A还是B」) is answered with the one the documents name, and its clause is a
question of its own; 还是 meaning "still" (「还是想报」) asks nothing. Wording is my own, not from any set."""

from __future__ import annotations

import pytest

from assistant.knowledge.qa import answer_question
from assistant.knowledge.question import split_clauses


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("图片要jpg还是png？", "JPG。"),
        ("视频交mp4还是mov", "MP4。"),
        ("图片给png可以不，还是必须jpg", "JPG。"),  # it had been answered 「不需要。」
    ],
)
def test_a_choice_of_formats_is_answered_with_the_one_the_notice_names(corpus_kb, question: str, lead: str) -> None:
    reply = answer_question(corpus_kb, question)
    assert reply.grounded
    assert reply.answer.startswith(lead), reply.answer


def test_a_choice_is_a_question_of_its_own() -> None:
    parts, context = split_clauses("协会会员问：视频多长、啥格式？图片要JPG还是PNG？")
    assert parts[-1] == "图片要JPG还是PNG" and context == ["协会会员问"]
    parts, _ = split_clauses("材料最后交到哪里？是交给区里还是直接交市局？")
    assert len(parts) == 2


def test_still_is_no_choice() -> None:
    parts, context = split_clauses("我们还是想报这个，截止是哪天")
    assert parts == ["截止是哪天"] and context == ["我们还是想报这个"]
