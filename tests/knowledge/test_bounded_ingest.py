"""Hostile documents cannot take the server's memory or time: the attacks, written as tests."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import psutil
import pytest

from assistant.knowledge import parse_worker
from assistant.knowledge.parse_worker import check_archive, extract_text_bounded
from assistant.knowledge.readers import DocumentReadError

MAX = 20 * 1024 * 1024


def _docx_with(document_xml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document_xml)
    return buffer.getvalue()


def test_zip_bomb_docx_is_refused_before_parsing() -> None:
    bomb = _docx_with(b"<w:document>" + b" " * (300 * 1024 * 1024) + b"</w:document>")
    assert len(bomb) < 2 * 1024 * 1024  # small on the wire
    before = psutil.Process().memory_info().rss
    with pytest.raises(DocumentReadError, match="压缩炸弹"):
        extract_text_bounded("炸弹.docx", bomb, MAX)
    assert psutil.Process().memory_info().rss - before < 100 * 1024 * 1024


def test_ratio_check_passes_an_ordinary_docx(tmp_path: Path) -> None:
    from docx import Document

    document = Document()
    document.add_paragraph("申报截止时间为2024年8月20日。")
    path = tmp_path / "ok.docx"
    document.save(path)
    check_archive("ok.docx", path.read_bytes())
    assert "2024年8月20日" in extract_text_bounded("ok.docx", path.read_bytes(), MAX).text


def test_a_parse_that_runs_too_long_is_killed_with_a_chinese_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_worker, "PARSE_SECONDS", 0.01)
    html = "<html><body>" + "<p>数据</p>" * 1000 + "</body></html>"
    with pytest.raises(DocumentReadError, match="超时"):
        extract_text_bounded("慢.html", html.encode(), MAX)


def test_a_parse_that_needs_too_much_memory_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_worker, "PARSE_MEMORY", 96 * 1024 * 1024)
    page = ("<div><p>数据</p></div>" * 200_000).encode()  # 4 MB of tags: the parse tree needs far more than 96 MB
    with pytest.raises(DocumentReadError, match="内存|中止"):
        extract_text_bounded("大.html", page, MAX)
    assert extract_text_bounded("小.html", "<p>申报截止时间</p>".encode(), MAX).text == "申报截止时间"
