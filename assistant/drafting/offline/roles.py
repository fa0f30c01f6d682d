"""Sentences by role: which element a sentence (or clause) serves, and whether it stands alone.

Used to build 主要做法及成效 by role — 1. data used and how it flows, 2. security, 3. results —
from the applicant's sentences wherever they were given, and to keep sentences that only
make sense next to their neighbours ("第三块是…""除了这几个数…") out of other parts.
"""

from __future__ import annotations

import re

from assistant.core.chinese import split_clauses
from assistant.forms.spec import FormSpec, SubPoint
from assistant.review.privacy import redact
from assistant.understanding.shipped import element_reader

# A sentence that refers to what was said around it cannot be moved to another part.
DEPENDENT_RE = re.compile(
    r"(除了这|除此之外|上面|前面|如前所述|上述|以上这|刚才|这几个数(?![字据])|这些数(?![字据])|同上|也是这样|这几类|这几个方面|其余的|说到这"
    r"|^(这个|这些|这样|这种|这套|这里|这|那|其|该|它|他们|她们)(?![一二三四五六七八九十\d])"
    r"|^(首先|其次|再次|最后|第[一二三四五六七八九十]+[，、]))"
)
# Leads that only link to the previous sentence; dropped when a sentence is moved.
LEAD_RE = re.compile(
    r"^(第[一二三四五六七八九十]+(块|个|点|条|方面|部分|件事)(是|就是)?[^，。：:]{0,8}?[，：:]"
    r"|(另外|此外|同时|还有|而且|其次|最后|再者|并且|然后)[，,、]?)"
)
# No half-width ",": a figure such as 1,200 is not cut in two.
_CLAUSE_ENDS = "，；;"
_PREFERENCE = ("results", "security", "data_sources", "data_flow")
MAX_CLAUSES = 40  # each clause is read for its role: a "sentence" of thousands of clauses is not split


CONTACT_RE = re.compile(r"(?<!\d)(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)|(联系|找)[^，。；]{0,12}(电话|手机|热线|客服)")


def is_contact(sentence: str) -> bool:
    """A sentence giving someone's phone or contact line (not for publishable material)."""
    return bool(CONTACT_RE.search(sentence))


_CONTACT_WORDS = re.compile(r"联系|电话|手机|热线|客服|欢迎|来电|致电|拨打|咨询|请|可|或|找")


def without_contact(sentence: str) -> str | None:
    """The sentence with its phone numbers taken out, or None when nothing but a contact line is left."""
    rest = redact(sentence).text
    content = _CONTACT_WORDS.sub("", rest)
    return rest if len(re.findall(r"[\u4e00-\u9fff]", content)) >= 6 else None


def standalone(sentence: str) -> str | None:
    """The sentence as it reads out of context, or None if it depends on its neighbours."""
    if DEPENDENT_RE.search(sentence):
        return None
    stripped = LEAD_RE.sub("", sentence).strip("，,、 ")
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
