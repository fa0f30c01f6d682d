"""A document's own particulars are read off that document, never off another one that mentions a 文号.

Phrasings written for this test after the feature was built (not the ones used while building it).
"""

from __future__ import annotations

import pytest

from assistant.knowledge.qa import answer_question
from assistant.knowledge.search import KnowledgeBase

NOTICE = "重庆市大数据应用发展管理局关于征集重庆市第二批“数据要素×”典型案例的补充通知"


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("补充通知啥时候印发的", "答：2024年8月5日"),
        ("53号补充通知的落款单位", "答：重庆市大数据应用发展管理局"),
        ("三年行动计划文件号多少", "答：国数政策〔2023〕11号"),
        ("这个征集通知是哪家单位发的", "答：重庆市大数据应用发展管理局"),
        ("请问本次征集的通知 发文日期是?", "答：2024年8月5日"),
        # the name said after a pointer; the asker's own words around it name nothing (seventh session)
        ("同事转给我的那个补充通知是照片，落款糊了，想问哪天印发的", "答：2024年8月5日"),
        ("补冲通知的文号是多少，报告里要写", "答：渝大数据发〔2024〕53号"),  # 冲 for 充: a pinyin slip
    ],
)
def test_a_named_document_answers_with_its_own_particular(bundled_kb: KnowledgeBase, question: str, lead: str) -> None:
    answer = answer_question(bundled_kb, question)
    assert answer.grounded and answer.answer.startswith(lead), answer.answer
    quoted = answer.answer.split("「", 1)[1].split("」", 1)[0]
    assert lead.removeprefix("答：") in quoted  # the value is quoted from the document itself
    assert answer.citations and answer.citations[0].text and lead.removeprefix("答：") in answer.citations[0].text


@pytest.mark.parametrize(
    "question",
    [
        *("国家数据局大赛的通知文号是多少", "我们营业执照上的文号是多少", "申报截止日期是几号", "征集启动时间是哪天"),
        "国数政策2024 53号是不是就是这份补充通知的文号",  # another issuer's 53号
    ],
)
def test_a_question_about_another_document_or_date_is_not_given_the_notice_particulars(
    bundled_kb: KnowledgeBase, question: str
) -> None:
    answer = answer_question(bundled_kb, question)
    first_line = answer.answer.splitlines()[0]
    assert NOTICE not in first_line and "渝大数据发〔2024〕53号" not in first_line, answer.answer
    assert "2024年8月5日" not in first_line, answer.answer


@pytest.mark.parametrize(
    "question",
    ["参加申报要缴纳啥费用不", "电子版材料发到哪个邮箱", "入选以后有没有税收减免", "市里审核一般要多久出结果"],
)
def test_a_question_for_a_kind_of_fact_no_document_holds_is_declined(bundled_kb: KnowledgeBase, question: str) -> None:
    """A fee, an e-mail address, a tax benefit, a duration: the evidence must hold one, else 文件中没有找到相关规定."""
    answer = answer_question(bundled_kb, question)
    assert not answer.grounded and "文件中没有找到相关规定" in answer.answer, answer.answer


def test_a_duration_the_documents_give_is_still_answered(bundled_kb: KnowledgeBase) -> None:
    answer = answer_question(bundled_kb, "宣传视频一般要拍多长时间")
    assert answer.grounded and "5分钟" in answer.answer, answer.answer


def test_the_held_notice_beside_an_issuer_asked_about_later_is_not_the_cited_one(bundled_kb: KnowledgeBase) -> None:
    """「这份补充通知」 is the held notice even when a later clause names 国家数据局; 「国家数据局那个《……补充通知》」
    is the national one the notice only cites (its content is not held)."""
    answer = answer_question(bundled_kb, "这份补充通知文号多少？和国家数据局办大赛的53号文是一个吗")
    assert answer.grounded and "渝大数据发〔2024〕53号" in answer.answer.split("根据文件原文")[0], answer.answer
    cited = answer_question(bundled_kb, "国家数据局那个《关于征集“数据要素×”典型案例的补充通知》文号是多少")
    assert not cited.grounded and "没有收录它的内容" in cited.answer, cited.answer


def test_the_day_a_document_was_made_public_is_not_the_day_it_is_dated(bundled_kb: KnowledgeBase) -> None:
    """The plan is dated 2023年12月31日 and was 「2024年1月4日向社会公开发布」: asked when it was made public, the
    answer is not its 所署日期."""
    answer = answer_question(bundled_kb, "三年行动计划什么时候对外公开的")
    assert "所署日期" not in answer.answer and "1月4日" in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "verdict"), [("补充通知是7月3号印发的吧", "不对。"), ("那个补充通知是8月5号发的对吧", "对。")]
)
def test_a_day_claimed_for_a_document_is_checked_against_its_own_date(
    bundled_kb: KnowledgeBase, question: str, verdict: str
) -> None:
    """A day claimed for when a document was issued is its 所署日期's to confirm, not a hand-in date to compare with the
    deadline (「7月3号在截止时间之前」 was answered 「对」)."""
    answer = answer_question(bundled_kb, question)
    assert answer.answer.startswith(verdict) and "2024年8月5日" in answer.answer.splitlines()[0], answer.answer
    assert "截止时间" not in answer.answer.splitlines()[0], answer.answer
