"""Floors on the held-out parts of the labelled sets: the figures the understanding layer must keep.

The held-out rows (``"split": "heldout"``, a fixed third of every set, and all of
``applicant_sentences_3``) are never read while choosing features, thresholds or rules; training reads
only ``dev`` rows (``assistant/understanding/build.py``). The floors are the figures measured on them
when the shipped weights were trained, rounded down; the issue's targets are noted where a floor is lower.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.forms.spec import load_form
from assistant.understanding.build import data_fingerprint, default_data_dir
from assistant.understanding.evaluation import evaluate_elements, evaluate_turns
from assistant.understanding.shipped import element_reader, models_dir, turn_reader

pytestmark = pytest.mark.slow  # a served process, a shell run or an evaluation floor: make test, not make test-fast

DATA = Path(__file__).resolve().parents[1] / "data" / "interview"
TURN_ACCURACY = 0.90
TURN_RECALL = 0.80  # every act and every revision operation
ELEMENT_F1 = {  # element: floor on set 3 (all held out) and on the held-out thirds of sets 4, 5, 7–11 together
    "numbers": (0.95, 0.95),
    "data_sources": (0.91, 0.89),
    "data_flow": (0.89, 0.85),
    "security": (0.85, 0.90),
    "results": (0.85, 0.88),  # set 3: 0.864 once set 11 (plans vs achieved effects) trained the model; was 0.818
}


def _rows(name: str, split: str | None = "heldout") -> list[dict]:
    rows = [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split is None or r.get("split") == split]


@pytest.fixture(scope="module")
def form():
    return load_form("cq-2024-batch2")


def test_shipped_weights_were_trained_on_the_committed_rows() -> None:
    report = json.loads((models_dir() / "training-report.json").read_text(encoding="utf-8"))
    assert report["data"] == data_fingerprint(default_data_dir()), "labelled data changed: run train-understanding"


def test_turns_hold_their_floors_on_the_held_out_third(form) -> None:
    rows = _rows("turns.jsonl")
    assert len(rows) > 1200
    report = evaluate_turns(rows, turn_reader(form))
    assert report.accuracy >= TURN_ACCURACY, report.accuracy
    low = {label: round(s.recall, 3) for label, s in report.labels.items() if s.recall < TURN_RECALL}
    assert not low, low


TURNS_2_ACCURACY = 0.85  # 43/49 (0.878) when set 2 first trained the model; 41/49 (0.837) before it had


def test_turns_written_by_someone_who_never_read_the_code_hold_their_floor(form) -> None:
    """``turns_2.jsonl``: 150 messages steering the interview (going to a part by name, number or content, back,
    next, draft now, skip, finish), answers with steering words inside, questions and remarks, written by a helper
    who read no code (2026-12-07, ninth session); a third of each act held out by sha256 before any was read."""
    rows = _rows("turns_2.jsonl")
    assert len(rows) == 49
    report = evaluate_turns(rows, turn_reader(form))
    assert report.accuracy >= TURNS_2_ACCURACY, report.accuracy


def test_elements_hold_their_floors_on_set_3_and_the_new_held_out_rows(form) -> None:
    reader = element_reader(form)
    third = evaluate_elements(_rows("applicant_sentences_3.jsonl", None), reader)
    new = [r for k in (4, 5, 7, 8, 9, 10, 11) for r in _rows(f"applicant_sentences_{k}.jsonl")]
    fresh = evaluate_elements(new, reader)
    for element, (on_third, on_new) in ELEMENT_F1.items():
        assert third[element].f1 >= on_third, (element, "set 3", third[element].f1)
        assert fresh[element].f1 >= on_new, (element, "new held-out", fresh[element].f1)
