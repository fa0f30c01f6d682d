"""Applications: list, create, read, change, delete, versions, undo, hand edit, redraft, export (review: ``review``).

Each route is a thin call into the service, which decides who may see or change
what: another applicant's application is "not found" (404) rather than
"forbidden", so ids cannot be probed for existence; staff may read every
application but only its owner may change it.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict

from assistant.api.executors import app_key, run_watched, user_key
from assistant.api.limits import AppId, json_body_limit
from assistant.api.routes.auth import Context, CurrentPrincipal
from assistant.api.routes.bureau import build_application_router as build_bureau_application_router
from assistant.api.routes.review import DOCX_MEDIA_TYPE, build_review_router, content_disposition
from assistant.core.settings import Settings
from assistant.forms.application import ApplicationInfo, Person
from assistant.service.manual_edit import EditResult
from assistant.service.service import DEFAULT_FORM
from assistant.service.views import ApplicationSummary, ApplicationView, VersionView


class NewApplication(ApplicationInfo):
    """The 申报信息表 fields as known so far, and which call for applications it answers."""

    model_config = ConfigDict(extra="forbid")
    form_id: str = DEFAULT_FORM


class MediaPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    images: list[str] | None = None
    video: str | None = None
    prepared: list[str] | None = None


class PartText(BaseModel):
    """A part's text as the applicant edited it, and the version the editor showed (409 if it moved on)."""

    model_config = ConfigDict(extra="forbid")
    text: str
    base_version: int | None = None


class ApplicationPatch(BaseModel):
    """Only the fields sent are changed; ``leader``/``contact`` are replaced as a whole."""

    model_config = ConfigDict(extra="forbid")
    applicant: str | None = None
    co_applicants: list[str] | None = None
    case_name: str | None = None
    field: str | None = None
    leader: Person | None = None
    contact: Person | None = None
    address: str | None = None
    reason: str | None = None
    date: str | None = None
    extra: dict[str, str] | None = None
    """The call's own 申报信息表 rows beyond the ones above (by field id, e.g. ``district``): the rows sent are
    changed, the others kept, a blank value clears a row; a row the form does not have is a 422."""
    media: MediaPatch | None = None


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(prefix="/applications", tags=["申报书"], max_body_size=json_body_limit(settings))

    @router.get("", response_model=list[ApplicationSummary])
    def list_applications(principal: CurrentPrincipal, ctx: Context) -> list[ApplicationSummary]:
        return ctx.service.list_applications(principal)

    @router.post("", response_model=ApplicationView, status_code=201)
    def create_application(body: NewApplication, principal: CurrentPrincipal, ctx: Context) -> ApplicationView:
        info = ApplicationInfo.model_validate(body.model_dump(exclude={"form_id"}))
        return ctx.service.create_application(principal, info, form_id=body.form_id)

    @router.get("/{app_id}", response_model=ApplicationView)
    def get_application(app_id: AppId, principal: CurrentPrincipal, ctx: Context) -> ApplicationView:
        return ctx.service.get_application(principal, app_id)

    @router.patch("/{app_id}", response_model=ApplicationView)
    def update_application(
        app_id: AppId, body: ApplicationPatch, principal: CurrentPrincipal, ctx: Context
    ) -> ApplicationView:
        info = body.model_dump(exclude={"media"}, exclude_none=True)
        media = body.media.model_dump(exclude_none=True) if body.media else None
        return ctx.service.update_application(principal, app_id, info=info, media=media)

    @router.delete("/{app_id}", status_code=204)
    def delete_application(app_id: AppId, principal: CurrentPrincipal, ctx: Context) -> Response:
        ctx.service.delete_application(principal, app_id)
        return Response(status_code=204)

    @router.get("/{app_id}/parts/{part_id}/versions", response_model=list[VersionView])
    def versions(app_id: AppId, part_id: str, principal: CurrentPrincipal, ctx: Context) -> list[VersionView]:
        return ctx.service.versions(principal, app_id, part_id)

    @router.post("/{app_id}/parts/{part_id}/undo", response_model=ApplicationView)
    def undo(app_id: AppId, part_id: str, principal: CurrentPrincipal, ctx: Context) -> ApplicationView:
        return ctx.service.undo(principal, app_id, part_id)

    @router.put("/{app_id}/parts/{part_id}/text", response_model=EditResult)
    def edit_part(app_id: AppId, part_id: str, body: PartText, principal: CurrentPrincipal, ctx: Context) -> EditResult:
        """The part edited by hand: a new version (undo restores the one before), checked and reviewed."""
        return ctx.service.edits.edit(principal, app_id, part_id, body.text, body.base_version)

    @router.post("/{app_id}/parts/{part_id}/redraft", response_model=ApplicationView)
    async def redraft(
        app_id: AppId, part_id: str, request: Request, principal: CurrentPrincipal, ctx: Context
    ) -> ApplicationView:
        """A model call like a chat turn: same pool, same per-user and per-application order."""
        work = ctx.service.redraft
        return await run_watched(
            request, ctx.pools.turns, work, principal, app_id, part_id, user=user_key(principal), key=app_key(app_id)
        )

    @router.get(
        "/{app_id}/export.docx",
        response_class=Response,
        responses={200: {"content": {DOCX_MEDIA_TYPE: {}}, "description": "Word 申报书"}},
    )
    async def export_docx(app_id: AppId, request: Request, principal: CurrentPrincipal, ctx: Context) -> Response:
        filename, data = await run_watched(
            request, ctx.pools.heavy, ctx.service.export_docx, principal, app_id, user=user_key(principal)
        )
        headers = {
            "Content-Disposition": content_disposition(filename, f"application-{app_id}.docx"),
            "Cache-Control": "no-store",
        }
        return Response(content=data, media_type=DOCX_MEDIA_TYPE, headers=headers)

    router.include_router(build_review_router())
    router.include_router(build_bureau_application_router())
    return router
