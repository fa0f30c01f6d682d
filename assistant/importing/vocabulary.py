"""The reviewed word lists of import (``knowledge/importing/sections.yaml``), loaded once and typed."""

from __future__ import annotations

from functools import lru_cache

import yaml
from pydantic import BaseModel

from assistant.core.resources import bundled_dir


class OldNotice(BaseModel):
    markers: list[str]


class Vocabulary(BaseModel):
    sections: dict[str, list[str]]
    groups: dict[str, list[str]]
    info_labels: dict[str, list[str]]
    person_labels: dict[str, list[str]]
    old_notice: OldNotice


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    path = bundled_dir("knowledge") / "importing" / "sections.yaml"
    return Vocabulary.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
