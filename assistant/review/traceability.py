"""The one traceability checker: every figure in a draft must come from a source.

The 承诺书 makes the applicant vouch for every figure, so a draft may hold only
figures the applicant gave or a cited passage contains. Both drafters, the
drafting guarantees and the review use this module, so a sentence kept by one is
never deleted by another.

What is structure, not a fact, and therefore never checked:
- list ordinals: "1." "2、" "3)" at a line start or after a colon/semicolon,
  "（3）" "(3)", circled numbers ①, and Chinese ordinals (一是、（一）、第二),
  which the figure extractor already ignores;
- the template's own phrases with numbers ("5000字", the group limit), passed in as
  ``structure`` and masked where they occur literally — never added as sources, so
  "新增就业5000人" is still checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.core.figures import known_values, untraceable_numbers
from assistant.core.textlen import split_sentences
from assistant.forms.spec import PartGroup, PartSpec

# "1." "2、" "3）" opening a line or following ：；。 — but not "1.5" (a decimal) or "2024." (a year).
_LINE_ORDINAL_RE = re.compile(r"(^|(?<=[：:；;。！？\n]))(\s*)(\d{1,2})(?=\s*[.．、)）](?!\d))", re.M)
_BRACKET_ORDINAL_RE = re.compile(r"[（(](\d{1,2})[)）]")
_ORDINAL_WORD_RE = re.compile(r"第(\d{1,2})(?=[点条项步个部分方面是])")


def structure_numbers(part: PartSpec, group: PartGroup) -> list[str]:
    """The template's own numbered phrases for a part: its group's limit ("5000字").

    Sub-point numbers ("1." "2." "3.") need no entry: they are line ordinals.
    """
    return [f"{group.limit}字"]


def mask_ordinals(text: str) -> str:
    """Replace the digits of list ordinals with '#', so they are not read as figures."""
    text = _LINE_ORDINAL_RE.sub(lambda m: m.group(1) + m.group(2) + "#" * len(m.group(3)), text)
    text = _BRACKET_ORDINAL_RE.sub(lambda m: "（" + "#" * len(m.group(1)) + "）", text)
    return _ORDINAL_WORD_RE.sub(lambda m: "第" + "#" * len(m.group(1)), text)


def untraceable_figures(
    text: str, sources: Iterable[str], structure: Iterable[str] = (), *, known: frozenset[float] | None = None
) -> list[str]:
    """Figures of ``text`` found in no source (ordinals and template phrases excepted), in order.

    ``known``: ``known_values(sources)`` when many texts are checked against the same sources.
    """
    masked = mask_ordinals(text)
    for phrase in structure:
        masked = masked.replace(phrase, re.sub(r"\d", "#", phrase))
    return untraceable_numbers(masked, sources, known=known)


def drop_untraceable_sentences(text: str, sources: list[str], structure: Iterable[str] = ()) -> tuple[str, list[str]]:
    """Delete the sentences that hold an untraceable figure; return (text, removed figures).

    Line breaks are kept, so a numbered point whose figures all check out stays a point.
    """
    text, dropped = untraceable_sentences(text, sources, structure)
    removed: list[str] = []
    for _, figures in dropped:
        removed += [f for f in figures if f not in removed]
    return text, removed


def untraceable_sentences(
    text: str, sources: list[str], structure: Iterable[str] = ()
) -> tuple[str, list[tuple[str, list[str]]]]:
    """Delete the sentences that hold an untraceable figure; return (text, [(sentence, its figures)]).

    The applicant is told which sentence went and which figure took it, not just the figure: a
    sentence lost for 「47.3%」 may have carried facts of theirs too.
    """
    structure = list(structure)
    known = known_values(sources)
    if not untraceable_figures(text, sources, structure, known=known):
        return text, []
    lines, dropped = [], []
    for line in text.split("\n"):
        kept = []
        for sentence in split_sentences(line):
            figures = untraceable_figures(sentence, sources, structure, known=known)
            if figures:
                dropped.append((sentence.strip(), figures))
            else:
                kept.append(sentence)
        if "".join(kept).strip():
            lines.append("".join(kept))
    return "\n".join(lines), dropped
