"""Train the shipped classifiers from the committed labelled sets (development time, scikit-learn).

Only rows marked ``"split": "dev"`` are ever read here; the ``heldout`` rows of every set are for
``eval-turns``/``eval-elements`` and the floors in the tests. Hyper-parameters (regularisation, the
weight of the meaning block against the surface block, element thresholds) are chosen by
cross-validation inside the development rows, so nothing is fitted to the held-out part.
Training is deterministic (lbfgs, fixed folds), so the shipped weights can be rebuilt and compared.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.forms.spec import FormSpec
from assistant.understanding import rules
from assistant.understanding.acts import TurnContext
from assistant.understanding.encoder import SentenceEncoder
from assistant.understanding.features import HASH_DIM, FeatureBlock, context_vector, sentence_features
from assistant.understanding.linear import LinearModel

GRID = ((16.0, 6.0, 3.0), (16.0, 6.0, 6.0), (32.0, 6.0, 6.0))  # (C, dense scale, surface scale)
FOLDS = 5


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def turn_label(row: dict[str, Any]) -> str:
    return f"revise:{row['op']}" if row["act"] == "revise" else str(row["act"])


def turn_context(row: dict[str, Any]) -> TurnContext:
    ctx = row.get("context") or {}
    return TurnContext(
        current_part=ctx.get("current_part"),
        last_question=ctx.get("last_question") or "",
        drafted=list(ctx.get("drafted") or []),
        part_answers=list(ctx.get("part_answers") or []),
    )


def derived_turn_examples(rows: Sequence[dict[str, Any]]) -> list[tuple[str, TurnContext, str]]:
    """Extra examples a labelled run-on gives for free: its answer portion alone is an answer."""
    extra = []
    for row in rows:
        content = (row.get("content") or "").strip()
        if row["act"] in ("draft_now", "finish", "skip", "next", "goto", "dont_know") and len(content) >= 6:
            extra.append((content, turn_context(row), "answer"))
            rest = row["text"].replace(content, " ").strip(" ，,。；;")
            if 2 <= len(rest) <= 24:
                extra.append((rest, turn_context(row), turn_label(row)))
    return extra


def turn_block(
    form: FormSpec, encoder: SentenceEncoder, texts: Sequence[str], contexts: Sequence[TurnContext]
) -> FeatureBlock:
    rows = [
        context_vector(
            text,
            has_drafted=bool(c.drafted),
            current_drafted=c.current_part in c.drafted,
            interview_done=c.current_part is None,
            names_part=rules.named_part(form, text) is not None,
            part_answers=c.part_answers,
            other_answers=c.other_answers,
            last_question=c.last_question,
        )
        for text, c in zip(texts, contexts, strict=True)
    ]
    return sentence_features(encoder, list(texts), np.stack(rows))


def _design(block: FeatureBlock, dense_scale: float, sparse_scale: float) -> Any:
    from scipy import sparse

    rows, cols, vals = [], [], []
    for i, grams in enumerate(block.sparse):
        for k, v in grams.items():
            rows.append(i)
            cols.append(k)
            vals.append(v)
    surface = sparse.csr_matrix((vals, (rows, cols)), shape=(len(block), HASH_DIM), dtype=np.float64) * sparse_scale
    return sparse.hstack([sparse.csr_matrix(block.dense.astype(np.float64) * dense_scale), surface]).tocsr()


def fit(block: FeatureBlock, labels: Sequence[str], c: float, dense_scale: float, sparse_scale: float) -> LinearModel:
    from sklearn.linear_model import LogisticRegression

    classifier = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    classifier.fit(_design(block, dense_scale, sparse_scale), np.asarray(labels))
    coef = classifier.coef_
    dense_dim = block.dense.shape[1]
    return LinearModel(
        classes=[str(x) for x in classifier.classes_],
        coef_dense=coef[:, :dense_dim].astype(np.float32),
        coef_sparse=coef[:, dense_dim:].astype(np.float32),
        intercept=classifier.intercept_.astype(np.float32),
        dense_scale=dense_scale,
        sparse_scale=sparse_scale,
    )


def stack_binary(models: dict[str, LinearModel]) -> LinearModel:
    """One-vs-rest binary models as one model with a column per label: each column's scales are folded
    into its weights and its decision threshold into its intercept, so a label holds at probability ≥ 0.5."""
    names = list(models)
    dense = [m.coef_dense[0] * m.dense_scale for m in models.values()]
    sparse = [m.coef_sparse[0] * m.sparse_scale for m in models.values()]
    shift = [float(np.log(m.threshold / (1.0 - m.threshold))) for m in models.values()]
    return LinearModel(
        classes=names,
        coef_dense=np.stack(dense).astype(np.float32),
        coef_sparse=np.stack(sparse).astype(np.float32),
        intercept=np.asarray([m.intercept[0] - s for m, s in zip(models.values(), shift, strict=True)], np.float32),
    )


def folds(n: int, k: int = FOLDS) -> list[np.ndarray]:
    """Fixed interleaved folds (row i goes to fold i mod k): deterministic, no shuffling."""
    return [np.arange(n)[np.arange(n) % k == f] for f in range(k)]


def subset(block: FeatureBlock, index: np.ndarray) -> FeatureBlock:
    return FeatureBlock(block.dense[index], [block.sparse[i] for i in index])


def cross_validated_probabilities(
    block: FeatureBlock, labels: np.ndarray, c: float, dense_scale: float, sparse_scale: float
) -> tuple[list[str], np.ndarray]:
    """Out-of-fold probabilities for every development row (columns in sorted label order)."""
    classes = sorted(set(labels.tolist()))
    out = np.zeros((len(labels), len(classes)))
    for test in folds(len(labels)):
        train = np.setdiff1d(np.arange(len(labels)), test)
        model = fit(subset(block, train), labels[train].tolist(), c, dense_scale, sparse_scale)
        probs = model.probabilities(subset(block, test))
        if probs.ndim == 1:
            probs = np.stack([1 - probs, probs], axis=1)
        for j, name in enumerate(model.classes):
            out[test, classes.index(name)] = probs[:, j]
    return classes, out


def choose_hyper_parameters(block: FeatureBlock, labels: Sequence[str]) -> tuple[tuple[float, float, float], float]:
    """The grid point with the best cross-validated score (mean of accuracy and mean per-label recall)."""
    labels_array = np.asarray(labels)
    best: tuple[tuple[float, float, float], float] = (GRID[0], -1.0)
    for point in GRID:
        classes, probs = cross_validated_probabilities(block, labels_array, *point)
        predicted = np.asarray(classes)[probs.argmax(axis=1)]
        recalls = [float(np.mean(predicted[labels_array == name] == name)) for name in classes]
        score = float(np.mean(recalls)) * 0.5 + float(np.mean(predicted == labels_array)) * 0.5
        if score > best[1]:
            best = (point, score)
    return best
