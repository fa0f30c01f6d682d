"""Staff Q&A: key facts of the notice with citations, refusals, and checked model citations."""

from __future__ import annotations

import pytest

from assistant.core.errors import InvalidInputError, ModelUnavailableError
from assistant.knowledge.qa import NOT_FOUND, answer_question, is_supported
from assistant.llm.chat import ChatMessage

NOTICE = "corpus/notice-cq-2024-53.txt"

KEY_FACTS = [
    ("申报截止时间是哪天？", "2024年8月20日"),
    ("重庆最多推荐多少个案例？", "不超过15个"),
    ("纸质材料要交几份？", "一式两份"),
    ("视频材料用什么格式？", "MP4"),
    ("视频时长多少？", "5分钟左右"),
    ("案例简介最多写多少字？", "5000字"),
    ("宣传推广材料能写多少字？", "1500字"),
    (
        "申报重点聚焦哪12个行业领域？",
        "工业制造、现代农业、商贸流通、交通运输、金融服务、科技创新、文化旅游、医疗健康、应急管理、气象服务、城市治理、绿色低碳",
    ),
    (
        "案例简介包括哪六个部分？",
        "（一）问题描述；（二）解决方案；（三）应用成效；（四）创新点；（五）安全合规；（六）参与单位情况介绍",
    ),
]


@pytest.mark.parametrize(("question", "fact"), KEY_FACTS)
def test_key_facts_are_answered_from_the_notice(bundled_kb, question: str, fact: str) -> None:
    answer = answer_question(bundled_kb, question)
    assert answer.grounded and fact in answer.answer
    assert "[1]" in answer.answer
    cited = {c.source for c in answer.citations}
    assert NOTICE in cited, cited
    notice = next(c for c in answer.citations if c.source == NOTICE)
    assert "补充通知" in notice.title and notice.locator


@pytest.mark.parametrize("question", ["申报截止时间是哪天？", "纸质材料要交几份？"])
def test_key_facts_with_the_real_embedder(e5_kb, question: str) -> None:
    answer = answer_question(e5_kb, question)
    assert answer.grounded and answer.citations[0].source == NOTICE


@pytest.mark.parametrize(
    "question",
    [
        "四川省第二批数据要素×案例的申报截止时间是哪天？",
        "上海市的申报截止时间是什么时候？",
        "申报需要缴纳报名费吗？",
        "获奖案例能得到多少奖金？",
    ],
)
def test_declines_what_the_files_do_not_say(bundled_kb, question: str) -> None:
    answer = answer_question(bundled_kb, question)
    assert not answer.grounded and answer.citations == []
    assert answer.answer.startswith(NOT_FOUND)
    assert "2024年8月20日" not in answer.answer


def test_digest_answers_keep_the_verification_label(bundled_kb) -> None:
    answer = answer_question(bundled_kb, "现代农业方向有哪些重点？")
    assert answer.grounded and "提升农业生产数智化水平" in answer.answer
    assert "摘要，待与原文核对" in answer.answer
    assert answer.citations[0].locator.endswith("（五）数据要素×现代农业")


def test_empty_question_is_a_user_error(bundled_kb) -> None:
    with pytest.raises(InvalidInputError, match="问题为空"):
        answer_question(bundled_kb, "   ")


class ScriptedChat:
    """A chat model that replays queued replies and records the messages it got."""

    name = "scripted"

    def __init__(self, *replies: str | Exception) -> None:
        self.replies = list(replies)
        self.calls: list[list[ChatMessage]] = []

    def complete(self, messages, *, on_delta=None, max_tokens=None, structured=False) -> str:
        self.calls.append(messages)
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply


def _passage_numbers(prompt: str) -> dict[str, int]:
    """Map 'deadline'/'paper' to the [n] the prompt gave those passages."""
    numbers = {}
    for block in prompt.split("\n[")[1:]:
        n = int(block.split("]", 1)[0])
        if "2024年8月20日" in block:
            numbers.setdefault("deadline", n)
        if "一式两份" in block:
            numbers.setdefault("paper", n)
    return numbers


def test_model_answer_keeps_only_checked_citations(bundled_kb) -> None:
    probe = ScriptedChat("占位")
    answer_question(bundled_kb, "申报截止时间是哪天？", chat_model=probe)
    system, user = probe.calls[0]
    assert system.role == "system" and "只能依据" in system.content
    assert "申报截止时间是哪天？" in user.content
    n = _passage_numbers(user.content)["deadline"]
    wrong = 2 if n != 2 else 3
    chat = ScriptedChat(f"申报截止时间为2024年8月20日[{n}]。申报截止时间为2024年9月30日[{wrong}]。另见[42]。")
    answer = answer_question(bundled_kb, "申报截止时间是哪天？", chat_model=chat)
    assert answer.grounded and "2024年8月20日[1]" in answer.answer
    assert "[42]" not in answer.answer and f"[{wrong}]" not in answer.answer
    assert "9月30日" not in answer.answer  # its citation does not hold it: the sentence goes, not just the mark
    assert "已删除 2 句无法在文件中核实的内容" in answer.answer
    assert len(answer.citations) == 1 and "2024年8月20日" in answer.citations[0].text


def test_model_refusal_and_fallbacks(bundled_kb) -> None:
    refused = answer_question(bundled_kb, "申报截止时间是哪天？", chat_model=ScriptedChat("文件中没有找到相关规定。"))
    assert not refused.grounded and refused.citations == []
    uncited = answer_question(bundled_kb, "申报截止时间是哪天？", chat_model=ScriptedChat("大概是九月底。"))
    assert uncited.grounded and "「申报截止时间为2024年8月20日。」[1]" in uncited.answer
    down = answer_question(
        bundled_kb, "申报截止时间是哪天？", chat_model=ScriptedChat(ModelUnavailableError("接口超时。"))
    )
    assert down.answer.startswith("（模型暂不可用") and "2024年8月20日" in down.answer
    never = ScriptedChat()
    declined = answer_question(bundled_kb, "四川省第二批数据要素×案例的申报截止时间是哪天？", chat_model=never)
    assert not declined.grounded and never.calls == []  # nothing relevant: the model is not even asked


def test_support_check_rejects_changed_numbers(bundled_kb) -> None:
    passage = bundled_kb.search("申报截止时间", k=1)[0]
    assert is_supported("申报截止时间为2024年8月20日。[1]", passage)
    assert not is_supported("申报截止时间为2024年8月21日。", passage)
    assert not is_supported("企业可以获得奖励资金和税收优惠政策支持。", passage)


def test_answer_prompt_renders_strictly() -> None:
    from assistant.llm.prompts import PromptError, render_messages

    messages = render_messages(
        "answer_question",
        issuer="示例市数据局",
        question="截止时间？",
        question_type="问日期",
        passages=[{"n": 1, "title": "通知", "locator": "二、安排", "text": "截止为8月20日。"}],
    )
    assert [m.role for m in messages] == ["system", "user"]
    assert "示例市数据局" in messages[0].content and "问题类型：问日期" in messages[1].content
    assert "文件中没有找到相关规定" in messages[0].content
    assert "[1] 《通知》 二、安排\n截止为8月20日。" in messages[1].content
    with pytest.raises(PromptError, match="缺少变量"):
        render_messages("answer_question", question="截止时间？")


def test_the_model_gets_the_question_type_and_the_call_and_uncited_sentences_are_dropped(bundled_kb) -> None:
    probe = ScriptedChat("占位")
    answer_question(bundled_kb, "申报书纸质件要盖章吗", chat_model=probe)
    system, user = probe.calls[0]
    assert "重庆市大数据应用发展管理局" in system.content  # the issuer comes from the form spec
    assert "问题类型：" in user.content and "是非题" in user.content
    n = next(int(b.split("]", 1)[0]) for b in user.content.split("\n[")[1:] if "加盖公章" in b)
    chat = ScriptedChat(f"需要。申报书纸质件加盖公章后一并报送[{n}]。另外还要附上法人身份证复印件。")
    answer = answer_question(bundled_kb, "申报书纸质件要盖章吗", chat_model=chat)
    assert answer.route == "model" and "加盖公章" in answer.answer
    assert "身份证" not in answer.answer and "需要。" not in answer.answer  # sentences without a citation go
    assert "已删除 2 句" in answer.answer


def test_the_best_raw_passages_are_among_the_first_citations(bundled_kb) -> None:
    from assistant.knowledge.qa import RAW_CITED

    question = "行动计划的基本原则有哪些"
    answer = answer_question(bundled_kb, question)
    raw = bundled_kb.search(question, k=RAW_CITED)
    assert answer.route in ("general", "values", "yes_no")
    assert raw[0].text in [c.text for c in answer.citations[:3]]
