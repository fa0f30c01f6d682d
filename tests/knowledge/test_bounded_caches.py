"""What is built from the knowledge index (template structure, typo vocabulary, the field-list line) is cached
by the index's content, in LRUs of ``knowledge_cache_entries`` entries: many indexes never grow the caches past
that, and two stores holding the same chunks share one entry (an ``id()`` key did neither)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.core.lru import BoundedCache
from assistant.core.settings import get_settings
from assistant.knowledge import fields, question, template
from assistant.knowledge.corpus import DocumentMeta
from assistant.knowledge.ingest import store_document
from assistant.knowledge.search import KnowledgeBase
from tests.knowledge.conftest import make_settings

CACHES = (template._CACHE, question._VOCABULARIES, fields._LISTS)


def test_the_least_recently_used_entry_goes_first() -> None:
    cache: BoundedCache[str] = BoundedCache(2)
    built: list[str] = []

    def build(key: str) -> str:
        built.append(key)
        return key.upper()

    for key in ("a", "b", "a", "c", "a", "b"):
        assert cache.get(key, lambda key=key: build(key)) == key.upper()
    assert built == ["a", "b", "c", "b"] and len(cache) == 2  # "b" was least recently used when "c" came


@pytest.fixture
def two_entries(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CASE_ASSISTANT_KNOWLEDGE_CACHE_ENTRIES", "2")
    get_settings.cache_clear()
    for cache in CACHES:
        cache.clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()
    for cache in CACHES:
        cache.clear()


def _kb(root: Path, n: int) -> KnowledgeBase:
    kb = KnowledgeBase.open(make_settings(root))
    text = f"# 第{n}号通知\n\n## 附件\n\n### 一、申报书模板\n\n聚焦工业制造、现代农业等领域，第{n}批。\n"
    store_document(
        kb.store,
        doc_id=f"doc-{n}",
        text=text,
        meta=DocumentMeta(title=f"第{n}号通知"),
        source="t.md",
        origin="upload",
        filename="t.md",
    )
    return kb


def test_caches_stay_bounded_and_are_keyed_by_content(tmp_path: Path, two_entries: None) -> None:
    assert get_settings().knowledge_cache_entries == 2
    for n in range(5):
        kb = _kb(tmp_path / f"kb{n}", n)
        template.template_parts(kb)
        question.vocabulary(kb)
        fields.field_list_line(kb, ["工业制造", "现代农业"])
        assert all(len(cache) <= 2 for cache in CACHES)
    twin = _kb(tmp_path / "twin", 4)  # another store with the same chunks as the last: the same entry
    assert question.vocabulary(twin) is question.vocabulary(kb)
    assert template.template_parts(twin) is template.template_parts(kb)
    assert len(question._VOCABULARIES) == 2
