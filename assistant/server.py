"""Serve the FastAPI app (API under /api) with the Gradio UI mounted at /.

This is the composition root: the only module of ``assistant`` that imports gradio
(to mount ``ui``), which is why it sits above both the API and the UI layers.

Local mode: listening on 127.0.0.1 with no accounts, the app runs for a single
local user without login. On any other address it refuses to start until an
account exists, because an open instance would expose every applicant's drafts.
"""

from __future__ import annotations

import sys
from typing import Any

import gradio as gr
import uvicorn
from fastapi import FastAPI

from assistant.api.app import create_api
from assistant.auth.accounts import Accounts
from assistant.auth.exposure import check_exposure
from assistant.core.settings import Settings
from assistant.service.factory import build_service
from assistant.service.service import Service
from assistant.store.sqlite import Store
from ui.app import build_ui


def create_app(settings: Settings, service: Service | None = None) -> FastAPI:
    """The ASGI app: API routes first, then the UI mounted at / (so /api/* is never shadowed)."""
    service = service or build_service(settings, progress=True)
    accounts = Accounts(service.store, settings)
    app = create_api(service, accounts, settings)
    blocks = build_ui(service, accounts, settings)
    return gr.mount_gradio_app(app, blocks, path="", **_ui_mount_options(blocks))


def _ui_mount_options(blocks: Any) -> dict:
    return getattr(blocks, "mount_options", {})


def serve(settings: Settings) -> int:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    check_exposure(settings, Accounts(Store.open(settings.sqlite_path), settings).count_users())
    app = create_app(settings)
    print(f"申报助手已启动：http://{settings.host}:{settings.port}/ （按 Ctrl+C 停止）", file=sys.stderr)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
    return 0
