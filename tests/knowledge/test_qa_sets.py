"""Every committed Q&A set has a fixed held-out part named in the file: about a third of each kind."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from assistant.understanding.build import QUESTION_SETS

QA = Path(__file__).resolve().parents[1] / "data" / "qa"
SETS = sorted(p.stem for p in QA.glob("*.jsonl"))


def test_every_committed_set_is_trained_calibrated_and_held_to_its_floors() -> None:
    """One list (``understanding.build.QUESTION_SETS``) feeds training, calibration and the floors: a new set
    committed without joining it would be measured by nothing."""
    assert set(SETS) == {name.removesuffix(".jsonl") for name in QUESTION_SETS}


@pytest.mark.parametrize("name", SETS)
def test_a_third_of_each_kind_is_held_out(name: str) -> None:
    rows = [json.loads(line) for line in (QA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(r["split"] in ("dev", "heldout") for r in rows)
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    kinds = Counter(r["kind"] for r in rows)
    held = Counter(r["kind"] for r in rows if r["split"] == "heldout")
    for kind, count in kinds.items():
        assert held[kind] == round(count / 3), (kind, held[kind], count)
