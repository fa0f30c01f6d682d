"""Issue 25, item 3: the login lockout under parallel requests and across instances.

The throttle used to test the account's failure count, check the password, and only
then count the failure: 20 logins sent at once (19 wrong, then the right one) all
passed the test before any failure was counted, so all 20 passwords were checked and
the last one logged in. Now every attempt takes a slot *before* its password is
hashed, so at most ``login_max_failures`` passwords are ever checked per window: in
one process, and on PostgreSQL across instances sharing the database.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from assistant.auth import accounts as accounts_module
from assistant.auth.accounts import Accounts
from assistant.core.settings import Settings
from assistant.store.sql import Store
from tests.api.conftest import FAST_SCRYPT_N, PASSWORD
from tests.servers import PostgresServer, start_or_skip

from .conftest import PASSWORD as SERVER_PASSWORD
from .conftest import Server

ATTEMPTS = 20
MAX_FAILURES = 5


class CheckCounter:
    """Counts password checks (each is one scrypt) and holds them until all attempts are in flight."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, release: threading.Event) -> None:
        self.count = 0
        self._lock = threading.Lock()
        real = accounts_module.verify_password

        def counting(password: str, stored: str) -> bool:
            with self._lock:
                self.count += 1
            release.wait(10)  # the slow hash: every other attempt arrives meanwhile
            return real(password, stored)

        monkeypatch.setattr(accounts_module, "verify_password", counting)


def burst(instances: list[Accounts], release: threading.Event) -> list[int]:
    """19 wrong passwords, then the right one, all at once, spread over the instances."""
    passwords = [f"wrong-{i}" for i in range(ATTEMPTS - 1)] + [PASSWORD]
    started = threading.Barrier(ATTEMPTS)

    def attempt(i: int) -> int:
        started.wait()
        if i == ATTEMPTS - 1:
            threading.Timer(1.0, release.set).start()  # let the others reach the check first
        try:
            instances[i % len(instances)].login("alice", passwords[i], client=f"10.0.0.{i}")
        except Exception as exc:  # noqa: BLE001 - the status is what the client would see
            return getattr(exc, "status_code", 500)
        return 200

    with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
        return list(pool.map(attempt, range(ATTEMPTS)))


def accounts_on(url: str | Path, data_dir: Path) -> Accounts:
    settings = Settings(data_dir=data_dir, embedder="hash", login_concurrency=ATTEMPTS, _env_file=None)
    return Accounts(Store.open(url), settings, scrypt_n=FAST_SCRYPT_N)


def test_parallel_logins_check_at_most_the_allowed_passwords(tmp_path: Path, monkeypatch) -> None:
    accounts = accounts_on(tmp_path / "app.sqlite3", tmp_path)
    accounts.add_user("alice", PASSWORD, "applicant")
    release = threading.Event()
    checks = CheckCounter(monkeypatch, release)
    codes = burst([accounts], release)
    assert checks.count <= MAX_FAILURES, (checks.count, codes)
    assert codes.count(429) >= ATTEMPTS - MAX_FAILURES
    assert set(codes) <= {401, 429, 200}


@pytest.fixture(scope="module")
def postgres() -> PostgresServer:
    server = start_or_skip(PostgresServer)
    yield server
    server.stop()


def test_two_instances_on_postgresql_share_one_count(postgres: PostgresServer, tmp_path: Path, monkeypatch) -> None:
    url = postgres.new_database()
    first, second = accounts_on(url, tmp_path / "a"), accounts_on(url, tmp_path / "b")
    first.add_user("alice", PASSWORD, "applicant")
    release = threading.Event()
    checks = CheckCounter(monkeypatch, release)
    codes = burst([first, second], release)
    assert checks.count <= MAX_FAILURES, (checks.count, codes)
    if 200 not in codes:  # the right password was not among the checked ones: the account is now locked
        with pytest.raises(Exception) as locked:
            second.login("alice", PASSWORD, client="10.9.9.9")
        assert getattr(locked.value, "status_code", None) == 429


def test_rest_burst_against_the_real_server(secure: Server) -> None:
    """The same burst over HTTP: every 401 or 200 is a password that was checked."""
    passwords = [f"wrong-{i}" for i in range(ATTEMPTS - 1)] + [SERVER_PASSWORD]

    def attempt(password: str) -> int:
        with httpx.Client(base_url=secure.url, timeout=60, trust_env=False) as client:
            return client.post("api/login", json={"username": "race-rest", "password": password}).status_code

    with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
        codes = list(pool.map(attempt, passwords))
    checked = codes.count(401) + codes.count(200)
    assert checked <= MAX_FAILURES, codes
    if 200 not in codes:
        assert secure.login("race-rest").status_code == 429
