"""Import an existing application, its media and flow diagram, the video outline and the package, over HTTP.

Thin calls into ``service.imports``, ``service.media`` and ``service.package``, which decide who may do
what: another applicant's application is a 404 like a missing id; staff read media, the outline and
the package but never change an applicant's files (403). Uploads are capped while received (the
import at ``limit_upload_mb``, a video at ``limit_video_mb``) and their type is judged from the
content, never from the name. Files are built on request and sent with ``Cache-Control: no-store``.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated

from fastapi import APIRouter, File, Path, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from assistant.api.limits import MAX_ID, AppId, json_body_limit, media_body_limit, upload_body_limit
from assistant.api.routes.auth import Context, CurrentPrincipal
from assistant.api.routes.knowledge import read_upload
from assistant.api.routes.review import DOCX_MEDIA_TYPE, file_response
from assistant.core.errors import InvalidInputError
from assistant.core.settings import Settings
from assistant.diagram.graph import FlowGraph, to_rows
from assistant.importing.models import ImportResult
from assistant.media.models import MediaItem
from assistant.package.outline import VideoOutline
from assistant.service.import_desk import CondenseResult, ImportPlan
from assistant.service.views import ApplicationView

TAGS: list[str | Enum] = ["导入与材料"]
ZIP_MEDIA_TYPE = "application/zip"
MediaId = Annotated[int, Path(ge=1, le=MAX_ID, description="多媒体文件编号")]
Slot = Annotated[str, Path(pattern=r"^(image:[1-9]|video)$", description="image:1 … image:5（模板图片序号）或 video")]
PartId = Annotated[str, Path(max_length=64, description="部分编号")]


class TextIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(max_length=100_000)


class FlowRowsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rows: list[list[str]] = Field(max_length=60, description="每行：来源、数据、去向")


class FlowOut(BaseModel):
    graph: FlowGraph
    rows: list[list[str]]
    note: str = ""


def _flow(graph: FlowGraph, note: str = "") -> FlowOut:
    return FlowOut(graph=graph, rows=to_rows(graph), note=note)


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=TAGS, max_body_size=json_body_limit(settings))
    a = "/applications/{app_id}"

    @router.post("/import/preview", response_model=ImportResult, max_body_size=upload_body_limit(settings))
    def import_preview(
        file: Annotated[UploadFile, File(description="已有的申报书：.docx、带文字层的 .pdf 或 .txt")],
        principal: CurrentPrincipal,
        ctx: Context,
    ) -> ImportResult:
        if not file.filename:
            raise InvalidInputError("请选择要导入的文件。", code="missing_file")
        data = read_upload(file, settings.limit_upload_mb)
        return ctx.service.imports.preview_file(principal, file.filename, data)

    @router.post("/import/preview-text", response_model=ImportResult, max_body_size=upload_body_limit(settings))
    def import_preview_text(body: TextIn, principal: CurrentPrincipal, ctx: Context) -> ImportResult:
        return ctx.service.imports.preview_text(principal, body.text)

    @router.post("/import", response_model=ApplicationView, status_code=201, max_body_size=upload_body_limit(settings))
    def import_confirm(body: ImportPlan, principal: CurrentPrincipal, ctx: Context) -> ApplicationView:
        return ctx.service.imports.create(principal, body)

    @router.post(a + "/parts/{part_id}/condense", response_model=CondenseResult)
    def condense(app_id: AppId, part_id: PartId, principal: CurrentPrincipal, ctx: Context) -> CondenseResult:
        return ctx.service.imports.condense(principal, app_id, part_id)

    @router.get(a + "/media", response_model=list[MediaItem])
    def media_list(app_id: AppId, principal: CurrentPrincipal, ctx: Context) -> list[MediaItem]:
        return ctx.service.media.items(principal, app_id)

    @router.post(a + "/media/{slot}", response_model=MediaItem, status_code=201,
                 max_body_size=media_body_limit(settings))
    def media_upload(
        app_id: AppId,
        slot: Slot,
        file: Annotated[UploadFile, File(description="JPG/PNG 图片或 MP4 视频")],
        principal: CurrentPrincipal,
        ctx: Context,
    ) -> MediaItem:
        limit = settings.limit_video_mb if slot == "video" else settings.limit_upload_mb
        return ctx.service.media.upload(principal, app_id, slot, file.filename or "", read_upload(file, limit))

    @router.get(a + "/media/{media_id}/file", response_class=Response)
    def media_file(app_id: AppId, media_id: MediaId, principal: CurrentPrincipal, ctx: Context) -> Response:
        item, data = ctx.service.media.content(principal, app_id, media_id)
        suffix = ".mp4" if item.facts.kind == "video" else ".jpg"
        return file_response(data, item.facts.mime, item.filename, f"media-{media_id}{suffix}")

    @router.get(a + "/media/{media_id}/thumbnail.jpg", response_class=Response)
    def media_thumbnail(app_id: AppId, media_id: MediaId, principal: CurrentPrincipal, ctx: Context) -> Response:
        data = ctx.service.media.thumbnail(principal, app_id, media_id)
        return Response(content=data, media_type="image/jpeg", headers={"Cache-Control": "no-store"})

    @router.delete(a + "/media/{media_id}", status_code=204)
    def media_delete(app_id: AppId, media_id: MediaId, principal: CurrentPrincipal, ctx: Context) -> Response:
        ctx.service.media.delete(principal, app_id, media_id)
        return Response(status_code=204)

    @router.get(a + "/flow", response_model=FlowOut)
    def flow(app_id: AppId, principal: CurrentPrincipal, ctx: Context) -> FlowOut:
        return _flow(ctx.service.media.flow_graph(principal, app_id))

    @router.put(a + "/flow", response_model=FlowOut)
    def flow_save(app_id: AppId, body: FlowRowsIn, principal: CurrentPrincipal, ctx: Context) -> FlowOut:
        return _flow(ctx.service.media.save_rows(principal, app_id, body.rows))

    @router.post(a + "/flow/extract", response_model=FlowOut)
    def flow_extract(app_id: AppId, principal: CurrentPrincipal, ctx: Context) -> FlowOut:
        graph, note = ctx.service.media.extract(principal, app_id)
        return _flow(graph, note)

    @router.post(a + "/flow/render", response_model=MediaItem, status_code=201)
    def flow_render(app_id: AppId, principal: CurrentPrincipal, ctx: Context) -> MediaItem:
        return ctx.service.media.render_flow(principal, app_id)

    @router.get(a + "/flow.svg", response_class=Response)
    def flow_svg(app_id: AppId, principal: CurrentPrincipal, ctx: Context) -> Response:
        data = ctx.service.media.flow_image(principal, app_id, "svg")
        return Response(content=data, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})

    @router.get(a + "/flow.png", response_class=Response)
    def flow_png(app_id: AppId, principal: CurrentPrincipal, ctx: Context) -> Response:
        data = ctx.service.media.flow_image(principal, app_id, "png")
        return Response(content=data, media_type="image/png", headers={"Cache-Control": "no-store"})

    @router.get(a + "/video-outline", response_model=VideoOutline)
    def outline(app_id: AppId, principal: CurrentPrincipal, ctx: Context) -> VideoOutline:
        return ctx.service.package.outline(principal, app_id)

    @router.get(a + "/video-outline.docx", response_class=Response)
    def outline_docx(app_id: AppId, principal: CurrentPrincipal, ctx: Context) -> Response:
        name, data = ctx.service.package.outline_docx(principal, app_id)
        return file_response(data, DOCX_MEDIA_TYPE, name, f"video-outline-{app_id}.docx")

    @router.get(a + "/package.zip", response_class=Response)
    def package(app_id: AppId, principal: CurrentPrincipal, ctx: Context) -> Response:
        name, data = ctx.service.package.package(principal, app_id)
        return file_response(data, ZIP_MEDIA_TYPE, name, f"package-{app_id}.zip")

    return router


__all__: list[str] = ["build_router"]
