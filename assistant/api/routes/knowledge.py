"""Policy questions and the knowledge base: ask, upload a document, list documents.

Uploads are checked here before any parsing — type by file name (415) and size
(413, also capped while the body is received) — and again in the service, which
also decides who may upload (staff, admin, or the local user).
"""

from __future__ import annotations

import asyncio
from pathlib import PurePath
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi import Path as PathParam
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from assistant.api.executors import run_watched, user_key
from assistant.api.limits import json_body_limit, upload_body_limit
from assistant.api.routes.auth import Context, CurrentPrincipal
from assistant.core.errors import (
    InvalidInputError,
    LimitExceededError,
    PermissionDeniedError,
)
from assistant.core.settings import Settings
from assistant.core.text_input import has_control_characters, visible_name
from assistant.knowledge.ingest import IngestResult
from assistant.knowledge.jobs import IngestJobView

ALLOWED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
JobId = Annotated[int, PathParam(ge=1, le=2**63 - 1, description="导入任务编号")]


class UnsupportedFileError(InvalidInputError):
    status_code = 415
    code = "unsupported_file_type"


class AskIn(BaseModel):
    question: str = Field(max_length=4000)


def check_upload_name(filename: str) -> str:
    if has_control_characters(filename or ""):  # a NUL used to reach the index and give a 500
        raise InvalidInputError(
            f"文件名含有控制字符（如换行、制表符、空字符或文字方向控制符）：{visible_name(filename)}，请改名后再上传。",
            code="bad_file_name",
        )
    name = PurePath(filename or "").name
    if not name:
        raise InvalidInputError("请选择要上传的文件。", code="missing_file")
    if PurePath(name).suffix.lower() not in ALLOWED_SUFFIXES:
        raise UnsupportedFileError(f"文件“{name}”的类型不受支持：仅支持 {'、'.join(ALLOWED_SUFFIXES)}。")
    return name


def read_upload(file: UploadFile, limit_mb: int) -> bytes:
    """Read at most one byte past the limit, so an oversized spool is never loaded whole."""
    limit = limit_mb * 1024 * 1024
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise LimitExceededError(f"文件“{file.filename}”超过{limit_mb}MB 的上传上限，请拆分后再上传。")
    return data


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["政策问答与知识库"], max_body_size=json_body_limit(settings))

    @router.post("/ask")
    async def ask(body: AskIn, request: Request, principal: CurrentPrincipal, ctx: Context) -> Any:
        """May call the chat model: runs in the model-work pool like a chat turn."""
        answer = await run_watched(
            request, ctx.pools.turns, ctx.service.ask, principal, body.question, user=user_key(principal)
        )
        return jsonable_encoder(answer)

    @router.get("/knowledge")
    def list_documents(principal: CurrentPrincipal, ctx: Context) -> Any:
        return jsonable_encoder(ctx.service.list_documents(principal))

    @router.post(
        "/knowledge",
        status_code=201,
        max_body_size=upload_body_limit(settings),
        responses={202: {"description": "wait=false：已开始导入，返回导入任务（GET /api/knowledge/jobs/{id}）"}},
    )
    async def upload(
        file: Annotated[UploadFile, File(description="政策文件：.txt .md .docx .pdf .html")],
        principal: CurrentPrincipal,
        ctx: Context,
        response: Response,
        kind: Annotated[str, Form(description="文档类型，默认 notice")] = "notice",
        wait: Annotated[bool, Query(description="等待导入完成（默认）；false 时立即返回导入任务")] = True,
    ) -> Any:
        """The file is read and cut into chunks first (too many: 413 at once), then embedded in the
        background; by default the request waits for the result without holding a worker thread."""
        if not principal.can_manage_knowledge:
            raise PermissionDeniedError("只有工作人员可以上传政策文件。")
        name = check_upload_name(file.filename or "")
        data = await run_in_threadpool(read_upload, file, settings.limit_upload_mb)
        try:
            job = await run_in_threadpool(ctx.service.start_upload, principal, name, data, kind)
        except (LimitExceededError, PermissionDeniedError):
            raise
        except InvalidInputError as exc:
            raise InvalidInputError(exc.message, code="unreadable_document") from exc
        if not wait:
            response.status_code = 202
            return jsonable_encoder(job)
        while job.status in ("queued", "running"):
            await asyncio.sleep(0.25)
            job = ctx.service.upload_job(principal, job.id)
        if job.status == "cancelled":
            raise InvalidInputError(job.message, code="upload_cancelled")
        result = job.result or IngestResult(filename=name, status="error", message=job.message)
        if getattr(result, "status", "") == "error":
            raise InvalidInputError(
                getattr(result, "message", "") or f"无法读取文件“{name}”。", code="unreadable_document"
            )
        if getattr(result, "status", "") == "duplicate":
            response.status_code = 200
        return jsonable_encoder(result)

    @router.get("/knowledge/jobs", response_model=list[IngestJobView])
    def upload_jobs(principal: CurrentPrincipal, ctx: Context) -> list[IngestJobView]:
        """Uploads being embedded and the last finished ones, newest first (progress: done / total chunks)."""
        return ctx.service.upload_jobs(principal)

    @router.get("/knowledge/jobs/{job_id}", response_model=IngestJobView)
    def upload_job(job_id: JobId, principal: CurrentPrincipal, ctx: Context) -> IngestJobView:
        return ctx.service.upload_job(principal, job_id)

    @router.delete("/knowledge/jobs/{job_id}", response_model=IngestJobView)
    def cancel_upload(job_id: JobId, principal: CurrentPrincipal, ctx: Context) -> IngestJobView:
        """Stop an upload before its next batch of chunks; nothing of it is stored."""
        return ctx.service.upload_job(principal, job_id, cancel=True)

    return router
