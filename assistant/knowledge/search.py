"""The knowledge base the rest of the app talks to: hybrid search plus ingestion.

Search runs two retrievers over the same chunks — Chroma (dense, e5 embeddings)
and BM25 over jieba tokens — and fuses their rankings with reciprocal rank fusion
(score = Σ 1/(60 + rank)). Dense retrieval finds paraphrases; BM25 finds exact
terms such as 文号 and dates, which embedding models blur. RRF needs no score
calibration between the two, which is why it is used rather than a weighted sum.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any

from pydantic import BaseModel

from assistant.core.errors import InvalidInputError, UserFacingError
from assistant.core.settings import Settings
from assistant.core.types import Passage
from assistant.knowledge.corpus import KINDS, DocumentMeta, field_names, load_bundled_corpus
from assistant.knowledge.embed import build_embedder
from assistant.knowledge.index import ChunkStore
from assistant.knowledge.ingest import (
    DocumentPlan,
    IngestResult,
    content_hash_of,
    document_hash,
    guess_title,
    plan_document,
    read_path,
    store_document,
    store_planned,
)
from assistant.knowledge.parse_worker import extract_text_bounded
from assistant.knowledge.tokens import PHRASES

RRF_K = 60
CANDIDATES = 30
EXACT_TERM_WEIGHT = 2.0


class DocumentInfo(BaseModel):
    doc_id: str
    title: str
    kind: str
    source: str
    chunks: int
    origin: str = "user"
    doc_number: str = ""
    date: str = ""


def rrf_fuse(rankings: list[list[str]], k: int = RRF_K, weights: list[float] | None = None) -> list[tuple[str, float]]:
    """Reciprocal rank fusion of several ranked id lists (ranks start at 1)."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = defaultdict(float)
    for ranking, weight in zip(rankings, weights, strict=False):
        for rank, item in enumerate(ranking, start=1):
            scores[item] += weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: pair[1], reverse=True)


def _progress(items: list[Any], enabled: bool, desc: str) -> Any:
    if not (enabled and items):
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit="份", file=sys.stderr)


class KnowledgeBase:
    """Bundled corpus plus staff-loaded documents, searchable with citations."""

    def __init__(self, settings: Settings, store: ChunkStore) -> None:
        self.settings = settings
        self.store = store
        self.embedder = store.embedder

    @classmethod
    def open(cls, settings: Settings, client: Any = None) -> KnowledgeBase:
        """Open (or create) the index; no model is loaded and nothing is read until first use."""
        return cls(settings, ChunkStore.open(settings, build_embedder(settings), client=client))

    # -- search ------------------------------------------------------------------------------
    def search(self, query: str, k: int = 5, kinds: list[str] | None = None, field: str | None = None) -> list[Passage]:
        """Top ``k`` passages for ``query``, optionally only of some kinds and/or one field."""
        query = query.strip()
        if not query:
            raise InvalidInputError("检索内容为空：请输入要查找的问题或关键词。")
        self._check_filters(kinds, field)
        if len(self.store) == 0:
            return []
        vector = self.embedder.embed([query], "query")[0]
        return self.search_by_vector(query, vector, k=k, kinds=kinds, field=field)

    def search_by_vector(
        self, query: str, vector: Any, k: int = 5, kinds: list[str] | None = None, field: str | None = None
    ) -> list[Passage]:
        """The part of :meth:`search` after the query embedding (what the latency target measures)."""
        depth = max(CANDIDATES, k)
        dense = self.store.dense(vector, depth, kinds, field)
        lexical = self.store.lexical(query, depth, kinds, field)
        rankings = [[cid for cid, _ in dense], [cid for cid, _ in lexical]]
        # A date or 文号 in the query is an identifier: trust the exact-match side more.
        weights = [1.0, EXACT_TERM_WEIGHT if PHRASES.search(query) else 1.0]
        if field:
            rankings.append(self._field_specific(rrf_fuse(rankings, weights=weights), field))
            weights.append(1.0)
        fused = rrf_fuse(rankings, weights=weights)[:k]
        return self.store.passages([(cid, round(score, 6)) for cid, score in fused])

    def _field_specific(self, fused: list[tuple[str, float]], field: str) -> list[str]:
        """Candidates written about ``field`` alone (e.g. the digest's section on that field), in fused order.

        General passages concern all twelve fields and also pass the filter; this extra
        ranking puts the field's own guidance ahead of them.
        """
        candidates = self.store.passages(fused)
        return [p.chunk_id for p in candidates if p.fields == [field]]

    @staticmethod
    def _check_filters(kinds: list[str] | None, field: str | None) -> None:
        bad = [k for k in kinds or [] if k not in KINDS]
        if bad:
            raise InvalidInputError(f"未知文档类型：{'、'.join(bad)}；可选：{'、'.join(KINDS)}。")
        if field and field not in field_names():
            raise InvalidInputError(f"未知领域：{field}；可选：{'、'.join(field_names())}。")

    # -- corpus and ingestion -------------------------------------------------------------------
    def ensure_bundled_corpus(self, progress: bool = False) -> int:
        """Index the bundled corpus if missing or changed; returns the number of chunks added."""
        corpus = load_bundled_corpus()
        stored = self.store.documents()
        wanted = {doc.doc_id for doc in corpus}
        for doc_id, info in stored.items():
            if info.get("origin") == "bundled" and doc_id not in wanted:
                self.store.delete_document(doc_id)
        todo = [
            d
            for d in corpus
            if stored.get(d.doc_id, {}).get("content_hash") != document_hash(d.text, d.meta, "bundled")
        ]
        added = 0
        for doc in _progress(todo, progress, "索引内置文档"):
            result = store_document(
                self.store,
                doc_id=doc.doc_id,
                text=doc.text,
                meta=doc.meta,
                source=doc.source,
                origin="bundled",
                filename=doc.source,
            )
            added += result.chunks if result.status != "duplicate" else 0
        return added

    def ingest_bytes(self, filename: str, data: bytes, kind: str = "notice") -> IngestResult:
        """Ingest one uploaded file; errors come back as a result with a Chinese message."""
        name = PurePath(filename).name or filename
        try:
            return self._ingest(name, data, kind)
        except UserFacingError as exc:
            return IngestResult(filename=name, status="error", message=exc.message)

    def ingest_paths(self, paths: list[Path], kind: str = "notice", progress: bool = False) -> list[IngestResult]:
        """Ingest files one by one; a bad file is reported and the rest still go in."""
        self._check_filters([kind], None)
        results = []
        for path in _progress(list(paths), progress, "导入文件"):
            try:
                data = read_path(Path(path), self._max_bytes)
                results.append(self._ingest(Path(path).name, data, kind, source=str(path)))
            except UserFacingError as exc:
                results.append(IngestResult(filename=str(path), status="error", message=exc.message))
        return results

    @property
    def _max_bytes(self) -> int:
        return self.settings.limit_upload_mb * 1024 * 1024

    def _ingest(self, name: str, data: bytes, kind: str, source: str | None = None) -> IngestResult:
        return store_planned(self.store, self.plan_ingest(name, data, kind, source))

    def plan_ingest(self, name: str, data: bytes, kind: str, source: str | None = None) -> DocumentPlan:
        """Read and cut a file into chunks (fast); ``commit_ingest`` embeds and stores them (slow)."""
        self._check_filters([kind], None)
        extracted = extract_text_bounded(name, data, self._max_bytes)
        header = dict(extracted.header or {})
        header.setdefault("kind", kind)
        header["title"] = guess_title(extracted, name)
        try:
            meta = DocumentMeta.model_validate(header)
        except ValueError as exc:
            raise InvalidInputError(f"文件 {name} 的元数据有误：{exc}") from exc
        doc_id = "doc-" + content_hash_of(extracted.text)[:16]
        return plan_document(
            self.store,
            doc_id=doc_id,
            text=extracted.text,
            meta=meta,
            source=source or name,
            origin="user",
            filename=name,
        )

    def commit_ingest(self, plan: DocumentPlan, on_progress: Callable[[int, int], None] | None = None) -> IngestResult:
        return store_planned(self.store, plan, on_progress)

    def list_documents(self) -> list[DocumentInfo]:
        """Every stored document with its chunk count (bundled first, then by title)."""
        docs = [
            DocumentInfo(
                doc_id=doc_id,
                title=info.get("title", ""),
                kind=info.get("kind", ""),
                source=info.get("source", ""),
                chunks=info["chunks"],
                origin=info.get("origin", "user"),
                doc_number=info.get("doc_number", ""),
                date=info.get("date", ""),
            )
            for doc_id, info in self.store.documents().items()
        ]
        return sorted(docs, key=lambda d: (d.origin != "bundled", d.title))
