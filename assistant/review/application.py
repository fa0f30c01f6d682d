"""Review a whole application the way the bureau will, before it is ranked.

Driven by the form spec (its ``review`` section and its info fields), so a new call
is a new YAML file. Findings never go into the application document itself: they
are shown in the chat (errors), the 审阅 panel, the CLI, the API and a separate
review report.
"""

from __future__ import annotations

from datetime import date

from assistant.core.types import Passage
from assistant.forms.application import ApplicationInfo, MediaInfo
from assistant.forms.spec import FormSpec
from assistant.review.alignment import align, alignment_findings
from assistant.review.checklist import checklist
from assistant.review.content import (
    completeness_findings,
    element_findings,
    figure_findings,
    length_findings,
    name_findings,
    privacy_findings,
)
from assistant.review.findings import SEVERITY_ORDER, Finding, ReviewReport
from assistant.review.info import info_issues
from assistant.review.machine_text import MachineText
from assistant.review.privacy import PersonTerm
from assistant.review.reading import reading_findings


def _info_findings(form: FormSpec, info: ApplicationInfo) -> list[Finding]:
    return [
        Finding(
            rule=f"info_{i.kind}",
            severity="错误",
            part_id="info",
            message=i.message,
            fix="在“申报信息表”中补充或更正。",
        )
        for i in info_issues(form, info)
    ]


def review_application(
    form: FormSpec,
    info: ApplicationInfo,
    media: MediaInfo,
    texts: dict[str, str],
    *,
    sources: list[str],
    budgets: dict[str, int] | None = None,
    plan_passages: list[Passage] | None = None,
    today: date | None = None,
    prompt_text: dict[str, MachineText] | None = None,
) -> ReviewReport:
    """Every finding once, ordered by severity then by the template's order of parts.

    ``prompt_text``: per part, the product's own prompt text as rendered for it (the drafting layer's
    ``prompt_guards``): what a part must not carry. Without it that one reading rule is skipped.
    """
    people = [
        PersonTerm(name=info.leader.name, role="项目负责人", phone=info.leader.phone),
        PersonTerm(name=info.contact.name, role="项目联系人", phone=info.contact.phone),
    ]
    findings = _info_findings(form, info)
    findings += length_findings(form, texts, budgets or {})
    findings += completeness_findings(form, texts)
    findings += element_findings(form, texts)
    findings += figure_findings(form, texts, sources + [_info_text(info)], people)
    findings += privacy_findings(form, texts, people)
    findings += name_findings(form, info, texts)
    findings += reading_findings(form, texts, prompt_text)
    case_text = "\n".join(texts.values())
    alignments = align(case_text, plan_passages or [], form.review.alignment.directions_label)
    findings += alignment_findings(info.field, alignments, form)
    order = {pid: i for i, pid in enumerate(["info", *[g.id for g in form.groups], *form.part_ids()])}
    findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], order.get(f.part_id, 99)))
    return ReviewReport(findings=findings, checklist=checklist(form, media, texts, today), alignment=alignments)


def _info_text(info: ApplicationInfo) -> str:
    """The info table is the applicant's own statement, so its figures are traceable too."""
    return "\n".join([info.applicant, *info.co_applicants, info.case_name, info.address, info.reason])
