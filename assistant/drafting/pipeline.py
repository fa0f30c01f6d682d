"""Draft one part or a whole application: budgets, retrieval, the drafter, then checks.

Whatever the drafter returns, this layer enforces the promises: each part within
its budget (cut at a sentence end as a last resort, and said so), budgets of a
group never summing past its limit, no untraceable figure left in the text,
no private contact data in publishable parts, and a review of what remains.
"""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, Field

from assistant.core.errors import ModelUnavailableError
from assistant.core.textlen import (
    allocate_budgets,
    count_words,
    trim_to_limit,
)
from assistant.core.types import Issue, Passage
from assistant.drafting.copy_guard import copied_message, drop_copied_sentences
from assistant.drafting.offline.drafter import OfflineDrafter, placeholder
from assistant.drafting.protocol import Drafter, DraftJob, DraftOutput
from assistant.forms.application import ApplicationInfo
from assistant.forms.spec import FormSpec
from assistant.llm.chat import DeltaCallback
from assistant.review.info import info_issues
from assistant.review.parts import group_totals, review_part
from assistant.review.privacy import PersonTerm, private_data_message, redact
from assistant.review.traceability import drop_untraceable_sentences


class Retriever(Protocol):
    def search(
        self, query: str, k: int = 5, kinds: list[str] | None = None, field: str | None = None
    ) -> list[Passage]: ...


class PartDraft(BaseModel):
    part_id: str
    text: str
    words: int
    budget: int
    issues: list[Issue] = Field(default_factory=list)
    source: str = "offline"
    model_calls: int = 0
    condense_calls: int = 0
    removed_numbers: list[str] = Field(default_factory=list)
    copied_sentences: list[str] = Field(default_factory=list)
    citations: list[Passage] = Field(default_factory=list)


class ApplicationDraft(BaseModel):
    form_id: str
    info: ApplicationInfo
    parts: dict[str, PartDraft]
    info_issues: list[Issue] = Field(default_factory=list)

    def totals(self, form: FormSpec) -> dict[str, tuple[int, int]]:
        return group_totals(form, {pid: d.text for pid, d in self.parts.items()})


def people_of(info: ApplicationInfo) -> list[PersonTerm]:
    return [
        PersonTerm(name=info.leader.name, role="项目负责人", phone=info.leader.phone),
        PersonTerm(name=info.contact.name, role="项目联系人", phone=info.contact.phone),
    ]


def part_budget(form: FormSpec, part_id: str, other_words: dict[str, int], need: int) -> int:
    """Budget for ``part_id`` given the current 字数 of the other parts in its group.

    Parts that use less than their default lend the rest; the result never lets the
    group total exceed its limit, whatever the other parts already hold.
    """
    group = form.group_of(part_id)
    defaults = {p.id: p.default_budget for p in group.parts}
    needs = {pid: other_words.get(pid, defaults[pid]) for pid in defaults}
    needs[part_id] = need
    allocated = allocate_budgets(group.limit, defaults, needs)[part_id]
    room = group.limit - sum(other_words.get(p.id, 0) for p in group.parts if p.id != part_id)
    return max(0, min(allocated, room))


def retrieve_for(retriever: Retriever | None, job: DraftJob) -> DraftJob:
    """Add action-plan guidance and same-field exemplars to the job (if a knowledge base is there)."""
    if retriever is None:
        return job
    query = f"{job.field} {job.part.title} {job.part.guidance}"
    guidance = retriever.search(query, k=4, kinds=["plan_digest", "notice"], field=job.field or None)
    exemplars = retriever.search(query, k=3, kinds=["case", "template_example"], field=job.field or None)
    return job.model_copy(update={"guidance_passages": guidance, "exemplar_passages": exemplars})


def run_drafter(drafter: Drafter, job: DraftJob, on_delta: DeltaCallback | None) -> DraftOutput:
    """Run the configured drafter; if the model is down, fall back to the offline drafter and say so."""
    try:
        return drafter.draft(job, on_delta=on_delta)
    except ModelUnavailableError as exc:
        if drafter.mode != "model":
            raise
        output = OfflineDrafter().draft(job)
        output.issues.append(
            Issue(
                part_id=job.part.id,
                kind="model_fallback",
                severity="warning",
                message=f"{exc.message}本部分已改用离线起草。",
            )
        )
        return output


def finalize_part(form: FormSpec, job: DraftJob, output: DraftOutput, people: list[PersonTerm]) -> PartDraft:
    """Apply the hard guarantees to a drafter's output and review it."""
    issues = list(output.issues)

    def note(kind: str, severity: str, message: str) -> None:
        issues.append(Issue(part_id=job.part.id, kind=kind, severity=severity, message=message))

    sources = job.figure_sources()
    text, removed = drop_untraceable_sentences(output.text.strip(), sources, job.structure_numbers())
    for raw in removed:
        note("number_removed", "warning", f"草稿中的数字“{raw}”在您的回答和引用材料中找不到出处，已删除所在句子。")
    text, copied = drop_copied_sentences(text, job.own_texts(), job.passage_texts())
    if copied:
        note("passage_copied", "info", copied_message(copied))
    if form.group_of(job.part.id).publishable:
        redaction = redact(text, people)
        text = redaction.text
        for kind in redaction.removed:
            note("private_data", "info", private_data_message(kind))
    text, cut = trim_to_limit(text, job.budget)
    if cut:
        note("trimmed", "warning", f"草稿超过本部分{job.budget}字的额度，已在句末截断，请检查结尾是否完整。")
    issues += review_part(form, job.part.id, text, job.budget, sources, people)
    return PartDraft(
        part_id=job.part.id,
        text=text,
        words=count_words(text),
        budget=job.budget,
        issues=issues,
        source=output.source,
        model_calls=output.model_calls,
        condense_calls=output.condense_calls,
        removed_numbers=output.removed_numbers + removed,
        copied_sentences=output.copied_sentences + copied,
        citations=job.guidance_passages,
    )


def build_job(
    form: FormSpec, part_id: str, info: ApplicationInfo, answers: dict[str, list[str]], budget: int
) -> DraftJob:
    part = form.part(part_id)
    return DraftJob(
        form_id=form.id,
        part=part,
        group=form.group_of(part_id),
        field=info.field,
        case_name=info.case_name,
        applicant=info.applicant,
        answers=[a for a in answers.get(part_id, []) if a.strip()],
        fallback_answers={pid: answers.get(pid, []) for pid in part.fallback_sources},
        budget=budget,
        private_terms=[p.name for p in people_of(info) if p.name],
        people=people_of(info),
    )


def estimate_need(job: DraftJob, drafter: Drafter) -> int:
    """How many 字 a part would like: the default for a model, the answers' length offline."""
    floor = count_words(placeholder(job.part)) + 10
    if drafter.mode == "model":
        return max(floor, job.part.default_budget)
    texts = job.answers or [a for v in job.fallback_answers.values() for a in v]
    guess = max(floor, 60, int(sum(count_words(t) for t in texts) * 1.05) + 30)
    # The offline drafter knows what it will actually use (e.g. 简介 sentences filling a promo point).
    own_estimate = getattr(drafter, "estimate_need", None)
    return max(guess, own_estimate(job)) if callable(own_estimate) else guess


def draft_application(
    form: FormSpec,
    info: ApplicationInfo,
    answers: dict[str, list[str]],
    drafter: Drafter,
    retriever: Retriever | None = None,
) -> ApplicationDraft:
    """Draft every part (scripted mode); group totals never exceed their limits."""
    people = people_of(info)
    parts: dict[str, PartDraft] = {}
    for group in form.groups:
        jobs = {p.id: build_job(form, p.id, info, answers, budget=p.default_budget) for p in group.parts}
        needs = {pid: estimate_need(job, drafter) for pid, job in jobs.items()}
        budgets = allocate_budgets(group.limit, {p.id: p.default_budget for p in group.parts}, needs)
        for pid, job in jobs.items():
            job = retrieve_for(retriever, job.model_copy(update={"budget": budgets[pid]}))
            parts[pid] = finalize_part(form, job, run_drafter(drafter, job, None), people)
    return ApplicationDraft(form_id=form.id, info=info, parts=parts, info_issues=info_issues(form, info))
