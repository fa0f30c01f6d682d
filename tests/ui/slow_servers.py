"""A slow model in a process of its own, and what tests need to watch it (shared by tests/api and tests/ui).

The realistic fake runs as ``python -m tests.fakes.realistic_model`` at 10 tokens/s, so its streaming
does not compete for the test process's interpreter with the requests being timed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.ui.conftest import free_port, start, stop, wait_for


class FakeModel:
    """The realistic fake in a process of its own, so its streaming does not compete with the measuring."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._http = httpx.Client(base_url=base_url.removesuffix("/v1"), timeout=10)

    @property
    def streams(self) -> dict[str, int]:
        return self._http.get("/_fake/streams").json()

    def request_count(self) -> int:
        return len(self._http.get("/_fake/requests").json()["requests"])


@contextmanager
def slow_fake(directory: Path) -> Iterator[FakeModel]:
    """The fake at 10 tokens/s in its own process (its log in ``directory``); stopped on the way out."""
    port, log = free_port(), directory / "fake.log"
    command = [sys.executable, "-m", "tests.fakes.realistic_model", "--port", str(port)]
    process = start([*command, "--behaviours", "realistic,slow", "--tps", "10"], dict(os.environ), log)
    try:
        wait_for(f"http://127.0.0.1:{port}/v1/models", process, log)
        yield FakeModel(f"http://127.0.0.1:{port}/v1")
    finally:
        stop(process)
