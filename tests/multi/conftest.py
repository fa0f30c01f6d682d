"""One real PostgreSQL and one real ``chroma run`` for the whole session, shared by two "instances".

Skipped with the reason when either cannot start (binaries missing, not permitted here).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.core.settings import Settings
from tests.servers import ChromaServer, PostgresServer, start_or_skip


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = start_or_skip(PostgresServer)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chroma_server() -> Iterator[ChromaServer]:
    server = start_or_skip(ChromaServer)
    yield server
    server.stop()


@pytest.fixture
def pg_url(postgres: PostgresServer) -> str:
    return postgres.new_database()


@pytest.fixture
def chroma(chroma_server: ChromaServer) -> ChromaServer:
    chroma_server.clear()  # one server for the session: every test starts with no collections
    return chroma_server


def http_settings(data_dir: Path, chroma: ChromaServer, **extra: object) -> Settings:
    """Settings of one app instance (its own data directory) on the shared Chroma server."""
    return Settings(
        data_dir=data_dir, embedder="hash", chroma_mode="http", chroma_host=chroma.host, chroma_port=chroma.port,
        _env_file=None, **extra,
    )
