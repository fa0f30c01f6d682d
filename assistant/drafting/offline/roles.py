"""Sentences by role: which element a sentence (or clause) serves, and whether it stands alone.

Used to build a part's sub-points by role — 1. data used and how it flows, 2. security, 3. results —
from the applicant's sentences wherever they were given, and to keep sentences that only
make sense next to their neighbours ("第三块是…""除了这几个数…") out of other parts.
"""

from __future__ import annotations

import re
from functools import cache

import yaml
from pydantic import BaseModel, ConfigDict

from assistant.core.chinese import split_clauses
from assistant.core.resources import bundled_dir
from assistant.forms.spec import FormSpec, SubPoint
from assistant.review.privacy import redact
from assistant.understanding.shipped import element_reader


class RoleWords(BaseModel):
    """``knowledge/register/sentence_roles.yaml``: regex fragments, combined in the order listed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    refers_back: list[str]
    pointing_openers: list[str]
    sequence_openers: list[str]
    linking_leads: list[str]
    ordinal_units: list[str]
    contact_leads: list[str]
    contact_targets: list[str]
    contact_words: list[str]


@cache
def role_words() -> RoleWords:
    path = bundled_dir("knowledge") / "register" / "sentence_roles.yaml"
    return RoleWords.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def _any(words: list[str]) -> str:
    return "|".join(words)


@cache
def dependent_re() -> re.Pattern[str]:
    """A sentence that refers to what was said around it cannot be moved to another part."""
    w = role_words()
    return re.compile(
        rf"({_any(w.refers_back)}"
        rf"|^({_any(w.pointing_openers)})(?![一二三四五六七八九十\d])"
        rf"|^({_any(w.sequence_openers)}|第[一二三四五六七八九十]+[，、]))"
    )


@cache
def lead_re() -> re.Pattern[str]:
    """Leads that only link to the previous sentence; dropped when a sentence is moved."""
    w = role_words()
    return re.compile(
        rf"^(第[一二三四五六七八九十]+({_any(w.ordinal_units)})(是|就是)?[^，。：:]{{0,8}}?[，：:]"
        rf"|({_any(w.linking_leads)})[，,、]?)"
    )


# No half-width ",": a figure such as 1,200 is not cut in two.
_CLAUSE_ENDS = "，；;"
_PREFERENCE = ("results", "security", "data_sources", "data_flow")
MAX_CLAUSES = 40  # each clause is read for its role: a "sentence" of thousands of clauses is not split


_PHONE = r"(?<!\d)(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)"


@cache
def contact_re() -> re.Pattern[str]:
    w = role_words()
    return re.compile(rf"{_PHONE}|({_any(w.contact_leads)})[^，。；]{{0,12}}({_any(w.contact_targets)})")


def is_contact(sentence: str) -> bool:
    """A sentence giving someone's phone or contact line (not for publishable material)."""
    return bool(contact_re().search(sentence))


@cache
def _contact_words() -> re.Pattern[str]:
    return re.compile(_any(role_words().contact_words))


def without_contact(sentence: str) -> str | None:
    """The sentence with its phone numbers taken out, or None when nothing but a contact line is left."""
    rest = redact(sentence).text
    content = _contact_words().sub("", rest)
    return rest if len(re.findall(r"[\u4e00-\u9fff]", content)) >= 6 else None


def standalone(sentence: str) -> str | None:
    """The sentence as it reads out of context, or None if it depends on its neighbours."""
    if dependent_re().search(sentence):
        return None
    stripped = lead_re().sub("", sentence).strip("，,、 ")
    return stripped if len(re.findall(r"[\u4e00-\u9fff]", stripped)) >= 6 else None


def subpoint_of(form: FormSpec, subpoints: list[SubPoint], text: str) -> int | None:
    """Index of the sub-point ``text`` serves; figures alone lean to the one that asks for numbers."""
    found = element_reader(form).elements_in(text)
    best, best_key = None, None
    for index, sp in enumerate(subpoints):
        hits = [e for e in sp.elements if e in found and e != "numbers"]
        if not hits:
            continue
        rank = min(_PREFERENCE.index(e) if e in _PREFERENCE else len(_PREFERENCE) for e in hits)
        key = (-len(hits), rank)
        if best_key is None or key < best_key:
            best, best_key = index, key
    if best is None and "numbers" in found:
        with_numbers = [i for i, sp in enumerate(subpoints) if "numbers" in sp.elements]
        best = with_numbers[-1] if with_numbers else None
    return best


def split_by_role(form: FormSpec, subpoints: list[SubPoint], sentence: str) -> list[tuple[int | None, str]]:
    """Split a sentence that serves several sub-points into clause runs, one per sub-point.

    "融合…数据，经授权…，平台过了等保三级，授信18.7亿元。" becomes a data piece, a security
    piece and a results piece, each ending with 。; a sentence serving one sub-point stays whole.
    """
    whole = subpoint_of(form, subpoints, sentence)
    clauses = [c for c in split_clauses(sentence.rstrip("。！？!?"), _CLAUSE_ENDS) if c.strip("，；; ")]
    if not 2 <= len(clauses) <= MAX_CLAUSES:  # one clause, or not a sentence anyone writes: keep it whole
        return [(whole, sentence)]
    roles = [subpoint_of(form, subpoints, c) for c in clauses]
    if len({r for r in roles if r is not None}) < 2:
        return [(whole, sentence)]
    # clauses without a role belong with the clause before them (or the first one after)
    filled: list[int | None] = []
    for i, role in enumerate(roles):
        if role is None:
            role = filled[-1] if filled else next((r for r in roles[i:] if r is not None), None)
        filled.append(role)
    pieces: list[tuple[int | None, str]] = []
    for role, clause in zip(filled, clauses, strict=True):
        if pieces and pieces[-1][0] == role:
            pieces[-1] = (role, pieces[-1][1] + clause)
        else:
            pieces.append((role, clause))
    return [(role, text.strip("，；; ") + "。") for role, text in pieces]
