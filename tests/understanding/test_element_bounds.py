"""The element reader's bounds on long texts: pieces of at most PIECE_CHARS characters, at most MAX_PIECES of
them per text (or per call, with ``budget``) sent to the encoder, the rest read by the form's keywords.

The encoder is the shipped one behind a recorder: the filler repeats one sentence, so e5 runs once for it
(its cache) while the reader still sends every piece it reads.
"""

from __future__ import annotations

import numpy as np
import pytest

from assistant.forms.spec import load_form
from assistant.understanding.elements import MAX_PIECES, PIECE_CHARS, ElementReader, pieces
from assistant.understanding.encoder import shared_encoder
from assistant.understanding.shipped import element_models

FORM = load_form("cq-2024-batch2")
FILLER = "这项工作按计划推进，各方沟通顺畅。"


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


def test_a_run_without_punctuation_is_read_in_short_pieces() -> None:
    assert all(len(p) <= PIECE_CHARS for p in pieces("8" * 5000))
    spoken = " ".join(["我们通过市公共数据开放平台去调企业的纳税数据"] * 12)  # speech typed with spaces for commas
    cut = pieces(spoken)
    assert all(len(p) <= PIECE_CHARS for p in cut) and "".join(cut) == spoken
    assert all(p.endswith(" ") for p in cut[:-1])  # cut at the spaces, not inside a word


def test_one_text_sends_at_most_max_pieces_and_the_rest_is_read_by_keywords(recorded) -> None:
    reader, encoder = recorded
    filler = FILLER * (MAX_PIECES + 60)
    held = reader.present([filler + "原始数据来源于各区县的政务数据共享交换平台。"])[0]
    assert sum(len(c) for c in encoder.calls) == MAX_PIECES
    assert "data_sources" in held  # its sentence is past the cap: read by the form's keywords (来源, 政务数据)
    assert "data_sources" not in reader.present([filler])[0]


def test_a_budget_bounds_a_document_read_sentence_by_sentence(recorded) -> None:
    reader, encoder = recorded
    sentences = [FILLER] * (MAX_PIECES + 60)
    reader.present(sentences, budget=MAX_PIECES)
    assert sum(len(c) for c in encoder.calls) == MAX_PIECES
    encoder.calls.clear()
    reader.present(sentences)  # no budget: every sentence is its own short text (the evaluation reads sets so)
    assert sum(len(c) for c in encoder.calls) == len(sentences)
