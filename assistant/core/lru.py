"""A bounded least-recently-used map for values built from the knowledge index.

Why not a plain dict keyed by ``id(store)``: an id outlives nothing (a freed store's id is reused
by the next object, which then reads the old entry) and such a dict never shrinks. Entries here are
keyed by value (the index's content digest, see ``KnowledgeIndex.content_key``), so two stores
holding the same chunks share one entry, and at most ``maxsize`` entries are kept (the setting
``knowledge_cache_entries``); the least recently used goes first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class BoundedCache(Generic[V]):
    """``get(key, build)``: the value for ``key``, built (outside the lock) when missing; thread-safe."""

    def __init__(self, maxsize: int | Callable[[], int]) -> None:
        self._maxsize = maxsize
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def maxsize(self) -> int:
        size = self._maxsize() if callable(self._maxsize) else self._maxsize
        return max(1, size)

    def get(self, key: Hashable, build: Callable[[], V]) -> V:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = build()  # two threads may build the same entry once each; the result is the same
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
