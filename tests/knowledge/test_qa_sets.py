"""Every committed Q&A set has a fixed held-out part named in the file: about a third of each kind."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

QA = Path(__file__).resolve().parents[1] / "data" / "qa"
SETS = sorted(p.stem for p in QA.glob("*.jsonl"))


def test_the_sets_include_staff_questions_3() -> None:
    assert {"policy_qa_dev", "staff_questions", "lead_probe", "staff_questions_2", "staff_questions_3"} <= set(SETS)


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
