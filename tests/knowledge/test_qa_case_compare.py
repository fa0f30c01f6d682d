"""Cases compared on a figure (:mod:`assistant.knowledge.case_compare`), in this test's own wording (the development
rows of sets 8 and 18 showed the class: a question naming two cases split its words between two cards, so neither
was found, and one case's figure, or none, was given)."""

from __future__ import annotations

from assistant.knowledge.qa import answer_question


def _lead(text: str) -> str:
    return text.split("根据文件原文")[0]


def test_each_named_case_gets_its_own_figure_and_the_larger_is_said(corpus_kb) -> None:
    answer = answer_question(corpus_kb, "国能装备和海南三医分别汇聚了多少条数据")
    lead = _lead(answer.answer)
    assert answer.grounded and answer.route == "case_compare", answer.answer
    assert "超过30亿条" in lead and "约246亿条" in lead, lead
    assert lead.index("超过30亿条") < lead.index("约246亿条"), "in the order the question names them"
    assert "其中「海南「三医」数据融合应用」的数字更大" in lead, lead


def test_a_card_without_the_figure_asked_says_so_rather_than_another_figure(corpus_kb) -> None:
    lead = _lead(answer_question(corpus_kb, "中山平台和新泰整县授信，哪个授信金额更大").answer)
    assert "超过12亿元" in lead and "卡片中没有写明" in lead, lead
    assert "7项" not in lead and "14类" not in lead, lead


def test_a_comparison_without_a_figure_read_quotes_both_cards(corpus_kb) -> None:
    answer = answer_question(corpus_kb, "福建应急平台和海南三医哪个对接的系统多")
    assert answer.grounded and "比较的案例" in _lead(answer.answer), answer.answer
    assert "39个系统" in answer.answer, answer.answer


def test_one_case_is_not_a_comparison(corpus_kb) -> None:
    answer = answer_question(corpus_kb, "福建数字应急那个案例汇聚了多少条数据")
    assert answer.route == "cases" and "约59.8亿条" in _lead(answer.answer), answer.answer


def test_two_cases_asked_different_things_are_answered_part_by_part(corpus_kb) -> None:
    answer = answer_question(corpus_kb, "福建应急和国家能源集团那两个案例分别属于哪个领域，是首批第几号")
    lead = _lead(answer.answer)
    assert lead.startswith("（1）") and "（2）" in lead and "数字更大" not in lead, lead


def test_who_applied_for_each_compared_case_is_read_off_its_card(corpus_kb) -> None:
    answer = answer_question(corpus_kb, "把福建数字应急和国家能源集团运输装备两个案例放一起看：各自是谁申报的？")
    lead = _lead(answer.answer)
    assert "福建省电子政务建设运营有限公司" in lead and "国家能源投资集团有限公司" in lead, lead
    assert lead.index("福建省电子政务") < lead.index("国家能源投资集团"), "in the order the question names them"
