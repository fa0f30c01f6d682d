"""Disk full through the REST API: 507 in Chinese on writes, /api/health still answers and says so."""

from __future__ import annotations

from pathlib import Path

from tests.api.conftest import make_world, new_application
from tests.service.test_disk_full import _fill, small_disk  # noqa: F401  (the tmpfs fixture)


def test_api_answers_507_on_a_full_disk_and_health_keeps_working(small_disk: Path) -> None:  # noqa: F811
    world = make_world(small_disk)
    client = world.client()
    app_id = new_application(client)["id"]
    filler = _fill(small_disk)
    statuses = set()
    for _ in range(100):
        response = client.post(f"/api/applications/{app_id}/messages", json={"text": "货主要跑4个窗口。" * 60})
        statuses.add(response.status_code)
        if response.status_code == 507:
            assert "磁盘空间不足" in response.json()["error"]
            break
    assert 507 in statuses and 500 not in statuses
    health = client.get("/api/health")
    assert health.status_code == 200 and health.json()["status"] == "degraded"
    assert client.get(f"/api/applications/{app_id}").status_code == 200  # reads still work
    filler.unlink()
    assert client.post(f"/api/applications/{app_id}/messages", json={"text": "跳过"}).status_code == 200
    assert client.get("/api/health").json()["status"] == "ok"
