"""Which bundled passage answers a question: a ranking learned from the Q&A sets' development rows.

Why: retrieval ranks passages by the question's words (BM25, the sentence index) and by the e5 similarity
of question and passage. A question in other words than the documents' (「片子要多长」 for the video's
length, 「最后那页保证内容属实的声明」 for the 承诺书) shares no word with its passage, and the e5 similarity of
a short question to a long passage is weak. But people ask about the same few passages again and again, so
the passage can be learned from how others asked: every development row names its answer (its keywords), the
passage holding them is its label, and a logistic regression over the question's e5 vector learns which
passage each way of asking points at. Measured leave-one-set-out (each set's rows ranked by a model trained
on the other 23 sets, so no writer is ranked by a model that saw their wording), over the 1,814 in-scope
development rows of 24 sets: the answering passage is in this model's top 3 for 94.7%, in the fused
retrieval's top 3 for 89.5%; on set 22, written in paraphrase, 92.8% against 77.1%.

The model only ranks; :mod:`assistant.knowledge.retrieval` fuses its ranking with the others, so a passage
it points at still has to hold the answer's words to be quoted, and declining is unchanged. It knows the
bundled corpus only: an imported document is ranked by retrieval alone, and a bundled passage whose text
changed since training (its hash is kept with the model) is not ranked until ``case-assistant
train-understanding --only answer-passages`` is run again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.knowledge.chunking import chunk_document
from assistant.knowledge.corpus import load_bundled_corpus
from assistant.knowledge.index import Chunk
from assistant.understanding.shipped import models_dir

if TYPE_CHECKING:
    from assistant.knowledge.question import Question
    from assistant.knowledge.search import KnowledgeBase
    from assistant.understanding.encoder import SentenceEncoder

MODEL_FILE = "answer-passages.npz"
REGULARISATION = 10.0  # sklearn's C; not tuned (1, 10 and 100 were within a point leave-one-set-out)
TOP = 3  # passages of this model that join the fusion
FLOOR = 0.1  # below this probability a passage is not ranked at all


def chunk_key(chunk_id: str, text: str) -> str:
    """A passage's id and a hash of its text: a passage that changed is not the one the model learned."""
    return f"{chunk_id}@{hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}"


@dataclass
class PassageModel:
    """One logistic column per bundled passage over the question's e5 vector."""

    keys: list[str]
    coef: np.ndarray  # (passages, dim)
    intercept: np.ndarray  # (passages,)

    def rank(self, vector: np.ndarray, top: int = TOP, floor: float = FLOOR) -> list[tuple[str, float]]:
        """(key, probability) of the ``top`` most probable passages at or above ``floor``, best first."""
        logits = self.coef @ np.asarray(vector, dtype=np.float32) + self.intercept
        exp = np.exp(logits - logits.max())
        probabilities = exp / exp.sum()
        best = np.argsort(-probabilities)[:top]
        return [(self.keys[i], float(probabilities[i])) for i in best if probabilities[i] >= floor]

    def save(self, path: Path) -> None:
        np.savez_compressed(path, keys=np.asarray(self.keys), coef=self.coef, intercept=self.intercept)

    @classmethod
    def load(cls, path: Path) -> PassageModel:
        with np.load(path, allow_pickle=False) as data:
            return cls([str(k) for k in data["keys"]], data["coef"].astype(np.float32), data["intercept"])


@cache
def shipped_model() -> PassageModel | None:
    path = models_dir() / MODEL_FILE
    return PassageModel.load(path) if path.is_file() else None


def learned_ranking(kb: KnowledgeBase, question: Question) -> list[str]:
    """The chunk ids this model ranks for ``question`` (best first) that the index holds unchanged."""
    model = shipped_model()
    if model is None:
        return []
    from assistant.understanding.encoder import shared_encoder

    vector = question.vector if question.vector is not None else shared_encoder().encode([question.text])[0]
    ranked = []
    for key, _ in model.rank(vector):
        chunk_id = key.rsplit("@", 1)[0]
        found = kb.store.passages([(chunk_id, 0.0)])
        if found and chunk_key(chunk_id, found[0].text) == key:
            ranked.append(chunk_id)
    return ranked


def bundled_chunks() -> list[Chunk]:
    """The bundled corpus cut into passages exactly as the index cuts it (same ids, same texts)."""
    chunks: list[Chunk] = []
    for doc in load_bundled_corpus():
        chunks += chunk_document(doc.doc_id, doc.text, doc.meta, doc.source, content_hash="", origin="bundled")
    return chunks


def answering_chunk(keywords: Sequence[str], chunks: Sequence[Chunk]) -> int | None:
    """The first passage holding the most of a row's keywords (read as ``eval-qa`` reads a citation: title,
    section and text); None when no passage holds any."""
    cover = [sum(k in f"{c.title} {c.locator} {c.text}" for k in keywords) for c in chunks]
    best = max(cover, default=0)
    return cover.index(best) if best else None


def train(
    encoder: SentenceEncoder, rows: Sequence[dict[str, Any]], normalise: Callable[[str], str]
) -> tuple[PassageModel, dict[str, Any]]:
    """Fit the model on in-scope rows (``question``, ``answer_keywords``); ``normalise`` is the Q&A's wording
    step, so the model reads questions as the Q&A does. Passages no row answers from get no column."""
    chunks = bundled_chunks()
    labelled = labelled_rows(rows, normalise, chunks)
    model = _fit(encoder.encode([q for q, _ in labelled]), np.asarray([c for _, c in labelled]), chunks)
    report = {"rows": len(labelled), "passages": len(model.keys), "data": fingerprint(labelled, chunks)}
    return model, report


def fold_models(
    encoder: SentenceEncoder, rows: Sequence[dict[str, Any]], normalise: Callable[[str], str], folds: int = 5
) -> dict[str, PassageModel]:
    """question as read → a model trained on the other folds (for calibrating on rows the shipped model saw)."""
    from assistant.understanding.training import folds as fold_indices

    chunks = bundled_chunks()
    labelled = labelled_rows(rows, normalise, chunks)
    vectors, labels = encoder.encode([q for q, _ in labelled]), np.asarray([c for _, c in labelled])
    out: dict[str, PassageModel] = {}
    for held in fold_indices(len(labelled), folds):
        keep = np.ones(len(labelled), dtype=bool)
        keep[held] = False
        model = _fit(vectors[keep], labels[keep], chunks)
        out.update({labelled[i][0]: model for i in held})
    return out


def _fit(vectors: np.ndarray, labels: np.ndarray, chunks: Sequence[Chunk]) -> PassageModel:
    from sklearn.linear_model import LogisticRegression

    classifier = LogisticRegression(C=REGULARISATION, max_iter=3000).fit(vectors, labels)
    keys = [chunk_key(chunks[c].chunk_id, chunks[c].text) for c in classifier.classes_]
    return PassageModel(keys, classifier.coef_.astype(np.float32), classifier.intercept_.astype(np.float32))


def labelled_rows(
    rows: Sequence[dict[str, Any]], normalise: Callable[[str], str], chunks: Sequence[Chunk]
) -> list[tuple[str, int]]:
    """(question as the Q&A reads it, index of its answering passage) for every row some passage answers."""
    labelled = [(normalise(r["question"]), answering_chunk(r["answer_keywords"], chunks)) for r in rows]
    return [(q, c) for q, c in labelled if c is not None]


def fingerprint(labelled: Sequence[tuple[str, int]], chunks: Sequence[Chunk]) -> str:
    """sha256 over what the model is trained on: the questions as read, their passages' keys."""
    digest = hashlib.sha256()
    for question, index in labelled:
        pair = [question, chunk_key(chunks[index].chunk_id, chunks[index].text)]
        digest.update(json.dumps(pair, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()
