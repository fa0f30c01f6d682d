"""Chinese numerals typed before a counter, read as the digits the documents write (十五个 → 15个, 五千字 → 5000字).

Why: the documents write amounts and dates in digits (不超过5000字, 不超过15个, 12月19日); a question typed or dictated
in Chinese numerals (「每个区县最多能推十五个」「简介五千字够吗」) matched neither a sentence's words nor the amounts a
premise is checked against. Numerals with a place character (十百千万) are read before any counter; a lone digit only
before a measure (五分钟, 三页): a lone 一 or 两 before 个 is as often an article (一个单位) as an amount, and the value
routes read 三个 and 两份 themselves. The counters, the measures and the names that hold a numeral (数据二十条) are the
lexicon's (``numbers.numeral_counters``, ``numeral_measures``, ``numeral_names``).
"""

from __future__ import annotations

import re
from functools import cache

from assistant.core.figures import chinese_numeral_value
from assistant.knowledge.lexicon import any_of, lexicon

_PLACES = "十百千万"
_LONE_DIGITS = "二两三四五六七八九"
_MAGNITUDES = "万亿"  # kept as written after the digits (三百万条 → 300万条), as the documents write them


@cache
def _numeral() -> re.Pattern[str]:
    """A run of numeral characters before a counter; the group ``measure`` is set before a measure."""
    numbers = lexicon().numbers
    counters, measures = any_of(*numbers.numeral_counters).pattern, any_of(*numbers.numeral_measures).pattern
    return re.compile(
        rf"(?<![零一二两三四五六七八九十百千万亿])[零一二两三四五六七八九十百千万亿]++(?=(?P<measure>{measures})|{counters})"
    )


def _digits(numeral: str, before_measure: bool) -> str | None:
    """「十五」 → 「15」, 「三百万」 → 「300万」, 「五」 before a measure → 「5」; None for what is no amount."""
    if not any(place in numeral for place in _PLACES):
        if not (before_measure and len(numeral) == 1 and numeral in _LONE_DIGITS):
            return None
        return str(int(chinese_numeral_value(numeral) or 0))
    magnitude = numeral[-1] if numeral[-1] in _MAGNITUDES and len(numeral) > 1 else ""
    value = chinese_numeral_value(numeral[: len(numeral) - len(magnitude)])
    return None if value is None else f"{int(value)}{magnitude}"


def arabic_numerals(text: str) -> str:
    """``text`` with its Chinese numerals before a counter written in digits, names holding a numeral left alone."""
    names = [m.span() for name in lexicon().numbers.numeral_names for m in re.finditer(re.escape(name), text)]
    pieces: list[str] = []
    last = 0
    for match in _numeral().finditer(text):
        digits = _digits(match.group(0), match.group("measure") is not None)
        if digits is None or any(start < match.end() and match.start() < end for start, end in names):
            continue
        pieces += [text[last : match.start()], digits]
        last = match.end()
    return "".join(pieces) + text[last:]
