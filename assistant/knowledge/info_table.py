"""A length asked of a field of the application's info table: 「申报理由那一栏写多少字合适」.

Why a route of its own: the info table's fields (申报理由, 通讯地址 …) are rows of a table, not parts of the
template with guidance of their own, so no route found them, and the values route read an amount off the
closest sentence stating one — the promotion material's 「不超过1500字」 — and gave it as the field's limit:
an invented rule. The documents set no length for any field of the table; the honest answer says so and
quotes the limits they do set (the form spec's groups, each with its limit), with the table's row and those
sentences as evidence. The fields come from the form spec (``info``), so another call's table needs no code.

The cover's labels (案例名称, 申报单位) also name the application as a whole in speech (「申报单位写多少字」 can
be about the whole application), so they count only when the question names them as a field (「……那一栏」).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.knowledge.evidence import Evidence, asked_unit
from assistant.knowledge.lexicon import any_of, lexicon
from assistant.knowledge.routes import Candidate, Context
from assistant.knowledge.template import match_parts

if TYPE_CHECKING:
    from assistant.forms.spec import FormSpec

LENGTH_UNIT = "字"
_LIMIT = re.compile(r"不超过\s*\d+\s*字")


def table_labels(call: FormSpec) -> tuple[list[str], list[str]]:
    """The info table's labels: those a bare mention names, and the cover's (named only as a field)."""
    info = call.info
    labels = list(dict.fromkeys([f.label for f in info.fields] + list(info.person_labels) + [info.opinion_label]))
    on_cover = {f.label for f in call.cover.fields}
    return [x for x in labels if x not in on_cover], [x for x in labels if x in on_cover]


def named_field(text: str, call: FormSpec) -> str:
    """The info table's field the text names, or ""; the longest label wins (申报单位意见 over 申报单位)."""
    bare, on_cover = table_labels(call)
    as_field = any_of(*lexicon().info_table.as_field).pattern
    named = [x for x in bare if x in text] + [x for x in on_cover if re.search(f"{re.escape(x)}(?:{as_field})", text)]
    return max(named, key=len, default="")


def _limits(call: FormSpec) -> str:
    return "，".join(lexicon().info_table.limit.format(title=g.title, limit=g.limit) for g in call.groups)


class InfoFieldLength:
    """Route: how many 字 a field of the info table may hold — the documents set none; say so, quote those set."""

    name = "info_field"

    def answer(self, context: Context) -> Candidate | None:
        question = context.question
        if asked_unit(question) != LENGTH_UNIT:
            return None
        label = named_field(question.text, context.call)
        if not label or match_parts(question, context.kb):
            return None
        row = [e for e in context.evidence if label in e.sentence][:1]
        limits = [e for e in context.evidence if _LIMIT.search(e.sentence)]
        evidence: list[Evidence] = row + [e for e in limits if e not in row]
        if not evidence:
            return None
        lead = lexicon().info_table.no_length.format(label=label, limits=_limits(context.call))
        return Candidate(self.name, evidence, lead, confidence=1.0, structural=True)
