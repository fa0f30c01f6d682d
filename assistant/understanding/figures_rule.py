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


# Every figure holds a digit or a numeral character (几/上 start the spoken counts 几十, 上百): a sentence without
# one has none, and a document read sentence by sentence is mostly such sentences.
_MAY_HOLD_FIGURE = re.compile(r"[\d零〇一二两三四五六七八九十百千万亿几上]")


def figures(text: str) -> list[str]:
    """Figures in ``text`` (raw spellings), identifiers/dates/ordinals/structure excluded."""
    if not _MAY_HOLD_FIGURE.search(text):
        return []
    exclusions, chinese_counts, structure = _patterns()
    text = text.translate(_TYPO_DIGITS)
    cleaned = exclusions.sub(lambda m: " " * len(m.group(0)), text)
    found = [m.raw for m in extract_numbers(cleaned)]
    found += [m.group(0) for m in chinese_counts.finditer(cleaned) if not structure.match(cleaned, m.start())]
    return found


def has_figures(text: str) -> bool:
    return bool(figures(text))
