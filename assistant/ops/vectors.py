"""The vector index in and out of a backup, through Chroma's own API.

Copying ``chroma/`` while a server writes to it can catch its files half-way; reading every record
(id, text, metadata, embedding) through the API cannot, and works the same for a Chroma server, where
there is no directory to copy. The knowledge index stamps its collection on every change
(``ChunkStore.STAMP_KEY``); an export is repeated when the stamp or the count moved while it ran.
Embeddings are written as the float32 bytes Chroma returned, so a restored index is bit-identical and
nothing is embedded again.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from assistant.core.settings import Settings
from assistant.knowledge.chroma_client import make_client
from assistant.knowledge.embed import KnowledgeEmbeddingFunction
from assistant.knowledge.index import ChunkStore
from assistant.ops.manifest import CollectionPart, VectorPart

PAGE = 1000
ATTEMPTS = 5
OUR_FUNCTION = "case-assistant-embedder"
EMBEDDING_TOLERANCE = 1e-6


def open_client(settings: Settings, create: bool = False) -> Any:
    """The Chroma client, or None when the embedded index was never created (nothing to back up)."""
    if settings.chroma_mode != "http" and not create and not (settings.chroma_path / "chroma.sqlite3").is_file():
        return None
    return make_client(settings)


def _records(collection: Any) -> Iterator[dict[str, Any]]:
    total = collection.count()
    for offset in range(0, total, PAGE):
        got = collection.get(include=["documents", "metadatas", "embeddings"], limit=PAGE, offset=offset)
        for cid, doc, meta, vec in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"],
                                       strict=True):
            yield {"id": cid, "document": doc, "metadata": dict(meta or {}),
                   "embedding": base64.b64encode(np.asarray(vec, dtype=np.float32).tobytes()).decode("ascii")}


def _digest(record: dict[str, Any]) -> bytes:
    return hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode("utf-8")).digest()


def _sum(digests: list[bytes]) -> str:
    total = hashlib.sha256()
    for digest in sorted(digests):
        total.update(digest)
    return total.hexdigest()


def _stamp(collection: Any) -> tuple[Any, int]:
    return (collection.metadata or {}).get(ChunkStore.STAMP_KEY), collection.count()


def _configuration(collection: Any) -> tuple[str, dict[str, Any]]:
    config = getattr(collection, "configuration_json", None) or {}
    space = (config.get("hnsw") or {}).get("space") or "cosine"
    return space, dict(config.get("embedding_function") or {})


def export_collection(client: Any, name: str, target: Path) -> tuple[CollectionPart, list[dict[str, Any]], bool]:
    """Write one collection to ``target`` (gzip JSON lines); returns its part, its documents and whether it
    held still while being read (False: it changed on every attempt, an ingest was under way)."""
    settled = False
    for _ in range(ATTEMPTS):
        collection = client.get_collection(name)
        before = _stamp(collection)
        digests: list[bytes] = []
        docs: dict[str, dict[str, Any]] = {}
        with gzip.open(target, "wt", encoding="utf-8", compresslevel=3) as out:
            for record in _records(collection):
                digests.append(_digest(record))
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                _note_document(docs, record["metadata"])
        collection = client.get_collection(name)
        if _stamp(collection) == before:
            settled = True
            break
    space, function = _configuration(collection)
    metadata = dict(collection.metadata or {})
    part = CollectionPart(member="", count=len(digests), sha256=_sum(digests), metadata=metadata, space=space,
                          embedding_function=function)
    return part, [{"collection": name, **doc} for doc in docs.values()], settled


def _note_document(docs: dict[str, dict[str, Any]], meta: dict[str, Any]) -> None:
    doc_id = meta.get("doc_id")
    if doc_id is None:
        return
    entry = docs.setdefault(doc_id, {key: meta.get(key, "") for key in ("doc_id", "title", "source", "kind", "origin")})
    entry["chunks"] = entry.get("chunks", 0) + 1


def export_all(settings: Settings, folder: Path) -> VectorPart | None:
    client = open_client(settings)
    if client is None:
        return None
    part = VectorPart(mode=settings.chroma_mode)
    folder.mkdir(parents=True, exist_ok=True)
    for name in sorted(c.name for c in client.list_collections()):
        target = folder / f"{name}.jsonl.gz"
        collection_part, documents, settled = export_collection(client, name, target)
        if not settled:
            part.unsettled.append(name)
        collection_part.member = f"vectors/{target.name}"
        part.collections[name] = collection_part
        part.documents += documents
    return part


def existing_records(settings: Settings) -> int:
    """How many records the configured index already holds (restore refuses to mix)."""
    client = open_client(settings)
    if client is None:
        return 0
    return sum(client.get_collection(c.name).count() for c in client.list_collections())


def _function(part: CollectionPart) -> KnowledgeEmbeddingFunction | None:
    if part.embedding_function.get("name") != OUR_FUNCTION:
        return None
    return KnowledgeEmbeddingFunction(config=dict(part.embedding_function.get("config") or {}))


def import_collection(client: Any, name: str, part: CollectionPart, source: Path, *, replace: bool) -> None:
    if replace and name in {c.name for c in client.list_collections()}:
        client.delete_collection(name)
    collection = client.get_or_create_collection(
        name, configuration={"hnsw": {"space": part.space}}, metadata=part.metadata or None,
        embedding_function=_function(part),
    )
    batch: list[dict[str, Any]] = []
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        for line in lines:
            batch.append(json.loads(line))
            if len(batch) >= PAGE:
                _add(collection, batch)
                batch = []
    _add(collection, batch)


def _add(collection: Any, batch: list[dict[str, Any]]) -> None:
    if not batch:
        return
    collection.add(
        ids=[r["id"] for r in batch],
        documents=[r["document"] for r in batch],
        metadatas=[r["metadata"] or None for r in batch],
        embeddings=[np.frombuffer(base64.b64decode(r["embedding"]), dtype=np.float32) for r in batch],
    )


def verify_collection(settings: Settings, name: str, part: CollectionPart, source: Path) -> list[str]:
    """Compare a restored collection with the exported records it was made from, batch by batch.

    Ids, texts and metadata must be equal; embeddings equal to float32 rounding, because Chroma normalises
    vectors again when a cosine collection is written (a difference of one unit in the last place).
    """
    client = open_client(settings)
    if client is None or name not in {c.name for c in client.list_collections()}:
        return [f"向量集合 {name} 没有恢复"]
    collection = client.get_collection(name)
    problems = [] if collection.count() == part.count else [f"向量集合 {name} 的数量不一致"]
    batch: list[dict[str, Any]] = []
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        for line in lines:
            batch.append(json.loads(line))
            if len(batch) >= PAGE:
                problems += _compare_batch(collection, name, batch)
                batch = []
    problems += _compare_batch(collection, name, batch)
    return problems[:20]


def _compare_batch(collection: Any, name: str, batch: list[dict[str, Any]]) -> list[str]:
    if not batch:
        return []
    got = collection.get(ids=[r["id"] for r in batch], include=["documents", "metadatas", "embeddings"])
    restored = {cid: (doc, dict(meta or {}), np.asarray(vec, dtype=np.float32))
                for cid, doc, meta, vec in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"],
                                               strict=True)}
    problems = []
    for record in batch:
        found = restored.get(record["id"])
        saved = np.frombuffer(base64.b64decode(record["embedding"]), dtype=np.float32)
        if found is None:
            problems.append(f"向量集合 {name} 缺少 {record['id']}")
        elif (found[0], found[1]) != (record["document"], record["metadata"]) or not np.allclose(
            found[2], saved, rtol=0, atol=EMBEDDING_TOLERANCE
        ):
            problems.append(f"向量集合 {name} 中 {record['id']} 不一致")
    return problems
