"""Measure the readers on labelled rows: per-label precision and recall, a confusion matrix, arguments.

``case-assistant eval-turns`` and ``eval-elements`` print these; the tests hold floors on the held-out
rows with the same functions, so the figures in the README and in the tests cannot drift apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field

from assistant.understanding.acts import TurnAct, flat_labels
from assistant.understanding.elements import ElementReader
from assistant.understanding.reader import TurnReader
from assistant.understanding.training import turn_context, turn_label


class LabelScore(BaseModel):
    precision: float
    recall: float
    support: int
    f1: float = 0.0


class TurnReport(BaseModel):
    rows: int
    accuracy: float
    labels: dict[str, LabelScore]
    confusion: dict[str, dict[str, int]]  # gold -> predicted -> count
    arguments: dict[str, tuple[int, int]] = Field(default_factory=dict)  # check -> (right, total)
    errors: list[tuple[str, str, str, str]] = Field(default_factory=list)  # id, gold, predicted, text


def score_labels(gold: Sequence[str], predicted: Sequence[str], names: Sequence[str]) -> dict[str, LabelScore]:
    scores: dict[str, LabelScore] = {}
    for name in names:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p == name)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if p == name and g != name)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == name and p != name)
        precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
        f1 = 2 * precision * recall / max(precision + recall, 1e-9)
        scores[name] = LabelScore(precision=precision, recall=recall, support=tp + fn, f1=f1)
    return scores


def evaluate_turns(rows: Sequence[dict[str, Any]], reader: TurnReader) -> TurnReport:
    acts = [reader.read(r["text"], turn_context(r)) for r in rows]
    gold = [turn_label(r) for r in rows]
    predicted = [act.label for act in acts]
    confusion: dict[str, dict[str, int]] = {}
    for g, p in zip(gold, predicted, strict=True):
        confusion.setdefault(g, Counter())[p] += 1
    names = [n for n in flat_labels() if n in set(gold) | set(predicted)]
    arguments: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for row, act in zip(rows, acts, strict=True):
        for check, ok in argument_checks(row, act):
            totals[check] += 1
            arguments[check] += ok
    return TurnReport(
        rows=len(rows),
        accuracy=sum(g == p for g, p in zip(gold, predicted, strict=True)) / max(len(rows), 1),
        labels=score_labels(gold, predicted, names),
        confusion={g: dict(c) for g, c in confusion.items()},
        arguments={k: (arguments[k], totals[k]) for k in sorted(totals)},
        errors=[
            (str(r.get("id", "")), g, p, r["text"]) for r, g, p in zip(rows, gold, predicted, strict=True) if g != p
        ],
    )


def argument_checks(row: dict[str, Any], act: TurnAct) -> list[tuple[str, bool]]:
    """Where the act is right, are its arguments right? (target part, named place, quoted/new text)."""
    if turn_label(row) != act.label:
        return []
    checks: list[tuple[str, bool]] = []
    args = row.get("args") or {}
    if act.kind == "goto":
        checks.append(("goto.target", act.target == row.get("target")))
    if act.kind == "revise" and act.revision is not None:
        op = act.revision
        if row.get("target"):
            checks.append(("revise.target", act.target == row["target"]))
        if op.kind == "delete":
            for key in ("sentence", "paragraph", "point"):
                if key in args:
                    checks.append(("delete.place", getattr(op, key) == args[key]))
            if "quote" in args:
                checks.append(
                    ("delete.quote", bool(op.quote) and op.quote in args["quote"] or args["quote"] in op.quote)
                )
        if op.kind == "replace" and "old" in args:
            checks.append(("replace.old_new", bool(op.old) and op.old in args["old"] + row["text"] and bool(op.new)))
        if op.kind == "supplement" and args.get("content"):
            checks.append(("supplement.content", _overlaps(op.content, args["content"])))
    if act.kind in ("draft_now", "finish", "skip", "goto", "dont_know") and row.get("content"):
        checks.append(("run_on.content", _overlaps(act.content, row["content"])))
    return checks


def _overlaps(got: str, want: str) -> bool:
    """The extracted text holds most of the labelled text (punctuation aside)."""
    strip = lambda s: "".join(ch for ch in s if ch.isalnum())  # noqa: E731
    got, want = strip(got), strip(want)
    if not got or not want:
        return got == want
    common = sum(1 for ch in set(want) if ch in got)
    return want in got or common / len(set(want)) >= 0.9


def evaluate_elements(rows: Sequence[dict[str, Any]], reader: ElementReader) -> dict[str, LabelScore]:
    found = reader.present([r["text"] for r in rows])
    table: dict[str, LabelScore] = {}
    for element_id in reader.form.elements:
        gold = [element_id in r.get("elements", []) for r in rows]
        got = [element_id in f for f in found]
        table[element_id] = score_labels(["y" if g else "n" for g in gold], ["y" if p else "n" for p in got], ["y"])[
            "y"
        ]
    return table
