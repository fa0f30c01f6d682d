"""Issue 25, item 5: no other page may frame the UI (clickjacking), and no response may be sniffed.

A page on another port of the same host used to frame the UI logged in as staff (the
Lax cookie rides along within one site), so a transparent overlay could make staff
click 导入知识库 or 删除. Every response now carries ``Content-Security-Policy:
frame-ancestors 'self'`` (configurable), ``X-Frame-Options: SAMEORIGIN`` and
``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.ui.conftest import free_port

from .conftest import PASSWORD, Server

pytestmark = pytest.mark.slow  # a served process, a shell run or an evaluation floor: make test, not make test-fast

FRAMER = """<!doctype html><title>奖品领取</title><p>点击领取</p>
<iframe id="victim" src="{target}" width="1200" height="800"></iframe>"""


@pytest.fixture
def framer(secure: Server) -> Iterator[str]:
    """A page on another port of 127.0.0.1 that frames the app."""
    port = free_port()
    body = FRAMER.format(target=secure.url).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_a_page_on_another_port_cannot_frame_the_staff_ui(secure: Server, browser_context, framer: str) -> None:
    staff = browser_context.request.post(f"{secure.url}api/login", data={"username": "sec-staff", "password": PASSWORD})
    assert staff.ok
    own = browser_context.new_page()
    own.goto(secure.url)
    own.locator("#main").wait_for(state="visible")  # the cookie does log the browser in
    page = browser_context.new_page()
    with page.expect_response(lambda r: r.url == secure.url) as framed:
        page.goto(framer)
    assert framed.value.status == 200  # the frame's request was made, with the cookie
    page.wait_for_load_state("load")
    frames = [f for f in page.frames if f != page.main_frame]
    assert len(frames) == 1
    frame = frames[0]
    assert frame.url != secure.url or frame.locator("gradio-app").count() == 0
    assert frame.locator("#main").count() == 0 and frame.locator("#login").count() == 0
    assert not any(f.url.startswith(secure.url) and f.locator("gradio-app").count() for f in page.frames)


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("GET", "", {}),
        ("GET", "config", {}),
        ("GET", "api/health", {}),
        ("GET", "api/applications", {}),  # 401
        ("GET", "api/nothing-here", {}),  # 404
        ("GET", "monitoring", {}),  # closed Gradio route
        ("GET", "api/health", {"Host": "evil.example"}),  # refused Host
        ("POST", "api/applications", {"Origin": "https://evil.example"}),  # cross-site write
        ("GET", "gradio_api/file=/etc/passwd", {}),  # needs login
    ],
)
def test_every_response_forbids_framing_and_sniffing(secure: Server, method: str, path: str, headers: dict) -> None:
    with secure.client() as client:
        response = client.request(method, path, headers=headers)
    assert "frame-ancestors 'self'" in response.headers.get("content-security-policy", ""), response.headers
    assert response.headers.get("x-frame-options") == "SAMEORIGIN"
    assert response.headers.get("x-content-type-options") == "nosniff"


@pytest.mark.parametrize(
    ("setting", "policy", "legacy"),
    [
        ("'self'", "frame-ancestors 'self'", "SAMEORIGIN"),
        ("'none'", "frame-ancestors 'none'", "DENY"),
        ("'self' https://portal.example.com", "frame-ancestors 'self' https://portal.example.com", None),
    ],
)
def test_frame_ancestors_is_configurable(setting: str, policy: str, legacy: str | None) -> None:
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from assistant.api.headers import SecurityHeaders
    from assistant.core.settings import Settings

    inner = Starlette(routes=[Route("/", lambda request: PlainTextResponse("ok"))])
    app = SecurityHeaders(inner, Settings(frame_ancestors=setting, _env_file=None))
    response = TestClient(app).get("/")
    assert response.headers["content-security-policy"] == policy
    assert response.headers.get("x-frame-options") == legacy
    assert response.headers["x-content-type-options"] == "nosniff"
