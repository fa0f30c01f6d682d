"""The REST API: the app factory that wires the error mapping and the routers under /api.

Every route calls the one service object (or, for accounts, ``Accounts``); no route
reads storage itself, so the permission checks in the service cannot be bypassed.

Errors are mapped in ``assistant.api.errors``; no stack trace reaches a client.

The interactive docs (/docs, /redoc) are switched off because Swagger UI loads its
assets from a CDN and would be blank offline; the schema stays at /api/openapi.json.
"""

from __future__ import annotations

from fastapi import Depends, FastAPI

from assistant.api.context import ApiContext
from assistant.api.errors import DeclaredSizeLimit, install_error_handlers
from assistant.api.executors import Pools, build_pools
from assistant.api.guards import CrossSiteGuard
from assistant.api.local_guard import LocalModeGuard
from assistant.api.routes.applications import build_router as applications_router
from assistant.api.routes.auth import build_router as auth_router
from assistant.api.routes.bureau import build_router as bureau_router
from assistant.api.routes.chat import build_router as chat_router
from assistant.api.routes.knowledge import build_router as knowledge_router
from assistant.api.routes.materials import build_router as materials_router
from assistant.api.routes.users import build_router as users_router
from assistant.api.text_guard import reject_invalid_text
from assistant.auth.accounts import Accounts
from assistant.core.settings import Settings
from assistant.service.service import Service


def create_api(service: Service, accounts: Accounts, settings: Settings, pools: Pools | None = None) -> FastAPI:
    """The FastAPI app with every /api route; the UI is mounted on it by ``assistant.server``.

    ``pools`` (see ``executors``) run model turns and CPU-heavy work apart from the short
    requests; the server passes the ones it shares with the UI.
    """
    app = FastAPI(
        title="数据要素× 案例申报助手 API",
        version="1",
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        openapi_url="/api/openapi.json",
        dependencies=[Depends(reject_invalid_text)],
    )
    app.state.api = ApiContext(
        service=service, accounts=accounts, settings=settings, pools=pools or build_pools(settings)
    )
    install_error_handlers(app)
    app.add_middleware(DeclaredSizeLimit, settings=settings)
    app.add_middleware(CrossSiteGuard, settings=settings)  # also covers the UI mounted on this app
    app.add_middleware(LocalModeGuard, settings=settings, accounts=accounts)  # no-login only for local requests
    for router in (
        auth_router(settings),
        users_router(settings),
        applications_router(settings),
        chat_router(settings),
        knowledge_router(settings),
        bureau_router(settings),
        materials_router(settings),
    ):
        app.include_router(router, prefix="/api")
    return app
