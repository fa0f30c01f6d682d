"""字数 counting as Word/WPS count it, and trimming that cuts only at sentence ends.

Rules (the ones the application template's limits are checked with):
* every CJK character (Han, kana, hangul) counts 1;
* every full-width or Chinese punctuation mark counts 1 (，。、“”‘’——…×· and the
  full-width forms block);
* every maximal run of other non-space characters counts 1, so ``2.3TB``, ``SM4``
  and ``12.6%`` are one word each.

A whitespace-based word count is wrong for Chinese (a paragraph is "one word"), and
``len()`` is wrong for mixed text (``SM4`` is three characters but one word).
"""

from __future__ import annotations

import re

# Sentence splitting lives with the other Chinese text primitives; re-exported for the callers of textlen.
from assistant.core.chinese import SENTENCE_ENDS, ends_sentence, split_sentences

__all__ = [
    "SENTENCE_ENDS",
    "allocate_budgets",
    "count_words",
    "ends_sentence",
    "longest_prefix_within",
    "split_sentences",
    "trim_to_limit",
]

# Chinese punctuation outside the CJK blocks that Word counts as one "character" each.
_EXTRA_FULL_WIDTH = "“”‘’—…×·•€￥"


def _is_asian_char(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0x3400 <= code <= 0x4DBF  # extension A
        or 0x20000 <= code <= 0x3134F  # extensions B–G
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0x3000 <= code <= 0x303F  # CJK symbols and punctuation (、。〇「」…)
        or 0x3040 <= code <= 0x30FF  # hiragana, katakana
        or 0xAC00 <= code <= 0xD7AF  # hangul syllables
        or 0xFF00 <= code <= 0xFFEF  # full-width forms (，：！（）％ and full-width digits)
        or 0xFE30 <= code <= 0xFE4F  # CJK compatibility forms
        or ch in _EXTRA_FULL_WIDTH
    )


# The same classes as ``_is_asian_char`` (U+3000, the ideographic space, is a space), for counting in C:
# counting character by character in Python cost about 1 µs a character, and a long text is counted often.
_ASIAN_CLASS = (
    "\u4e00-\u9fff\u3400-\u4dbf\U00020000-\U0003134f\uf900-\ufaff\u3001-\u303f\u3040-\u30ff"
    "\uac00-\ud7af\uff00-\uffef\ufe30-\ufe4f" + re.escape(_EXTRA_FULL_WIDTH)
)
_ASIAN_RE = re.compile(f"[{_ASIAN_CLASS}]")
_RUN_RE = re.compile(f"[^\\s{_ASIAN_CLASS}]+")


def count_words(text: str) -> int:
    """Return the 字数 of ``text`` as Word/WPS would report it."""
    return _ASIAN_RE.subn("", text)[1] + _RUN_RE.subn("", text)[1]


def longest_prefix_within(text: str, limit: int) -> int:
    """Length of the longest prefix of ``text`` whose 字数 is at most ``limit`` (one pass)."""
    total = 0
    in_run = False
    for index, ch in enumerate(text):
        if ch.isspace():
            in_run = False
            continue
        if _is_asian_char(ch):
            total, in_run = total + 1, False
        elif not in_run:
            total, in_run = total + 1, True
        if total > limit:
            return index
    return len(text)


def trim_to_limit(text: str, limit: int) -> tuple[str, bool]:
    """Return (text cut to at most ``limit`` 字, whether anything was cut).

    Cuts only after 。！？； so no sentence is left half-written; a paragraph break
    is kept when the sentence before it is kept. If not even the first sentence
    fits, returns an empty string (the caller reports it).
    """
    if count_words(text) <= limit:
        return text, False
    # Counted piece by piece (linear): every piece but the last ends in a sentence mark or a
    # newline, so no run of letters or digits spans two pieces and the counts simply add up.
    words = end = best = 0
    for piece in split_sentences(text):
        words += count_words(piece)
        if words > limit:
            break
        end += len(piece)
        if ends_sentence(piece):
            best = end
    return text[:best].rstrip(), True


def allocate_budgets(limit: int, defaults: dict[str, int], needs: dict[str, int]) -> dict[str, int]:
    """Share a group limit (e.g. 案例简介 5000) among parts.

    Each part starts from its default budget. Parts that need less than their
    default give the spare 字数 to parts that need more, in proportion to what
    they lack. The returned budgets never sum to more than ``limit``.
    """
    scale = min(1.0, limit / max(1, sum(defaults.values())))
    base = {pid: int(budget * scale) for pid, budget in defaults.items()}
    budgets = {pid: min(base[pid], needs.get(pid, base[pid])) for pid in base}
    spare = limit - sum(budgets.values())
    wanting = {pid: needs.get(pid, 0) - budgets[pid] for pid in base if needs.get(pid, 0) > budgets[pid]}
    total_want = sum(wanting.values())
    if total_want and spare > 0:
        for pid, want in wanting.items():
            budgets[pid] += min(want, spare * want // total_want)
    return budgets
