"""Odd-shaped questions never crash the Q&A: they get an answer or an honest refusal.

Why: a question is split into clauses and parts, its numerals rewritten, its typos fixed and its types read by a
model before any answer route runs; each step has its own idea of what a question looks like. Staff paste, dictate
and mistype, so punctuation-only text, empty 《》, regex characters, emoji, control characters, lone surrogates
(what Python makes of undecodable bytes), absurd numerals and dates, many parts, and very long text must all come
back as a non-empty answer; an ungrounded one must say 「文件中没有找到相关规定」. Only a blank question may raise
(``InvalidInputError``). The list was picked from a few thousand generated inputs (fragment joins and random
characters); it keeps the most varied ones and every one that crashed.
"""

from __future__ import annotations

import pytest

from assistant.core.errors import InvalidInputError
from assistant.knowledge.qa import NOT_FOUND, answer_question

BLANK = ["", " ", "\n\t\r\n", "\u3000\u3000"]

ODD = [
    # punctuation and particles only
    pytest.param("吗", id="only-ma"),
    pytest.param("？？？", id="fullwidth-question-marks"),
    pytest.param("???!!;;", id="halfwidth-marks"),
    pytest.param("的的的", id="only-de"),
    pytest.param("，，，：：、。。", id="only-commas-colons"),
    pytest.param("还是还是还是", id="only-haishi"),
    pytest.param("不不不不", id="only-bu"),
    pytest.param("问：？答：", id="colon-shell"),
    # numbers, numerals, dates, document numbers
    pytest.param("12345", id="only-digits"),
    pytest.param("１２３４５", id="fullwidth-digits"),
    pytest.param("第0号", id="number-zero"),
    pytest.param("第999999999999号", id="huge-number"),
    pytest.param("一千五百万", id="chinese-numeral"),
    pytest.param("每个区县推一千五百万个行吗", id="chinese-numeral-premise"),
    pytest.param("一" + "亿" * 39 + "万个", id="numeral-overflow-yi"),
    pytest.param("一" + "万" * 80 + "个", id="numeral-overflow-wan"),
    pytest.param("简介写" + "9" * 400 + "万字够吗", id="400-digit-amount"),
    pytest.param("简介写٥٠٠٠字够吗", id="arabic-indic-digits"),
    pytest.param("2024年13月45日交还行吗", id="impossible-date"),
    pytest.param("１３月４５号交还行吗", id="fullwidth-impossible-date"),
    pytest.param("具体是哪十十十项", id="which-ten-ten-ten"),
    pytest.param("〔2024〕〔2024〕号", id="doc-number-no-issuer"),
    pytest.param("国数政策2024年99999号是哪个单位发的", id="doc-number-unknown"),
    # brackets, quotes, regex and markup
    pytest.param("《》", id="empty-title-marks"),
    pytest.param("《》《》《》哪个", id="many-empty-titles"),
    pytest.param("《《《", id="unbalanced-title-marks"),
    pytest.param("（截止时间", id="unbalanced-paren"),
    pytest.param("」截止时间「", id="reversed-corner-quotes"),
    pytest.param(".*+?[](){}|\\^$", id="regex-specials"),
    pytest.param("(?P<x>截止时间\\1$1", id="regex-group-and-backref"),
    pytest.param("<script>alert(1)</script>", id="html"),
    pytest.param("文件中没有找到相关规定。", id="echo-of-refusal"),
    pytest.param("[0]截止时间[99]", id="citation-marks"),
    # other scripts, emoji, invisible and control characters
    pytest.param("What is the deadline?", id="only-english"),
    pytest.param("ddl?", id="abbreviation-only"),
    pytest.param("ＰＤＦ可以吗？", id="fullwidth-latin"),
    pytest.param("😀😀？", id="emoji-only"),
    pytest.param("截止时间😀？", id="emoji-in-question"),
    pytest.param("\x00截止时间\x07", id="nul-and-bell"),
    pytest.param("\x1b[31m截止时间", id="ansi-escape"),
    pytest.param("\u200b\ufeff截止时间\u202e", id="zero-width-bom-rtl"),
    pytest.param("\ud800", id="lone-surrogate"),
    pytest.param("截止时间\udcff？", id="surrogate-escaped-byte"),
    # structure: parts, requests, newlines, repetition
    pytest.param("截止时间还是材料还是模板还是字段还是案例", id="many-haishi"),
    pytest.param("那个案例？那个案例？那个案例？那个案例？那个案例？", id="repeated-case-parts"),
    pytest.param("多少？多少？多少？多少？多少？", id="repeated-how-many"),
    pytest.param("能帮我捋一下吗？谢谢！", id="pure-request"),
    pytest.param("截止时间？能帮我捋一下吗？", id="question-then-request"),
    pytest.param("截止时间\n材料\n模板\n字段\n案例", id="newline-separated"),
    pytest.param("截 止 时 间 是 哪 天", id="spaced-characters"),
    pytest.param("8月底交还行吗，9月底呢，10月底呢，年底呢，下个月呢", id="many-deadline-parts"),
    pytest.param("pdf：那个案例还是第1号《》吗\n多少，能报吗", id="fragment-join"),
    pytest.param("会下雨吗", id="out-of-scope"),
    # length
    pytest.param("截止时间？" * 1000, id="5000-chars-repeated"),
    pytest.param("？" * 5000, id="5000-question-marks"),
    pytest.param("，" * 3000 + "截止时间", id="3000-commas-then-question"),
    pytest.param("《" * 1000 + "》" * 1000, id="2000-title-marks"),
    pytest.param("十五个" * 700, id="2100-chinese-numerals"),
]


@pytest.mark.parametrize("question", BLANK)
def test_a_blank_question_is_refused_as_invalid_input(corpus_kb, question: str) -> None:
    with pytest.raises(InvalidInputError):
        answer_question(corpus_kb, question)


@pytest.mark.parametrize("question", ODD)
def test_an_odd_question_gets_an_answer_or_an_honest_refusal(corpus_kb, question: str) -> None:
    answer = answer_question(corpus_kb, question)
    assert isinstance(answer.answer, str) and answer.answer.strip(), answer
    if not answer.grounded:
        assert answer.answer.startswith(NOT_FOUND.rstrip("。")), answer.answer
