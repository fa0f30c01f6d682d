"""The bundled corpus: metadata present and valid, the notice verbatim, the digest honest."""

from __future__ import annotations

import hashlib
import re

from assistant.core.resources import bundled_dir
from assistant.knowledge.corpus import field_names, load_bundled_corpus

SEED_SHA256 = "abe9847650d0792c4b82ac66d21d5245834b0c2806ee714844e343f7743368d1"


def _docs():
    return {d.doc_id: d for d in load_bundled_corpus()}


def test_notice_is_the_seed_text_verbatim() -> None:
    path = bundled_dir("knowledge") / "corpus" / "notice-cq-2024-53.txt"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == SEED_SHA256
    meta = _docs()["corpus-notice-cq-2024-53"].meta
    assert (meta.kind, meta.doc_number, meta.date) == ("notice", "渝大数据发〔2024〕53号", "2024-08-05")
    assert meta.issuer == "重庆市大数据应用发展管理局" and "dsjj.cq.gov.cn" in meta.source_url


def test_digest_says_it_is_a_digest_and_labels_unverified_parts() -> None:
    digest = _docs()["corpus-plan-digest-2023-11"]
    assert digest.meta.kind == "plan_digest" and digest.meta.doc_number == "国数政策〔2023〕11号"
    opening = digest.text[:400]
    assert "摘要，非官方原文" in opening and "国家数据局" in opening
    for field in field_names():
        assert re.search(rf"^### （[一二三四五六七八九十]+）数据要素×{field}$", digest.text, re.M), field
    # Only the transport and finance directions were seen verbatim; the rest carry the label.
    for line in digest.text.splitlines():
        if line.startswith("重点方向") and "提升多式联运效能" not in line and "提升金融服务水平" not in line:
            assert "摘要，待与原文核对" in line, line


def test_case_cards_and_template_example_are_labelled() -> None:
    docs = _docs()
    cases = [d for d in docs.values() if d.meta.kind == "case"]
    assert len(cases) >= 6
    for case in cases:
        assert len(case.meta.fields) == 1 and case.meta.source_url.startswith("http")
        assert "非官方原文" in case.text[:300], case.doc_id
    example = docs["corpus-template-example-supply-chain"]
    assert example.meta.kind == "template_example" and example.meta.fields == ["工业制造"]
    assert "上线后一年采购成本节约3.43%" in example.text and "不是真实申报案例" in example.text
