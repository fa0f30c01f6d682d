"""Attacks on the mounted Gradio app: forged file paths, anonymous uploads and downloads, /config.

Each test is written as the attack from issue 10 and asserts that it achieves nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ui.staff import StaffDesk

from .conftest import Server, fn_index, gradio_call, gradio_config

pytestmark = pytest.mark.slow  # a served process, a shell run or an evaluation floor: make test, not make test-fast

SECRET = "绝密：这是服务器上一个只有root能读的文件"


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret-notice.txt"
    path.write_text(f"关于申报的通知\n{SECRET}\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def forged(path: Path) -> dict:
    return {"path": str(path), "orig_name": path.name, "meta": {"_type": "gradio.FileData"}}


def copies_of_secret(server: Server) -> list[Path]:
    found = []
    for path in server.gradio_dir.rglob("*"):
        if path.is_file() and SECRET.encode() in path.read_bytes():
            found.append(path)
    return found


def assert_not_ingested(server: Server, headers: dict[str, str], cookies: dict[str, str] | None = None) -> None:
    with server.client(cookies=cookies) as client:
        docs = client.get("api/knowledge", headers=headers).json()
        answer = client.post("api/ask", json={"question": "只有root能读的文件写了什么？"}, headers=headers)
    assert all(d["source"] != "secret-notice.txt" for d in docs), docs
    assert SECRET not in answer.text


def test_forged_path_to_the_knowledge_upload_is_refused(secure: Server, secret_file: Path) -> None:
    token = secure.token("sec-staff")
    cookies = {"case_assistant_session": token}
    index = fn_index(gradio_config(secure, cookies), "kb-upload")
    result = gradio_call(secure, index, [[forged(secret_file)], "notice"], cookies=cookies)
    assert result.get("success") is not True or "导入完成" not in json.dumps(result, ensure_ascii=False)
    assert_not_ingested(secure, {"Authorization": f"Bearer {token}"})
    assert copies_of_secret(secure) == []  # not even copied into Gradio's cache


def test_forged_path_in_local_mode_and_in_any_input(local: Server, secret_file: Path) -> None:
    config = gradio_config(local)
    upload = gradio_call(local, fn_index(config, "kb-upload"), [[forged(secret_file)], "notice"])
    # a FileData in a Textbox (the second input is the page's Q&A history, a gr.State the page sends as null)
    ask = gradio_call(local, fn_index(config, "qa-ask"), [forged(secret_file), None])
    assert SECRET not in json.dumps([upload, ask], ensure_ascii=False)
    assert_not_ingested(local, {})
    assert copies_of_secret(local) == []


def test_handler_accepts_only_paths_from_the_upload_route(tmp_path: Path) -> None:
    desk = StaffDesk(service=None, sessions=None, max_files=2)  # type: ignore[arg-type]
    inside = tmp_path / "a.txt"
    desk.is_uploaded = lambda path: path == str(inside)
    assert desk.checked_paths([str(inside)]) == [inside]
    from assistant.core.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="文件无效"):
        desk.checked_paths(["/etc/passwd"])
    with pytest.raises(InvalidInputError, match="最多导入2个"):
        desk.checked_paths([str(inside)] * 3)


def test_anonymous_upload_is_refused_and_limits_are_in_chinese(secure: Server) -> None:
    files = [("files", ("a.txt", b"hello", "text/plain"))]
    with secure.client() as anonymous:
        refused = anonymous.post("gradio_api/upload", files=files)
    assert refused.status_code == 401 and "请先登录" in refused.json()["error"]
    cookies = {"case_assistant_session": secure.token("sec-staff")}
    with secure.client(cookies=cookies) as staff:
        assert staff.post("gradio_api/upload", files=files).status_code == 200
        big = staff.post("gradio_api/upload", files=[("files", ("big.txt", b"x" * (1024 * 1024 + 10), "text/plain"))])
        many = staff.post(
            "gradio_api/upload", files=[("files", (f"{i}.txt", b"x" * 900_000, "text/plain")) for i in range(6)]
        )
    for response in (big, many):
        assert response.status_code == 413, response.text
        assert "单个文件最多1MB" in response.json()["error"]


def test_anonymous_file_download_is_refused(secure: Server) -> None:
    cookies = {"case_assistant_session": secure.token("sec-staff")}
    with secure.client(cookies=cookies) as staff:
        path = staff.post("gradio_api/upload", files=[("files", ("n.txt", b"note", "text/plain"))]).json()[0]
        assert staff.get(f"gradio_api/file={path}").status_code == 200
    with secure.client() as anonymous:
        response = anonymous.get(f"gradio_api/file={path}")
    assert response.status_code == 401 and b"note" not in response.content


def test_config_publishes_no_secret_and_unused_routes_are_closed(secure: Server) -> None:
    config = gradio_config(secure)
    states = [c["props"] for c in config["components"] if c["type"] == "browserstate"]
    assert all(p.get("storage_key") != "case-assistant-token" for p in states)  # no session token in the browser
    assert config.get("run_history") is False
    token = secure.token("sec-alice")
    assert token not in json.dumps(gradio_config(secure, {"case_assistant_session": token}))
    with secure.client() as anonymous:
        for path in ("monitoring", "monitoring/summary", "gradio_api/call/lambda_6", "gradio_api/startup-events"):
            assert anonymous.get(path).status_code == 404, path
        login_event = anonymous.post("gradio_api/call/lambda_6", json={"data": ["sec-alice", "x"]})
        assert login_event.status_code == 404
    mode = oct(secure.gradio_dir.stat().st_mode & 0o777)
    assert mode == "0o700"
