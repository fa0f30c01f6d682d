"""Chinese text primitives in one place: sentence and clause splitting, the instruction detector,
the typo table, Han runs and character grams.

Why one module: the same splitting was written nine times with drifting end marks, the detector
applied to applicants' answers had fallen behind the one applied to documents, and two typo tables
disagreed. Splitting is code (one splitter; a caller whose end marks truly differ passes its own set);
the wording — instruction phrasings, typos — is the reviewed data file ``knowledge/chinese/text.yaml``,
loaded once.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from assistant.core.errors import InstallationError
from assistant.core.resources import bundled_dir

SENTENCE_ENDS = "。！？；"
# Half-width ! ? ; also end sentences in documents and model replies (which mix widths).
MIXED_SENTENCE_ENDS = "。！？!?；;"
CLAUSE_ENDS = "，,；;"
CLOSERS = "”’」』）》】"

# Character grams for "is this sentence copied from that text": a 4-gram of Han characters is rare
# enough to mean copying; a sentence is judged only when it holds MIN_HAN Han characters, and is a copy
# when COPIED_SHARE of its grams are in the source and under OWN_SHARE are in the applicant's own words.
GRAM = 4
MIN_HAN = 8
COPIED_SHARE = 0.6
OWN_SHARE = 0.3
HAN_RUN = re.compile(r"[\u3400-\u9fff]+")


@cache
def _sentence_re(ends: str) -> re.Pattern[str]:
    marks = re.escape(ends)
    return re.compile(rf"[^{marks}\n]*(?:[{marks}][{re.escape(CLOSERS)}]*|\n+|$)")


def split_sentences(text: str, ends: str = SENTENCE_ENDS) -> list[str]:
    """Split into pieces, each keeping its end mark (one of ``ends``, with any closing quote) or newline.

    A newline always ends a piece; ``"".join`` of the pieces is ``text``. Decimals (3.5) and ellipses
    (……) never split: neither mark is an end mark.
    """
    return [piece for piece in _sentence_re(ends).findall(text) if piece]


def split_clauses(text: str, ends: str = CLAUSE_ENDS) -> list[str]:
    """Split a sentence at its clause marks (，；), each clause keeping its mark."""
    return split_sentences(text, ends)


def ends_sentence(piece: str, ends: str = SENTENCE_ENDS) -> bool:
    """Whether ``piece`` ends with an end mark (closing quotes and trailing space aside)."""
    stripped = piece.rstrip().rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in ends


def han_count(text: str) -> int:
    """How many Han characters ``text`` holds."""
    return sum(len(run) for run in HAN_RUN.findall(text))


def han_grams(text: str, size: int = GRAM) -> set[str]:
    """The ``size``-grams of each run of Han characters (none spans punctuation, letters or digits)."""
    return {run[i : i + size] for run in HAN_RUN.findall(text) for i in range(len(run) - size + 1)}


def is_copied(grams: set[str], han: int, source: set[str], own: set[str]) -> bool:
    """A sentence (its ``grams`` and ``han`` count) mostly repeats ``source`` and not the ``own`` grams."""
    if han < MIN_HAN or not grams:
        return False
    copied = len(grams & source) / len(grams)
    mine = len(grams & own) / len(grams)
    return copied >= COPIED_SHARE and mine < OWN_SHARE


class ChineseWords(BaseModel):
    """``knowledge/chinese/text.yaml``: a missing or misspelt key fails at load."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    instructions: list[str] = Field(min_length=1)
    typos: dict[str, str] = Field(default_factory=dict)


@cache
def chinese_words() -> ChineseWords:
    """The reviewed wording (read once per process, on first use)."""
    path = bundled_dir("knowledge") / "chinese" / "text.yaml"
    try:
        return ChineseWords.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValueError) as exc:
        raise InstallationError(f"词表文件 {path.name} 缺失或格式错误：{exc}。请重新安装或按注释修正。") from exc


@cache
def instruction_pattern() -> re.Pattern[str]:
    """The instruction phrasings as one expression (case-insensitive), compiled once."""
    return re.compile("|".join(f"(?:{p})" for p in chinese_words().instructions), re.IGNORECASE)


def looks_like_instruction(sentence: str) -> bool:
    """Whether ``sentence`` addresses the tool (忽略以上要求…, 你现在是…): it is data, never an order.

    The one detector for applicants' answers and for documents alike.
    """
    return bool(instruction_pattern().search(sentence))


def fix_typos(text: str) -> str:
    """``text`` with the reviewed typos (平太→平台) corrected."""
    for wrong, right in chinese_words().typos.items():
        text = text.replace(wrong, right)
    return text


@cache
def _to_simplified() -> Any:
    import opencc  # loaded on first use: no import-time work for callers that never convert

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Traditional characters as Simplified (「承諾書需要蓋章嗎」 → 「承诺书需要盖章吗」); Simplified text is unchanged.

    Why: the documents are in Simplified characters, so a question typed in Traditional matched none of their words
    and was declined. OpenCC's phrase tables rather than a character table: some characters map by context."""
    if text.isascii():
        return text
    converted: str = _to_simplified().convert(text)
    return converted if len(converted) == len(text) else text  # a conversion that changes length is not trusted
