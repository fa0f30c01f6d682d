"""Serve the FastAPI app (API under /api) with the Gradio UI mounted at /.

This is the composition root: the only module of ``assistant`` that imports gradio
(to mount ``ui``), which is why it sits above both the API and the UI layers.

Local mode: listening on 127.0.0.1 with no accounts, the app runs for a single
local user without login. On any other address it refuses to start until an
account exists, because an open instance would expose every applicant's drafts.

Hardening of the mounted Gradio app (see SECURITY.md):
* Gradio's own check of client-supplied file paths runs only after ``launch()``,
  which a mounted app never calls, so ``has_launched`` is set here; Gradio's files
  live in a private (0700) folder under the data directory; the database and the
  index are in ``blocked_paths``.
* Our own ``CORSMiddleware`` on the parent app (allow-list ``cors_origins``, empty by
  default) replaces Gradio's, which echoes any Origin with credentials.
* ``HostGuard``, ``CrossSiteGuard`` and ``GradioSurface`` (``assistant.api``) check
  Host names, cross-site writes, and close or protect Gradio's extra routes;
  ``LocalModeGuard`` keeps no-login mode to requests from this machine;
  ``GradioSessionBinding`` delivers event results only to the page and login that asked;
  ``SecurityHeaders`` (outermost) forbids framing by other sites and content sniffing.
"""

from __future__ import annotations

import gc
import importlib.util
import logging
import os
import sys
from pathlib import Path
from typing import Any

import gradio as gr
import uvicorn
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from assistant.api.app import create_api
from assistant.api.connections import guarded_protocol
from assistant.api.executors import build_pools
from assistant.api.guards import HostGuard
from assistant.api.headers import SecurityHeaders
from assistant.api.session_binding import GradioSessionBinding
from assistant.api.surface import GradioSurface
from assistant.api.upload_quota import UploadLedger
from assistant.auth.accounts import Accounts
from assistant.auth.exposure import check_exposure
from assistant.core.settings import Settings
from assistant.export.pdf import clean_stale_work, work_root
from assistant.service.factory import build_service
from assistant.service.service import Service
from assistant.store.sql import Store
from ui.app import build_ui

SWITCH_INTERVAL = 0.001


def gradio_dir(settings: Settings) -> Path:
    return (settings.data_dir / "gradio").resolve()


def use_private_gradio_dir(settings: Settings) -> Path:
    """Gradio's upload cache: ours, 0700, absolute (Gradio does not resolve GRADIO_TEMP_DIR)."""
    directory = gradio_dir(settings)
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    os.environ["GRADIO_TEMP_DIR"] = str(directory)
    return directory


def create_app(settings: Settings, service: Service | None = None) -> FastAPI:
    """The ASGI app: API routes first, then the UI mounted at / (so /api/* is never shadowed)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    use_private_gradio_dir(settings)  # before any Blocks is built: each block reads it once
    clean_stale_work(work_root(settings.data_dir))  # PDF conversions a killed process left (see export.pdf)
    mark_matplotlib_absent()
    service = service or build_service(settings, progress=True)
    service.purge_deleted_applications()  # deleted longer ago than deleted_retention_days (also on each delete)
    warm_up(service)
    accounts = Accounts(service.store, settings)
    pools = build_pools(settings)  # one line for model work across the API and the UI
    app = create_api(service, accounts, settings, pools)
    blocks = build_ui(service, accounts, settings, pools.turns)
    app = gr.mount_gradio_app(app, blocks, path="", **_ui_mount_options(blocks, settings))
    # Gradio checks FileData paths only "after launch" (processing_utils._check_allowed); switch it on.
    blocks.has_launched = True
    app.add_middleware(GradioSessionBinding, settings=settings)  # results only to the page/login that asked
    app.add_middleware(
        GradioSurface,
        settings=settings,
        accounts=accounts,
        known_session=lambda session: session in blocks._queue.pending_messages_per_session,
        uploads=UploadLedger(settings, gradio_dir(settings)),
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origin_list,
        allow_credentials=bool(settings.cors_origin_list),
        allow_methods=["GET", "POST", "PATCH", "DELETE"],
        allow_headers=["authorization", "content-type", "accept"],
    )
    app.add_middleware(HostGuard, settings=settings)
    app.add_middleware(SecurityHeaders, settings=settings)  # outermost: every response, refusals included
    return app


def mark_matplotlib_absent() -> None:
    """Gradio wraps every event's output in a matplotlib backend switch that imports matplotlib twice per
    event; without matplotlib installed each failed import searched the whole ``sys.path`` (file-system
    calls holding the interpreter lock, 1–2 % of a 50-user run). ``None`` in ``sys.modules`` makes that
    import fail at once; only done when matplotlib is really not installed."""
    if "matplotlib" not in sys.modules and importlib.util.find_spec("matplotlib") is None:
        sys.modules["matplotlib"] = None  # type: ignore[assignment]


def freeze_start_up_objects() -> None:
    """Leave what start-up built (the app, the models, the index: about 400,000 objects) out of every later
    garbage collection. Each full collection traversed them all, holding the interpreter lock for 250–300 ms
    every half minute under 50 users: every request in flight, health checks included, stopped that long."""
    gc.collect()
    gc.freeze()


def warm_up(service: Service) -> None:
    """Load what the first turn would otherwise load while others wait on it (the search index, jieba,
    the query embedder): about a second of one thread holding the interpreter, paid at start instead."""
    knowledge = getattr(service, "knowledge", None)
    if knowledge is not None:
        try:
            knowledge.search("申报截止时间", k=1)
        except Exception:  # noqa: BLE001 - a warm-up that fails only means the first turn is slower
            logging.getLogger(__name__).warning("warm-up search failed", exc_info=True)


def _ui_mount_options(blocks: Any, settings: Settings) -> dict:
    options = dict(getattr(blocks, "mount_options", {}))
    options.update(
        run_history=False,  # the browser would keep every event's inputs in localStorage
        enable_monitoring=False,  # /monitoring/summary is open unless this is exactly False
        blocked_paths=[str(p.resolve()) for p in (settings.sqlite_path, settings.chroma_path) if p is not None],
    )
    return options


def serve(settings: Settings) -> int:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # A thread that wants the interpreter lock waits for the holder's time slice (5 ms by default) and
    # for every other busy thread's: with chat turns computing, a health check waited seconds. Shorter
    # slices hand the lock round faster; the cost is a little throughput on long computations.
    sys.setswitchinterval(SWITCH_INTERVAL)
    check_exposure(settings, Accounts(Store.from_settings(settings), settings).count_users())
    app = create_app(settings)
    freeze_start_up_objects()
    print(f"申报助手已启动：http://{settings.host}:{settings.port}/ （按 Ctrl+C 停止）", file=sys.stderr)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        http=guarded_protocol(settings),  # header/body timeouts and a connection cap (assistant.api.connections)
    )
    return 0
