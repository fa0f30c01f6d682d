"""The element reader's call-wide ``budget``: a document read sentence by sentence (pre-scoring, the flow diagram)
sends at most that many pieces to the encoder, and what lies past it is read by the form's keywords.

The encoder is the shipped one behind a recorder: the filler repeats one sentence, so e5 runs once for it
(its cache) while the reader still sends every piece it reads.
"""

from __future__ import annotations

import numpy as np
import pytest

from assistant.forms.spec import load_form
from assistant.understanding.elements import MAX_PIECES, ElementReader
from assistant.understanding.encoder import shared_encoder
from assistant.understanding.shipped import element_models

FORM = load_form("cq-2024-batch2")
FILLER = "这项工作按计划推进，各方沟通顺畅。"
LATE = "原始数据来源于各区县的政务数据共享交换平台。"


class _Recording:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return shared_encoder().encode(texts)


@pytest.fixture
def recorded() -> tuple[ElementReader, _Recording]:
    encoder = _Recording()
    return ElementReader(FORM, element_models(), encoder), encoder  # type: ignore[arg-type]


def test_a_budget_bounds_a_document_read_sentence_by_sentence(recorded) -> None:
    reader, encoder = recorded
    sentences = [FILLER] * (MAX_PIECES + 60) + [LATE]
    held = reader.present(sentences, budget=MAX_PIECES)
    assert sum(len(c) for c in encoder.calls) == MAX_PIECES
    assert "data_sources" in held[-1]  # past the budget: read by the form's keywords (来源, 政务数据)
    assert "data_sources" not in held[0] and "data_sources" not in held[-2]


def test_without_a_budget_every_text_is_read(recorded) -> None:
    reader, encoder = recorded
    sentences = [FILLER] * (MAX_PIECES + 60) + [LATE]
    held = reader.present(sentences)  # the evaluation reads whole labelled sets so: one short text per row
    assert sum(len(c) for c in encoder.calls) == len(sentences)
    assert held == reader.present(sentences, budget=len(sentences))
