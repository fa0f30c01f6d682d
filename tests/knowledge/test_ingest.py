"""Reading files, section-aware chunking, dedupe, and Chinese errors that don't stop a batch."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pypdf

from assistant.knowledge.chunking import CHUNK_SIZE, LIST_CHUNK_SIZE, chunk_document, heading_of, split_sections
from assistant.knowledge.corpus import DocumentMeta, load_bundled_corpus
from assistant.knowledge.readers import normalise_text

from .pdf_bytes import simple_pdf

NOTICE_ID = "corpus-notice-cq-2024-53"


def _notice_chunks():
    notice = next(d for d in load_bundled_corpus() if d.doc_id == NOTICE_ID)
    return chunk_document(notice.doc_id, normalise_text(notice.text), notice.meta, notice.source, "h", "bundled")


def test_heading_forms_of_official_documents() -> None:
    assert heading_of("一、申报要求") == (1, "一、申报要求")
    assert heading_of("（三）申报时间及案例遴选。申报截止时间为2024年8月20日。") == (2, "（三）申报时间及案例遴选")
    assert heading_of("## 三、重点行动") == (2, "三、重点行动")
    assert heading_of("附件：“数据要素×”典型案例申报书") is not None
    assert heading_of("申报截止时间为2024年8月20日。") is None


def test_notice_chunks_carry_section_paths() -> None:
    chunks = _notice_chunks()
    deadline = next(c for c in chunks if "2024年8月20日" in c.text)
    assert deadline.locator == "二、申报工作安排 > （三）申报时间及案例遴选"
    six_parts = next(c for c in chunks if c.text.startswith("（五）安全合规"))
    # The attachment restarts numbering: its parts sit under the 附件 line, not under 二、申报工作安排.
    assert six_parts.locator == "附件：“数据要素×”典型案例申报书 > 二、“数据要素×”典型案例简介模板 > （五）安全合规"
    assert all(len(c.text) <= (LIST_CHUNK_SIZE if "\n1." in c.text else CHUNK_SIZE) for c in chunks)
    assert not any(c.text.startswith(("。", "，", "；")) for c in chunks)  # keep_separator="end"
    assert [c.index for c in chunks] == list(range(len(chunks)))


def test_markdown_sections_and_field_tags() -> None:
    text = "# 标题\n\n## 三、重点行动\n\n总述。\n\n### （五）数据要素×现代农业\n\n" + "遥感数据。" * 30
    meta = DocumentMeta(title="摘要", kind="plan_digest", fields=["现代农业", "工业制造"])
    chunks = chunk_document("d", text, meta, "s", "h", "user")
    farm = [c for c in chunks if "遥感" in c.text]
    assert farm and all(c.locator == "三、重点行动 > （五）数据要素×现代农业" for c in farm)
    assert all(c.fields == ["现代农业"] for c in farm)  # a section named after a field concerns that field
    assert not any("###" in c.text for c in chunks)
    sections = split_sections(text)
    assert sections[0].path == []  # a lone H1 is the title, not part of every path


def test_ingest_txt_md_docx_pdf_html(empty_kb, tmp_path: Path) -> None:
    files = {
        "a.txt": "关于开展测试工作的通知\n一、总体安排\n（一）时间。测试截止时间为2025年3月1日。".encode("gb18030"),
        "b.md": (
            "---\ntitle: 测试摘要\nkind: plan_digest\n---\n# 测试摘要\n## 一、目标\n数据产业年均增速超过20%。"
        ).encode(),
        "c.html": "<html><head><title>网页通知</title><script>var x=1;</script></head><body>"
        "<h2>二、报送方式</h2><p>材料通过邮箱报送。</p></body></html>".encode(),
        "d.pdf": simple_pdf(["Deadline: 2024-08-20", "Paper copies: two"]),
    }
    document = docx.Document()
    document.add_heading("三、工作要求", level=1)
    document.add_paragraph("请于规定时间内提交电子件。")
    document.add_heading("四、联系方式", level=1)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "联系人", "张三"
    buffer = io.BytesIO()
    document.save(buffer)
    files["e.docx"] = buffer.getvalue()
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)

    results = empty_kb.ingest_paths(paths)
    assert [r.status for r in results] == ["added"] * 5, [r.message for r in results]
    titles = {r.filename: r.title for r in results}
    assert (
        titles["a.txt"] == "关于开展测试工作的通知" and titles["b.md"] == "测试摘要" and titles["c.html"] == "网页通知"
    )
    kinds = {d.title: d.kind for d in empty_kb.list_documents()}
    assert kinds["测试摘要"] == "plan_digest" and kinds["网页通知"] == "notice"
    html = empty_kb.search("邮箱报送", k=1)[0]
    assert html.locator == "二、报送方式" and "var x" not in html.text
    assert empty_kb.search("三、工作要求 电子件", k=1)[0].locator == "三、工作要求"
    contact = empty_kb.search("联系人", k=1)[0]
    assert "张三" in contact.text and contact.locator == "四、联系方式"
    assert "2024-08-20" in empty_kb.search("Deadline paper copies", k=1)[0].text
    assert empty_kb.search("测试截止时间", k=1)[0].locator == "一、总体安排 > （一）时间"


def test_reingest_is_a_noop_and_new_version_replaces(empty_kb, tmp_path: Path) -> None:
    path = tmp_path / "通知.txt"
    path.write_text("一、要求\n材料须于2025年1月1日前报送。", encoding="utf-8")
    first = empty_kb.ingest_paths([path])[0]
    count = len(empty_kb.store)
    embedded = empty_kb.embedder.embedded["passage"]
    again = empty_kb.ingest_paths([path])[0]
    copy = empty_kb.ingest_bytes("副本.txt", path.read_bytes())
    assert (first.status, again.status, copy.status) == ("added", "duplicate", "duplicate")
    assert len(empty_kb.store) == count and empty_kb.embedder.embedded["passage"] == embedded
    path.write_text("一、要求\n材料须于2025年2月1日前报送。", encoding="utf-8")
    updated = empty_kb.ingest_paths([path])[0]
    assert updated.status == "updated"
    docs = empty_kb.list_documents()
    assert len(docs) == 1 and docs[0].doc_id == updated.doc_id
    assert "2月1日" in empty_kb.search("报送时间", k=1)[0].text


def test_bad_files_get_chinese_errors_and_the_batch_continues(empty_kb, tmp_path: Path) -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(simple_pdf(["secret text"]))))
    writer.encrypt("pw")
    encrypted = io.BytesIO()
    writer.write(encrypted)
    cases = {
        "空.txt": b"",
        "加密.pdf": encrypted.getvalue(),
        "损坏.docx": b"PK\x03\x04 not really a zip",
        "旧版.docx": b"\xd0\xcf\x11\xe0" + b"\0" * 100,
        "过大.txt": "大".encode() * 400_000,
        "扫描件.pdf": simple_pdf([]),
        "表格.xlsx": b"whatever",
        "好.md": "# 好文件\n正文内容：截止日期为2025年5月5日。".encode(),
    }
    paths = []
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    paths.append(tmp_path / "不存在.txt")
    results = {Path(r.filename).name: r for r in empty_kb.ingest_paths(paths)}
    assert results["好.md"].status == "added"
    expected = {
        "空.txt": "空文件",
        "加密.pdf": "已加密",
        "损坏.docx": "不是有效的 .docx",
        "旧版.docx": "旧版 .doc",
        "过大.txt": "超过大小上限 1 MB",
        "扫描件.pdf": "没有可提取的文字",
        "表格.xlsx": "不受支持",
        "不存在.txt": "找不到文件",
    }
    for name, phrase in expected.items():
        result = results[name]
        assert result.status == "error" and phrase in result.message and name in result.message, (name, result.message)
    assert [d.title for d in empty_kb.list_documents()] == ["好文件"]


def test_ingest_bytes_reports_errors_as_results(empty_kb) -> None:
    result = empty_kb.ingest_bytes("../../etc/空白.txt", b"   \n ")
    assert result.status == "error" and result.filename == "空白.txt" and "空文件" in result.message
