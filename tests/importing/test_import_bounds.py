"""Bounds of the import on long files: condensing counts the text O(log n) times, meaning embeds each
distinct paragraph once and at most ``MAX_READ`` of them (tests/core/test_linear_text.py times both)."""

from __future__ import annotations

import re
import zlib

import numpy as np

from assistant.core.figures import extract_numbers
from assistant.core.textlen import count_words, split_sentences
from assistant.importing.condense import condense_offline
from assistant.importing.mapper import import_document
from assistant.importing.meaning import MAX_READ, PartMeaning
from assistant.importing.reader import read_text
from tests.importing.documents import FORM

_ASIDE = re.compile(r"（[^（）]{1,60}）|\([^()]{1,60}\)")


def _step_by_step(text: str, budget: int) -> tuple[str, list[str]]:
    """The rule as first written: drop one sentence (then one aside) at a time, recounting the whole text."""
    paragraphs = [split_sentences(p) for p in text.split("\n") if p.strip()]
    flat = [(i, j, s) for i, para in enumerate(paragraphs) for j, s in enumerate(para)]
    drop: set[tuple[int, int]] = set()
    dropped: list[str] = []

    def joined() -> str:
        lines = ["".join(s for j, s in enumerate(p) if (i, j) not in drop) for i, p in enumerate(paragraphs)]
        return "\n".join(line for line in lines if line.strip())

    hints = ("数据", "来源", "流通", "安全", "平台", "提升", "降低", "节约")
    removable = sorted(
        (x for x in flat if not extract_numbers(x[2])), key=lambda x: (sum(h in x[2] for h in hints), -x[0], -x[1])
    )
    for i, j, sentence in removable:
        if count_words(joined()) <= budget:
            break
        drop.add((i, j))
        dropped.append(sentence)
    result = joined()
    for aside in _ASIDE.findall(result):
        if count_words(result) <= budget:
            break
        if not extract_numbers(aside):
            result = result.replace(aside, "", 1)
            dropped.append(aside)
    return result, dropped


TEXT = (
    "我们建设了物流数据平台（一期工程）。平台汇聚运输管理系统的数据（含仓储），覆盖1200家企业（2023年）。\n"
    "项目由市交通局牵头（联合市大数据局）。数据来源于企业上报和政务共享（经授权）。运输效率提升了15%（试运行期间）。\n"
    "平台采用隐私计算保障安全（试点阶段）。我们还组织了多次培训。未来将继续推广（含周边区县）。成本降低2.3亿元(测算)。"
)


def test_condensing_drops_what_the_step_by_step_rule_drops() -> None:
    asides_dropped = 0
    for budget in range(0, count_words(TEXT) + 2):
        condensed = condense_offline(TEXT, budget)
        text, dropped = _step_by_step(TEXT, budget)
        assert (condensed.text, condensed.dropped) == (text, dropped), budget
        assert condensed.words == count_words(text)
        asides_dropped += any(d.startswith(("（", "(")) for d in dropped)
    assert asides_dropped  # the second step (asides inside sentences with figures) was reached


class _Recording:
    """The encoder seam, recording what it is asked to embed (hashed vectors: the bound is what is tested)."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def embed(self, texts: list[str], role: str) -> np.ndarray:
        self.texts += texts
        rows = [np.random.default_rng(zlib.crc32(t.encode())).standard_normal(384) for t in texts]
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), 384)


def test_a_long_paste_embeds_each_distinct_paragraph_once_and_at_most_max_read() -> None:
    encoder = _Recording()
    meaning = PartMeaning(FORM, encoder)
    meaning.scores(["预热"])  # the parts' own descriptions, embedded once per form
    encoder.texts.clear()
    line = "第{}条：平台汇聚了运输管理系统和仓储系统的数据，向合作伙伴提供数据服务，已接入{}家企业。"
    lines = [line.format(i, i) for i in range(600)]
    pasted = "\n".join(lines + lines[:100])  # the first hundred lines again, as a paste often repeats
    result = import_document(FORM, read_text(pasted), meaning)
    assert len(encoder.texts) == len(set(encoder.texts)) == MAX_READ
    assert len(result.paragraphs) == 700  # every paragraph is still placed, none dropped
