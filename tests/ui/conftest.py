"""Browser-test fixtures: the real server (plus the fake model server) as subprocesses, and headless Chromium.

Why subprocesses: the test must exercise exactly what ``case-assistant serve``
runs — the FastAPI app, the mounted Gradio UI, uvicorn — over loopback HTTP.
Why the system Chromium: no browser download is possible (or wanted) on the
closed network; Playwright drives ``/usr/bin/chromium`` through ``executable_path``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT = 90.0
STAFF_USER = "staff1"
STAFF_PASSWORD = "ui-test-password"


@dataclass
class RunningServer:
    url: str
    process: subprocess.Popen
    log: Path
    env: dict[str, str] | None = None

    def add_user(self, username: str, password: str, role: str = "applicant") -> None:
        """Create an account with the CLI, as an administrator would (the server sees it at once)."""
        add_account(self.env or {}, username, password, role)


def add_account(env: dict[str, str], username: str, password: str, role: str) -> None:
    command = [sys.executable, "-m", "assistant.cli", "users", "add", username, "--role", role]
    add = subprocess.run(command, cwd=REPO, env=env, input=password + "\n", capture_output=True, text=True, timeout=60)
    assert add.returncode == 0, add.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float = START_TIMEOUT) -> None:
    """Poll ``url`` until it answers 200; fail with the server's log if it dies or times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"{url} did not answer within {timeout}s:\n{log.read_text(errors='replace')[-4000:]}")


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    handle = log.open("wb")
    return subprocess.Popen(args, cwd=REPO, env=env, stdout=handle, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _clean_env() -> dict[str, str]:
    """No inherited CASE_ASSISTANT_* (a developer's .env must not leak in); no proxies (loopback only)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASE_ASSISTANT_") and "proxy" not in k.lower()}
    env.update(
        GRADIO_ANALYTICS_ENABLED="False",
        HF_HUB_OFFLINE="1",
        HF_HUB_DISABLE_TELEMETRY="1",
        ANONYMIZED_TELEMETRY="False",
        PYTHONUNBUFFERED="1",
        NO_PROXY="127.0.0.1,localhost",
    )
    return env


@pytest.fixture(scope="session")
def ui_work_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ui-server")


@pytest.fixture(scope="session")
def fake_model(ui_work_dir: Path) -> Iterator[str]:
    """The fake OpenAI-compatible server; yields its /v1 base URL."""
    port = free_port()
    log = ui_work_dir / "fake-openai.log"
    # The realistic fake writes like real chat models (think blocks, preambles, Markdown, 1.5x length,
    # an invented figure) and reads no product markers, so the UI is tested against what it will meet.
    command = [sys.executable, "-m", "tests.fakes.realistic_model", "--port", str(port), "--behaviours", "realistic"]
    process = start(command, _clean_env(), log)
    try:
        wait_for(f"http://127.0.0.1:{port}/v1/models", process, log)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        stop(process)


def _serve(port: int, env: dict[str, str], log: Path) -> Iterator[RunningServer]:
    """Run ``case-assistant serve`` until the fixture using it is torn down."""
    process = start([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)], env, log)
    try:
        wait_for(f"http://127.0.0.1:{port}/api/health", process, log)
        yield RunningServer(url=f"http://127.0.0.1:{port}/", process=process, log=log, env=env)
    finally:
        stop(process)


@pytest.fixture(scope="session")
def app_server(ui_work_dir: Path, fake_model: str) -> Iterator[RunningServer]:
    """``case-assistant serve`` on a free loopback port, model mode against the fake server, local mode."""
    port = free_port()
    env = _clean_env()
    env.update(
        CASE_ASSISTANT_DATA_DIR=str(ui_work_dir / "data"),
        CASE_ASSISTANT_EMBEDDER="hash",
        CASE_ASSISTANT_LLM_BASE_URL=fake_model,
        CASE_ASSISTANT_LLM_MODEL="fake-model",
        CASE_ASSISTANT_LLM_API_KEY="test-key",
    )
    yield from _serve(port, env, ui_work_dir / "server.log")


@pytest.fixture(scope="session")
def offline_server(ui_work_dir: Path) -> Iterator[RunningServer]:
    """``case-assistant serve`` as ``make run`` starts it: offline drafting, local mode (no accounts)."""
    env = _clean_env()
    env.update(CASE_ASSISTANT_DATA_DIR=str(ui_work_dir / "data-offline"), CASE_ASSISTANT_EMBEDDER="hash")
    yield from _serve(free_port(), env, ui_work_dir / "server-offline.log")


@pytest.fixture(scope="session")
def accounts_server(ui_work_dir: Path) -> Iterator[RunningServer]:
    """A second server with one staff account (so login is required), offline drafting."""
    env = _clean_env()
    env.update(CASE_ASSISTANT_DATA_DIR=str(ui_work_dir / "data-accounts"), CASE_ASSISTANT_EMBEDDER="hash")
    add_account(env, STAFF_USER, STAFF_PASSWORD, "staff")
    yield from _serve(free_port(), env, ui_work_dir / "server-accounts.log")


_SHARED: dict[str, Any] = {"users": 0}


@contextmanager
def shared_chromium() -> Iterator[Any]:
    """One Playwright and one Chromium per test process, however many suites ask for it.

    Playwright's sync API cannot run twice at once in one process, so tests/ui and
    tests/security share this instance; it closes when its last user is done.
    """
    if not CHROMIUM.exists():
        pytest.skip("system Chromium not installed (apt-get install chromium fonts-wqy-zenhei)")
    if not _SHARED["users"]:
        from playwright.sync_api import sync_playwright

        _SHARED["playwright"] = sync_playwright().start()
        _SHARED["browser"] = _SHARED["playwright"].chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
    _SHARED["users"] += 1
    try:
        yield _SHARED["browser"]
    finally:
        _SHARED["users"] -= 1
        if not _SHARED["users"]:
            _SHARED.pop("browser").close()
            _SHARED.pop("playwright").stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    with shared_chromium() as chromium:
        yield chromium


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Path:
    """Screenshots go to test-output/ui/<test name>/ so they outlive the run and can be looked at."""
    directory = REPO / "test-output" / "ui" / request.node.name
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture(autouse=True, scope="session")
def _wait_on_state_not_on_a_clock() -> None:
    """``expect`` polls the page until what it waits for is there; its default gives up after 5 s, which a loaded
    machine passed while the page was still on its way (issue 28: 创建 waited 5 s for the selector). The bound
    is a generous ceiling for a stuck page, not a speed assertion."""
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)


@pytest.fixture
def context(browser: object) -> Iterator[object]:
    """A fresh browser profile per test: empty localStorage, so no session or last application leaks in."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1600, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(30_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(context: object) -> object:
    return context.new_page()
