"""Find the numbers in a text and check that each one is traceable to a source.

The 承诺书 makes the applicant liable for every figure, so a draft may only contain
numbers that the applicant gave or that a cited passage contains. Numbers are
compared by value, so ``1,000万元``, ``1000万`` and ``一千万元`` are the same figure.
Bare Chinese ordinals (一是、第二、三高一短) are not figures and are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９．％", "0123456789.%")
_DIGIT_RE = re.compile(r"(?<![A-Za-z0-9.])(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万|亿)?\s*(%|‰)?")
# The same figure, its whole spelling as the first group: ``findall`` yields plain tuples, no match objects.
_DIGIT_SPELLING_RE = re.compile(r"(?<![A-Za-z0-9.])((\d+(?:,\d{3})*(?:\.\d+)?)\s*(万|亿)?\s*(?:%|‰)?)")
_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
LARGEST_NUMERAL = 10**18  # beyond any figure a document or a question states; a larger numeral is read as none
_CN_RE = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
# A lone Chinese digit is a figure only in front of one of these measure words.
_CN_AMOUNT_UNITS = ("元", "倍", "吨", "亩", "公里", "千米", "个百分点", "成")


@dataclass(frozen=True, slots=True)
class NumberMention:
    """One figure as written and its value (a plain dataclass: a long text has thousands of them)."""

    raw: str
    value: float


def chinese_numeral_value(numeral: str) -> float | None:
    """The value of a Chinese numeral (一千五百 → 1500, 三十 → 30), or None when it has none (零).

    A last digit right after 百/千/万 counts one place lower, as people say it: 一千五 is 1500, 两万五 25000."""
    total, section, digit, last_unit = 0, 0, 0, 0
    for ch in numeral:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
            last_unit = 0 if digit == 0 else last_unit
        elif ch in _CN_SMALL_UNITS:
            section += (digit or 1) * _CN_SMALL_UNITS[ch]
            digit, last_unit = 0, _CN_SMALL_UNITS[ch]
        elif ch in _CN_BIG_UNITS:
            total = (total + section + digit) * _CN_BIG_UNITS[ch]
            section, digit, last_unit = 0, 0, _CN_BIG_UNITS[ch]
    if digit and last_unit >= 100 and numeral[-1] in _CN_DIGITS:
        digit *= last_unit // 10
    value = total + section + digit
    return float(value) if 0 < value <= LARGEST_NUMERAL else None  # 「一万万万……个」 overflows a float


def _digit_mentions(text: str) -> list[NumberMention]:
    mentions: list[NumberMention] = []
    add = mentions.append  # a long text holds thousands of figures: keep the loop lean
    for match in _DIGIT_RE.finditer(text):
        raw = match.group(0).rstrip()  # it starts with a digit; only the end can be a space
        number, magnitude = match.group(1, 2)
        value = float(number.replace(",", "") if "," in number else number)
        if magnitude:
            add(NumberMention(raw, value * _CN_BIG_UNITS[magnitude]))
        add(NumberMention(raw, value))
    return mentions


def _chinese_mentions(text: str) -> list[NumberMention]:
    mentions = []
    for match in _CN_RE.finditer(text):
        numeral = match.group(0)
        after = text[match.end() : match.end() + 4]
        has_magnitude = any(ch in numeral for ch in "十百千万亿") and len(numeral) >= 2
        if not has_magnitude and not after.startswith(_CN_AMOUNT_UNITS):
            continue
        value = chinese_numeral_value(numeral)
        if value is not None:
            mentions.append(NumberMention(raw=numeral + (after[:1] if after else ""), value=value))
    return mentions


def extract_numbers(text: str) -> list[NumberMention]:
    """All figures in ``text`` (digits, percentages, amounts with 万/亿, Chinese-numeral amounts)."""
    normalised = text.translate(_FULL_WIDTH_DIGITS)
    return _digit_mentions(normalised) + _chinese_mentions(normalised)


def _distinct_figures(text: str) -> dict[str, set[float]]:
    """Each distinct raw figure of ``text`` with its values, in order of first appearance.

    Why not ``extract_numbers``: checking traceability needs each spelling once, and a long text repeats
    its figures; parsing every occurrence was most of the review's time on a figure-dense text.
    """
    normalised = text.translate(_FULL_WIDTH_DIGITS)
    figures: dict[str, set[float]] = {}
    for whole, number, magnitude in dict.fromkeys(_DIGIT_SPELLING_RE.findall(normalised)):
        value = float(number.replace(",", "") if "," in number else number)
        values = figures.setdefault(whole.rstrip(), set())
        values.add(round(value, 6))
        if magnitude:
            values.add(round(value * _CN_BIG_UNITS[magnitude], 6))
    for mention in _chinese_mentions(normalised):
        figures.setdefault(mention.raw, set()).add(round(mention.value, 6))
    return figures


def _values(texts: Iterable[str]) -> set[float]:
    return {value for t in texts for values in _distinct_figures(t).values() for value in values}


def known_values(sources: Iterable[str]) -> frozenset[float]:
    """The values of every figure in ``sources``: compute once when checking many texts against them."""
    return frozenset(_values(sources))


def untraceable_numbers(text: str, sources: Iterable[str], *, known: frozenset[float] | None = None) -> list[str]:
    """Raw figures in ``text`` whose value appears in none of ``sources`` (order kept, no repeats).

    A figure written with 万/亿 counts as traceable when either its scaled or its
    literal value is in the sources (``1000万`` matches ``1000万`` and ``一千万``). ``known``:
    ``known_values(sources)`` already computed (checking sentence by sentence re-read every source).
    """
    values: frozenset[float] | set[float] = known if known is not None else _values(sources)
    return [raw for raw, own in _distinct_figures(text).items() if own.isdisjoint(values)]
