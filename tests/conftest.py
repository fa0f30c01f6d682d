"""Shared test set-up: offline environment for every test; the fake OpenAI server fixture."""

from __future__ import annotations

import pytest

from assistant.core.resources import configure_offline_environment

pytest_plugins = ["tests.fakes.fixtures"]


@pytest.fixture(autouse=True, scope="session")
def _offline_environment() -> None:
    configure_offline_environment()


# What `make test-fast` leaves out: tests that need a browser, LibreOffice or a database/Chroma server.
_HEAVY_DIRS = {"ui", "multi"}
_HEAVY_FIXTURES = {"postgres", "chroma_server", "pg_url", "app_server", "offline_server"}
_HEAVY_FIXTURES |= {"browser", "page", "browser_context", "chromium"}
_HEAVY_SOURCE = ("docx_to_pdf", "soffice", "pdffonts", "pdftotext", '"--pdf"', "/pdf")


def _module_needs_heavy_parts(path: str, seen: dict[str, bool]) -> bool:
    if path not in seen:
        try:
            text = open(path, encoding="utf-8").read()  # noqa: PTH123 - once per module
        except OSError:
            text = ""
        seen[path] = any(marker in text for marker in _HEAVY_SOURCE)
    return seen[path]


def _runs_on_postgresql(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    return callspec is not None and "postgresql" in callspec.params.values()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark ``heavy`` every test that needs Chromium, LibreOffice, PostgreSQL or a Chroma server (see Makefile)."""
    seen: dict[str, bool] = {}
    for item in items:
        parts = set(item.path.relative_to(config.rootpath).parts[1:-1])
        fixtures = set(getattr(item, "fixturenames", ()))
        if (
            parts & _HEAVY_DIRS
            or fixtures & _HEAVY_FIXTURES
            or _runs_on_postgresql(item)
            or _module_needs_heavy_parts(str(item.path), seen)
        ):
            item.add_marker(pytest.mark.heavy)
