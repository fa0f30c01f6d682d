"""The call's process, route by route and role by role (owner, another applicant, staff, admin, anonymous).

* another applicant gets the same 404 as for a missing id, and nothing changes;
* applicants get 403 on every staff route (scores, proposals, the board, the 汇总表, the audit log),
  and never read a score, a proposal, a rank or a staff-only note anywhere;
* staff get 403 on the applicant's own actions (submit, withdraw): they never act for the applicant;
* a positive control per route shows the refusals come from the role, not from a broken request.
A guard test fails when a route tagged 评审 is added without a row here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from assistant.api.app import create_api
from assistant.auth.accounts import Accounts
from assistant.export.scripted import parse_answers
from tests.api.conftest import FAST_SCRYPT_N, PASSWORD, CheckedClient
from tests.bureau import variants as v

MISSING_ID = 987654
INTERNAL = "内部备注：与去年某案例高度相似"


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    kind: str  # owner | shared_read | shared_write | staff_app | staff | anyone
    json: dict[str, Any] | None = None
    ok: int = 200

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"

    def call(self, client: CheckedClient, app_id: int, comment_id: int = 1):
        url = self.path.replace("{app_id}", str(app_id)).replace("{comment_id}", str(comment_id))
        return client.request(self.method, url, json=self.json)


A = "/api/applications/{app_id}"
REASON = {"reason": "测试理由"}
ROUTES = [
    Route("POST", A + "/submit", "owner"),
    Route("POST", A + "/withdraw", "owner"),
    Route("GET", A + "/submission", "shared_read"),
    Route("GET", A + "/snapshot", "shared_read"),
    Route("GET", A + "/submitted.docx", "shared_read"),
    Route("GET", A + "/comments", "shared_read"),
    Route("POST", A + "/comments", "shared_write", {"target": "intro.problem", "text": "请补充覆盖企业数。"}, 201),
    Route("POST", A + "/allow-submit", "staff_app", REASON),
    Route("POST", A + "/return", "staff_app", {"reason": "请补充数据量", "target": "intro.solution"}),
    Route("POST", A + "/comments/{comment_id}/resolve", "staff_app"),
    Route("GET", A + "/scores", "staff_app"),
    Route("PUT", A + "/scores", "staff_app", {"scores": [{"criterion": "results", "level": 0, "reason": "无"}]}),
    Route("POST", A + "/move", "staff_app", {"position": 1, "reason": "测试"}),
    Route("POST", A + "/decision", "staff_app", {"action": "review"}),
    Route("PUT", A + "/recommend-reason", "staff_app", {"text": "数据融合突出。"}),
    Route("GET", "/api/board", "staff"),
    Route("GET", "/api/board/summary.xlsx", "staff"),
    Route("GET", "/api/board/summary.docx", "staff"),
    Route("GET", "/api/board/package.zip", "staff"),
    Route("POST", "/api/board/rescore", "staff"),
    Route("GET", "/api/audit", "staff"),
    Route("GET", "/api/audit.csv", "staff"),
    Route("PUT", "/api/call", "staff", {"until": "2024-08-31", "reason": "延长受理"}),
    Route("GET", "/api/call", "anyone"),
]
ON_APP = [r for r in ROUTES if "{app_id}" in r.path]


class Team:
    def __init__(self, data_dir: Path) -> None:
        self.service = v.make_service(data_dir)
        self.accounts = Accounts(self.service.store, self.service.settings, scrypt_n=FAST_SCRYPT_N)
        self.app = create_api(self.service, self.accounts, self.service.settings)
        self.users = {}
        self.tokens = {}
        for name, role in (("alice", "applicant"), ("bob", "applicant"), ("sam", "staff"), ("root", "admin")):
            self.users[name] = self.accounts.add_user(name, PASSWORD, role)
            self.tokens[name] = self.accounts.create_session(self.users[name])

    def client(self, name: str | None = None) -> CheckedClient:
        headers = {"Authorization": f"Bearer {self.tokens[name]}"} if name else {}
        return CheckedClient(self.app, headers=headers, raise_server_exceptions=False)

    def submitted(self, kind: str = "good") -> tuple[int, int]:
        """A new application of alice's, submitted; with a staff comment and an internal note: (app, comment)."""
        answers = parse_answers(v.variant("agri-citrus-credit", kind))
        app_id = self.service.call.create_from_answers(self.users["alice"], answers, offline=True)
        v.submit(self.service, app_id, self.users["alice"], self.users["sam"])
        comment = self.service.call.add_comment(self.users["sam"], app_id, "intro.results", "请写明统计口径。")
        self.service.call.add_comment(self.users["sam"], app_id, "intro.problem", INTERNAL, internal=True)
        return app_id, comment.id

    def state(self, app_id: int) -> tuple:
        store = self.service.store
        entry = store.call_entry(app_id)
        return (entry.model_dump(), len(store.audit_entries()), len(store.comments(app_id)),
                len(store.submissions(app_id)), len(store.messages(app_id)))


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Team:
    return Team(tmp_path_factory.mktemp("bureau-isolation"))


@pytest.fixture(scope="module")
def shared(team: Team) -> tuple[int, int]:
    return team.submitted()


def test_every_route_of_the_call_is_in_the_table(team: Team) -> None:
    paths = team.app.openapi()["paths"]
    tagged = {(m.upper(), p) for p, ops in paths.items() for m, op in ops.items() if "评审" in op.get("tags", [])}
    assert tagged == {(r.method, r.path) for r in ROUTES}


@pytest.mark.parametrize("route", ON_APP, ids=lambda r: r.id)
def test_another_applicant_gets_the_same_404_as_for_a_missing_id(route: Route, team: Team, shared) -> None:
    app_id, comment_id = shared
    before = team.state(app_id)
    foreign = route.call(team.client("bob"), app_id, comment_id)
    missing = route.call(team.client("alice"), MISSING_ID, comment_id)
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json() and foreign.json()["code"] == "not_found"
    assert team.state(app_id) == before


@pytest.mark.parametrize("route", [r for r in ROUTES if r.kind in ("staff_app", "staff")], ids=lambda r: r.id)
def test_applicants_are_refused_every_staff_route(route: Route, team: Team, shared) -> None:
    app_id, comment_id = shared
    before = team.state(app_id)
    for name in ("alice", "bob") if route.kind == "staff" else ("alice",):
        response = route.call(team.client(name), app_id, comment_id)
        assert response.status_code == 403, (name, response.text)
        assert response.json()["code"] == "forbidden" and "工作人员" in response.json()["error"]
    assert team.state(app_id) == before


@pytest.mark.parametrize("route", [r for r in ROUTES if r.kind == "owner"], ids=lambda r: r.id)
def test_staff_never_act_for_the_applicant(route: Route, team: Team, shared) -> None:
    app_id, comment_id = shared
    before = team.state(app_id)
    for name in ("sam", "root"):
        response = route.call(team.client(name), app_id, comment_id)
        assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert team.state(app_id) == before


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
def test_anonymous_requests_get_401(route: Route, team: Team, shared) -> None:
    app_id, comment_id = shared
    response = route.call(team.client(), app_id, comment_id)
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
def test_the_allowed_role_succeeds(route: Route, team: Team) -> None:
    """Positive control on a fresh application per route (some routes change its status)."""
    app_id, comment_id = team.submitted()
    if route.path.endswith("/submit"):
        team.service.call.withdraw(team.users["alice"], app_id)
    actors = {"owner": ["alice"], "shared_read": ["alice", "sam"], "shared_write": ["alice", "sam"],
              "staff_app": ["sam"], "staff": ["sam", "root"], "anyone": ["alice", "bob", "sam"]}[route.kind]
    for name in actors:
        response = route.call(team.client(name), app_id, comment_id)
        assert response.status_code == route.ok, (name, response.text[:300])
        assert response.content


def test_applicants_never_read_scores_proposals_ranks_or_staff_notes(team: Team) -> None:
    app_id, _ = team.submitted()
    sam = team.client("sam")
    assert sam.put(f"/api/applications/{app_id}/scores",
                   json={"scores": [{"criterion": "results", "level": 1, "reason": "口径不清"}]}).status_code == 200
    alice = team.client("alice")
    seen = ""
    for path in ("/submission", "/snapshot", "/comments", ""):
        response = alice.get(f"/api/applications/{app_id}{path}")
        assert response.status_code == 200
        seen += response.text
    assert INTERNAL not in seen and "口径不清" not in seen
    for word in ('"proposal', '"scores"', '"rank"', '"above_line"', '"level"', '"evidence"'):
        assert word not in seen, word
    docx = alice.get(f"/api/applications/{app_id}/export.docx")
    assert docx.status_code == 200 and INTERNAL.encode() not in docx.content
    assert "请写明统计口径" in alice.get(f"/api/applications/{app_id}/comments").text
