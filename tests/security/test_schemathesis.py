"""Fuzz the documented API (``/api/openapi.json``) with schemathesis: no request may cause a 5xx.

Run against a real server started for the test, anonymously, logged in as an applicant,
as staff on the call's routes, and as an administrator on the account routes (issue 25),
with a fixed seed and a small example budget so each run stays well under a minute.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import Server

pytestmark = pytest.mark.slow  # a served process, a shell run or an evaluation floor: make test, not make test-fast

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
MAX_EXAMPLES = "8"


def run_schemathesis(server: Server, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    args = [str(SCHEMATHESIS), "run", f"{server.url}api/openapi.json", "--checks", "not_a_server_error"]
    args += ["--max-examples", MAX_EXAMPLES, "--phases", "examples,fuzzing", "--seed", "10"]
    args += ["--workers", "4", "--request-timeout", "20", "--no-color"]
    args += list(extra)
    return subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(not SCHEMATHESIS.exists() and not shutil.which("schemathesis"), reason="schemathesis missing")
def test_no_5xx_on_the_staff_routes_of_the_call(secure: Server, tmp_path: Path) -> None:
    """The call's process (tag 评审) as staff: the routes applicants are refused are fuzzed too."""
    extra = ["-H", f"Authorization:Bearer {secure.token('sec-staff')}", "--include-tag", "评审"]
    result = run_schemathesis(secure, tmp_path, *extra)
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "Server error" not in output, output[-6000:]


@pytest.mark.skipif(not SCHEMATHESIS.exists() and not shutil.which("schemathesis"), reason="schemathesis missing")
@pytest.mark.parametrize("identity", ["anonymous", "applicant", "admin"])
def test_no_5xx_anywhere_in_the_api(secure: Server, tmp_path: Path, identity: str) -> None:
    # logged in, /api/logout would end the very session the run uses
    users = {"applicant": "fuzz", "admin": "fuzz-admin"}
    extra = []
    if identity != "anonymous":
        extra = ["-H", f"Authorization:Bearer {secure.token(users[identity])}", "--exclude-path", "/api/logout"]
    if identity == "admin":  # the account routes of issue 25, as the one role that may use them
        extra += ["--include-path-regex", "^/api/(users|me)"]
    result = run_schemathesis(secure, tmp_path, *extra)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert "Server error" not in output, output[-6000:]
    if identity == "applicant":
        assert "- GET /api/me\n" not in output, output[-3000:]  # the token really was used (403 on /users is right)
    if identity == "admin":  # /me, /me/password, /users, /users/log and the five per-user routes
        assert "Tested: 9" in output, output[-3000:]
