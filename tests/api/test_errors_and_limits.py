"""Errors are Chinese JSON with the right status; limits come from settings; no stack traces."""

from __future__ import annotations

from pathlib import Path

from tests.api.conftest import (
    FIELD,
    World,
    assert_error_body,
    make_world,
    new_application,
)


class BrokenKnowledge:
    """A knowledge base whose every call fails the way a bug would."""

    def list_documents(self):
        raise RuntimeError("secret internal detail /srv/data/app.sqlite3")


def test_an_unexpected_exception_is_a_bare_500_logged_server_side(tmp_path: Path, caplog) -> None:
    world = make_world(tmp_path, knowledge=BrokenKnowledge())
    response = world.client().get("/api/knowledge")
    assert response.status_code == 500
    assert response.json() == {"error": "服务器内部错误，请稍后重试。", "code": "internal"}
    assert "secret" not in response.text and "RuntimeError" not in response.text
    assert any("secret internal detail" in (r.exc_text or "") or r.exc_info for r in caplog.records)


def test_request_validation_is_a_chinese_422(world: World) -> None:
    client = world.client()
    missing = client.post("/api/applications/1/messages", json={"part_id": "intro.problem"})
    assert missing.status_code == 422
    assert missing.json() == {"error": "请求内容不符合要求：text 缺少此项。", "code": "invalid_request"}
    bad_json = client.post("/api/applications", content=b"{not json", headers={"content-type": "application/json"})
    assert bad_json.status_code == 422 and bad_json.json()["error"] == "请求内容不是有效的 JSON。"
    typo = client.post("/api/applications", json={"field": FIELD, "aplicant": "拼错了"})
    assert typo.status_code == 422 and "aplicant 不认识的字段" in typo.json()["error"]
    bad_id = client.get("/api/applications/abc")
    assert bad_id.status_code == 422 and "应为整数" in bad_id.json()["error"]


def test_unknown_paths_and_methods_are_chinese_json(world: World) -> None:
    client = world.client()
    assert client.get("/api/nothing-here").status_code == 404
    assert client.put("/api/applications").status_code == 405
    assert client.get("/docs").status_code == 404  # Swagger UI would load from a CDN: switched off
    assert client.get("/api/openapi.json").json()["info"]["title"].startswith("数据要素×")


def test_service_errors_keep_their_status_and_message(world: World) -> None:
    client = world.client()
    no_field = client.post("/api/applications", json={"applicant": "某公司"})
    assert no_field.status_code == 400 and no_field.json()["code"] == "invalid_input"
    assert "12个领域" in no_field.json()["error"]
    bad_name = client.post("/api/applications", json={"field": FIELD, "case_name": "随便起的名字"})
    assert bad_name.status_code == 400 and "<领域>领域——<案例名称>" in bad_name.json()["error"]
    app_id = new_application(client)["id"]
    empty = client.post(f"/api/applications/{app_id}/messages", json={"text": "   "})
    assert empty.status_code == 400 and empty.json()["error"] == "消息不能为空。"
    unknown_part = client.get(f"/api/applications/{app_id}/parts/no.such/versions")
    assert unknown_part.status_code == 400 and "未知的部分编号" in unknown_part.json()["error"]
    nothing_to_undo = client.post(f"/api/applications/{app_id}/parts/intro.problem/undo")
    assert nothing_to_undo.status_code == 400 and "没有可以撤销" in nothing_to_undo.json()["error"]


def test_message_size_limit_is_413_whether_or_not_the_length_is_declared(tmp_path: Path) -> None:
    world = make_world(tmp_path, limit_message_chars=50)
    client = world.client()
    app_id = new_application(client)["id"]
    url = f"/api/applications/{app_id}/messages"
    over = client.post(url, json={"text": "字" * 51})
    assert over.status_code == 413 and over.json()["error"] == "单条消息最多50个字符，请分几次发送。"
    huge = '{"text": "' + "字" * 200_000 + '"}'
    declared = client.post(url, content=huge.encode(), headers={"content-type": "application/json"})
    assert declared.status_code == 413 and "单条消息最多50个字符" in declared.json()["error"]
    chunked = client.post(
        url,
        content=iter([huge.encode()[:70_000], huge.encode()[70_000:]]),
        headers={"content-type": "application/json"},
    )
    assert chunked.status_code == 413 and "单条消息最多50个字符" in chunked.json()["error"]
    assert len(world.store.messages(app_id)) == 1  # only the welcome message: nothing was stored


def test_applications_per_user_limit(tmp_path: Path) -> None:
    world = make_world(tmp_path, limit_applications_per_user=2)
    client = world.client()
    new_application(client)
    new_application(client)
    third = client.post("/api/applications", json={"field": FIELD})
    assert 400 <= third.status_code < 500
    assert "每个用户最多创建2份申报书" in assert_error_body(third)["error"]


def test_patch_changes_only_the_fields_sent(world: World) -> None:
    client = world.client()
    app_id = new_application(client, address="重庆市渝北区")["id"]
    response = client.patch(
        f"/api/applications/{app_id}",
        json={"contact": {"name": "王五", "phone": "023-12345678"}, "media": {"video": "介绍.mp4"}},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["info"]["address"] == "重庆市渝北区" and body["info"]["contact"]["name"] == "王五"
    assert body["media"]["video"] == "介绍.mp4"
    wrong_field = client.patch(f"/api/applications/{app_id}", json={"field": "不存在的领域"})
    assert wrong_field.status_code == 400 and "12个领域" in wrong_field.json()["error"]


def test_deleted_applications_are_gone(world: World) -> None:
    client = world.client()
    app_id = new_application(client)["id"]
    assert client.delete(f"/api/applications/{app_id}").status_code == 204
    assert client.get(f"/api/applications/{app_id}").status_code == 404
    assert client.delete(f"/api/applications/{app_id}").status_code == 404
