"""The learned lead check (assistant/knowledge/lead_check.py): trained on the committed pairs, development rows only,
and it is what declines a near miss whose leading line shares words but not the fact asked for."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.knowledge import lead_check, scope
from assistant.knowledge.qa import answer_question
from assistant.understanding.build import QUESTION_SETS, qa_data_dir
from assistant.understanding.shipped import models_dir

PAIRS = qa_data_dir().parent / "qa_leads" / lead_check.PAIRS_FILE


def test_the_shipped_check_was_trained_on_the_committed_pairs() -> None:
    report = json.loads((models_dir() / "training-report.json").read_text(encoding="utf-8"))["lead_check"]
    retrain = "run case-assistant train-understanding --only lead-check"
    assert report["data"] == lead_check.pairs_fingerprint(PAIRS), retrain
    assert (models_dir() / lead_check.MODEL_FILE).stat().st_size < 400_000  # the check and its lines' vectors


def test_every_pair_is_a_development_row_of_a_committed_set() -> None:
    splits = {}
    for name in QUESTION_SETS:
        for line in (qa_data_dir() / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            splits[(name.removesuffix(".jsonl"), row["id"])] = row["split"]
    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()]
    assert pairs and {splits.get((p["set"], p["id"])) for p in pairs} == {"dev"}
    assert {p["in_scope"] for p in pairs} == {True, False}


def test_a_saved_check_reads_the_same(tmp_path: Path) -> None:
    model = lead_check.shipped_model()
    assert model is not None
    model.save(tmp_path / "check.npz")
    again = lead_check.LeadCheck.load(tmp_path / "check.npz")
    block = np.random.default_rng(0).normal(size=(3, model.mean.shape[0])).astype(np.float32)
    assert np.allclose(model.answers(block), again.answers(block))


@pytest.mark.parametrize(
    "question",
    [
        "寄材料的邮编是多少",  # answered 「答：一份。」 off the 一式两份 sentence without the check
        "联合申报有家数限制吗",  # answered 「有。」 off the cap of 15 cases without the check
    ],
)
def test_a_near_miss_the_leading_line_does_not_answer_is_declined(
    corpus_kb, monkeypatch: pytest.MonkeyPatch, question: str
) -> None:
    assert not answer_question(corpus_kb, question).grounded
    monkeypatch.setattr(scope, "LEAD_CHECK_FLOOR", 0.0)
    assert answer_question(corpus_kb, question).grounded  # the check is what declines it


@pytest.mark.parametrize(
    ("question", "answer"),
    [("宣传稿最多写多少字", "1500字"), ("视频要多长", "5分钟"), ("纸质件有份数要求吗", "一式两份"),
     ("申报截止是哪天", "8月20日")],
)
def test_questions_the_documents_answer_are_still_answered(corpus_kb, question: str, answer: str) -> None:
    reply = answer_question(corpus_kb, question)
    assert reply.grounded and answer in reply.answer, reply.answer


def test_a_paraphrase_naming_nothing_held_is_answered_when_the_check_vouches_for_its_line(
    corpus_kb, monkeypatch: pytest.MonkeyPatch
) -> None:
    """「弄完了往哪儿交」 shares no word with the documents and its best line scores low; the check reads that line
    (报送至我局) as answering it. Without the check's word it is declined; plainly unrelated questions stay declined."""
    from assistant.knowledge import qa

    reply = answer_question(corpus_kb, "弄完了往哪儿交")
    assert reply.grounded and "报送至我局" in reply.answer, reply.answer
    for unrelated in ("明天会下雨吗", "食堂几点开饭"):
        assert not answer_question(corpus_kb, unrelated).grounded
    monkeypatch.setattr(qa, "vouched_by_lead_check", lambda *args: False)
    assert not answer_question(corpus_kb, "弄完了往哪儿交").grounded
