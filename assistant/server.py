"""Serve the FastAPI app (API under /api) with the Gradio UI mounted at /.

Local mode: listening on 127.0.0.1 with no accounts, the app runs for a single
local user without login. On any other address it refuses to start until an
account exists, because an open instance would expose every applicant's drafts.
"""

from __future__ import annotations

import ipaddress
import sys

from .errors import UserFacingError
from .settings import Settings


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_exposure(settings: Settings, user_count: int) -> None:
    if user_count == 0 and not is_loopback(settings.host):
        raise UserFacingError(
            f"拒绝在 {settings.host} 上启动：还没有任何用户账号，任何人都能看到申报材料。"
            "请先运行 `case-assistant users add 用户名 --role admin` 创建管理员账号，"
            "或只在本机使用（--host 127.0.0.1）。",
            code="no_users",
        )


def create_app(settings: Settings, service=None):
    """The ASGI app: API routes first, then the UI mounted at / (so /api/* is never shadowed)."""
    import gradio as gr

    from ui.app import build_ui

    from .accounts import Accounts
    from .api import create_api
    from .bootstrap import build_service

    service = service or build_service(settings, progress=True)
    accounts = Accounts(service.store, settings)
    app = create_api(service, accounts, settings)
    blocks = build_ui(service, accounts, settings)
    return gr.mount_gradio_app(app, blocks, path="", **_ui_mount_options(blocks))


def _ui_mount_options(blocks) -> dict:
    return getattr(blocks, "mount_options", {})


def serve(settings: Settings) -> int:
    import uvicorn

    from .accounts import Accounts
    from .store import Store

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    check_exposure(settings, Accounts(Store.open(settings.sqlite_path), settings).count_users())
    app = create_app(settings)
    print(f"申报助手已启动：http://{settings.host}:{settings.port}/ （按 Ctrl+C 停止）", file=sys.stderr)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
    return 0
