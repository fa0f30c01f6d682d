"""Import, media, the flow diagram, the video outline and the package, route by route and role by role.

* another applicant gets the same 404 as for a missing id, and nothing changes;
* staff and admins read media, the outline and the package, but get 403 on every change to an
  applicant's files (upload, delete, the flow diagram, condensing): they never act for the applicant;
* anonymous requests get 401 once accounts exist;
* a positive control per route shows the refusals come from the role, not from a broken request.
A guard test fails when a route tagged 导入与材料 is added without a row here.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from assistant.api.app import create_api
from assistant.auth.accounts import Accounts
from assistant.service.import_desk import ImportedParagraph, ImportPlan
from tests.api.conftest import FAST_SCRYPT_N, PASSWORD, CheckedClient
from tests.bureau import variants as v
from tests.importing.documents import bold_docx, scenario

MISSING_ID = 987654


def jpeg(width: int = 1600, height: int = 900) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 80, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def health_plan() -> dict[str, Any]:
    """An import whose 解决方案 is far over its 1500字 budget (so condensing has work)."""
    data = scenario("health-exam-mutual-recognition")
    paragraphs = [ImportedParagraph(text=t, part_id=pid) for pid, texts in data["answers"].items() for t in texts]
    return ImportPlan(info=data["info"], source="旧申报书.docx", paragraphs=paragraphs).model_dump()


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    kind: str  # owner | shared_read | anyone
    json: dict[str, Any] | None = None
    files: bool = False
    ok: int = 200
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"

    def call(self, client: CheckedClient, app_id: int, media_id: int):
        url = self.path.replace("{app_id}", str(app_id)).replace("{media_id}", str(media_id))
        url = url.replace("{slot}", "image:2").replace("{part_id}", "intro.solution")
        files = None
        if self.files:
            files = {"file": ("旧申报书.docx", bold_docx().data)} if "import" in url else {"file": ("图.jpg", jpeg())}
        return client.request(self.method, url, json=self.json, files=files)


A = "/api/applications/{app_id}"
ROWS = {"rows": [["区卫健委", "检查检验数据", "区全民健康信息平台"], ["区全民健康信息平台", "互认结果", "医院"]]}
ROUTES = [
    Route("POST", "/api/import/preview", "anyone", files=True),
    Route("POST", "/api/import/preview-text", "anyone", {"text": "（一）问题描述\n以前病人转院要重做检查。"}),
    Route("POST", "/api/import", "anyone", health_plan(), ok=201),
    Route("POST", A + "/parts/{part_id}/condense", "owner"),
    Route("GET", A + "/media", "shared_read"),
    Route("POST", A + "/media/{slot}", "owner", files=True, ok=201),
    Route("GET", A + "/media/{media_id}/file", "shared_read"),
    Route("GET", A + "/media/{media_id}/thumbnail.jpg", "shared_read"),
    Route("DELETE", A + "/media/{media_id}", "owner", ok=204),
    Route("GET", A + "/flow", "shared_read"),
    Route("PUT", A + "/flow", "owner", ROWS),
    Route("POST", A + "/flow/extract", "owner"),
    Route("POST", A + "/flow/render", "owner", ok=201),
    Route("GET", A + "/flow.svg", "shared_read"),
    Route("GET", A + "/flow.png", "shared_read"),
    Route("GET", A + "/video-outline", "shared_read"),
    Route("GET", A + "/video-outline.docx", "shared_read"),
    Route("GET", A + "/package.zip", "shared_read"),
]
ON_APP = [r for r in ROUTES if "{app_id}" in r.path]


class Team:
    def __init__(self, data_dir: Path) -> None:
        self.service = v.make_service(data_dir)
        self.accounts = Accounts(self.service.store, self.service.settings, scrypt_n=FAST_SCRYPT_N)
        self.app = create_api(self.service, self.accounts, self.service.settings)
        self.users, self.tokens = {}, {}
        for name, role in (("alice", "applicant"), ("bob", "applicant"), ("sam", "staff"), ("root", "admin")):
            self.users[name] = self.accounts.add_user(name, PASSWORD, role)
            self.tokens[name] = self.accounts.create_session(self.users[name])

    def client(self, name: str | None = None) -> CheckedClient:
        headers = {"Authorization": f"Bearer {self.tokens[name]}"} if name else {}
        return CheckedClient(self.app, headers=headers, raise_server_exceptions=False)

    def imported(self) -> tuple[int, int]:
        """A new application of alice's, imported, with one picture: (app, media id)."""
        view = self.service.imports.create(self.users["alice"], ImportPlan.model_validate(health_plan()))
        item = self.service.media.upload(self.users["alice"], view.id, "image:2", "模式图.jpg", jpeg())
        return view.id, item.id

    def state(self, app_id: int) -> tuple:
        store = self.service.store
        media = [(m.slot, m.stored_name) for m in store.media(app_id)]
        heads = {pid: h.version for pid, h in store.head_versions(app_id).items()}
        return (media, json.dumps(store.flow_graph(app_id)), heads, len(store.list_applications()))


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Team:
    return Team(tmp_path_factory.mktemp("materials-isolation"))


@pytest.fixture(scope="module")
def shared(team: Team) -> tuple[int, int]:
    return team.imported()


def test_every_route_of_import_and_materials_is_in_the_table(team: Team) -> None:
    paths = team.app.openapi()["paths"]
    tagged = {(m.upper(), p) for p, ops in paths.items() for m, op in ops.items() if "导入与材料" in op.get("tags", [])}
    assert tagged == {(r.method, r.path) for r in ROUTES}


@pytest.mark.parametrize("route", ON_APP, ids=lambda r: r.id)
def test_another_applicant_gets_the_same_404_as_for_a_missing_id(route: Route, team: Team, shared) -> None:
    app_id, media_id = shared
    before = team.state(app_id)
    foreign = route.call(team.client("bob"), app_id, media_id)
    missing = route.call(team.client("alice"), MISSING_ID, media_id)
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json() and foreign.json()["code"] == "not_found"
    assert team.state(app_id) == before


@pytest.mark.parametrize("route", [r for r in ROUTES if r.kind == "owner"], ids=lambda r: r.id)
def test_staff_never_change_an_applicants_files(route: Route, team: Team, shared) -> None:
    app_id, media_id = shared
    before = team.state(app_id)
    for name in ("sam", "root"):
        response = route.call(team.client(name), app_id, media_id)
        assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert team.state(app_id) == before


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
def test_anonymous_requests_get_401(route: Route, team: Team, shared) -> None:
    app_id, media_id = shared
    before = team.state(app_id)
    response = route.call(team.client(), app_id, media_id)
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
    assert team.state(app_id) == before


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
def test_the_allowed_role_succeeds(route: Route, team: Team) -> None:
    """Positive control on a fresh application per route (several routes change it)."""
    actors = {"owner": ["alice"], "shared_read": ["alice", "sam"], "anyone": ["alice", "sam"]}[route.kind]
    for name in actors:
        app_id, media_id = team.imported()
        response = route.call(team.client(name), app_id, media_id)
        assert response.status_code == route.ok, (name, response.text[:300])


def test_a_renamed_executable_is_refused_over_http(team: Team, shared) -> None:
    app_id, _ = shared
    before = team.state(app_id)
    response = team.client("alice").post(
        f"/api/applications/{app_id}/media/image:3", files={"file": ("photo.jpg", b"MZ\x90\x00" + b"\x00" * 500)}
    )
    assert response.status_code == 400 and "Windows 可执行程序" in response.json()["error"]
    assert team.state(app_id) == before
