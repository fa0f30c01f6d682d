"""pytest fixtures for the fake OpenAI-compatible server.

Enable with ``pytest_plugins = ["tests.fakes.fixtures"]`` in ``tests/conftest.py``.
One server per test session (starting uvicorn costs ~0.1 s); every test gets it
reset: empty queue, empty record, the default "compliant model" behaviour.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .openai_server import FakeOpenAIServer


@pytest.fixture(scope="session")
def fake_openai_session() -> Iterator[FakeOpenAIServer]:
    server = FakeOpenAIServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_openai(fake_openai_session: FakeOpenAIServer) -> Iterator[FakeOpenAIServer]:
    """The running fake server, reset for this test; ``.base_url`` ends in ``/v1``."""
    fake_openai_session.reset()
    yield fake_openai_session
    fake_openai_session.reset()
