"""Operations tests: a seeded data directory (accounts, submitted and scored applications, comments, uploaded
media) and, when they can start, a real PostgreSQL and a real ``chroma run`` (skipped with the reason if not)."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PIL import Image

from assistant.auth.accounts import Accounts
from assistant.core.settings import Settings
from assistant.drafting.offline.drafter import OfflineDrafter
from assistant.export.scripted import parse_answers
from assistant.knowledge.search import KnowledgeBase
from assistant.service.call_views import ScoreInput
from assistant.service.service import Service
from assistant.store.sql import Store
from tests.api.conftest import FAST_SCRYPT_N, PASSWORD
from tests.bureau import variants as v
from tests.servers import ChromaServer, PostgresServer, start_or_skip

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = start_or_skip(PostgresServer)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chroma_server() -> Iterator[ChromaServer]:
    server = start_or_skip(ChromaServer)
    yield server
    server.stop()


def clean_env(**values: str) -> dict[str, str]:
    """This process's environment without any CASE_ASSISTANT_* setting, plus ``values``."""
    env = {k: val for k, val in os.environ.items() if not k.startswith("CASE_ASSISTANT_")}
    return {**env, "PYTHONIOENCODING": "utf-8", **values}


@dataclass
class Seeded:
    """A data directory as a bureau's would look mid-call, and the bearer tokens of its people."""

    settings: Settings
    tokens: dict[str, str] = field(default_factory=dict)
    submitted: list[int] = field(default_factory=list)
    draft: int = 0
    media: dict[str, bytes] = field(default_factory=dict)
    """Files kept outside the media feature (exports/, uploads/): what a later feature might store."""


def jpeg(serial: int, width: int = 1600, height: int = 900) -> bytes:
    """A picture the media check accepts, different for every ``serial``."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (serial * 37 % 256, serial * 91 % 256, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


def seed(data_dir: Path, database_url: str = "", index: bool = True) -> Seeded:
    """Accounts; two applications with a picture (the media feature's own upload), submitted before the
    deadline, one scored by staff with a comment; a draft application for the load's uploads; more files
    under media/ and uploads/ as later features might keep; the UI's cache under gradio/ (not data)."""
    settings = Settings(data_dir=data_dir, embedder="hash", database_url=database_url,
                        limit_applications_per_user=1000, _env_file=None)
    data_dir.mkdir(parents=True, exist_ok=True)
    store = Store.from_settings(settings)
    service = Service(settings, store, OfflineDrafter(), clock=lambda: v.BEFORE_DEADLINE)
    accounts = Accounts(store, settings, scrypt_n=FAST_SCRYPT_N)
    seeded = Seeded(settings)
    people = {}
    for name, role in (("alice", "applicant"), ("bob", "applicant"), ("sam", "staff")):
        people[name] = accounts.add_user(name, PASSWORD, role)
        seeded.tokens[name] = accounts.create_session(people[name])
    for kind in ("good", "thin"):
        answers = parse_answers(v.variant("agri-citrus-credit", kind))
        app_id = service.call.create_from_answers(people["alice"], answers, offline=True)
        service.media.upload(people["alice"], app_id, "image:1", "数据要素流向图.jpg", jpeg(len(seeded.submitted)))
        v.submit(service, app_id, people["alice"], people["sam"])
        seeded.submitted.append(app_id)
    draft = service.call.create_from_answers(people["alice"], parse_answers(v.variant("agri-citrus-credit", "good", 1)),
                                             offline=True)
    seeded.draft = draft
    first = seeded.submitted[0]
    service.board.put_scores(people["sam"], first, [ScoreInput(criterion="results", level=3, reason="成效数据翔实")])
    service.call.add_comment(people["sam"], first, "intro.results", "请写明统计口径。")
    store.close()
    if index:
        KnowledgeBase.open(settings).ensure_bundled_corpus()
    for relative, size in (("exports/推荐材料.zip", 250_000), ("exports/汇总表.xlsx", 40_000),
                           ("uploads/行动计划全文.pdf", 30_000)):
        payload = os.urandom(size)
        (data_dir / relative).parent.mkdir(parents=True, exist_ok=True)
        (data_dir / relative).write_bytes(payload)
        seeded.media[relative] = payload
    (data_dir / "gradio").mkdir(exist_ok=True)
    (data_dir / "gradio" / "upload-cache.bin").write_bytes(b"transient")
    (data_dir / "media" / "1" / "half-written.jpg.part").write_bytes(b"partial")
    return seeded
