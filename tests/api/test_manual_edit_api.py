"""``PUT /api/applications/{id}/parts/{part}/text``: the hand edit over HTTP (the service's rules: tests/service)."""

from __future__ import annotations

from tests.api.conftest import World, drafted_application

TEXT = "手动改写：平台已服务本地12家物流企业，单证录入时间缩短63%。"


def test_the_edit_is_stored_as_the_head_and_an_outdated_editor_gets_409(world: World) -> None:
    client = world.client()
    app_id, part_id = drafted_application(client)
    head = next(v for v in client.get(f"/api/applications/{app_id}/parts/{part_id}/versions").json() if v["is_head"])
    url = f"/api/applications/{app_id}/parts/{part_id}/text"
    saved = client.put(url, json={"text": TEXT, "base_version": head["version"]})
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["version"] == head["version"] + 1 and "手动修改" in body["message"]
    part = next(p for p in body["application"]["parts"] if p["part_id"] == part_id)
    assert part["text"] == TEXT and part["source"] == "manual"
    stale = client.put(url, json={"text": TEXT + "再补一句。", "base_version": head["version"]})
    assert stale.status_code == 409 and stale.json()["code"] == "version_conflict"
    assert "未保存" in stale.json()["error"]
    unknown = client.put(url, json={"text": TEXT, "extra": 1})
    assert unknown.status_code == 422
