"""The review report as Markdown or .docx: a separate document, never part of the application.

In the Markdown every value (case name, excerpts, messages, titles, file names) is
escaped: it comes from applicants and uploaded documents, and a Markdown viewer would
otherwise render ``<img src=…>`` or ``[点我](…)`` in it as HTML and links. Only our own
structure (headings, list markers) stays Markdown.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from docx import Document

from assistant.export.styles import TITLE, add_heading, add_text, setup_document
from assistant.forms.spec import FormSpec
from assistant.review.findings import ReviewReport


def _part_title(form: FormSpec, part_id: str) -> str:
    if part_id == "info":
        return form.info.title
    if part_id in form.part_ids():
        part = form.part(part_id)
        return f"{form.group_of(part_id).title} {part.number}{part.title}"
    return next((g.title for g in form.groups if g.id == part_id), part_id)


_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def markdown_text(value: str) -> str:
    """``value`` as literal Markdown text: one line, every ASCII punctuation mark backslash-escaped.

    CommonMark lets any ASCII punctuation be escaped, so no tag, link, autolink, image,
    emphasis or entity can form, whatever the value holds; the text reads the same.
    """
    return _ASCII_PUNCTUATION.sub(r"\\\1", " ".join(str(value).split()))


def _plain(value: str) -> str:
    return str(value)


def _lines(
    form: FormSpec, report: ReviewReport, case_name: str, esc: Callable[[str], str] = _plain
) -> list[tuple[str, str]]:
    """(kind, text) lines shared by both renderings: kind is h1, h2 or p; ``esc`` applies to every value."""
    counts = "，".join(f"{s}{report.count(s)}项" for s in ("错误", "警告", "建议"))
    lines = [("h1", f"审阅报告：{esc(case_name or '未命名案例')}"), ("p", f"共发现问题：{counts}。")]
    lines.append(("h2", "一、问题清单"))
    if not report.findings:
        lines.append(("p", "未发现问题。"))
    for n, f in enumerate(report.findings, 1):
        where = esc(_part_title(form, f.part_id))
        excerpt = f"（原文：“{esc(f.excerpt)}”）" if f.excerpt else ""
        lines.append(("p", f"{n}. 【{f.severity}】{where}：{esc(f.message)}{excerpt} 修改建议：{esc(f.fix)}"))
    lines.append(("h2", "二、与行动计划的对应"))
    for a in report.alignment:
        state = "已体现" if a.addressed else "未体现"
        note = "；" + esc(a.note) if a.note else ""
        source = f"（出处：{esc(a.citation.title)} {esc(a.citation.locator)}{note}）" if a.citation else ""
        lines.append(("p", f"- {esc(a.direction)}：{state}{source}"))
    if not report.alignment:
        lines.append(("p", "知识库中没有找到该领域的重点方向。"))
    lines.append(("h2", "三、材料清单"))
    for c in report.checklist:
        item = f"{esc(c.requirement)}：{esc(c.detail)}（通知原文：{esc(c.notice)}）"
        lines.append(("p", f"- {esc('[' + c.status + ']')} {item}"))
    return lines


def review_markdown(form: FormSpec, report: ReviewReport, case_name: str) -> str:
    marks = {"h1": "# ", "h2": "## ", "p": ""}
    lines = _lines(form, report, case_name, markdown_text)
    return "\n\n".join(marks[kind] + text for kind, text in lines) + "\n"


def review_docx(form: FormSpec, report: ReviewReport, case_name: str) -> bytes:
    document = Document()
    setup_document(document)
    document.sections[0].different_first_page_header_footer = False
    for kind, text in _lines(form, report, case_name):
        if kind == "h1":
            add_text(document, text, TITLE)
        elif kind == "h2":
            add_heading(document, text, 1)
        else:
            add_text(document, text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
