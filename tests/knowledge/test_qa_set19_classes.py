"""Classes of failure found on the development rows of ``staff_questions_19`` (bureau staff relaying a caller's
question with its background, beliefs to confirm, double negatives), one test each, in this test's own wording
(not rows of any set).

* a format the question says need not be handed in (「不用再交Word了吧」「PDF可以不交吗」) is answered 需要 when the
  documents ask for it — it had been 「可以」, the opposite of what the documents say;
* 「可以不填」 is not the colloquial 「可以不？」 (= 可以吗): the mapping that turned it into 「可以吗填」 now stops
  before a following character;
* a template line marked 「（若有）」 is not answered 「要」 when asked whether it may be left empty;
* a question relayed with its background (who called, why they ask) is answered as the question it carries;
* the template route's 「要。」 is for a question asking whether something is required, not 「会公开吗」「行不行」;
* a document named without its quote marks or with the wrong span of years (《数据要素×三年行动计划（2023—2025年）》)
  is the held plan, not 「知识库中没有」;
* 气像 is a homophone of 气象 (it had been corrected to 气向).
"""

from __future__ import annotations

from assistant.knowledge.qa import answer_question
from assistant.knowledge.question import map_words
from assistant.knowledge.scope import IMPORTED_MIN_SCORE, MIN_SCORE


def _lead(text: str) -> str:
    return text.split("根据文件原文")[0]


def test_a_format_said_to_be_unneeded_is_answered_needed(corpus_kb) -> None:
    answer = answer_question(corpus_kb, "交个PDF电子件就行了，不用再交Word了吧？")
    lead = _lead(answer.answer)
    assert answer.grounded and "需要。" in lead and "Word也要交" in lead, answer.answer
    assert "可以。" not in lead.replace("不可以。", ""), answer.answer


def test_a_format_to_be_left_out_after_it_is_named_is_needed(corpus_kb) -> None:
    answer = answer_question(corpus_kb, "PDF那份可以不交吗")
    assert answer.grounded and _lead(answer.answer).startswith("需要"), answer.answer


def test_a_format_the_documents_never_ask_for_may_be_left_out(corpus_kb) -> None:
    answer = answer_question(corpus_kb, "图片就不用交PNG了吧")
    lead = _lead(answer.answer)
    assert answer.grounded and not lead.startswith(("需要", "不对")) and "没有提到PNG" in lead, answer.answer


def test_may_i_leave_it_empty_is_not_may_i() -> None:
    assert "可以吗填" not in map_words("那一栏可以不填吧")
    assert map_words("视频用mov格式可以不").endswith("可以吗")
    assert "可以不可以" not in map_words("两家一起报可以不可以")


def test_an_optional_template_line_is_not_answered_required(corpus_kb) -> None:
    answer = answer_question(corpus_kb, "我们单独申报，信息表上联合申报单位名称那栏能不能空着不填")
    lead = _lead(answer.answer)
    assert answer.grounded and not lead.startswith("要。"), answer.answer


def test_a_relayed_question_is_answered_as_the_question_it_carries(corpus_kb) -> None:
    answer = answer_question(corpus_kb, "有个企业打电话来，说他们是做物流的，想知道截止日期是哪天，我手头没文件。")
    assert answer.grounded and "2024年8月20日" in _lead(answer.answer), answer.answer
    declined = answer_question(corpus_kb, "领导让我问一下，入选以后市里有没有奖金？他下午开会要用。")
    assert not declined.grounded, declined.answer


def test_imported_evidence_is_held_to_its_own_floor() -> None:
    """The learned reading cannot vouch for a document a user imported; a score floor of 0 would let anything pass."""
    assert IMPORTED_MIN_SCORE >= 0.3 and IMPORTED_MIN_SCORE > MIN_SCORE


def test_a_question_that_asks_no_requirement_is_not_answered_required(corpus_kb) -> None:
    """The template route's 「要。」 answered 「宣传推广材料会对外公开吗」 and 「只写定性的行不行」 too: only a question
    asking whether something is required gets it."""
    for question in ("宣传推广材料里写的内容会被公开吗", "应用成效光写定性的描述行不行"):
        lead = _lead(answer_question(corpus_kb, question).answer)
        assert not lead.startswith("要。") and "：要。" not in lead, lead


def test_a_title_remembered_without_its_quotes_and_years_is_held(corpus_kb) -> None:
    """《数据要素×三年行动计划》 (no quote marks, no years) and a wrong span of years name the held plan; a document
    the knowledge base does not hold is still declined."""
    answer = answer_question(corpus_kb, "《数据要素乘三年行动计划》是哪天印发的")
    assert answer.grounded and "2023年12月31日" in _lead(answer.answer), answer.answer
    wrong_years = answer_question(corpus_kb, "《数据要素×三年行动计划（2023—2025年）》的总体目标是什么")
    assert "知识库中没有《" not in wrong_years.answer, wrong_years.answer
    declined = answer_question(corpus_kb, "《数据要素流通条例》哪天施行")
    assert not declined.grounded and "知识库中没有《数据要素流通条例》" in declined.answer, declined.answer


def test_a_homophone_of_a_field_word_is_corrected_to_it(corpus_kb) -> None:
    from assistant.knowledge.question import analyse

    assert "气象" in analyse("做气像数据服务的企业能报吗", corpus_kb).text


def test_a_document_cited_with_the_wrong_years_and_number_is_corrected(corpus_kb) -> None:
    """A premise class of the development rows: the asker quotes how they cite the plan and asks whether it is right;
    the answer is the held document's own title and 文号, not a decline (the title was 「not held」)."""
    plan = "数据要素×三年行动计划"
    cited = f"《{plan}（2023—2025年）》（国数政策〔2024〕53号）"
    wrong = answer_question(corpus_kb, f"材料里我们写的是依据{cited}，这么写对不对")
    lead = _lead(wrong.answer)
    assert wrong.grounded and lead.startswith("不对") and "（2024—2026年）" in lead, lead
    assert "国数政策〔2023〕11号" in lead, lead
    held = "《“数据要素×”三年行动计划（2024—2026年）》（国数政策〔2023〕11号）"
    right = answer_question(corpus_kb, f"引用写成{held}可以吗")
    assert _lead(right.answer).startswith("对"), right.answer
    content = answer_question(corpus_kb, "《“数据要素×”三年行动计划（2024—2026年）》有没有提到气象服务")
    assert not _lead(content.answer).startswith(("对", "不对")), content.answer
