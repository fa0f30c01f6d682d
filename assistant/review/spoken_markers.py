"""Spoken markers: how much of a text still reads like a transcript, by a reviewed list.

The list (``knowledge/register/spoken_markers.yaml``) is the ruler for two things: the spoken-marker
rate that ``make bench`` reports for the offline drafts (markers per 1,000 字 of draft, 字 as Word
counts them), and the reviewer's "spoken register" finding. It is kept apart from the rewrite table
(``spoken_to_written.yaml``) on purpose: the ruler must not be the thing it measures. At each position
the longest marker counts, matches never overlap, and a marker's ``except_before``/``except_after``
characters next to it cancel it (「我国」 is not the spoken 「我」).
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from assistant.core.resources import bundled_dir
from assistant.core.textlen import count_words

MARKERS_FILE = "register/spoken_markers.yaml"


class Marker(BaseModel):
    text: str
    except_before: list[str] = Field(default_factory=list)
    except_after: list[str] = Field(default_factory=list)


class Category(BaseModel):
    label: str
    fix: str = ""
    markers: list[Marker | str] = Field(default_factory=list)

    def entries(self) -> list[Marker]:
        return [m if isinstance(m, Marker) else Marker(text=m) for m in self.markers]


class Hit(BaseModel):
    marker: str
    category: str
    start: int


class SpokenMarkers(BaseModel):
    categories: dict[str, Category] = Field(default_factory=dict)
    mid_thought: list[str] = Field(default_factory=list)
    part_start: list[str] = Field(default_factory=list)

    def starts_mid_thought(self, paragraph: str, first: bool = False) -> str | None:
        """The opener that shows ``paragraph`` was cut out of its context (「横向上连了……」), or None.

        ``first``: the part's first paragraph, which may not open with a link to what came before either.
        """
        head = paragraph.lstrip(" \u3000")
        if head[:1] and head[0] in "，,、；;：:":
            return head[0]
        openers = self.mid_thought + (self.part_start if first else [])
        return next((w for w in sorted(openers, key=len, reverse=True) if head.startswith(w)), None)

    @cached_property
    def _table(self) -> dict[str, tuple[str, Marker]]:
        return {m.text: (name, m) for name, c in self.categories.items() for m in c.entries() if m.text}

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        words = sorted(self._table, key=len, reverse=True)
        return re.compile("|".join(re.escape(w) for w in words)) if words else None

    def hits(self, text: str) -> list[Hit]:
        """Every marker occurrence in ``text``, in order (longest first at a position, no overlaps)."""
        if self._pattern is None:
            return []
        found = []
        for match in self._pattern.finditer(text):
            category, marker = self._table[match.group()]
            after, before = text[match.end() : match.end() + 4], text[max(0, match.start() - 4) : match.start()]
            if any(after.startswith(x) for x in marker.except_before) or any(
                before.endswith(x) for x in marker.except_after
            ):
                continue
            found.append(Hit(marker=match.group(), category=category, start=match.start()))
        return found

    def count(self, text: str) -> int:
        return len(self.hits(text))

    def rate(self, texts: list[str]) -> float:
        """Markers per 1,000 字 over ``texts`` taken together (0 for no text)."""
        words = sum(count_words(t) for t in texts)
        return 1000 * sum(self.count(t) for t in texts) / words if words else 0.0


@lru_cache(maxsize=4)
def _load(path: str) -> SpokenMarkers:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return SpokenMarkers.model_validate(data)


def load_markers(path: Path | None = None) -> SpokenMarkers:
    """The reviewed list (or the one at ``path``); an empty list when the file is missing."""
    target = path or bundled_dir("knowledge") / MARKERS_FILE
    return _load(str(target)) if target.is_file() else SpokenMarkers()
