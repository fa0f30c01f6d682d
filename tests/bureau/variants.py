"""Applications for the call's process: the scenario answers files and generated variants of them.

Kinds (each a function of a scenario file, so any number can be made reproducibly):
* ``good``: the scenario as written, the sealed 承诺书 declared;
* ``copy``: the same content under another case name (identical scores: ties the board must state);
* ``thin``: one vague sentence per part (passes the gates, low levels);
* ``placeholder``: two parts never answered, so the draft keeps 【待补充】 (gated: text incomplete);
* ``over``: the 宣传推广材料 grown past its 1500字 by a hand edit (gated: not within the limit);
* ``unsealed``: good content, the 承诺书 not declared (gated: pledge).
"""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.auth.principal import Principal
from assistant.core.settings import Settings
from assistant.core.textlen import count_words
from assistant.drafting.offline.drafter import OfflineDrafter
from assistant.export.scripted import parse_answers
from assistant.service.service import Service
from assistant.store.sql import Store

SCENARIOS = Path(__file__).resolve().parents[1] / "data" / "scenarios"
NAMES = sorted(p.name[: -len(".expect.json")] for p in SCENARIOS.glob("*.expect.json"))
BEFORE_DEADLINE = datetime(2024, 8, 10, 9, 0, tzinfo=UTC)
AFTER_DEADLINE = datetime(2024, 8, 21, 9, 0, tzinfo=UTC)
ALICE = Principal(id=1, username="alice", role="applicant")
STAFF = Principal(id=2, username="sam", role="staff")
STAFF_2 = Principal(id=3, username="tess", role="staff")
THIN = {
    "intro.problem": ["行业里数据比较分散，办事效率不高。"],
    "intro.solution": ["我们建了一个平台，把几家单位的数据放在一起用。"],
    "intro.results": ["上线后办事方便了，大家反映不错。"],
    "intro.innovation": ["做法比较新。"],
    "intro.compliance": ["数据按规定使用，做了加密。"],
    "intro.participants": ["由申报单位负责建设和运营。"],
    "promo.description": ["本案例用数据提升了服务。"],
    "promo.practice": ["数据来自合作单位，通过平台共享给使用方。", "数据传输做了加密。", "服务效率明显提升。"],
}
KINDS = ("good", "copy", "thin", "placeholder", "over", "unsealed")


def scenario(name: str) -> dict[str, Any]:
    return json.loads((SCENARIOS / f"{name}.json").read_text(encoding="utf-8"))


def variant(name: str, kind: str, serial: int = 0) -> dict[str, Any]:
    """The answers file (as JSON data) of one variant of scenario ``name``."""
    data = copy.deepcopy(scenario(name))
    info = data["info"]
    suffix = {"good": "", "copy": "（复本）", "thin": "（简版）", "placeholder": "（缺项）", "over": "（超字数）",
              "unsealed": "（未盖章）"}[kind] + (f"{serial}" if serial else "")
    info["case_name"] = info["case_name"] + suffix
    info["applicant"] = info["applicant"].replace("有限公司", f"{suffix}有限公司") if suffix else info["applicant"]
    media = data.setdefault("media", {})
    media["prepared"] = [] if kind == "unsealed" else ["pledge_sealed"]
    # the newer scenario files list screenshots as .png, which registering refuses (the notice asks for JPG):
    # a submitted application has converted them
    media["images"] = [re.sub(r"\.png$", ".jpg", name, flags=re.I) for name in media.get("images", [])]
    if kind == "thin":
        data["answers"] = copy.deepcopy(THIN)
    if kind == "placeholder":
        data["answers"]["intro.innovation"] = []
        data["answers"]["intro.compliance"] = []
    return data


def make_service(data_dir: Path, clock: datetime = BEFORE_DEADLINE) -> Service:
    settings = Settings(data_dir=data_dir, embedder="hash", limit_applications_per_user=1000)
    store = Store.open(settings.sqlite_path)
    return Service(settings, store, OfflineDrafter(), clock=lambda: clock)


def overfill_promo(service: Service, app_id: int) -> None:
    """A hand edit that pushes the 宣传推广材料 over its limit (the drafter itself never would)."""
    head = service.store.head_versions(app_id)["promo.description"]
    text = head.text + "本案例的做法可以在全市推广。" * 120
    service.store.add_version(app_id, "promo.description", text, count_words(text), head.budget, "offline", "revise",
                              {}, expected_head=head.version)


def create(service: Service, name: str, kind: str, owner: Principal = ALICE, serial: int = 0) -> int:
    app_id = service.call.create_from_answers(owner, parse_answers(variant(name, kind, serial)), offline=True)
    if kind == "over":
        overfill_promo(service, app_id)
    return app_id


def submit(service: Service, app_id: int, owner: Principal = ALICE, staff: Principal = STAFF) -> None:
    """Submit as the owner; when the review has errors, staff allow it first (as the bureau may)."""
    report = service.review_report(owner, app_id)
    if report.count("错误"):
        service.call.allow_errors(staff, app_id, "测试：允许带错误提交，由资格条件把关")
    service.call.submit(owner, app_id)


def plan(count: int) -> list[tuple[str, str, int]]:
    """(scenario, kind, serial) for ``count`` applications: the kinds in turn, the scenarios in turn."""
    cycle = len(NAMES) * len(KINDS)
    return [(NAMES[i // len(KINDS) % len(NAMES)], KINDS[i % len(KINDS)], i // cycle) for i in range(count)]
