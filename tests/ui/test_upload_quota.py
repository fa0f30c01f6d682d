"""The web UI's upload route: an applicant's 251st MB is refused, in Chinese, and others can still upload.

The attack (issue 24): an applicant pushed 250 MB in one second through ``/gradio_api/upload``; Gradio
keeps such files for an hour, and on a small disk everybody then got 507 on saving and on login.
Now each user may upload ``upload_quota_mb`` (250 MB) within the time Gradio keeps files, everybody
together ``upload_total_mb``. Real server (``case-assistant serve``, accounts on), real multipart
uploads over loopback, the defaults unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.test_kill_restart import FULL_SERVE, running_server
from tests.ui.conftest import add_account

PASSWORD = "upload-quota-password"
MB = 1024 * 1024
CHUNK = 10 * MB  # under the 20 MB a file may have


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    data_dir = tmp_path / "data"
    env = {**os.environ, "CASE_ASSISTANT_DATA_DIR": str(data_dir), "CASE_ASSISTANT_EMBEDDER": "hash"}
    for name in ("pusher", "other"):
        add_account(env, name, PASSWORD, "applicant")
    with running_server(FULL_SERVE, data_dir, tmp_path / "server.log") as (_, client):
        cookies = {}
        for name in ("pusher", "other"):
            cookies[name] = client.post("/api/login", json={"username": name, "password": PASSWORD}).json()["token"]
        yield client, cookies


def _upload(client: httpx.Client, token: str, size: int) -> httpx.Response:
    files = {"files": ("图片.jpg", b"\xff\xd8\xff" + b"\0" * (size - 3), "image/jpeg")}
    return client.post("/gradio_api/upload", files=files, cookies={"case_assistant_session": token}, timeout=120)


def test_the_251st_megabyte_is_refused(server) -> None:
    client, tokens = server
    for n in range(250 * MB // CHUNK):
        response = _upload(client, tokens["pusher"], CHUNK)
        assert response.status_code == 200, (n, response.text[:200])
    refused = _upload(client, tokens["pusher"], MB)
    assert refused.status_code == 413, refused.text[:200]
    body = refused.json()
    assert body["code"] == "upload_quota" and "250MB" in body["error"], body
    assert _upload(client, tokens["other"], MB).status_code == 200  # the quota is the pusher's, not everyone's
    assert client.get("/api/health").json()["status"] == "ok"
