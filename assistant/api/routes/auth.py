"""Who is calling: the auth dependency, login/logout, the current user (account management: ``users``).

A request is authenticated by ``Authorization: Bearer <token>`` (scripts, other
services) or by the HTTP-only session cookie (the browser UI). In local mode
(loopback, no accounts) every request runs as the single local user, so
``make run`` needs no login. The decision is made per request, so adding the first
account switches login on without a restart.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from assistant.api.context import Context
from assistant.api.limits import json_body_limit
from assistant.api.local_guard import scope_is_local, served_without_login
from assistant.auth.accounts import Accounts
from assistant.auth.principal import Principal, Role, local_principal
from assistant.auth.web import SESSION_COOKIE, request_page_owner
from assistant.core.errors import AuthenticationError
from assistant.core.settings import Settings
from assistant.ops.doctor import DoctorReport
from assistant.service.operations import health_report


def request_token(request: Request) -> str | None:
    """The bearer token if one is sent, otherwise the session cookie."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.cookies.get(SESSION_COOKIE) or None


def current_principal(request: Request, ctx: Context) -> Principal:
    """The caller, or 401. A plain function so FastAPI runs its database reads in a worker thread.

    本机用户 only for a request that may run without login (``LocalModeGuard`` has refused the others
    already; asked again here so the API never relies on the middleware alone).
    """
    if served_without_login(request.scope, ctx.settings, ctx.accounts):
        return local_principal()
    principal = ctx.accounts.principal_for_token(request_token(request))
    if principal is None:
        raise AuthenticationError("请先登录：未登录、登录已过期或账号已停用。")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


class LoginIn(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=256)


class TicketIn(BaseModel):
    ticket: str = Field(max_length=128)


class LoginOut(BaseModel):
    token: str
    username: str
    role: Role


class MeOut(BaseModel):
    username: str
    role: Role
    local: bool


class HealthOut(BaseModel):
    status: str
    login_required: bool
    disk: str = "ok"
    report: DoctorReport | None = Field(None, description="full=true（工作人员）：与 case-assistant doctor 相同的检查")


LOW_DISK_BYTES = 20 * 1024 * 1024


def _disk(path: Path) -> tuple[int | None, int]:
    """(free, total) bytes of the data directory's disk; "low" is under 20 MB or 5 % of a small disk."""
    try:
        usage = shutil.disk_usage(path)
    except OSError:
        return None, 0
    return usage.free, usage.total


class LocalMode:
    """Whether the app runs without accounts, re-read at most every ``TTL`` seconds in a thread of its own
    (not the shared pool): it changes once, when the first account is created."""

    TTL = 2.0

    def __init__(self) -> None:
        self._value: bool | None = None
        self._read_at = float("-inf")

    async def get(self, accounts: Accounts) -> bool:
        if self._value is None or time.monotonic() - self._read_at > self.TTL:
            self._value = bool(await asyncio.to_thread(accounts.local_mode))
            self._read_at = time.monotonic()
        return self._value


class OkOut(BaseModel):
    ok: bool = True


def client_address(request: Request) -> str:
    """The caller's address as uvicorn reports it (X-Forwarded-For only from ``forwarded_allow_ips``)."""
    return request.client.host if request.client else "unknown"


def set_session_cookie(response: Response, request: Request, settings: Settings, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure or request.url.scheme == "https",
        path="/",
    )


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["账号"], max_body_size=json_body_limit(settings))

    local_mode = LocalMode()

    @router.get("/health", response_model=HealthOut, response_model_exclude_none=True)
    async def health(
        request: Request, ctx: Context, full: bool = Query(False, description="工作人员：附上完整的运行检查")
    ) -> HealthOut:
        """Answers even on a full disk (reads still work) and says so, so a monitor can alert.

        On the event loop, never in the worker threads: when every thread is busy (a burst of
        requests), a monitor must still get its answer at once. Anonymous callers get three fields;
        ``?full=true`` adds the doctor's report (run in a thread of its own), for staff only.
        """
        free, total = _disk(ctx.settings.data_dir)
        low = free is not None and free < min(LOW_DISK_BYTES, total // 20)
        report = None
        if full:
            report = await asyncio.to_thread(lambda: health_report(ctx.service, current_principal(request, ctx)))
        return HealthOut(
            status="degraded" if low or (report is not None and not report.ok) else "ok",
            login_required=not (
                await local_mode.get(ctx.accounts)
                and (ctx.settings.no_login_via_proxy or scope_is_local(request.scope))
            ),
            disk="磁盘空间不足，新内容无法保存" if low else "ok",
            report=report,
        )

    @router.post("/login", response_model=LoginOut)
    def login(body: LoginIn, request: Request, response: Response, ctx: Context) -> LoginOut:
        principal = ctx.accounts.login(body.username, body.password, client_address(request))
        token = ctx.accounts.create_session(principal)
        set_session_cookie(response, request, ctx.settings, token)
        return LoginOut(token=token, username=principal.username, role=principal.role)

    @router.post("/session", response_model=OkOut)
    def session_from_ticket(body: TicketIn, request: Request, response: Response, ctx: Context) -> OkOut:
        """Exchange the one-time ticket from the UI's login form for the HttpOnly session cookie."""
        token = ctx.accounts.login_tickets.redeem(body.ticket, request_page_owner(request))  # this page's only
        if token is None or ctx.accounts.principal_for_token(token) is None:
            raise AuthenticationError("登录凭据已失效，请重新登录。", code="bad_ticket")
        set_session_cookie(response, request, ctx.settings, token)
        return OkOut()

    @router.post("/logout", response_model=OkOut)
    def logout(request: Request, response: Response, ctx: Context) -> OkOut:
        ctx.accounts.end_session(request_token(request))
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
        return OkOut()

    @router.get("/me", response_model=MeOut)
    def me(principal: CurrentPrincipal) -> MeOut:
        return MeOut(username=principal.username, role=principal.role, local=principal.local)

    return router
