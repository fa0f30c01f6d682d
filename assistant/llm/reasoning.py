"""Reasoning blocks out of a model's reply, streamed or not (``<think>…</think>`` and its kin).

Split from ``normalise`` (the prose normaliser uses it first) because structured replies (JSON)
need only this: ``ReasoningOnly`` removes the blocks and leaves the rest as the model wrote it.
A tag may arrive split across stream chunks (``<thi`` then ``nk>``), so a possible beginning
of a tag is held back until the next piece decides it.
"""

from __future__ import annotations

from collections.abc import Iterable

_TAGS = (("<think>", "</think>"), ("<thinking>", "</thinking>"), ("<reasoning>", "</reasoning>"))
_ALL_TAGS = tuple(t for pair in _TAGS for t in pair)
_LONGEST_TAG = max(len(t) for t in _ALL_TAGS)


class ReasoningFilter:
    """Drops ``<think>…</think>`` blocks from a stream; holds back a tag that may be split."""

    def __init__(self) -> None:
        self._buf = ""
        self._close: str | None = None  # the closing tag we wait for while inside a block

    def feed(self, piece: str, final: bool = False) -> str:
        self._buf += piece
        out: list[str] = []
        while self._buf:
            if self._close is not None:
                end = self._buf.find(self._close)
                if end < 0:
                    keep = _partial_suffix(self._buf, (self._close,))
                    self._buf = "" if final else self._buf[len(self._buf) - keep :]
                    break
                self._buf = self._buf[end + len(self._close) :]
                self._close = None
                continue
            hits = [(self._buf.find(t), t) for t in _ALL_TAGS if t in self._buf] if "<" in self._buf else []
            if hits:
                at, tag = min(hits)
                out.append(self._buf[:at])
                self._buf = self._buf[at + len(tag) :]
                self._close = next((c for o, c in _TAGS if o == tag), None)  # a stray closing tag just goes
                continue
            keep = 0 if final else _partial_suffix(self._buf, _ALL_TAGS)
            out.append(self._buf[: len(self._buf) - keep])
            self._buf = self._buf[len(self._buf) - keep :]
            break
        return "".join(out)


def _partial_suffix(text: str, tags: Iterable[str]) -> int:
    """Length of the longest end of ``text`` that a tag could still grow from."""
    if "<" not in text[-_LONGEST_TAG:]:
        return 0  # the usual case, checked first: this runs on every streamed piece
    best = 0
    for tag in tags:
        for n in range(min(len(tag) - 1, len(text)), best, -1):
            if tag.startswith(text[-n:]):
                best = n
                break
    return best


class ReasoningOnly:
    """The cleaner for structured replies (JSON): reasoning blocks out, everything else as the model wrote it."""

    def __init__(self) -> None:
        self._filter = ReasoningFilter()
        self._parts: list[str] = []

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def feed(self, piece: str) -> str:
        out = self._filter.feed(piece)
        self._parts.append(out)
        return out

    def finish(self, truncated: bool = False) -> str:
        out = self._filter.feed("", final=True)
        self._parts.append(out)
        return out
