"""Whether the line an answer leads with answers the question: a check learned from the Q&A sets.

Why: the decline rule reads how strongly the question's words match the best line and how out of scope the
learned layer reads the question; a near miss (「新泰那个信用贷的坏账率是多少」, 「云冈石窟那个项目带来了多少旅游
收入」) shares its words with a line that names the case and a figure, just not the figure asked for, and is
answered. Whether a line answers a question is meaning, so it is learned: every development row's leading
line as the Q&A finds it (declining switched off, each question read by type models that did not see it, as
:mod:`bench.qa_calibrate` records them) is a pair (question, line), labelled by the row being in scope or out
of it, and a logistic regression reads the pair through the elementwise product of their e5 vectors, their
cosine, the out-of-scope reading, the evidence score and whether the route found it by structure.

Measured leave-one-set-out (each set's rows checked by a model trained on the other 24 sets), 2,299
development rows of 25 sets. Prototype, on top of the rule then shipped: the check at 0.15 declined 381 of 412
out-of-scope rows against 375, wrongly declining 14 of 1,887 either way; without the product (the scalars alone)
at best 376 and 14, so the product is what reads the pair. In the calibration (every part's leader, the grid
searched again with the check's floor): best objective 343 against 333 without it; the point chosen, MIN_SCORE
0.04, OOS_MARGIN 0.6, floor 0.1, declines 376 of 412 and wrongly declines 11 of 1,887 (without the check, at its
best point, 375 and 14). The pairs are committed (``tests/data/qa_leads``) and written by ``bench/qa_calibrate.py
--write-pairs``, which also sets ``scope.LEAD_CHECK_FLOOR``; ``case-assistant train-understanding --only
lead-check`` trains on them. It knows the bundled documents only: evidence from an imported document is not
checked.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.knowledge.qtypes import OUT_OF_SCOPE
from assistant.understanding.shipped import models_dir

if TYPE_CHECKING:
    from assistant.knowledge.question import Question
    from assistant.knowledge.routes import Candidate
    from assistant.understanding.encoder import SentenceEncoder

MODEL_FILE = "lead-check.npz"
REGULARISATION = 0.01  # sklearn's C on standardised features; 0.003 and 0.03 within two rows leave-one-set-out
PAIRS_FILE = "lead-pairs.jsonl"


@dataclass(frozen=True)
class LeadPair:
    """What the check reads of one leading candidate (the row's label aside)."""

    question: str  # the question (or part) as the Q&A reads it
    sentence: str  # the line the candidate leads with
    out_of_scope: float  # the learned reading of the question
    score: float  # :func:`assistant.knowledge.scope.answer_score`
    structural: bool


@dataclass
class LeadCheck:
    """A logistic regression over standardised pair features; ``answers`` is P(the line answers).

    ``lines`` holds the e5 vectors of the bundled documents' quotable lines by :func:`line_key`: encoding the
    leading line at answer time doubled the Q&A's median latency (23 → 48 ms on set 13's questions)."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    lines: dict[str, np.ndarray] = field(default_factory=dict)

    def answers(self, features: np.ndarray) -> np.ndarray:
        logits = ((features - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-logits))

    def save(self, path: Path) -> None:
        keys = sorted(self.lines)
        vectors = np.asarray([self.lines[k] for k in keys], dtype=np.float16).reshape(len(keys), -1)
        np.savez_compressed(path, mean=self.mean, scale=self.scale, coef=self.coef, intercept=self.intercept,
                            line_keys=np.asarray(keys), line_vectors=vectors)

    @classmethod
    def load(cls, path: Path) -> LeadCheck:
        with np.load(path, allow_pickle=False) as data:
            lines = dict(zip((str(k) for k in data["line_keys"]), data["line_vectors"].astype(np.float32), strict=True))
            return cls(data["mean"], data["scale"], data["coef"], float(data["intercept"]), lines)


def line_key(sentence: str) -> str:
    return hashlib.sha256(sentence.encode("utf-8")).hexdigest()[:16]


def bundled_lines() -> list[str]:
    """Every quotable line of the bundled documents, cut as the evidence scorer cuts them."""
    from assistant.core.types import Passage
    from assistant.knowledge.answer_passages import bundled_chunks
    from assistant.knowledge.sentences import quotable_sentences

    lines: list[str] = []
    for c in bundled_chunks():
        passage = Passage(chunk_id=c.chunk_id, doc_id=c.doc_id, title=c.title, source=c.source, locator=c.locator,
                          kind=c.kind, fields=list(c.fields), text=c.text, score=0.0)
        lines += quotable_sentences(passage)
    return lines


def features(questions: np.ndarray, sentences: np.ndarray, pairs: Sequence[LeadPair]) -> np.ndarray:
    """One row per pair: the vectors' elementwise product, their cosine, the reading, the score, structure."""
    product = questions * sentences
    scalars = [[float(p.out_of_scope), float(p.score), float(p.structural)] for p in pairs]
    return np.hstack([product, product.sum(axis=1, keepdims=True), np.asarray(scalars, dtype=np.float32)])


def encode_pairs(encoder: SentenceEncoder, pairs: Sequence[LeadPair]) -> np.ndarray:
    questions = encoder.encode([p.question for p in pairs])
    sentences = encoder.encode([p.sentence or "无" for p in pairs])
    return features(questions, sentences, pairs)


def fit(block: np.ndarray, in_scope: np.ndarray) -> LeadCheck:
    from sklearn.linear_model import LogisticRegression

    mean, scale = block.mean(axis=0), block.std(axis=0) + 1e-6
    classifier = LogisticRegression(C=REGULARISATION, max_iter=3000, class_weight="balanced")
    classifier.fit((block - mean) / scale, in_scope)
    return LeadCheck(mean.astype(np.float32), scale.astype(np.float32), classifier.coef_[0].astype(np.float32),
                     float(classifier.intercept_[0]))


def read_pairs(path: Path) -> list[tuple[str, LeadPair, bool]]:
    """(set, pair, in scope) per committed row."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        pair = LeadPair(row["question"], row["sentence"], row["out_of_scope"], row["score"], row["structural"])
        out.append((row["set"], pair, bool(row["in_scope"])))
    return out


def pairs_fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def train(encoder: SentenceEncoder, path: Path) -> tuple[LeadCheck, dict[str, Any]]:
    rows = read_pairs(path)
    block = encode_pairs(encoder, [p for _, p, _ in rows])
    model = fit(block, np.asarray([inside for _, _, inside in rows]))
    lines = sorted(set(bundled_lines()) | {p.sentence for _, p, _ in rows if p.sentence})  # as the routes cut them
    model.lines = dict(zip(map(line_key, lines), encoder.encode(lines), strict=True))
    return model, {"rows": len(rows), "data": pairs_fingerprint(path), "lines": len(lines)}


def leave_one_set_out(block: np.ndarray, in_scope: np.ndarray, sets: Sequence[str]) -> np.ndarray:
    """Each row's P(answers) from a model trained on the other sets' rows (for calibrating the floor)."""
    names = np.asarray(sets)
    out = np.zeros(len(names))
    for name in sorted(set(sets)):
        held = names == name
        out[held] = fit(block[~held], in_scope[~held]).answers(block[held])
    return out


@cache
def shipped_model() -> LeadCheck | None:
    path = models_dir() / MODEL_FILE
    return LeadCheck.load(path) if path.is_file() else None


def pair_of(question: Question, leader: Candidate, score: float) -> LeadPair:
    sentence = leader.evidence[0].sentence if leader.evidence else ""
    return LeadPair(question.text, sentence, question.reading.score(OUT_OF_SCOPE), score, leader.structural)


def answers(question: Question, leader: Candidate, score: float) -> float | None:
    """P(the leader's first line answers ``question``) by the shipped check; None without a model."""
    model = shipped_model()
    if model is None:
        return None
    from assistant.understanding.encoder import shared_encoder

    pair = pair_of(question, leader, score)
    encoder = shared_encoder()
    vector = question.vector if question.vector is not None else encoder.encode([pair.question])[0]
    line = model.lines.get(line_key(pair.sentence))
    line = line if line is not None else encoder.encode([pair.sentence or "无"])[0]
    return float(model.answers(features(np.asarray([vector]), np.asarray([line]), [pair]))[0])
