"""Issue 25, item 10: a database that cannot be reached is one Chinese line for the operator.

``users list`` and ``serve`` with an unreachable PostgreSQL URL printed a 126-line
traceback (with the URL's parts scattered through it). Now they print one line that
names the host and port, never the password, and says what to check; exit code 2.
"""

from __future__ import annotations

import pytest

from tests.api.test_cli_users import run_cli
from tests.servers import PostgresServer, start_or_skip
from tests.ui.conftest import free_port

pytestmark = pytest.mark.slow  # a served process, a shell run or an evaluation floor: make test, not make test-fast

SECRET = "s3cret-db-pass"


def assert_one_chinese_line(result, *needles: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr and SECRET not in result.stderr + result.stdout
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.mark.parametrize("command", [["users", "list"], ["serve", "--port", "9"]], ids=["users-list", "serve"])
def test_an_unreachable_postgresql_is_one_line_naming_the_host(tmp_path, monkeypatch, command) -> None:
    port = free_port()  # nothing listens here
    monkeypatch.setenv("CASE_ASSISTANT_DATABASE_URL", f"postgresql+psycopg://app:{SECRET}@127.0.0.1:{port}/cases")
    result = run_cli(tmp_path, *command)
    assert_one_chinese_line(result, f"127.0.0.1:{port}", "无法连接数据库", "CASE_ASSISTANT_DATABASE_URL")


@pytest.mark.parametrize(
    "url", ["postgresql+psycopg://app:" + SECRET + "@[bad/cases", "mysql://app:" + SECRET + "@127.0.0.1/cases"]
)
def test_a_malformed_or_unsupported_url_is_one_line(tmp_path, monkeypatch, url) -> None:
    monkeypatch.setenv("CASE_ASSISTANT_DATABASE_URL", url)
    result = run_cli(tmp_path, "users", "list")
    assert_one_chinese_line(result, "CASE_ASSISTANT_DATABASE_URL")


@pytest.fixture(scope="module")
def postgres():
    server = start_or_skip(PostgresServer)
    yield server
    server.stop()


@pytest.mark.parametrize(
    ("user", "database", "needle"),
    [("ghost", None, "用户名或密码"), ("postgres", "no_such_db", "数据库“no_such_db”不存在")],
    ids=["unknown-user", "missing-database"],
)
def test_a_refused_login_or_missing_database_says_which(
    tmp_path, monkeypatch, postgres, user, database, needle
) -> None:
    url = postgres.new_database()  # postgresql+psycopg://postgres@127.0.0.1:PORT/NAME (trust authentication)
    host_and_db = url.split("@", 1)[1]
    host, _, name = host_and_db.partition("/")
    monkeypatch.setenv("CASE_ASSISTANT_DATABASE_URL", f"postgresql+psycopg://{user}:{SECRET}@{host}/{database or name}")
    result = run_cli(tmp_path, "users", "list")
    assert_one_chinese_line(result, needle, host)
