"""Gradio's queue protocol over plain HTTP, as the browser speaks it (for tests and ``make bench``).

The page calls ``POST /gradio_api/queue/join`` with the event's ``fn_index``, the id of the
component that triggered it and the input values, then reads the server-sent events of
``GET /gradio_api/queue/data?session_hash=…`` until ``process_completed``. Events are found in
``/config`` by the ``elem_id`` of their trigger, so nothing here depends on Gradio's numbering.
Imports nothing from the product.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class Message:
    """One server-sent event of the queue, with when it arrived (``time.monotonic()``)."""

    at: float
    kind: str  # estimation, process_starts, process_generating, process_completed, heartbeat, ...
    raw: str  # the event's JSON text (what the page would render is in it)
    body: dict[str, Any]


class QueueClient:
    """One open page: its cookies (the login) and its session hash (Gradio keeps component state per session,
    e.g. the choices of the application list, so ``load()`` must run first, as the page's load event does)."""

    def __init__(self, base_url: str, cookies: dict[str, str] | None = None, timeout: float = 600.0) -> None:
        self.http = httpx.Client(base_url=base_url.rstrip("/"), cookies=cookies or {}, timeout=timeout)
        self.session = uuid.uuid4().hex[:11]
        config = self.http.get("/config").json()
        self.components = {c["id"]: (c.get("props") or {}).get("elem_id") for c in config["components"]}
        self.events: dict[tuple[str, str], tuple[int, int]] = {}
        for dependency in config["dependencies"]:
            for component_id, event in dependency.get("targets") or []:
                elem_id = self.components.get(component_id) or ("page" if event == "load" else None)
                if elem_id:
                    self.events.setdefault((elem_id, event), (dependency["id"], component_id))

    def load(self) -> list[Message]:
        """The page's load event (the session, the application list); returns its messages."""
        return list(self.run("page", "load", [None]))

    def run(self, elem_id: str, event: str, data: list[Any]) -> Iterator[Message]:
        """Trigger ``event`` on the component ``elem_id`` with ``data``; yield its messages until it completes."""
        fn_index, trigger_id = self.events[(elem_id, event)]
        session = self.session
        body = {"data": data, "event_data": None, "fn_index": fn_index, "trigger_id": trigger_id}
        body["session_hash"] = session
        joined = self.http.post("/gradio_api/queue/join", json=body)
        joined.raise_for_status()
        with self.http.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}) as response:
            response.raise_for_status()
            for line in response.iter_lines():
                if not line.startswith("data: "):
                    continue
                raw = line[len("data: ") :]
                message = json.loads(raw)
                yield Message(time.monotonic(), message.get("msg", ""), raw, message)
                if message.get("msg") in ("process_completed", "close_stream", "unexpected_error"):
                    return

    def close(self) -> None:
        self.http.close()
