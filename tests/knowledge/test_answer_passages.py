"""The learned answer-passage ranking (``assistant.knowledge.answer_passages``): which bundled passage answers a
question, learned from how the development rows asked, fused into retrieval.

The questions below are my own paraphrases (no set holds them); each was declined or answered from the wrong
passage before the ranking was fused (checked by switching the model off)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.knowledge import answer_passages
from assistant.knowledge.answer_passages import (
    MODEL_FILE,
    PassageModel,
    bundled_chunks,
    chunk_key,
    fingerprint,
    labelled_rows,
    learned_ranking,
    shipped_model,
)
from assistant.knowledge.qa import answer_question
from assistant.knowledge.question import analyse, map_words
from assistant.understanding.build import _same_question, answer_rows, heldout_questions, qa_data_dir
from assistant.understanding.shipped import models_dir


def test_the_shipped_model_was_trained_on_the_committed_development_rows() -> None:
    report = json.loads((models_dir() / "training-report.json").read_text(encoding="utf-8"))["answer_passages"]
    chunks = bundled_chunks()
    assert report["data"] == fingerprint(labelled_rows(answer_rows(qa_data_dir()), map_words, chunks), chunks), (
        "labelled questions, the lexicon's wording or the bundled corpus changed: run case-assistant "
        "train-understanding --only answer-passages"
    )
    assert (models_dir() / MODEL_FILE).stat().st_size < 400_000


def test_it_learns_from_development_rows_only() -> None:
    rows = answer_rows(qa_data_dir())
    held = heldout_questions(qa_data_dir())
    assert rows and all(r.get("split", "dev") == "dev" and r["kind"] != "out_of_scope" for r in rows)
    assert not any(_same_question(r["question"]) in held for r in rows)


def test_every_shipped_passage_is_a_bundled_passage_as_the_index_cuts_it() -> None:
    model = shipped_model()
    assert model is not None
    keys = {chunk_key(c.chunk_id, c.text) for c in bundled_chunks()}
    assert set(model.keys) <= keys


def test_a_passage_whose_text_changed_is_not_ranked(corpus_kb, monkeypatch: pytest.MonkeyPatch) -> None:
    """The model learned a text, not an id: after an edit of the corpus it ranks nothing for that passage."""
    question = analyse("拍的宣传片要多长时间", corpus_kb)
    ranked = learned_ranking(corpus_kb, question)
    assert ranked
    model = shipped_model()
    assert model is not None
    stale = [k if k.rsplit("@", 1)[0] != ranked[0] else f"{ranked[0]}@000000000000" for k in model.keys]
    monkeypatch.setattr(answer_passages, "shipped_model", lambda: PassageModel(stale, model.coef, model.intercept))
    assert ranked[0] not in learned_ranking(corpus_kb, question)


def test_rank_keeps_the_top_passages_above_the_floor() -> None:
    model = PassageModel(["a@1", "b@2", "c@3", "d@4"], np.eye(4, dtype=np.float32), np.zeros(4, np.float32))
    ranked = model.rank(np.asarray([5.0, 4.0, 0.0, 0.0]), top=3, floor=0.1)
    assert [key for key, _ in ranked] == ["a@1", "b@2"]  # c and d are below the floor


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("拍的宣传片要多长时间", "5分钟左右"),  # 宣传片: the documents say 视频
        ("宣传那部分能写多长", "1500字"),
        ("样板案例是在什么会上公布的", "数字中国建设峰会"),  # 样板: the documents say 典型案例
    ],
)
def test_a_paraphrase_finds_the_passage_its_words_miss(corpus_kb, question: str, answer: str) -> None:
    reply = answer_question(corpus_kb, question)
    assert reply.grounded
    assert answer in reply.answer + "".join(c.text for c in reply.citations[:3])
