"""The call's process over HTTP: submit, withdraw, status, comments, return, scores, the board, the 汇总表,
the package of recommended files, the audit log and the call's deadline.

Thin calls into ``service.call`` and ``service.board``, which decide who may do what: an applicant
reaching another's application gets the same 404 as for a missing id, and a 403 on every staff
route (scores, proposals, the board, the audit log are staff only). Files are built on request
and sent with ``Cache-Control: no-store``.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from assistant.api.limits import MAX_ID, AppId, json_body_limit
from assistant.api.routes.auth import Context, CurrentPrincipal
from assistant.api.routes.review import DOCX_MEDIA_TYPE, FileRoute, file_response
from assistant.bureau.board import Board
from assistant.bureau.models import Snapshot
from assistant.core.settings import Settings
from assistant.service.call_views import (
    CallInfo,
    CommentView,
    GateInput,
    ScoreInput,
    ScoreSheet,
    SubmissionStatus,
)
from assistant.store.bureau import AuditEntry

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_MEDIA_TYPE = "application/zip"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
TAGS: list[str | Enum] = ["评审"]
CommentId = Annotated[int, Path(ge=1, le=MAX_ID, description="意见编号")]
Number = Annotated[int | None, Query(ge=1, le=MAX_ID, description="第几次提交；不写为最近一次")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReasonIn(Strict):
    reason: str = Field(max_length=2000)


class ReturnIn(Strict):
    reason: str = Field(max_length=2000)
    target: str = Field("general", max_length=64, description="部分编号、info.<字段> 或 general")


class CommentIn(Strict):
    text: str = Field(max_length=8000)
    target: str = Field("general", max_length=64, description="部分编号、info.<字段> 或 general")
    internal: bool = Field(False, description="工作人员内部备注，申报单位看不到")
    parent_id: int | None = Field(None, ge=1, le=MAX_ID, description="回复哪条意见")


class ScoresIn(Strict):
    scores: list[ScoreInput] = Field(default_factory=list, max_length=50)
    gates: list[GateInput] = Field(default_factory=list, max_length=20)


class MoveIn(Strict):
    position: int | None = Field(None, ge=1, le=10_000, description="移到第几位；空则恢复按得分排序")
    reason: str = Field(max_length=2000)


class DecisionIn(Strict):
    action: Literal["review", "recommend", "not_recommend", "reconsider"]
    reason: str = Field("", max_length=2000)


class RecommendReasonIn(Strict):
    text: str = Field(max_length=2000)


class CallIn(Strict):
    until: str | None = Field(None, max_length=10, description="重新开放到哪天（YYYY-MM-DD）；空则恢复原截止时间")
    reason: str = Field(max_length=2000)


class RescoreOut(BaseModel):
    rescored: int


def _file(media_type: str, description: str) -> FileRoute:
    return {"response_class": Response, "responses": {200: {"content": {media_type: {}}, "description": description}}}


def build_application_router() -> APIRouter:
    """Routes under /api/applications/{app_id}/… (included with the applications prefix)."""
    router = APIRouter(tags=TAGS)

    @router.post("/{app_id}/submit", response_model=SubmissionStatus)
    def submit(app_id: AppId, principal: CurrentPrincipal, ctx: Context) -> SubmissionStatus:
        return ctx.service.call.submit(principal, app_id)

    @router.post("/{app_id}/withdraw", response_model=SubmissionStatus)
    def withdraw(app_id: AppId, principal: CurrentPrincipal, ctx: Context) -> SubmissionStatus:
        return ctx.service.call.withdraw(principal, app_id)

    @router.get("/{app_id}/submission", response_model=SubmissionStatus)
    def submission(app_id: AppId, principal: CurrentPrincipal, ctx: Context) -> SubmissionStatus:
        return ctx.service.call.status(principal, app_id)

    @router.get("/{app_id}/snapshot", response_model=Snapshot)
    def snapshot(
        app_id: AppId, principal: CurrentPrincipal, ctx: Context, number: Number = None
    ) -> Snapshot:
        return ctx.service.call.snapshot(principal, app_id, number)

    @router.get("/{app_id}/submitted.docx", **_file(DOCX_MEDIA_TYPE, "提交时的 Word 申报书"))
    def submitted_docx(
        app_id: AppId, principal: CurrentPrincipal, ctx: Context, number: Number = None
    ) -> Response:
        name, data = ctx.service.call.submitted_file(principal, app_id, number=number)
        return file_response(data, DOCX_MEDIA_TYPE, name, f"submitted-{app_id}.docx")

    @router.post("/{app_id}/allow-submit", response_model=SubmissionStatus)
    def allow_submit(app_id: AppId, body: ReasonIn, principal: CurrentPrincipal, ctx: Context) -> SubmissionStatus:
        return ctx.service.call.allow_errors(principal, app_id, body.reason)

    @router.post("/{app_id}/return", response_model=SubmissionStatus)
    def return_application(
        app_id: AppId, body: ReturnIn, principal: CurrentPrincipal, ctx: Context
    ) -> SubmissionStatus:
        return ctx.service.call.return_application(principal, app_id, body.reason, body.target)

    @router.get("/{app_id}/comments", response_model=list[CommentView])
    def comments(app_id: AppId, principal: CurrentPrincipal, ctx: Context) -> list[CommentView]:
        return ctx.service.call.comments(principal, app_id)

    @router.post("/{app_id}/comments", response_model=CommentView, status_code=201)
    def add_comment(app_id: AppId, body: CommentIn, principal: CurrentPrincipal, ctx: Context) -> CommentView:
        return ctx.service.call.add_comment(principal, app_id, body.target, body.text, body.internal, body.parent_id)

    @router.post("/{app_id}/comments/{comment_id}/resolve", response_model=CommentView)
    def resolve(app_id: AppId, comment_id: CommentId, principal: CurrentPrincipal, ctx: Context) -> CommentView:
        return ctx.service.call.resolve(principal, app_id, comment_id)

    @router.get("/{app_id}/scores", response_model=ScoreSheet)
    def score_sheet(app_id: AppId, principal: CurrentPrincipal, ctx: Context) -> ScoreSheet:
        return ctx.service.board.score_sheet(principal, app_id)

    @router.put("/{app_id}/scores", response_model=ScoreSheet)
    def put_scores(app_id: AppId, body: ScoresIn, principal: CurrentPrincipal, ctx: Context) -> ScoreSheet:
        return ctx.service.board.put_scores(principal, app_id, body.scores, body.gates)

    @router.post("/{app_id}/move", response_model=Board)
    def move(app_id: AppId, body: MoveIn, principal: CurrentPrincipal, ctx: Context) -> Board:
        return ctx.service.board.move(principal, app_id, body.position, body.reason)

    @router.post("/{app_id}/decision", response_model=Board)
    def decision(app_id: AppId, body: DecisionIn, principal: CurrentPrincipal, ctx: Context) -> Board:
        return ctx.service.board.decide(principal, app_id, body.action, body.reason)

    @router.put("/{app_id}/recommend-reason", response_model=ScoreSheet)
    def recommend_reason(
        app_id: AppId, body: RecommendReasonIn, principal: CurrentPrincipal, ctx: Context
    ) -> ScoreSheet:
        return ctx.service.board.set_reason(principal, app_id, body.text)

    return router


def build_router(settings: Settings) -> APIRouter:
    """Routes under /api: the board, its files, the audit log and the call (mounted with the /api prefix)."""
    router = APIRouter(tags=TAGS, max_body_size=json_body_limit(settings))

    @router.get("/board", response_model=Board)
    def board(
        principal: CurrentPrincipal,
        ctx: Context,
        field: Annotated[str | None, Query(max_length=20)] = None,
        status: Annotated[str | None, Query(max_length=20)] = None,
        sort: Annotated[str, Query(max_length=64)] = "rank",
        gated: bool | None = None,
    ) -> Board:
        return ctx.service.board.board(principal, field=field, status=status, sort=sort, gated=gated)

    @router.get("/board/summary.xlsx", **_file(XLSX_MEDIA_TYPE, "汇总表（Excel）"))
    def summary_xlsx(principal: CurrentPrincipal, ctx: Context, contacts: bool = False) -> Response:
        name, data = ctx.service.board.summary_file(principal, "xlsx", contacts)
        return file_response(data, XLSX_MEDIA_TYPE, name, "summary.xlsx")

    @router.get("/board/summary.docx", **_file(DOCX_MEDIA_TYPE, "汇总表（Word）"))
    def summary_docx(principal: CurrentPrincipal, ctx: Context, contacts: bool = False) -> Response:
        name, data = ctx.service.board.summary_file(principal, "docx", contacts)
        return file_response(data, DOCX_MEDIA_TYPE, name, "summary.docx")

    @router.get("/board/package.zip", **_file(ZIP_MEDIA_TYPE, "推荐案例的汇总表和提交文件"))
    def package(principal: CurrentPrincipal, ctx: Context) -> Response:
        name, data = ctx.service.board.package(principal)
        return file_response(data, ZIP_MEDIA_TYPE, name, "package.zip")

    @router.post("/board/rescore", response_model=RescoreOut)
    def rescore(principal: CurrentPrincipal, ctx: Context) -> RescoreOut:
        return RescoreOut(rescored=ctx.service.board.rescore(principal))

    @router.get("/audit", response_model=list[AuditEntry])
    def audit(
        principal: CurrentPrincipal,
        ctx: Context,
        application_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    ) -> list[AuditEntry]:
        return ctx.service.board.audit(principal, application_id)

    @router.get("/audit.csv", **_file(CSV_MEDIA_TYPE, "操作记录（CSV）"))
    def audit_csv(
        principal: CurrentPrincipal,
        ctx: Context,
        application_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    ) -> Response:
        name, text = ctx.service.board.audit_file(principal, application_id)
        return file_response(text, CSV_MEDIA_TYPE, name, "audit.csv")

    @router.get("/call", response_model=CallInfo)
    def call(principal: CurrentPrincipal, ctx: Context) -> CallInfo:
        return ctx.service.call.call_info(principal)

    @router.put("/call", response_model=CallInfo)
    def reopen(body: CallIn, principal: CurrentPrincipal, ctx: Context) -> CallInfo:
        return ctx.service.call.reopen(principal, body.until, body.reason)

    return router
