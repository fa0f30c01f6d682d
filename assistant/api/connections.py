"""Connection hygiene the app controls itself: a request head must arrive in time, a body must keep
coming, and half-open connections cannot fill the server.

Why: uvicorn waits forever for a request head that never completes; 19,970 connections that sent
a few header bytes each (no login needed) made every health check fail for 30 seconds. This is
uvicorn's own HTTP protocol (httptools) with three additions, configured from settings:

* ``header_timeout``: a connection that has not sent a complete request head that long after it
  opened (or after its previous response ended) is closed;
* ``body_timeout``: a request body that stops arriving for that long is cut off (the route sees a
  disconnect); time while uvicorn itself paused reading does not count;
* ``max_connections``: when that many are open, a new connection first evicts the one that has
  waited longest without completing its request head; only if every connection is busy with a
  real request is the newcomer closed.

Behind a reverse proxy the proxy should enforce the same (see SECURITY.md); these stay as the
last line in front of the app.
"""

from __future__ import annotations

import asyncio
import logging
import time

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from assistant.core.settings import Settings

log = logging.getLogger("assistant.connections")


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    header_timeout = 10.0
    body_timeout = 30.0
    max_connections = 2000

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._head_since: float | None = time.monotonic()
        self._head_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None
        if len(self.connections) >= self.max_connections and not self._evict_one():
            self.transport = transport  # connection_lost, which closing calls, expects it
            transport.close()  # every open connection is serving a real request: refuse this one
            return
        super().connection_made(transport)
        self._arm_head_timer()

    def _evict_one(self) -> bool:
        """Close the connection that has waited longest for a complete request head."""
        waiting = [c for c in self.connections if isinstance(c, GuardedHttpToolsProtocol) and c._head_since is not None]
        if not waiting:
            return False
        oldest = min(waiting, key=lambda c: c._head_since or 0.0)
        oldest._close("evicted while waiting for a request head")
        self.connections.discard(oldest)
        return True

    # ---- the request head ----------------------------------------------------------------
    def _arm_head_timer(self) -> None:
        self._cancel(self._head_timer)
        self._head_since = time.monotonic()
        self._head_timer = self.loop.call_later(self.header_timeout, self._head_timed_out)

    def _head_timed_out(self) -> None:
        if self._head_since is not None:
            self._close("no complete request head in time")

    def on_headers_complete(self) -> None:
        self._head_since = None
        self._cancel(self._head_timer)
        super().on_headers_complete()
        if self.cycle is not None and self.cycle.more_body and _has_body(self.headers):
            self._arm_body_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_head_timer()  # the next request's head has the same time to arrive

    # ---- the request body ------------------------------------------------------------------
    def _arm_body_timer(self) -> None:
        self._cancel(self._body_timer)
        self._body_timer = self.loop.call_later(self.body_timeout, self._body_timed_out)

    def _body_timed_out(self) -> None:
        if self.flow is not None and self.flow.read_paused:
            self._arm_body_timer()  # we stopped reading (the app is behind), not the client
            return
        self._close("request body stalled")

    def on_body(self, body: bytes) -> None:
        super().on_body(body)
        if self._body_timer is not None:
            self._arm_body_timer()

    def on_message_complete(self) -> None:
        self._cancel(self._body_timer)
        self._body_timer = None
        super().on_message_complete()

    # ---- closing -----------------------------------------------------------------------------
    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel(getattr(self, "_head_timer", None))
        self._cancel(getattr(self, "_body_timer", None))
        self._head_since = None
        super().connection_lost(exc)

    def _close(self, why: str) -> None:
        self._head_since = None
        self._cancel(self._head_timer)
        self._cancel(self._body_timer)
        if self.transport is not None and not self.transport.is_closing():
            log.debug("closing %s: %s", self.client, why)
            self.transport.close()

    @staticmethod
    def _cancel(timer: asyncio.TimerHandle | None) -> None:
        if timer is not None:
            timer.cancel()


def _has_body(headers: list[tuple[bytes, bytes]] | None) -> bool:
    for name, value in headers or []:
        if name == b"transfer-encoding" or (name == b"content-length" and value.strip() not in (b"", b"0")):
            return True
    return False


def guarded_protocol(settings: Settings) -> type[GuardedHttpToolsProtocol]:
    """The protocol class for ``uvicorn.run(http=...)`` with the limits from settings."""
    return type(
        "ConfiguredHttpProtocol",
        (GuardedHttpToolsProtocol,),
        {
            "header_timeout": settings.header_timeout,
            "body_timeout": settings.body_timeout,
            "max_connections": max(2, settings.max_connections),
        },
    )
