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
from assistant.drafting.copy_guard import drop_copied_sentences
from assistant.drafting.draft_hygiene import clean_draft
from assistant.drafting.length import has_material, material_words, wanted_words
from assistant.drafting.offline.drafter import OfflineDrafter, placeholder
from assistant.drafting.offline.promo import public_voice
from assistant.drafting.prompt_guard import machine_text
from assistant.drafting.protocol import Drafter, DraftJob, DraftOutput, Removal
from assistant.drafting.removals import removal_issues
from assistant.forms.application import ApplicationInfo
from assistant.forms.spec import FormSpec
from assistant.llm.chat import DeltaCallback
from assistant.review.info import info_issues
from assistant.review.machine_text import MachineText
from assistant.review.parts import group_totals, review_part
from assistant.review.privacy import PersonTerm, private_data_message, redact
from assistant.review.traceability import untraceable_sentences


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
    removals: list[Removal] = Field(default_factory=list)  # every sentence taken out, with why
    citations: list[Passage] = Field(default_factory=list)
    material_words: int = 0  # 字 of the applicant's material this part was written from
    target: int = 0  # 字 the drafter was asked for (the material's length, within the budget)


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
    """Run the configured drafter; if the model is down, fall back to the offline drafter and say so.

    A part with nothing of the applicant's to write from is not sent to a model: it could only pad
    (or invent); the offline drafter leaves the visible 【待补充】 mark instead.
    """
    if drafter.mode == "model" and not job.instruction.strip() and not has_material(job):
        return OfflineDrafter().draft(job, on_delta=on_delta)
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
    """Apply the hard guarantees to a drafter's output and review it.

    In order: sentences with an untraceable figure out, sentences pasted from retrieved passages out, in
    publishable parts the third person and no contact data (a sentence that was only a contact line goes
    whole), then the product's own prompt text and repeated sentences out (``draft_hygiene``), the
    budget. Every sentence removed is reported with the sentence itself.
    """
    issues = [i for i in output.issues if i.kind not in _REMOVAL_KINDS]

    def note(kind: str, severity: str, message: str) -> None:
        issues.append(Issue(part_id=job.part.id, kind=kind, severity=severity, message=message))

    sources = job.figure_sources()
    text, dropped = untraceable_sentences(output.text.strip(), sources, job.structure_numbers())
    removals = [Removal(sentence=s, reason="untraceable_figure", detail="、".join(f)) for s, f in dropped]
    removed = [f for _, figures in dropped for f in figures]
    text, copied = drop_copied_sentences(text, job.own_texts(), job.passage_texts())
    removals += [Removal(sentence=s, reason="passage_copied") for s in copied]
    if form.group_of(job.part.id).publishable:
        text = public_voice(text, job.applicant)
        redaction = redact(text, people)
        text = redaction.text
        for kind in redaction.removed:
            note("private_data", "info", private_data_message(kind))
    text, hygiene = clean_draft(text, machine_text(job))  # last: a redaction can make two sentences the same
    removals = hygiene + removals
    text, cut = trim_to_limit(text, job.budget)
    if cut:
        note("trimmed", "warning", f"草稿超过本部分{job.budget}字的额度，已在句末截断，请检查结尾是否完整。")
    everything = output.removals + removals
    issues += removal_issues(job.part.id, everything)
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
        removed_numbers=output.removed_numbers + [f for f in removed if f not in output.removed_numbers],
        copied_sentences=output.copied_sentences + copied,
        removals=everything,
        citations=job.guidance_passages,
        material_words=material_words(job),
        target=output.target or min(job.budget, wanted_words(job)),
    )


_REMOVAL_KINDS = ("number_removed", "passage_copied", "prompt_text_removed", "repeat_removed")


def build_job(
    form: FormSpec,
    part_id: str,
    info: ApplicationInfo,
    answers: dict[str, list[str]],
    budget: int,
    drafts: dict[str, str] | None = None,
) -> DraftJob:
    """``drafts``: the stored drafts of other parts; those this part is built from go into the job."""
    part = form.part(part_id)
    return DraftJob(
        form_id=form.id,
        part=part,
        group=form.group_of(part_id),
        field=info.field,
        case_name=info.case_name,
        applicant=info.applicant,
        significance=info.reason,
        answers=[a for a in answers.get(part_id, []) if a.strip()],
        fallback_answers={pid: answers.get(pid, []) for pid in part.fallback_sources},
        other_drafts={pid: (drafts or {}).get(pid, "") for pid in part.fallback_sources if (drafts or {}).get(pid)},
        budget=budget,
        private_terms=[p.name for p in people_of(info) if p.name],
        people=people_of(info),
    )


def estimate_need(job: DraftJob, drafter: Drafter) -> int:
    """How many 字 a part would like: what its material supports (``length``), offline what it will use."""
    floor = count_words(placeholder(job.part)) + 10
    if drafter.mode == "model":
        return max(floor, wanted_words(job) * 10 // 9 + 1)  # the model is asked for 90% of its budget
    texts = job.answers or [a for v in job.fallback_answers.values() for a in v]
    guess = max(floor, 60, int(sum(count_words(t) for t in texts) * 1.05) + 30)
    # The offline drafter knows what it will actually use (e.g. 简介 sentences filling a promo point).
    own_estimate = getattr(drafter, "estimate_need", None)
    return max(guess, own_estimate(job)) if callable(own_estimate) else guess


def prompt_guards(
    form: FormSpec,
    info: ApplicationInfo,
    answers: dict[str, list[str]],
    drafts: dict[str, str],
    parts: list[str] | None = None,
) -> dict[str, MachineText]:
    """Per part (every part, or only ``parts``), the product's own prompt text as it renders for the application
    now (for the review). Rendering every part's prompts is most of a review's cost."""
    wanted = [p for p in form.all_parts() if parts is None or p.id in parts]
    return {p.id: machine_text(build_job(form, p.id, info, answers, p.default_budget, drafts)) for p in wanted}


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
    for group in form.groups:  # in the template's order: a part built from the 简介 sees its drafts
        drafts = {pid: d.text for pid, d in parts.items()}
        jobs = {p.id: build_job(form, p.id, info, answers, p.default_budget, drafts) for p in group.parts}
        needs = {pid: estimate_need(job, drafter) for pid, job in jobs.items()}
        budgets = allocate_budgets(group.limit, {p.id: p.default_budget for p in group.parts}, needs)
        for pid, job in jobs.items():
            job = retrieve_for(retriever, job.model_copy(update={"budget": budgets[pid]}))
            parts[pid] = finalize_part(form, job, run_drafter(drafter, job, None), people)
    return ApplicationDraft(form_id=form.id, info=info, parts=parts, info_issues=info_issues(form, info))
