"""An upload is in the knowledge base whole or not at all: a failed write leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.errors import DiskFullError
from assistant.core.settings import Settings
from assistant.knowledge.search import KnowledgeBase

SECTION = "## 第{i}部分\n第{i}部分的内容：申报材料需要加盖公章并按时提交。"
DOC = "# 测试通知\n" + "\n".join(SECTION.format(i=i) * 3 for i in range(60))


class FailingCollection:
    """Wraps a real Chroma collection; the n-th add fails as a full disk would."""

    def __init__(self, inner, fail_at: int) -> None:
        self.inner, self.fail_at, self.calls = inner, fail_at, 0

    def add(self, **kwargs):
        self.calls += 1
        if self.calls == self.fail_at:
            raise OSError(28, "No space left on device")
        return self.inner.add(**kwargs)

    def __getattr__(self, name):
        return getattr(self.inner, name)


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    return KnowledgeBase.open(Settings(data_dir=tmp_path, embedder="hash", _env_file=None))


def test_disk_full_mid_ingest_leaves_no_part_of_the_document(kb: KnowledgeBase, monkeypatch) -> None:
    before = len(kb.store)
    real = kb.store.collection
    kb.store.collection = FailingCollection(real, fail_at=1)
    result = kb.ingest_bytes("通知.md", DOC.encode())
    assert result.status == "error" and "磁盘空间不足" in result.message
    kb.store.collection = real
    assert len(kb.store) == before
    assert not [d for d, info in kb.store.documents().items() if info.get("source") == "通知.md"]
    assert kb.ingest_bytes("通知.md", DOC.encode()).status == "added"  # works again once space is back


def test_a_failed_second_batch_undoes_the_first(kb: KnowledgeBase, monkeypatch) -> None:
    monkeypatch.setattr(type(kb.store), "ADD_BATCH", 10)
    real = kb.store.collection
    kb.store.collection = FailingCollection(real, fail_at=2)
    chunks = _chunks()
    assert len(chunks) > 10
    with pytest.raises(DiskFullError):
        kb.store.add(chunks)
    kb.store.collection = real
    assert real.count() == 0 and len(kb.store) == 0


def _chunks():
    from assistant.knowledge.chunking import chunk_document
    from assistant.knowledge.corpus import DocumentMeta

    return chunk_document("doc-x", DOC, DocumentMeta(title="测试", kind="notice"), "x.md", "h", "user")
