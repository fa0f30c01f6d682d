"""Applicants see and change only their own applications; staff read all and change none.

Table-driven over every route that takes an application id; a guard test fails if a
new such route is added to the app without being added to the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.api.conftest import World, drafted_application, make_world

MISSING_ID = 987654


@dataclass(frozen=True)
class IdRoute:
    method: str
    path: str  # as registered, with {app_id} and {part_id}
    kind: str  # "read" or "write"
    json: dict[str, Any] | None = None
    stream: bool = False
    ok_status: int = 200

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}{' (SSE)' if self.stream else ''}"

    def call(self, client, app_id: int, part_id: str):
        url = self.path.replace("{app_id}", str(app_id)).replace("{part_id}", part_id)
        headers = {"Accept": "text/event-stream"} if self.stream else {}
        return client.request(self.method, url, json=self.json, headers=headers)


BASE = "/api/applications/{app_id}"
ROUTES = [
    IdRoute("GET", BASE, "read"),
    IdRoute("GET", BASE + "/parts/{part_id}/versions", "read"),
    IdRoute("GET", BASE + "/review", "read"),
    IdRoute("GET", BASE + "/issues", "read"),
    IdRoute("GET", BASE + "/review.md", "read"),
    IdRoute("GET", BASE + "/review.docx", "read"),
    IdRoute("GET", BASE + "/promo.docx", "read"),
    IdRoute("GET", BASE + "/export.pdf", "read"),
    IdRoute("GET", BASE + "/export.docx", "read"),
    IdRoute("GET", BASE + "/export.md", "read"),
    IdRoute("PATCH", BASE, "write", json={"applicant": "冒名公司"}),
    IdRoute("DELETE", BASE, "write", ok_status=204),
    IdRoute("POST", BASE + "/messages", "write", json={"text": "把数据来源改成我编的"}),
    IdRoute("POST", BASE + "/messages", "write", json={"text": "第一段更简洁", "action": "revise"}, stream=True),
    IdRoute("POST", BASE + "/parts/{part_id}/undo", "write"),
    IdRoute("PUT", BASE + "/parts/{part_id}/text", "write", json={"text": "手动改写：平台已服务本地12家物流企业。"}),
    IdRoute("POST", BASE + "/parts/{part_id}/redraft", "write"),
    IdRoute("POST", BASE + "/resume", "write"),
]
READS = [r for r in ROUTES if r.kind == "read"]
WRITES = [r for r in ROUTES if r.kind == "write"]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> tuple[World, int, str]:
    """One app for the whole module: alice owns an application with a drafted, twice-versioned part."""
    world = make_world(tmp_path_factory.mktemp("isolation"))
    for name, role in (("alice", "applicant"), ("bob", "applicant"), ("sam", "staff")):
        world.add_user(name, role)
    app_id, part_id = drafted_application(world.as_user("alice"))
    return world, app_id, part_id


def snapshot(world: World, app_id: int, part_id: str) -> tuple:
    row = world.store.get_application(app_id)
    assert row is not None, "the application was deleted"
    heads = world.store.head_versions(app_id)
    return (
        row.info,
        row.state,
        len(world.store.messages(app_id)),
        heads[part_id].version,
        len(world.store.versions(app_id, part_id)),
    )


def test_route_table_covers_every_route_with_an_application_id(shared: tuple[World, int, str]) -> None:
    world, _, _ = shared
    paths = world.app.openapi()["paths"]
    registered = {
        (method.upper(), path)
        for path, operations in paths.items()
        if "{app_id}" in path
        for method, operation in operations.items()
        if "评审" not in operation.get("tags", [])  # the call's process: tests/api/test_bureau_isolation.py
        and "导入与材料" not in operation.get("tags", [])  # import and materials: tests/api/test_materials_isolation.py
    }
    assert registered == {(r.method, r.path) for r in ROUTES}


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
def test_other_applicant_gets_the_same_404_as_for_a_missing_id(route: IdRoute, shared: tuple[World, int, str]) -> None:
    world, app_id, part_id = shared
    before = snapshot(world, app_id, part_id)
    foreign = route.call(world.as_user("bob"), app_id, part_id)
    missing = route.call(world.as_user("alice"), MISSING_ID, part_id)
    assert foreign.status_code == 404
    assert foreign.json() == missing.json() == {"error": foreign.json()["error"], "code": "not_found"}
    assert "找不到" in foreign.json()["error"]
    assert snapshot(world, app_id, part_id) == before


@pytest.mark.parametrize("route", READS, ids=lambda r: r.id)
def test_staff_can_read_any_application(route: IdRoute, shared: tuple[World, int, str]) -> None:
    world, app_id, part_id = shared
    response = route.call(world.as_user("sam"), app_id, part_id)
    assert response.status_code == 200
    assert response.content


@pytest.mark.parametrize("route", WRITES, ids=lambda r: r.id)
def test_staff_cannot_change_another_users_application(route: IdRoute, shared: tuple[World, int, str]) -> None:
    world, app_id, part_id = shared
    before = snapshot(world, app_id, part_id)
    response = route.call(world.as_user("sam"), app_id, part_id)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert snapshot(world, app_id, part_id) == before


@pytest.mark.parametrize("route", WRITES, ids=lambda r: r.id)
def test_the_owner_can_make_each_change(route: IdRoute, shared: tuple[World, int, str]) -> None:
    """Positive control: the 404s and 403s above come from ownership, not from a broken request."""
    world, _, _ = shared
    alice = world.as_user("alice")
    app_id, part_id = drafted_application(alice)
    response = route.call(alice, app_id, part_id)
    assert response.status_code == route.ok_status, response.text
    alice.delete(f"/api/applications/{app_id}")


def test_listing_shows_own_applications_to_applicants_and_all_to_staff(shared: tuple[World, int, str]) -> None:
    world, app_id, _ = shared
    bob = world.as_user("bob")
    bobs = bob.post("/api/applications", json={"field": "金融服务"}).json()["id"]
    try:
        assert app_id not in {a["id"] for a in bob.get("/api/applications").json()}
        assert bobs in {a["id"] for a in bob.get("/api/applications").json()}
        assert bobs not in {a["id"] for a in world.as_user("alice").get("/api/applications").json()}
        assert {app_id, bobs} <= {a["id"] for a in world.as_user("sam").get("/api/applications").json()}
    finally:
        assert bob.delete(f"/api/applications/{bobs}").status_code == 204


def test_unauthenticated_requests_get_401_on_every_id_route(shared: tuple[World, int, str]) -> None:
    world, app_id, part_id = shared
    anonymous = world.client()
    for route in ROUTES:
        response = route.call(anonymous, app_id, part_id)
        assert response.status_code == 401, route.id
        assert response.json()["code"] == "unauthenticated"
