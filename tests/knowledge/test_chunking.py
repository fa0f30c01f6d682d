"""Chunks keep an enumeration whole and carry their heading path."""

from __future__ import annotations

from assistant.knowledge.chunking import LIST_CHUNK_SIZE, chunk_document, list_item_lines, split_sections
from assistant.knowledge.corpus import DocumentMeta, load_bundled_corpus

META = DocumentMeta(title="测试", kind="notice")


def test_a_run_of_numbered_lines_is_one_list_not_five_headings() -> None:
    text = "四、材料目录\n（一）图片\n1.流向图\n2.模式图\n3.技术示意图\n4.界面图\n5.其他图片\n（二）视频\n时长5分钟。"
    sections = split_sections(text)
    pictures = next(s for s in sections if s.heading == "（一）图片")
    assert pictures.has_list and "5.其他图片" in pictures.text
    chunks = chunk_document("d", text, META, "s", "h", "user")
    listed = next(c for c in chunks if "1.流向图" in c.text)
    assert all(f"{n}." in listed.text for n in range(1, 6))
    assert listed.locator == "四、材料目录 > （一）图片"


def test_numbered_headings_with_text_under_them_stay_headings() -> None:
    text = "1、总体要求\n坚持需求牵引。\n2、工作安排\n按时完成。"
    assert list_item_lines(text.split("\n")) == set()
    assert [s.heading for s in split_sections(text) if s.heading] == ["1、总体要求", "2、工作安排"]


def test_numbers_out_of_order_are_not_a_list() -> None:
    assert list_item_lines(["1.甲", "3.乙"]) == set()
    assert list_item_lines(["（1）甲", "（2）乙", "3.丙"]) == {0, 1}


def test_the_template_picture_list_is_one_chunk() -> None:
    notice = next(d for d in load_bundled_corpus() if d.doc_id == "corpus-notice-cq-2024-53")
    chunks = chunk_document(notice.doc_id, notice.text, notice.meta, notice.source, "h", "bundled")
    pictures = [c for c in chunks if "数据要素流向图" in c.text]
    assert len(pictures) == 1 and "5.其他能反映案例特色和数据要素价值的图片" in pictures[0].text
    assert pictures[0].locator.endswith("（一）图片") and len(pictures[0].text) <= LIST_CHUNK_SIZE
