"""Questions about the pictures: a heading-only best match no longer hides the sentence that answers.

"图片有什么要求" used to be declined: the best passages were the template's headings 「（一）图片」
and 「1.数据要素流向图」, which hold nothing to quote. And item 3 of the picture list was lost to a
"[bookmark: _GoBack]" left by the Word-to-text conversion.
"""

from __future__ import annotations

from assistant.knowledge.qa import answer_question
from assistant.knowledge.readers import normalise_text
from assistant.knowledge.search import KnowledgeBase


def test_picture_format_is_found_behind_the_picture_headings(bundled_kb: KnowledgeBase) -> None:
    for question in ("图片有什么要求", "照片得是什么格式的"):
        answer = answer_question(bundled_kb, question)
        assert answer.grounded and "JPG" in answer.answer, answer.answer


def test_the_picture_list_has_all_five_items(bundled_kb: KnowledgeBase) -> None:
    answer = answer_question(bundled_kb, "需要交哪些图片")
    first = answer.answer.splitlines()[0]
    assert "共5项" in first and "3.数据安全技术或数据流通利用基础设施应用示意图" in first, first
    assert "bookmark" not in answer.answer


def test_conversion_marks_are_not_document_text() -> None:
    assert normalise_text("[bookmark: _GoBack]3.数据安全技术示意图") == "3.数据安全技术示意图"


def test_two_parts_asked_for_at_once_are_each_answered(bundled_kb: KnowledgeBase) -> None:
    answer = answer_question(bundled_kb, "简介和宣传材料分别限多少字")
    first = answer.answer.splitlines()[0]
    assert "5000字" in first and "1500字" in first and first.index("5000") < first.index("1500"), first


def test_a_correct_word_is_not_corrected_into_a_corpus_word(bundled_kb: KnowledgeBase) -> None:
    """"上限" is not in the documents and "上线" is; the asker still meant the limit."""
    answer = answer_question(bundled_kb, "宣传推广材料字数上限是多少")
    assert answer.grounded and "1500字" in answer.answer.splitlines()[0], answer.answer
