"""The 知识库 tab's uploads as background jobs: each file is judged at once, then its progress is shown.

The service reads and cuts each file first (an unreadable file, or one with more chunks than
``ingest_max_chunks``, is refused in its row with the reason and the limit); the embedding runs in
the background (``assistant.knowledge.jobs``). The handler is an async generator: it holds no
thread while it polls the jobs twice a second and redraws the progress table; 取消导入 stops
every running or waiting upload before its next batch, and nothing of it is stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr
from anyio import to_thread

from assistant.core.errors import PermissionDeniedError, UserFacingError

from .feedback import notify, warn

if TYPE_CHECKING:
    from assistant.auth.principal import Principal
    from assistant.knowledge.jobs import IngestJobView

    from .staff import StaffDesk

JOB_STATUS = {"queued": "排队中", "running": "正在导入", "done": "完成", "error": "失败", "cancelled": "已取消"}
ACTIVE = ("queued", "running")
POLL_SECONDS = 0.5


def progress_html(jobs: list[IngestJobView]) -> str:
    """One row per upload: file, state, chunks embedded / total, seconds."""
    if not jobs:
        return ""
    rows = []
    for job in jobs:
        share = f"{job.done}/{job.total} 个片段（{100 * job.done // max(1, job.total)}%）" if job.total else ""
        state = JOB_STATUS.get(job.status, job.status)
        rows.append(
            f'<tr data-status="{job.status}"><td>{escape(job.filename)}</td><td>{state}</td>'
            f"<td>{share}</td><td>{job.seconds:.0f} 秒</td><td>{escape(job.message)}</td></tr>"
        )
    head = "<tr><th>文件</th><th>状态</th><th>进度</th><th>用时</th><th>说明</th></tr>"
    return f'<table class="kb-progress">{head}{"".join(rows)}</table>'


async def upload_with_progress(
    desk: StaffDesk, files: list[str] | None, kind: str, request: gr.Request, tables: tuple[Callable, Callable]
) -> AsyncGenerator[tuple, None]:
    """Outputs: (results table, documents table, file picker, progress); ``tables`` renders the first two."""
    principal = await to_thread.run_sync(desk.sessions.principal, request)
    if not principal.can_manage_knowledge:
        raise PermissionDeniedError("只有工作人员可以上传政策文件。")
    paths = desk.checked_paths(files)
    if not paths:
        warn("请先选择要导入的文件（.txt .md .docx .pdf .html）。")
        yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
        return
    jobs, refused = [], []
    for path in paths:
        try:
            jobs.append(await to_thread.run_sync(_start, desk, principal, path, kind or "notice"))
        except PermissionDeniedError:
            raise
        except UserFacingError as exc:  # unreadable, or too many chunks: this file's row says why
            refused.append({"filename": path.name, "status": "error", "chunks": 0, "message": exc.message})
        yield gr.skip(), gr.skip(), None, progress_html(jobs)
    while any(job.status in ACTIVE for job in jobs):
        await asyncio.sleep(POLL_SECONDS)
        jobs = [desk.service.upload_job(principal, job.id) for job in jobs]
        yield gr.skip(), gr.skip(), gr.skip(), progress_html(jobs)
    results = [job.result or _failed(job) for job in jobs] + refused
    added = sum(1 for r in results if _get(r, "status") in ("added", "updated"))
    outcome_toast(added, results)
    documents = await to_thread.run_sync(desk.service.list_documents, principal)
    result_rows, document_rows = tables
    yield result_rows(results), document_rows(documents), None, progress_html(jobs)


def outcome_toast(added: int, results: list[Any]) -> None:
    """The toast says what happened: a refused or failed file is a warning, never a blue 「导入完成：0/1」."""
    failed = [r for r in results if _get(r, "status") in ("error", "cancelled")]
    if not failed:
        notify(f"导入完成：{added} 个文件已加入知识库。" if added else "这些文件已在知识库中，没有重复导入。")
        return
    names = "、".join(f"“{_get(r, 'filename')}”" for r in failed[:3]) + ("等" if len(failed) > 3 else "")
    if added:
        warn(f"{added} 个文件已加入知识库；{len(failed)} 个没有导入（{names}），原因见“导入结果”。")
    else:
        warn(f"没有文件导入知识库：{names}未能导入，原因见“导入结果”。")


def cancel_uploads(desk: StaffDesk, request: gr.Request) -> str:
    """取消导入: every upload still running or waiting stops; returns the progress table."""
    principal = desk.sessions.principal(request)
    jobs = desk.service.upload_jobs(principal)
    for job in jobs:
        if job.status in ACTIVE:
            desk.service.upload_job(principal, job.id, cancel=True)
    return progress_html(desk.service.upload_jobs(principal)[: len(jobs)])


def _start(desk: StaffDesk, principal: Principal, path: Path, kind: str) -> IngestJobView:
    try:
        return desk.service.start_upload(principal, path.name, path.read_bytes(), kind=kind)
    finally:
        path.unlink(missing_ok=True)  # the uploaded copy is not needed once its text has been read


def _failed(job: IngestJobView) -> dict[str, object]:
    return {"filename": job.filename, "status": "error", "chunks": 0, "message": job.message}


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
