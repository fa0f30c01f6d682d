"""Accounts over HTTP: one's own password, and the administrator's account management and log.

* ``POST /me/password``: the user changes their own password (needs the current one,
  throttled like a login); every session of the account ends and the caller gets a
  new one (token in the body, cookie set), so a stolen copy of the old session stops.
* ``/users…`` (administrators only): list, reset a password, change a role, disable,
  re-enable, delete (its applications go to ``transfer_to``), and read the log.

Every change goes through ``Accounts`` (``assistant.auth.lifecycle``), which logs it in
the append-only ``account_events`` table and keeps at least one enabled administrator.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field

from assistant.api.limits import json_body_limit
from assistant.api.routes.auth import Context, CurrentPrincipal, LoginOut, client_address, set_session_cookie
from assistant.auth.accounts import UserInfo
from assistant.auth.principal import Principal, Role
from assistant.core.errors import PermissionDeniedError
from assistant.core.settings import Settings
from assistant.store.lifecycle import AccountEventRow

Username = Annotated[str, Path(min_length=1, max_length=64, description="用户名")]


class PasswordChangeIn(BaseModel):
    current_password: str = Field(max_length=1024)
    new_password: str = Field(max_length=1024, description="8–256个字符，不能与用户名或当前密码相同")


class PasswordResetIn(BaseModel):
    password: str = Field(max_length=1024, description="8–256个字符，不能与用户名相同")


class RoleIn(BaseModel):
    role: Role


class DeletedOut(BaseModel):
    username: str
    transferred: int
    to: str | None


def require_admin(principal: Principal) -> str:
    """The acting administrator's name (what the log records), or 403."""
    if not principal.can_manage_users:
        raise PermissionDeniedError("只有管理员可以管理账号。")
    return principal.username


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["账号"], max_body_size=json_body_limit(settings))

    @router.post("/me/password", response_model=LoginOut)
    def change_own_password(
        body: PasswordChangeIn, principal: CurrentPrincipal, request: Request, response: Response, ctx: Context
    ) -> LoginOut:
        token = ctx.accounts.change_password(
            principal, body.current_password, body.new_password, client_address(request)
        )
        set_session_cookie(response, request, ctx.settings, token)
        return LoginOut(token=token, username=principal.username, role=principal.role)

    @router.get("/users", response_model=list[UserInfo])
    def users(principal: CurrentPrincipal, ctx: Context) -> list[UserInfo]:
        require_admin(principal)
        return ctx.accounts.list_users()

    @router.get("/users/log", response_model=list[AccountEventRow])
    def account_log(
        principal: CurrentPrincipal, ctx: Context, limit: Annotated[int, Query(ge=1, le=10_000)] = 1000
    ) -> list[AccountEventRow]:
        """Who changed which account how, oldest first (the last ``limit`` entries)."""
        require_admin(principal)
        return ctx.accounts.account_log(limit)

    @router.post("/users/{username}/password", response_model=UserInfo)
    def reset_password(
        username: Username, body: PasswordResetIn, principal: CurrentPrincipal, ctx: Context
    ) -> UserInfo:
        return ctx.accounts.reset_password(username, body.password, require_admin(principal))

    @router.put("/users/{username}/role", response_model=UserInfo)
    def set_role(username: Username, body: RoleIn, principal: CurrentPrincipal, ctx: Context) -> UserInfo:
        return ctx.accounts.set_role(username, body.role, require_admin(principal))[1]

    @router.post("/users/{username}/disable", response_model=UserInfo)
    def disable(username: Username, principal: CurrentPrincipal, ctx: Context) -> UserInfo:
        return ctx.accounts.set_disabled(username, True, require_admin(principal))

    @router.post("/users/{username}/enable", response_model=UserInfo)
    def enable(username: Username, principal: CurrentPrincipal, ctx: Context) -> UserInfo:
        return ctx.accounts.set_disabled(username, False, require_admin(principal))

    @router.delete("/users/{username}", response_model=DeletedOut)
    def delete(
        username: Username,
        principal: CurrentPrincipal,
        ctx: Context,
        transfer_to: Annotated[str | None, Query(max_length=64, description="接收其申报书的账号")] = None,
    ) -> DeletedOut:
        moved = ctx.accounts.delete_user(username, transfer_to, require_admin(principal))
        name = username.strip().lower()
        return DeletedOut(username=name, transferred=moved, to=transfer_to.strip().lower() if transfer_to else None)

    return router
