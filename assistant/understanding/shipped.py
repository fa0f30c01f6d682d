"""The shipped classifiers, loaded once per process and shared by every request.

Weights live in ``knowledge/understanding/models/`` (written by ``case-assistant train-understanding``
from the committed labelled sets). Readers are cached per form id — a value, not an object id — in
bounded caches, so a process serving several calls holds one reader per form.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

from assistant.core.resources import bundled_dir
from assistant.forms.spec import FormSpec
from assistant.understanding.elements import ElementReader
from assistant.understanding.encoder import shared_encoder
from assistant.understanding.linear import LinearModel
from assistant.understanding.reader import TurnReader

TURN_MODEL = "turns.npz"
ELEMENT_PREFIX = "element-"
READERS_KEPT = 16
T = TypeVar("T")
_readers: OrderedDict[tuple[str, str], object] = OrderedDict()
_readers_lock = threading.Lock()


def _reader(kind: str, form: FormSpec, build: Callable[[], T]) -> T:
    """One reader per (kind, form id), least recently used dropped beyond READERS_KEPT."""
    key = (kind, form.id)
    with _readers_lock:
        if key in _readers:
            _readers.move_to_end(key)
            return _readers[key]  # type: ignore[return-value]
    reader = build()
    with _readers_lock:
        _readers[key] = reader
        while len(_readers) > READERS_KEPT:
            _readers.popitem(last=False)
    return reader


def models_dir() -> Path:
    return bundled_dir("knowledge") / "understanding" / "models"


@cache
def turn_model() -> LinearModel:
    return LinearModel.load(models_dir() / TURN_MODEL)


@cache
def element_models() -> dict[str, LinearModel]:
    return {
        path.stem.removeprefix(ELEMENT_PREFIX): LinearModel.load(path)
        for path in sorted(models_dir().glob(f"{ELEMENT_PREFIX}*.npz"))
    }


def turn_reader(form: FormSpec) -> TurnReader:
    return _reader("turns", form, lambda: TurnReader(form, turn_model(), shared_encoder()))


def element_reader(form: FormSpec) -> ElementReader:
    return _reader("elements", form, lambda: ElementReader(form, element_models(), shared_encoder()))
