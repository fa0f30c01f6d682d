"""Read the arguments of a message whose act is known: ordinals, quoted text, replacements, parts named.

These are the places where rules measurably win over a classifier (digits, explicit part names,
quoted text). The vocabulary lives in ``knowledge/understanding/rules.yaml`` and the part names in
the form spec; this module only applies them.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel

from assistant.core.figures import chinese_numeral_value
from assistant.core.resources import bundled_dir
from assistant.forms.spec import FormSpec
from assistant.understanding.acts import SupplementPlace

_NUMBER = r"(\d{1,2}|[一二两三四五六七八九十]{1,3})"
REPLACE_WINDOW = 1000  # a replacement is asked for in a message's opening (see ``replacement``)


class MoveWords(BaseModel):
    """How a move of the interview is described when the reader is unsure of it, and the words that say it plainly."""

    means: str
    say: str


class RuleBook(BaseModel):
    """The contents of rules.yaml, validated."""

    ordinal_units: dict[str, list[str]]
    last_words: list[str]
    first_words: list[str]
    quote_pairs: list[str]
    replace_patterns: list[str]
    supplement_leads: list[str]
    placeholder_words: list[str]
    trim_chars: str
    reference_edges: list[str]
    placement_words: dict[str, list[str]]
    figure_exclusions: list[str]
    chinese_counts: list[str]
    structure_counts: list[str]
    unsure_moves: dict[str, MoveWords]
    unsure_reply: str

    def trim(self, text: str) -> str:
        return text.strip(self.trim_chars)

    def trim_content(self, text: str) -> str:
        """An answer's edges tidied: no leading or dangling separators, but its sentence end kept."""
        return text.strip().lstrip(self.trim_chars).rstrip(" \t\n，,、；;：:~～…")


@cache
def rule_book(path: Path | None = None) -> RuleBook:
    path = path or bundled_dir("knowledge") / "understanding" / "rules.yaml"
    return RuleBook.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def chinese_number(token: str) -> int | None:
    """'3' → 3, '三' → 3, '十二' → 12, '二十' → 20."""
    if token.isdigit():
        return int(token)
    if len(token) > 1 and "十" not in token:  # 「三四」 is no number
        return None
    value = chinese_numeral_value(token)
    return int(value) if value else None


def ordinals(text: str) -> dict[str, int]:
    """Places a message names: {"sentence": 1} for 第一句, {"paragraph": -1} for 最后一段, …"""
    book = rule_book()
    found: dict[str, int] = {}
    for unit, words in book.ordinal_units.items():
        alternatives = "|".join(map(re.escape, words))
        match = re.search(rf"第\s*{_NUMBER}\s*(?:{alternatives})", text)
        if match and (value := chinese_number(match.group(1))):
            found.setdefault(unit, value)
            continue
        last = "|".join(map(re.escape, book.last_words))
        if re.search(rf"(?:{last})\s*(?:一|1)?\s*(?:个)?(?:{alternatives})", text):
            found.setdefault(unit, -1)
            continue
        first = "|".join(map(re.escape, book.first_words))
        if re.search(rf"(?:{first})(?:一|1)?(?:{alternatives})|^(?:{alternatives})首", text):
            found.setdefault(unit, 1)
    return found


def ordinals_all(text: str) -> list[int]:
    """Every 第N<unit>/最后一<unit> in reading order (for "把第三点放到第一点"); -1 stands for the last."""
    book = rule_book()
    words = "|".join(map(re.escape, (w for unit in book.ordinal_units.values() for w in unit)))
    last = "|".join(map(re.escape, book.last_words))
    found: list[int] = []
    for match in re.finditer(rf"第\s*{_NUMBER}\s*(?:{words})?|(?:{last})\s*(?:一|1)?\s*个?(?:{words})", text):
        value = chinese_number(match.group(1)) if match.group(1) else -1
        if value:
            found.append(value)
    return found


def placement(text: str) -> str:
    """ "swap", "first", "last" or "" — where a reorder request sends the point it names."""
    for kind in ("swap", "first", "last"):
        if any(word in text for word in rule_book().placement_words.get(kind, [])):
            return kind
    return ""


def quoted(text: str) -> list[str]:
    """Every piece of text in quotation marks, in order."""
    pieces: list[tuple[int, str]] = []
    for pair in rule_book().quote_pairs:
        opening, closing = pair[0], pair[-1]
        pattern = rf"{re.escape(opening)}([^{re.escape(closing)}]{{1,200}}){re.escape(closing)}"
        pieces += [(m.start(), m.group(1)) for m in re.finditer(pattern, text)]
    return [piece for _, piece in sorted(pieces)]


def replacement(text: str) -> tuple[str, str] | None:
    """(old, new) of an explicit replacement, quoted pieces preferred.

    The patterns read the first REPLACE_WINDOW characters: their lazy ``old`` tries every start against the
    rest of the text, so 5,000 characters without a comma took a second; a new text running past the window
    goes on to the end of its line, as the pattern's ``.+`` would have."""
    book = rule_book()
    pieces = quoted(text)
    head = text[:REPLACE_WINDOW]
    for pattern in book.replace_patterns:
        match = re.search(pattern, head)
        if not match:
            continue
        new = match.group("new")
        if match.end("new") == len(head) < len(text):
            new = text[match.start("new") :].split("\n", 1)[0]
        old, new = book.trim(match.group("old")), book.trim(new)
        if len(pieces) >= 2:
            old, new = pieces[0], pieces[1]
        else:
            old, new = _unquote(old), _unquote(new)
        if old and new and old != new:
            return old, new
    return None


def _unquote(text: str) -> str:
    pieces = quoted(text)
    return pieces[0] if len(pieces) == 1 else rule_book().trim(re.sub(r"^(?:里的|中的|里|中)", "", text))


def supplement(text: str) -> tuple[str, SupplementPlace, int | None]:
    """(content, where, number) of a supplement: the applicant's words after the colon or the lead phrase.

    ``where`` is "placeholder" when the message names the 【待补充】 marker, "point"/"paragraph" with
    its number when it names one, else "end".
    """
    book = rule_book()
    head, content = text, ""
    colon = re.search(r"[:：]", text)
    if colon and book.trim(text[colon.end() :]):
        head, content = text[: colon.start()], book.trim(text[colon.end() :])
    else:
        leads = "|".join(map(re.escape, sorted(book.supplement_leads, key=len, reverse=True)))
        match = re.search(rf"(?:{leads})(?:一下|一句|一点|一条)?[，,]?\s*(?P<rest>.+)", text, re.S)
        if match:
            head, content = text[: match.start()] or text, book.trim(match.group("rest"))
    places = ordinals(head)
    if any(word in head for word in book.placeholder_words):
        return content, "placeholder", None
    if "point" in places:
        return content, "point", places["point"]
    if "paragraph" in places:
        return content, "paragraph", places["paragraph"]
    return content, "end", None


def without_reference_edges(clause: str) -> str:
    """「就是分类分级、加密这些」 → 「分类分级、加密」: the facts of a clause that points back."""
    book = rule_book()
    text = book.trim(clause)
    edges = sorted(book.reference_edges, key=len, reverse=True)
    changed = True
    while changed and text:
        changed = False
        for edge in edges:
            if text.startswith(edge):
                text, changed = book.trim(text[len(edge) :]), True
            if text.endswith(edge):
                text, changed = book.trim(text[: -len(edge)]), True
    return text


def named_part(form: FormSpec, text: str) -> str | None:
    """The part a message names by title or alias (longest name first), or None."""
    names: dict[str, str] = {}
    for part in form.all_parts():
        names.setdefault(part.title, part.id)
        for alias in part.aliases:
            names.setdefault(alias, part.id)
    for name in sorted(names, key=len, reverse=True):
        if len(name) >= 2 and name in text:
            return names[name]
    return None


_PART_ORDINAL = re.compile(rf"第\s*{_NUMBER}\s*部分|[（(]\s*{_NUMBER}\s*[)）]")
ORDINAL_MESSAGE_CHARS = 16  # 「回去把第一部分补了吧」; a longer message with an ordinal is an answer enumerating


def part_by_ordinal(form: FormSpec, text: str) -> tuple[str | None, bool]:
    """「第三部分」「去（三）」「宣传材料第二部分」: the N-th part of the group the message names (by its aliases),
    else of the first group (parts are numbered within each group; applicants count the case introduction's six),
    and whether a group was named. Only a short message naming one ordinal names a part by it: 「（一）建立机制
    （二）打通数据」 or 「分三部分，第一部分是……」 enumerates an answer. None when there is no such part
    (「第七部分」「第0部分」). The reader uses it only for a message it already reads as a move."""
    found = list(_PART_ORDINAL.finditer(text))
    if len(found) != 1 or len(text.strip()) > ORDINAL_MESSAGE_CHARS:
        return None, False
    number = chinese_number(found[0].group(1) or found[0].group(2))
    named = [g for g in form.groups if any(alias in text for alias in g.aliases)]
    group = named[0] if named else form.groups[0]
    part = group.parts[number - 1].id if number and 1 <= number <= len(group.parts) else None
    return part, bool(named)
