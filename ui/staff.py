"""Policy Q&A and the knowledge tab: handlers plus the HTML they show.

Citations are rendered as numbered ``<details>`` blocks rather than Gradio
accordions because their number changes with every answer; native ``<details>``
needs no re-render to expand and keeps the quoted passage one click away.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncGenerator, Callable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr
from anyio import to_thread

from assistant.core.errors import InvalidInputError
from assistant.core.workpool import WorkPool

from . import knowledge_jobs
from .feedback import guarded
from .session import Sessions

if TYPE_CHECKING:
    from assistant.service.service import Service

KIND_LABELS = {"notice": "通知文件", "plan_digest": "行动计划摘要", "case": "案例", "template_example": "模板示例"}
STATUS_LABELS = {"added": "已添加", "updated": "已更新", "duplicate": "重复（已存在，未重复导入）", "error": "失败"}
NOT_FOUND_TEXT = "文件中没有找到相关规定"
RESULT_HEADERS = ["文件", "结果", "片段数", "说明"]
DOC_HEADERS = ["标题", "类型", "片段数", "来源"]
EXAMPLE_QUESTIONS = ["申报截止时间是哪天？", "案例简介有字数要求吗？", "申报材料需要盖章吗？"]
FORGED_FILE = "文件无效：只能导入通过本页面上传的文件，请重新选择文件上传。"
HISTORY_KEPT = 30  # questions and answers kept on the page (its session), newest first


def _get(obj: Any, name: str, default: Any = "") -> Any:
    """Citations may arrive as pydantic models or as plain dicts (e.g. from JSON)."""
    return obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)


def _answer_body(text: str) -> str:
    body = escape(text).replace("\n", "<br>")
    return re.sub(r"\[(\d{1,2})\]", r'<sup class="cite">[\1]</sup>', body)


def citation_html(number: int, citation: Any) -> str:
    title, locator = escape(_get(citation, "title")), escape(_get(citation, "locator"))
    source = escape(_get(citation, "source"))
    where = f"<span class=\"locator\">{locator}</span>" if locator else ""
    return (
        f'<details class="citation" data-citation="{number}"><summary><b>[{number}]</b> {title} {where}</summary>'
        f'<blockquote>{escape(_get(citation, "text"))}</blockquote>'
        f'<div class="citation-source">来源：{source or title}</div></details>'
    )


def answer_html(answer: Any) -> str:
    """The answer, then its numbered sources; an ungrounded answer says so first."""
    grounded = bool(_get(answer, "grounded", False))
    text = _get(answer, "answer")
    parts = []
    if not grounded:
        parts.append(f'<div class="qa-notfound">{NOT_FOUND_TEXT}</div>')
        text = text.replace(NOT_FOUND_TEXT + "。", "", 1).strip()
    if text:
        parts.append(f'<div class="qa-answer">{_answer_body(text)}</div>')
    citations = list(_get(answer, "citations", []) or [])
    if citations:
        items = "".join(citation_html(i, c) for i, c in enumerate(citations, start=1))
        parts.append(f'<div class="qa-sources"><div class="qa-sources-head">依据（点击展开原文）</div>{items}</div>')
    return '<div class="qa">' + "".join(parts) + "</div>"


def history_html(entries: list[dict]) -> str:
    """Every question asked on this page with its answer, newest first; each answer's sources expandable."""
    items = []
    total = len(entries)
    for number, entry in enumerate(entries):
        items.append(
            f'<div class="qa-entry" data-entry="{total - number}"><div class="qa-question">问：'
            f"{escape(entry.get('question', ''))}</div>{entry.get('answer', '')}</div>"
        )
    return '<div class="qa-history">' + "".join(items) + "</div>"


def result_rows(results: list[Any]) -> list[list[Any]]:
    return [
        [
            _get(r, "filename"),
            STATUS_LABELS.get(_get(r, "status"), _get(r, "status")),
            _get(r, "chunks", 0),
            _get(r, "message") or _get(r, "title"),
        ]
        for r in results
    ]


def document_rows(documents: list[Any]) -> list[list[Any]]:
    return [
        [
            _get(d, "title"),
            KIND_LABELS.get(_get(d, "kind"), _get(d, "kind")),
            _get(d, "chunks", 0),
            "内置" if _get(d, "origin") == "bundled" else _get(d, "source"),
        ]
        for d in documents
    ]


class StaffDesk:
    """Handlers for the 政策问答 and 知识库 tabs.

    ``is_uploaded`` says whether a path is a file that this app's upload route
    received (set by ``ui.app`` from the Blocks' upload set); until it is set, no
    path is accepted. Paths named by the client are never trusted.
    """

    def __init__(
        self, service: Service, sessions: Sessions, max_files: int = 10, turns: WorkPool | None = None
    ) -> None:
        self.service = service
        self.sessions = sessions
        # A policy question may call the model: it waits in the model pool like a chat turn (shared by the app).
        self.turns = turns or WorkPool("policy-question", workers=4)
        self.max_files = max_files
        self.is_uploaded: Callable[[str], bool] = lambda path: False

    async def ask(
        self, question: str, history: list[dict] | None, request: gr.Request, progress: gr.Progress = gr.Progress()
    ) -> tuple[str, list[dict], str]:
        """The answer joins this page's history (newest first): (history HTML, history, emptied question box)."""
        principal = await to_thread.run_sync(self.sessions.principal, request)
        progress(0.3, desc="正在检索政策文件……")
        user = None if principal.local else f"user:{principal.id}"
        answer = await self.turns.run(self.service.ask, principal, question, user=user)
        entries = [{"question": (question or "").strip(), "answer": answer_html(answer)}, *(history or [])]
        entries = entries[:HISTORY_KEPT]
        return history_html(entries), entries, ""

    def documents(self, request: gr.Request) -> list[list[Any]]:
        principal = self.sessions.try_principal(request)
        if principal is None or not principal.can_manage_knowledge:
            return []
        return document_rows(self.service.list_documents(principal))

    def checked_paths(self, files: list[str] | None) -> list[Path]:
        files = list(files or [])
        if len(files) > self.max_files:
            raise InvalidInputError(f"一次最多导入{self.max_files}个文件，请分批上传。")
        if not all(isinstance(f, str) and self.is_uploaded(f) for f in files):
            raise InvalidInputError(FORGED_FILE, code="forged_path")
        return [Path(f) for f in files]

    async def upload(self, files: list[str] | None, kind: str, request: gr.Request) -> AsyncGenerator[tuple, None]:
        """Start a background job per file and show their progress (see ``knowledge_jobs``)."""
        tables = (result_rows, document_rows)
        async with contextlib.aclosing(knowledge_jobs.upload_with_progress(self, files, kind, request, tables)) as run:
            async for update in run:
                yield update

    def cancel_uploads(self, request: gr.Request) -> str:
        return knowledge_jobs.cancel_uploads(self, request)


def guarded_handlers(desk: StaffDesk) -> dict[str, Any]:
    return {name: guarded(getattr(desk, name)) for name in ("ask", "documents", "upload", "cancel_uploads")}
