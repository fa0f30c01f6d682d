"""``GET /api/health``: three fields for anyone (monitors, load balancers); ``?full=true`` adds the doctor's
report for staff — and for the single user of local mode — and nobody else."""

from __future__ import annotations

import threading
from pathlib import Path

import anyio
import httpx
from anyio import to_thread

from assistant.core.settings import Settings
from assistant.knowledge.search import KnowledgeBase
from tests.api.conftest import make_world

MINIMAL = {"status": "ok", "login_required": False, "disk": "ok"}


def knowledge(tmp_path: Path) -> KnowledgeBase:
    kb = KnowledgeBase.open(Settings(data_dir=tmp_path, embedder="hash", _env_file=None))
    kb.ensure_bundled_corpus()
    return kb


def test_the_anonymous_answer_stays_minimal_and_local_mode_may_read_the_report(tmp_path: Path) -> None:
    world = make_world(tmp_path, knowledge=knowledge(tmp_path))
    client = world.client()
    assert client.get("/api/health").json() == MINIMAL
    full = client.get("/api/health", params={"full": "true"})
    assert full.status_code == 200
    report = full.json()["report"]
    checks = {c["key"]: c for c in report["checks"]}
    assert checks["database"]["status"] == "ok" and "已迁移到最新" in checks["database"]["detail"]
    assert checks["vectors"]["status"] == "ok" and "kb_hash-384" in checks["vectors"]["detail"]
    assert report["ok"] is True and full.json()["status"] == "ok"


def test_with_accounts_only_staff_read_the_report(tmp_path: Path) -> None:
    world = make_world(tmp_path, knowledge=knowledge(tmp_path))
    for name, role in (("alice", "applicant"), ("sam", "staff"), ("root", "admin")):
        world.add_user(name, role)
    anonymous = world.client()
    assert anonymous.get("/api/health").json() == {**MINIMAL, "login_required": True}
    assert str(tmp_path) not in anonymous.get("/api/health").text
    assert anonymous.get("/api/health", params={"full": "true"}).status_code == 401
    refused = world.as_user("alice").get("/api/health", params={"full": "true"})
    assert refused.status_code == 403 and "工作人员" in refused.json()["error"]
    for name in ("sam", "root"):
        report = world.as_user(name).get("/api/health", params={"full": "true"}).json()["report"]
        assert {"database", "vectors", "libreoffice", "model"} <= {c["key"] for c in report["checks"]}
        data_dir = next(c for c in report["checks"] if c["key"] == "data_dir")
        assert str(tmp_path) in data_dir["detail"]  # where the data lives: for staff's eyes only


def test_health_answers_while_every_worker_thread_is_taken(tmp_path: Path) -> None:
    """The attack: fill the shared worker-thread pool (the UI's thread work and plain ``def`` routes use it),
    then ask for health. It must answer from the event loop alone; it used to wait for a free thread."""
    world = make_world(tmp_path)

    async def scenario() -> int:
        limiter = to_thread.current_default_thread_limiter()
        blocker = threading.Event()
        async with anyio.create_task_group() as tasks:
            try:
                for _ in range(int(limiter.total_tokens)):
                    tasks.start_soon(to_thread.run_sync, blocker.wait)
                while limiter.borrowed_tokens < limiter.total_tokens:
                    await anyio.sleep(0.01)
                transport = httpx.ASGITransport(app=world.app)
                async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
                    with anyio.fail_after(5):
                        return (await client.get("/api/health")).status_code
            finally:
                blocker.set()

    assert anyio.run(scenario) == 200
