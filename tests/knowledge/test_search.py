"""Hybrid retrieval: exact terms, paraphrases, filters, bundled-corpus bookkeeping."""

from __future__ import annotations

import pytest

from assistant.core.errors import InvalidInputError
from assistant.knowledge.corpus import field_names
from assistant.knowledge.search import rrf_fuse


def test_rrf_fuse_rewards_agreement() -> None:
    fused = dict(rrf_fuse([["a", "b", "c"], ["b", "d"]]))
    assert max(fused, key=fused.get) == "b"
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)


@pytest.mark.parametrize(
    ("query", "doc_id", "needle"),
    [
        ("渝大数据发〔2024〕53号", "corpus-notice-cq-2024-53", "渝大数据发〔2024〕53号"),
        ("国数政策〔2023〕11号", "corpus-plan-digest-2023-11", "国数政策〔2023〕11号"),
        ("2024年8月20日", "corpus-notice-cq-2024-53", "2024年8月20日"),
        ("「数据要素×」大赛 国数政策〔2024〕53号", "corpus-plan-digest-2023-11", "国数政策〔2024〕53号"),
        ("59.8亿条", "corpus-case-c2-fujian-emergency", "59.8亿"),
    ],
)
def test_exact_terms_are_found(bundled_kb, query: str, doc_id: str, needle: str) -> None:
    hits = bundled_kb.search(query, k=3)
    assert any(p.doc_id == doc_id and needle in p.text for p in hits), [p.chunk_id for p in hits]
    # The BM25 side alone ranks a chunk containing the exact term first.
    first_id, _ = bundled_kb.store.lexical(query, 1)[0]
    assert needle in bundled_kb.store.passages([(first_id, 0.0)])[0].text


@pytest.mark.parametrize(
    ("query", "doc_id", "locator"),
    [
        ("防灾减灾方面接入了哪些系统", "corpus-case-c2-fujian-emergency", "使用的数据"),
        ("石窟文物怎么数字化保护", "corpus-case-c3-yungang-relics", None),
        ("申报的截止日期是哪天", "corpus-notice-cq-2024-53", "二、申报工作安排 > （三）申报时间及案例遴选"),
    ],
)
def test_paraphrases_with_the_real_embedder(e5_kb, query: str, doc_id: str, locator: str | None) -> None:
    top = e5_kb.search(query, k=3)[0]
    assert top.doc_id == doc_id
    assert locator is None or top.locator == locator


def test_dense_side_finds_what_bm25_misses(e5_kb) -> None:
    query = "给小微企业放贷看的是什么数据"
    lexical_docs = {cid.split(":")[0] for cid, _ in e5_kb.store.lexical(query, 3)}
    hybrid_docs = {p.doc_id for p in e5_kb.search(query, k=3)}
    assert "corpus-case-p2-xintai-county-credit" in hybrid_docs - lexical_docs


def test_filters_by_kind_and_field(bundled_kb) -> None:
    cases = bundled_kb.search("接入了哪些数据", k=5, kinds=["case"], field="应急管理")
    assert cases and {p.doc_id for p in cases} == {"corpus-case-c2-fujian-emergency"}
    farm = bundled_kb.search("重点方向", k=3, kinds=["plan_digest"], field="现代农业")
    assert farm[0].locator.endswith("（五）数据要素×现代农业") and "现代农业" in farm[0].fields
    assert all(p.kind == "plan_digest" and "现代农业" in p.fields for p in farm)
    examples = bundled_kb.search("供应链", k=5, kinds=["template_example"])
    assert examples and all(p.kind == "template_example" and p.fields == ["工业制造"] for p in examples)


def test_every_field_has_its_own_digest_section(bundled_kb) -> None:
    for field in field_names():
        hits = bundled_kb.search(f"数据要素×{field} 重点方向", k=1, kinds=["plan_digest"], field=field)
        assert hits and field in hits[0].locator, field


def test_bad_filters_and_empty_queries_are_user_errors(bundled_kb) -> None:
    with pytest.raises(InvalidInputError, match="未知文档类型"):
        bundled_kb.search("截止", kinds=["poem"])
    with pytest.raises(InvalidInputError, match="未知领域"):
        bundled_kb.search("截止", field="航天")
    with pytest.raises(InvalidInputError, match="检索内容为空"):
        bundled_kb.search("  ")


def test_bundled_corpus_is_indexed_once(bundled_kb) -> None:
    assert bundled_kb.ensure_bundled_corpus() == 0
    docs = {d.doc_id: d for d in bundled_kb.list_documents()}
    assert docs["corpus-notice-cq-2024-53"].kind == "notice"
    assert docs["corpus-notice-cq-2024-53"].doc_number == "渝大数据发〔2024〕53号"
    assert docs["corpus-plan-digest-2023-11"].kind == "plan_digest"
    assert docs["corpus-template-example-supply-chain"].kind == "template_example"
    assert sum(d.kind == "case" for d in docs.values()) >= 6
    assert all(d.origin == "bundled" and d.chunks > 0 for d in docs.values())
