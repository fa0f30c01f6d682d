"""Knowledge base: bundled corpus, ingestion, embeddings, hybrid retrieval.

``from assistant.knowledge import KnowledgeBase`` is the entry point. The names are
resolved lazily so that importing a submodule (say, ``ingest`` for its error types)
does not pull in Chroma.
"""

from __future__ import annotations

from typing import Any

__all__ = ["KnowledgeBase", "DocumentInfo", "IngestResult"]


def __getattr__(name: str) -> Any:
    if name in ("KnowledgeBase", "DocumentInfo"):
        from assistant.knowledge import search

        return getattr(search, name)
    if name == "IngestResult":
        from assistant.knowledge.ingest import IngestResult

        return IngestResult
    raise AttributeError(name)
