"""Question types come from the learned layer: a one-vs-rest model shipped beside the understanding models.

The model is trained by ``case-assistant train-understanding --only question-types`` on the development rows
of the Q&A sets (their hand-labelled ``types``); the held-out rows carry no type labels and are never read.
"""

from __future__ import annotations

import json

import pytest

from assistant.knowledge.qtypes import FACT, ORDER, OUT_OF_SCOPE, TYPE_MODEL, read_types, type_model
from assistant.knowledge.question import map_words
from assistant.understanding.build import (
    QUESTION_TYPES,
    _same_question,
    heldout_questions,
    qa_data_dir,
    question_fingerprint,
    question_type_rows,
)
from assistant.understanding.shipped import models_dir


def test_the_shipped_model_was_trained_on_the_committed_development_rows() -> None:
    report = json.loads((models_dir() / "training-report.json").read_text(encoding="utf-8"))["question_types"]
    assert report["data"] == question_fingerprint(qa_data_dir(), map_words), (
        "labelled questions or the lexicon's wording changed: run case-assistant train-understanding "
        "--only question-types"
    )
    assert type_model().classes == list(QUESTION_TYPES)
    assert (models_dir() / TYPE_MODEL).stat().st_size < 400_000


def test_only_development_rows_carry_types() -> None:
    rows = question_type_rows(qa_data_dir())
    assert rows and all(r.get("split", "dev") == "dev" for r in rows)  # training-only rows (qa_types) have no split
    for path in qa_data_dir().glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            assert ("types" in row) == (row["split"] == "dev"), (path.name, row["id"])


def test_no_training_row_is_a_heldout_question_word_for_word() -> None:
    """Independent writers ask the same short questions: 45 training rows were held-out questions word for word
    (2026-12-07), so the model had been trained on part of what the floors measure."""
    held = heldout_questions(qa_data_dir())
    assert len(held) > 700
    assert not [r["question"] for r in question_type_rows(qa_data_dir()) if _same_question(r["question"]) in held]
    assert _same_question("截止时间是哪天？") == _same_question("截止时间是哪天")


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("截止日期？", "date"),
        ("纸质材料一共要准备几份", "number"),
        ("宣传推广材料分成哪几块", "list"),
        ("事业单位能不能报", "yes_no"),
        ("问题描述那部分怎么写比较好", "how_to"),
        ("福建那个应急的案例汇聚了多少条数据", "case"),
        ("入选了能拿多少奖金", OUT_OF_SCOPE),
    ],
)
def test_types_are_read_by_the_model(question: str, kind: str) -> None:
    (reading,), _ = read_types([map_words(question)])
    assert reading.score(kind) >= 0.5, reading.scores


def test_a_reading_leads_with_the_most_specific_type_and_falls_back_to_fact() -> None:
    from assistant.knowledge.qtypes import reading_of

    assert reading_of({"number": 0.9, "yes_no": 0.8}).types == ["yes_no", "number"]
    assert reading_of({"date": 0.1}).types == [FACT]
    assert set(ORDER) | {OUT_OF_SCOPE} == set(QUESTION_TYPES)
