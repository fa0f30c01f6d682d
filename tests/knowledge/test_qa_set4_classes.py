"""Classes of failure found on the development rows of ``staff_questions_4`` (written by someone who read only the
corpus), one test each, in this test's own wording (not rows of any set).

* a typo fix must not cut through a common word (「有没有现成的说法」 became 「有没有限成的说法」), and a phrase
  ending in 说法 is no document the knowledge base lacks;
* 「两回事」 decides only questions about what it names (it answered 「民营企业能报吗」 with 不可以);
* an asking clause too short to say what it asks (「可以吗」) takes the clause before it;
* the words of how a question asks (会, 直接, 怎么样) weigh less than what it asks about, and a question naming
  nothing any document speaks of is declined;
* the lines of a case card holding the kind of fact asked for (an amount of money) come first.
"""

from __future__ import annotations

from assistant.knowledge.qa import NOT_FOUND, answer_question
from assistant.knowledge.question import analyse, split_clauses


def test_a_typo_fix_does_not_cut_through_a_common_word(corpus_kb) -> None:
    asked = analyse("安全合规这段有没有现成的写法可以参考", corpus_kb)
    assert "现成" in asked.text and not asked.fixes, asked.fixes


def test_a_phrase_ending_in_a_plain_word_is_no_missing_document(corpus_kb) -> None:
    answer = answer_question(corpus_kb, "数据流通那部分有没有现成的说法")
    assert "知识库中没有《" not in answer.answer, answer.answer


def test_two_different_things_decide_only_a_question_about_them(corpus_kb) -> None:
    answer = answer_question(corpus_kb, "咱们是民营企业 能报吗")
    assert not answer.answer.startswith(("不可以", "（1）民营企业能报吗：不可以")), answer.answer
    assert "不可以" not in answer.answer.splitlines()[0], answer.answer
    prize = answer_question(corpus_kb, "拿了大赛的奖就等于入选典型案例了吧")
    assert prize.answer.startswith("不"), prize.answer


def test_a_short_asking_clause_takes_the_clause_before_it() -> None:
    parts, context = split_clauses("电子版只交个PDF 可以吗 要不要Word")
    assert parts[0] == "电子版只交个PDF 可以吗" and not context, (parts, context)


def test_a_pdf_only_question_is_told_word_is_needed_too(corpus_kb) -> None:
    first = answer_question(corpus_kb, "电子版光交pdf可以吗").answer.splitlines()[0]
    assert first.startswith("不可以") and "Word" in first, first


def test_a_question_about_nothing_in_the_documents_is_declined(corpus_kb) -> None:
    for question in ("会下雨吗", "周末去哪里钓鱼比较好"):
        answer = answer_question(corpus_kb, question)
        assert not answer.grounded and answer.answer.startswith(NOT_FOUND), (question, answer.answer)


def test_how_much_money_a_case_raised_quotes_its_amount(corpus_kb) -> None:
    answer = answer_question(corpus_kb, "新泰那个整县授信一共放了多少钱的贷款")
    assert answer.grounded and "12亿元" in answer.answer, answer.answer


def test_a_phrase_ending_in_jiaofa_is_no_missing_document(corpus_kb) -> None:
    """「两种叫法」 ends in 法 like a law's name (数据安全法), but 叫法 is a word of its own: the question was declined
    as about a document 《是不是同一个文件的两种叫法》."""
    answer = answer_question(corpus_kb, "三年行动计划和数据二十条只是同一份文件的不同叫法吗")
    assert "知识库中没有《" not in answer.answer and answer.grounded, answer.answer


def test_a_national_batch_no_document_speaks_of_is_declined(corpus_kb) -> None:
    """The held documents speak of the national first batch; the home call's own batch (第二批) is not the nation's:
    asked when the national second batch comes out, the answer must not be the home call's dates."""
    answer = answer_question(corpus_kb, "国家数据局第二批典型案例名单啥时候出")
    assert not answer.grounded and "国家第二批" in answer.answer, answer.answer
    first = answer_question(corpus_kb, "国家首批典型案例是哪天发布的")
    assert first.grounded and "2024年5月24日" in first.answer, first.answer


def test_will_it_is_answered_hui_first(corpus_kb) -> None:
    """「会不会」 asks whether something will happen: 会/不会 first, not 可以 (「这是首批领域，今后可继续拓展」)."""
    answer = answer_question(corpus_kb, "这十二个领域以后会不会再加")
    assert answer.answer.startswith("会。") and "今后可继续拓展" in answer.answer, answer.answer
