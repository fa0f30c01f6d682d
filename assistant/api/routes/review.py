"""The pre-submission review and the other documents of an application; resuming a cut-off turn.

* ``GET /{app_id}/review``: the full ``ReviewReport`` (findings, alignment, checklist) with counts.
* ``GET /{app_id}/issues``: the older per-part issue list (what ``/review`` returned before).
* ``GET /{app_id}/review.md`` and ``/review.docx``: the review as its own document.
* ``GET /{app_id}/export.md``: the whole application as Markdown.
* ``GET /{app_id}/promo.docx``: the 宣传推广材料 alone; ``/export.pdf``: the whole application as PDF
  (501 in Chinese when LibreOffice is missing).
* ``POST /{app_id}/resume``: finish the drafts a crashed turn left.

Included by ``applications.build_router``, so the prefix and body limit are the same.
Every file is built on request and sent with ``Cache-Control: no-store``; nothing is written to disk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from assistant.api.context import ApiContext
from assistant.api.executors import app_key, run_watched, user_key
from assistant.api.limits import AppId
from assistant.api.routes.auth import Context, CurrentPrincipal
from assistant.auth.principal import Principal
from assistant.core.types import Issue
from assistant.review.findings import ReviewReport
from assistant.service.views import ApplicationView

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MARKDOWN_MEDIA_TYPE = "text/markdown; charset=utf-8"
PDF_MEDIA_TYPE = "application/pdf"
T = TypeVar("T")


class ReviewOut(ReviewReport):
    """The whole review report, plus how many findings of each severity it has."""

    errors: int = 0
    warnings: int = 0
    suggestions: int = 0


class IssuesOut(BaseModel):
    issues: list[Issue] = Field(default_factory=list)
    errors: int = 0
    warnings: int = 0


def content_disposition(filename: str, fallback: str) -> str:
    """``attachment`` with an ASCII fallback name and the real UTF-8 name per RFC 5987/6266."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def file_response(data: bytes | str, media_type: str, filename: str, fallback: str) -> Response:
    headers = {"Content-Disposition": content_disposition(filename, fallback), "Cache-Control": "no-store"}
    return Response(content=data, media_type=media_type, headers=headers)


class FileRoute(TypedDict):
    """The route arguments of a download: plain ``Response`` and its media type in the schema."""

    response_class: type[Response]
    responses: dict[int | str, dict[str, object]]


def _file(media_type: str, description: str) -> FileRoute:
    return {"response_class": Response, "responses": {200: {"content": {media_type: {}}, "description": description}}}


def build_review_router() -> APIRouter:
    router = APIRouter()

    @router.get("/{app_id}/review", response_model=ReviewOut)
    async def review(app_id: AppId, request: Request, principal: CurrentPrincipal, ctx: Context) -> ReviewOut:
        report = await _heavy(request, ctx, principal, ctx.service.review_report, principal, app_id)
        return ReviewOut(
            **report.model_dump(),
            errors=report.count("错误"),
            warnings=report.count("警告"),
            suggestions=report.count("建议"),
        )

    @router.get("/{app_id}/issues", response_model=IssuesOut)
    async def issues(app_id: AppId, request: Request, principal: CurrentPrincipal, ctx: Context) -> IssuesOut:
        found = await _heavy(request, ctx, principal, ctx.service.review, principal, app_id)
        return IssuesOut(
            issues=found,
            errors=sum(i.severity == "error" for i in found),
            warnings=sum(i.severity == "warning" for i in found),
        )

    @router.get("/{app_id}/review.md", **_file(MARKDOWN_MEDIA_TYPE, "审阅报告（Markdown）"))
    async def review_md(app_id: AppId, request: Request, principal: CurrentPrincipal, ctx: Context) -> Response:
        name, text = await _heavy(request, ctx, principal, ctx.service.export_review, principal, app_id, "md")
        return file_response(text, MARKDOWN_MEDIA_TYPE, name, f"review-{app_id}.md")

    @router.get("/{app_id}/review.docx", **_file(DOCX_MEDIA_TYPE, "审阅报告（Word）"))
    async def review_docx(app_id: AppId, request: Request, principal: CurrentPrincipal, ctx: Context) -> Response:
        name, data = await _heavy(request, ctx, principal, ctx.service.export_review, principal, app_id, "docx")
        return file_response(data, DOCX_MEDIA_TYPE, name, f"review-{app_id}.docx")

    @router.get("/{app_id}/export.md", **_file(MARKDOWN_MEDIA_TYPE, "申报书（Markdown）"))
    async def export_md(app_id: AppId, request: Request, principal: CurrentPrincipal, ctx: Context) -> Response:
        name, text = await _heavy(request, ctx, principal, ctx.service.export_markdown, principal, app_id)
        return file_response(text, MARKDOWN_MEDIA_TYPE, name, f"application-{app_id}.md")

    @router.get("/{app_id}/promo.docx", **_file(DOCX_MEDIA_TYPE, "宣传推广材料（Word）"))
    async def promo_docx(app_id: AppId, request: Request, principal: CurrentPrincipal, ctx: Context) -> Response:
        name, data = await _heavy(request, ctx, principal, ctx.service.export_publishable_docx, principal, app_id)
        return file_response(data, DOCX_MEDIA_TYPE, name, f"promo-{app_id}.docx")

    @router.get("/{app_id}/export.pdf", **_file(PDF_MEDIA_TYPE, "PDF 申报书"))
    async def export_pdf(app_id: AppId, request: Request, principal: CurrentPrincipal, ctx: Context) -> Response:
        name, data = await _heavy(request, ctx, principal, ctx.service.export_pdf, principal, app_id)
        return file_response(data, PDF_MEDIA_TYPE, name, f"application-{app_id}.pdf")

    @router.post("/{app_id}/resume", response_model=ApplicationView)
    async def resume(app_id: AppId, request: Request, principal: CurrentPrincipal, ctx: Context) -> ApplicationView:
        work = ctx.service.resume_interrupted
        return await run_watched(
            request, ctx.pools.turns, work, principal, app_id, user=user_key(principal), key=app_key(app_id)
        )

    return router


async def _heavy(request: Request, ctx: ApiContext, principal: Principal, fn: Callable[..., T], *args: object) -> T:
    """CPU-heavy work (review, Word/PDF) in the small pool for it (see ``assistant.api.executors``)."""
    return await run_watched(request, ctx.pools.heavy, fn, *args, user=user_key(principal))
