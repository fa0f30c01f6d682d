"""Half-open connections and stalled bodies cannot take the server down; unknown Gradio sessions get a 404.

The attacks (issue 24): thousands of connections that send a few header bytes and then nothing (no
login needed) made every health check fail; a body that stops arriving holds its request forever;
an anonymous ``GET /gradio_api/queue/data?session_hash=<unknown>`` wrote a 15 KB traceback to the
log each time. Real server (``case-assistant serve``) with short limits so the test is quick:
``header_timeout`` 1 s, ``body_timeout`` 1 s, ``max_connections`` 100.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .test_kill_restart import FULL_SERVE, running_server

pytestmark = pytest.mark.slow  # a served process, a shell run or an evaluation floor: make test, not make test-fast

HALF_OPEN = 600  # six times the connection cap


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[httpx.Client, int, Path]]:
    limits = {
        "CASE_ASSISTANT_HEADER_TIMEOUT": "1",
        "CASE_ASSISTANT_BODY_TIMEOUT": "1",
        "CASE_ASSISTANT_MAX_CONNECTIONS": "100",
    }
    log = tmp_path / "server.log"
    with running_server(FULL_SERVE, tmp_path / "data", log, **limits) as (_, client):
        port = int(str(client.base_url).rsplit(":", 1)[1].strip("/"))
        yield client, port, log


def _half_open(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")  # and never the rest
    return sock


def _closed_by_server(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        return sock.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def _wait(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_half_open_connections_are_closed_and_health_keeps_answering(server) -> None:
    client, port, _ = server
    sockets = []
    worst = 0.0
    for n in range(HALF_OPEN):
        sockets.append(_half_open(port))
        if n % 50 == 0:  # a fresh connection each time, as a monitor would open
            started = time.monotonic()
            assert httpx.get(f"{client.base_url}/api/health", timeout=10).status_code == 200
            worst = max(worst, time.monotonic() - started)
    assert worst < 1.0, f"health took {worst:.2f} s among half-open connections"
    # The cap keeps at most 100 open (the oldest half-open ones go first); the rest time out in a second.
    _wait(lambda: all(_closed_by_server(s) for s in sockets), 15, "half-open connections should be closed")
    for sock in sockets:
        sock.close()


def test_a_stalled_body_is_cut_off(server) -> None:
    _, port, _ = server
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    head = (
        b"POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 1000\r\n\r\n"
    )
    sock.sendall(head + b'{"username": "')  # then nothing
    _wait(lambda: _closed_by_server(sock), 15, "a body that stops arriving should be cut off")
    sock.close()


def test_an_unknown_gradio_session_gets_a_short_404_and_one_log_line(server) -> None:
    client, _, log = server
    before = log.read_text(errors="replace") if log.exists() else ""
    for _ in range(3):
        response = client.get("/gradio_api/queue/data", params={"session_hash": "nobody-knows-this"})
        assert response.status_code == 404 and response.json()["code"] == "unknown_session"
        assert len(response.content) < 200
    time.sleep(0.5)
    added = log.read_text(errors="replace")[len(before) :]
    assert "Traceback" not in added, added[-2000:]
    assert added.count("unknown session") == 3 and len(added.splitlines()) == 3, added[-2000:]
