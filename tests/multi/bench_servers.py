"""Per-turn storage overhead and search latency: embedded defaults vs PostgreSQL + Chroma server.

    .venv/bin/python -m tests.multi.bench_servers [--turns 40] [--rounds 5]

Starts a throw-away PostgreSQL and ``chroma run`` on loopback (``tests.servers``), then
measures, in one run:

* a turn's storage work (``add_message`` user + state, ``add_message`` assistant, then
  what the view reads: ``get_application``, ``messages``, ``head_versions``), on SQLite
  (WAL, synchronous=FULL) and on PostgreSQL;
* hybrid search after the query embedding (``search_by_vector``, ``hash`` embedder, the
  bundled corpus) and BM25 alone, for: the embedded Chroma as before this change (no
  stamp check: the in-memory mirror only), embedded with the stamp check, and the Chroma
  server with the stamp check (what every instance of a multi-instance deployment runs);
* how long an instance takes to reload its mirror after another instance's upload.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import time
import warnings
from pathlib import Path

QUERIES = [
    "数据要素×交通运输 申报条件", "渝大数据发〔2024〕53号", "2024年6月30日 截止", "医疗健康 数据共享",
    "申报单位 需要提交哪些材料", "文化旅游 数据融合 案例", "金融服务 信用数据", "城市治理 一网统管",
    "绿色低碳 能耗数据", "科技创新 数据标注", "应急管理 数据联动", "农业 农产品 溯源",
]


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"{statistics.median(ordered) * 1000:7.2f} / {p95 * 1000:7.2f}"


def _turns(url: str, turns: int) -> list[float]:
    from assistant.store.sql import Store

    store = Store.open(url)
    app_id = store.create_application(1, "cq-2024-batch2", {"case_name": "单证互认"}, {"step": 0})
    store.add_version(app_id, "intro.problem", "草稿" * 200, 400, 500, "offline", "draft", {"issues": []})
    samples = []
    for i in range(turns):
        start = time.perf_counter()
        store.add_message(app_id, "user", "货主一票货平均要跑4个窗口。" * 5, state={"step": i})
        store.add_message(app_id, "assistant", "收到，请继续说明数据来源。", part_id="intro.problem")
        store.get_application(app_id)
        store.messages(app_id)
        store.head_versions(app_id)
        samples.append(time.perf_counter() - start)
    store.close()
    return samples


def _search(kb, rounds: int) -> tuple[list[float], list[float]]:
    vectors = {q: kb.embedder.embed([q], "query")[0] for q in QUERIES}
    kb.search_by_vector(QUERIES[0], vectors[QUERIES[0]])  # warm-up: mirror, BM25, HNSW
    hybrid, lexical = [], []
    pause = kb.store.stamp_ttl if kb.store.stamp_ttl != float("inf") else 0.0
    for _ in range(rounds):
        for q in QUERIES:
            time.sleep(pause)  # so that every search pays a fresh stamp check (the worst case)
            start = time.perf_counter()
            kb.search_by_vector(q, vectors[q])
            hybrid.append(time.perf_counter() - start)
            time.sleep(pause)
            start = time.perf_counter()
            kb.store.lexical(q, 30)
            lexical.append(time.perf_counter() - start)
    return hybrid, lexical


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)

    from assistant.core.resources import configure_offline_environment
    from assistant.core.settings import Settings
    from assistant.knowledge.index import ChunkStore
    from assistant.knowledge.search import KnowledgeBase
    from tests.servers import ChromaServer, PostgresServer

    configure_offline_environment()
    work = Path(tempfile.mkdtemp(prefix="case-bench-"))
    rows: list[tuple[str, str, str]] = []
    with PostgresServer() as pg, ChromaServer() as chroma:
        rows.append(("每轮存储开销 SQLite（嵌入式）", _ms(_turns(f"sqlite:///{work / 'app.sqlite3'}", args.turns)), ""))
        rows.append(("每轮存储开销 PostgreSQL", _ms(_turns(pg.new_database(), args.turns)), ""))

        embedded = KnowledgeBase.open(Settings(data_dir=work / "emb", embedder="hash", _env_file=None))
        embedded.ensure_bundled_corpus()
        chunks = len(embedded.store)
        embedded.store.stamp_ttl = float("inf")  # as before: the mirror is never re-checked
        embedded.store.refresh()
        rows.append(("检索 嵌入式 Chroma，仅内存镜像（改动前）", *map(_ms, _search(embedded, args.rounds))))
        embedded.store.stamp_ttl = ChunkStore.STAMP_TTL  # worst case: a check before every search
        embedded.store.refresh()
        rows.append(("检索 嵌入式 Chroma + 每次检查版本戳", *map(_ms, _search(embedded, args.rounds))))
        ttl = ChunkStore.STAMP_TTL

        def server_kb(name: str) -> KnowledgeBase:
            return KnowledgeBase.open(Settings(data_dir=work / name, embedder="hash", chroma_mode="http",
                                               chroma_port=chroma.port, _env_file=None))

        one, two = server_kb("one"), server_kb("two")
        one.ensure_bundled_corpus()
        rows.append(("检索 Chroma 服务 + 版本戳检查", *map(_ms, _search(two, args.rounds))))
        reloads = []
        for i in range(5):
            one.ingest_bytes(f"n{i}.md", f"# 通知{i}\n\n冷链数据互认试点第{i}批。\n".encode())
            time.sleep(ttl)
            start = time.perf_counter()
            two.store.lexical("冷链数据互认", 5)
            reloads.append(time.perf_counter() - start)
        rows.append(("另一实例上传后首次检索（重载镜像+重建 BM25）", "", _ms(reloads)))

    print(f"\n多实例基准（{chunks} 个片段，hash 嵌入；中位数 / p95，毫秒）\n")
    print(f"| {'场景':<36} | 混合检索/每轮 | BM25 |")
    print("|---|---|---|")
    for name, hybrid, lexical in rows:
        print(f"| {name} | {hybrid} | {lexical} |")


if __name__ == "__main__":
    main()
