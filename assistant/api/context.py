"""What every route needs, kept on ``app.state.api`` so routes stay plain functions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from assistant.api.executors import Pools
from assistant.auth.accounts import Accounts
from assistant.core.settings import Settings
from assistant.service.service import Service


@dataclass(frozen=True)
class ApiContext:
    """What every route needs, kept on ``app.state.api`` so routes stay plain functions."""

    service: Service
    accounts: Accounts
    settings: Settings
    pools: Pools


async def get_context(request: Request) -> ApiContext:
    """Async on purpose: FastAPI runs a plain ``def`` dependency in the shared worker-thread pool, so every
    route (``/api/health`` too) waited for a free thread — behind the UI's own thread work — just to read this."""
    api: ApiContext = request.app.state.api
    return api


Context = Annotated[ApiContext, Depends(get_context)]
