"""The rubric's gates, checked on a submitted snapshot: pass or fail, with the reason in Chinese.

A failed gate keeps an application below the recommendation line; staff may decide a
gate by hand (a paper pledge received later), which the board shows as overridden.
"""

from __future__ import annotations

from assistant.bureau.models import GateResult, Snapshot
from assistant.forms.application import case_name_problem
from assistant.forms.rubric import Gate
from assistant.forms.spec import FormSpec

COMPLETE_RULES = ("part_empty", "placeholder", "info_missing")


def _field(form: FormSpec, snapshot: Snapshot) -> str:
    info = snapshot.info
    if info.field not in form.fields:
        return f"所属领域“{info.field or '（未填）'}”不是{form.fields_phrase}之一。"
    return case_name_problem(form, info.case_name, info.field) or ""


def _complete(snapshot: Snapshot) -> str:
    gaps = [f.message for f in snapshot.review.findings if f.rule in COMPLETE_RULES]
    if not gaps:
        return ""
    more = f"等{len(gaps)}处" if len(gaps) > 2 else ""
    return "；".join(gaps[:2]) + more


def _publishable(form: FormSpec, snapshot: Snapshot, group_id: str) -> str:
    group = next(g for g in form.groups if g.id == group_id)
    part_ids = {p.id for p in group.parts}
    problems = [
        f.message
        for f in snapshot.review.findings
        if (f.rule == "group_over_limit" and f.part_id == group_id)
        or (f.rule == "private_data" and f.part_id in part_ids)
    ]
    return "；".join(dict.fromkeys(problems))


def _declared(form: FormSpec, snapshot: Snapshot, item_id: str) -> str:
    if item_id in snapshot.media.prepared:
        return ""
    item = next(s for s in form.review.submission if s.id == item_id)
    return f"申报单位尚未确认“{item.requirement}”。"


def check_gate(form: FormSpec, gate: Gate, snapshot: Snapshot) -> GateResult:
    if gate.check == "field":
        reason = _field(form, snapshot)
    elif gate.check == "complete":
        reason = _complete(snapshot)
    elif gate.check == "publishable":
        reason = _publishable(form, snapshot, gate.group)
    else:
        reason = _declared(form, snapshot, gate.item)
    return GateResult(gate_id=gate.id, title=gate.title, passed=not reason, reason=reason)


def check_gates(form: FormSpec, snapshot: Snapshot) -> list[GateResult]:
    return [check_gate(form, gate, snapshot) for gate in (form.rubric.gates if form.rubric else [])]
