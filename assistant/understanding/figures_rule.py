"""The figures an applicant gave: the one element a rule reads better than a classifier.

Digits are lexical, so a rule is both exact and cheap: the core number reader (``core.figures``)
minus spans that are identifiers, dates, standards or frequencies, plus Chinese-numeral counts
("两家银行""上百家") the digit reader does not see. The patterns live in
``knowledge/understanding/rules.yaml``; each is written to be linear in the text's length.
"""

from __future__ import annotations

import re
from functools import cache

from assistant.core.figures import extract_numbers
from assistant.understanding.rules import rule_book

_TYPO_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    book = rule_book()
    return (
        re.compile("|".join(f"(?:{p})" for p in book.figure_exclusions)),
        re.compile("|".join(f"(?:{p})" for p in book.chinese_counts)),
        re.compile("|".join(f"(?:{p})" for p in book.structure_counts)),
    )


def figures(text: str) -> list[str]:
    """Figures in ``text`` (raw spellings), identifiers/dates/ordinals/structure excluded."""
    exclusions, chinese_counts, structure = _patterns()
    text = text.translate(_TYPO_DIGITS)
    cleaned = exclusions.sub(lambda m: " " * len(m.group(0)), text)
    found = [m.raw for m in extract_numbers(cleaned)]
    found += [m.group(0) for m in chinese_counts.finditer(cleaned) if not structure.match(cleaned, m.start())]
    return found


def has_figures(text: str) -> bool:
    return bool(figures(text))
