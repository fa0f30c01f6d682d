"""Shared test set-up: offline environment for every test; the fake OpenAI server fixture."""

from __future__ import annotations

import pytest

from assistant.core.resources import configure_offline_environment

pytest_plugins = ["tests.fakes.fixtures"]


@pytest.fixture(autouse=True, scope="session")
def _offline_environment() -> None:
    configure_offline_environment()
