"""One reviewed word file for the knowledge base, and no word lists left in its Python code.

``knowledge/qa/lexicon.yaml`` is loaded (every key validated, none empty, every pattern compiles); the
modules of ``assistant/knowledge/`` are read as Python syntax trees and no string constant, tuple, list or
set in them may hold more than ten alternatives (words separated by 「|」 or spaces, or literal items).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from assistant.knowledge.lexicon import Lexicon, lexicon, lexicon_path

KNOWLEDGE_CODE = Path(__file__).resolve().parents[2] / "assistant" / "knowledge"
MAX_ALTERNATIVES = 10
_HAN = re.compile(r"[\u4e00-\u9fff]")


def test_every_key_loads_and_none_is_empty() -> None:
    words = lexicon()
    for name in Lexicon.model_fields:
        value = getattr(words, name)
        assert value, f"{name} is empty in {lexicon_path().name}"
    for need in words.needs:
        re.compile(need.holds)
    for loan in words.loanwords:
        re.compile(loan.pattern)
    for spoken in words.colloquial:
        re.compile(spoken.spoken)


def test_a_misspelt_key_is_refused() -> None:
    import yaml

    raw = yaml.safe_load(lexicon_path().read_text(encoding="utf-8"))
    raw["stop_words"] = raw.pop("stopwords")
    with pytest.raises(ValueError):
        Lexicon.model_validate(raw)


def _alternatives(text: str) -> int:
    """How many Chinese alternatives a string lists: the largest group of 「a|b|c」 (per regex group, character
    classes aside) or 「a b c」 (space-separated words)."""
    if not _HAN.search(text):
        return 0
    flat = re.sub(r"\[[^\]]*\]", "", text)
    groups: list[list[str]] = [[""]]
    widest = 0
    for ch in flat:
        if ch == "(":
            groups.append([""])
        elif ch == ")" and len(groups) > 1:
            done = groups.pop()
            widest = max(widest, sum(1 for alt in done if _HAN.search(alt)))
            groups[-1][-1] += "x"
        elif ch == "|":
            groups[-1].append("")
        else:
            groups[-1][-1] += ch
    widest = max([widest] + [sum(1 for alt in g if _HAN.search(alt)) for g in groups])
    words = text.split()
    spaced = len(words) if all(_HAN.search(w) and len(w) <= 8 for w in words) else 0
    return max(widest, spaced)


def _word_lists(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        listed = isinstance(node, ast.Constant) and isinstance(node.value, str) and _alternatives(node.value)
        if listed and listed > MAX_ALTERNATIVES:
            found.append(f"{path.name}:{node.lineno} {node.value[:40]}")
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            items = [e for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if len(items) > MAX_ALTERNATIVES and any(_HAN.search(e.value) for e in items):
                found.append(f"{path.name}:{node.lineno} {len(items)} items")
    return found


def test_no_word_list_of_more_than_ten_alternatives_in_the_knowledge_code() -> None:
    lists = [hit for path in sorted(KNOWLEDGE_CODE.glob("*.py")) for hit in _word_lists(path)]
    assert not lists, f"move these word lists to {lexicon_path().name}: {lists}"


def test_the_check_finds_a_word_list() -> None:
    assert _alternatives("截止|截至|期限|之前|以前|开始征集|启动|落款|文号|日期|发文") == 11
    assert _alternatives("北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江") == 11
    assert _alternatives("（(][一二三四五六七八九十]") == 0
