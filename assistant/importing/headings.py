"""Which blocks are headings, and which of the template's parts (or other sections) each one names.

A block is a heading when its Word style or outline level says so, when it is a short bold
line, or a short line that starts with the template's kind of numbering (“二、” “（三）” “3.”)
and does not end a sentence. What it names is read from the form YAML first — part titles and
``aliases`` — then from the reviewed section words (申报信息表, 承诺书 …, group names). A heading
that names several parts (two parts' titles joined, “……与……”) is a merged heading; one that names none is left
for ``meaning`` to place by its paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.core.chinese import ends_sentence
from assistant.forms.spec import FormSpec
from assistant.importing.models import Block
from assistant.importing.vocabulary import vocabulary

MAX_HEADING_CHARS = 40
_NUMBERING = re.compile(
    r"^\s*(第[一二三四五六七八九十]+(部分|章|节)[、.．:：\s]*|[一二三四五六七八九十]+\s*[、.．]\s*|[（(][一二三四五六七八九十]+[）)]\s*"
    r"|\d{1,2}\s*[、.．](?!\d)\s*|[（(]\d{1,2}[）)]\s*)"
)
_QUOTES = re.compile(r"[“”\"'‘’《》「」【】\s:：]")


@dataclass
class HeadingMatch:
    """What a heading names: part ids (in template order), a group id, or another section (info …)."""

    parts: list[str] = field(default_factory=list)
    group: str | None = None
    section: str | None = None
    method: str = "heading"

    @property
    def known(self) -> bool:
        return bool(self.parts or self.group or self.section)


def strip_numbering(text: str) -> str:
    return _NUMBERING.sub("", text, count=1).strip()


def core(text: str) -> str:
    """A heading without its numbering, quotes, spaces and colon: what is compared with titles."""
    return _QUOTES.sub("", strip_numbering(text)).replace("数据要素×", "").replace("数据要素x", "")


def is_heading(block: Block) -> bool:
    text = block.text
    if "\n" in text or len(text) > MAX_HEADING_CHARS or ends_sentence(text, "。；;！？"):
        return False
    if block.heading_level is not None:
        return True
    return block.bold or bool(_NUMBERING.match(text))


def _part_hits(form: FormSpec, name: str, group: str | None) -> tuple[list[str], str]:
    """Parts whose title (or, failing that, an alias) the heading contains; the method that matched."""
    parts = [p for g in form.groups if group in (None, g.id) for p in g.parts]
    by_title = [p.id for p in parts if p.title in name]
    if by_title:
        return _without_nested(form, by_title, name), "heading"
    by_alias = [p.id for p in parts if any(a and a in name for a in p.aliases)]
    return _without_nested(form, by_alias, name), "alias"


def _without_nested(form: FormSpec, hits: list[str], name: str) -> list[str]:
    """A title holding another part's alias (“……及成效” holds 成效) names its own part only: drop hits inside
    a longer hit."""
    spans = {pid: _longest_name(form, pid, name) for pid in hits}
    keep = [pid for pid in hits if not any(spans[pid] != spans[o] and spans[pid] in spans[o] for o in hits)]
    order = form.part_ids()
    return sorted(keep, key=order.index)


def _longest_name(form: FormSpec, part_id: str, name: str) -> str:
    part = form.part(part_id)
    names = [n for n in [part.title, *part.aliases] if n and n in name]
    return max(names, key=len) if names else ""


def _named_group(form: FormSpec, name: str) -> tuple[str | None, str]:
    """The group a heading names and the heading without that word (“对外宣传材料” names 宣传推广材料, not a part)."""
    for group in form.groups:
        words = sorted((w for w in vocabulary().groups.get(group.id, []) if w in name), key=len, reverse=True)
        if words:
            return group.id, name.replace(words[0], "")
    return None, name


def _named_section(name: str) -> str | None:
    for section, words in vocabulary().sections.items():
        if any(word in name for word in words):
            return section
    return None


def match_heading(form: FormSpec, text: str, group: str | None) -> HeadingMatch:
    """What a heading names, looking inside the current group first (“主要做法” differs by group)."""
    name = core(text)
    if not name:
        return HeadingMatch()
    named_group, rest = _named_group(form, name)
    for scope in ([group, None] if group and not named_group else [named_group or None]):
        parts, method = _part_hits(form, rest if named_group else name, scope)
        if parts:
            return HeadingMatch(parts=parts, group=form.group_of(parts[0]).id, method=method)
    if named_group:
        return HeadingMatch(group=named_group)
    section = _named_section(name)
    return HeadingMatch(section=section) if section else HeadingMatch()
