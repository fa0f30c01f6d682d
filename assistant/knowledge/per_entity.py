"""An amount asked or claimed per entity (「一家单位最多能报几个案例」「每个区县都能推15个」) against an amount the
documents give in total (「总推荐案例数量不超过15个」).

Why: the documents set how many cases the bureau recommends in all, not per applicant, district or field; read as
an answer to a per-entity question, that total was given as if it were the limit per applicant (two sets' near
misses), and a claim of 15 per district was confirmed. The entities (单位, 区县, 领域 …) are the lexicon's
(``amounts.per_entities``); an amount is per entity only where its sentence says so (每个区县, 各领域).
"""

from __future__ import annotations

import re
from functools import cache

from assistant.knowledge.lexicon import any_of, lexicon
from assistant.knowledge.question import QUESTION_CHARS, Question


@cache
def _per_entity() -> re.Pattern[str]:
    """「每个区县」「各领域」「一家单位」「单个企业」: the entity the amount is asked or claimed per."""
    entities = any_of(*lexicon().amounts.per_entities).pattern
    return re.compile(rf"(?:[每各]|单|(?<![同第\d一二三四五六七八九十])[一1])(?:个|家|一个|一家|位)?({entities})")


def asked_per_entity(question: Question) -> str:
    """The entity the question asks or claims an amount per (「区县」 in 「每个区县最多推几个」), or ""."""
    found = _per_entity().search(question.text[:QUESTION_CHARS])
    return found.group(1) if found else ""


def states_per_entity(sentence: str, entity: str) -> bool:
    """Does the sentence give its amount per that entity (「每个区县」「各领域」), rather than a total?"""
    return bool(re.search(rf"[每各单](?:个|家|一个|一家)?{re.escape(entity)}", sentence))
