"""The product's own prompt text for a part, as rendered, so none of it can reach a stored draft.

Why rendered and not a word list: the machinery a model may echo is whatever the prompt showed it —
the rules, the template guidance, the other parts' titles in the 〔（一）……〕 labels, the
「（申报单位尚未回答……）」 placeholder, 「案例名称：」, 「【篇幅】约 N 字」 — and that changes whenever a
prompt file, the form or the job changes. So every prompt a drafter may send for the job (draft, revise,
condense, number repair) is rendered here with the job's own values, each piece of data (answers,
drafts, passages, names, the instruction) fenced by marks that are then cut out: what remains is exactly
the product's words. ``machine_text(job)`` wraps them in the reviewer's matcher (``review.machine_text``),
with the applicant's words as never-machine and this part's sub-point headings as allowed.
"""

from __future__ import annotations

import re

from assistant.core.types import Passage
from assistant.drafting.model.prompt import PromptMaterial, draft_variables, material_from_job, revise_variables
from assistant.drafting.protocol import DraftJob
from assistant.llm.prompts import render_messages
from assistant.review.machine_text import MachineText

_OPEN, _CLOSE = "\u0002", "\u0003"
_DATA = re.compile(f"{_OPEN}[^{_OPEN}{_CLOSE}]*{_CLOSE}")


def _fence(text: str) -> str:
    """``text`` marked as data; an empty value stays empty, so the prompt's own stand-in (「（未填写）」) renders."""
    return f"{_OPEN}{text.replace(_OPEN, '').replace(_CLOSE, '')}{_CLOSE}" if text else text


def _fenced_passages(passages: list[Passage]) -> list[Passage]:
    return [p.model_copy(update={"title": _fence(p.title), "text": _fence(p.text)}) for p in passages]


def _fenced(job: DraftJob) -> tuple[DraftJob, PromptMaterial]:
    """The job and its prompt material with every piece of data fenced; the form's own values stay bare.

    The material is built from the real job first (answers are cleaned on the way), then fenced.
    """
    material = material_from_job(job)
    fenced_material = material.model_copy(
        update={
            "answers": [_fence(a) for a in material.answers],
            "other_answers": [
                o.model_copy(update={"texts": [_fence(t) for t in o.texts]}) for o in material.other_answers
            ],
            "other_drafts": [
                o.model_copy(update={"texts": [_fence(t) for t in o.texts]}) for o in material.other_drafts
            ],
            "passages": _fenced_passages(material.passages),
            "exemplars": _fenced_passages(material.exemplars),
        }
    )
    fenced_job = job.model_copy(
        update={
            "case_name": _fence(job.case_name),
            "applicant": _fence(job.applicant),
            "previous_text": _fence(job.previous_text),
            "instruction": _fence(job.instruction),
        }
    )
    return fenced_job, fenced_material


def rendered_prompts(job: DraftJob) -> list[str]:
    """Every prompt a drafter may send for ``job``, rendered with its data fenced."""
    fenced, material = _fenced(job)
    target, budget = max(1, int(job.budget * 0.9)), job.budget
    title = f"{job.part.number}{job.part.title}"
    messages = render_messages("draft_part", **draft_variables(fenced, material, target))
    messages += render_messages("revise", **revise_variables(fenced, material, target))
    messages += render_messages(
        "condense", part_title=title, text=_fence("-"), current=budget, target=target, budget=budget
    )
    messages += render_messages(
        "repair_numbers",
        part_title=title,
        text=_fence("-"),
        numbers=[],
        omitted=[],
        sources=[_fence("-")],
        budget=budget,
    )
    return [m.content for m in messages]


def prompt_fragments(job: DraftJob, rendered: list[str] | None = None) -> list[str]:
    """The product's own words in those prompts: every line with the data cut out."""
    out: list[str] = []
    for content in rendered if rendered is not None else rendered_prompts(job):
        bare = _DATA.sub("\n", content)
        out += [line.strip() for line in bare.splitlines() if line.strip()]
    return out


def prompt_labels(job: DraftJob, rendered: list[str] | None = None) -> list[str]:
    """The prompt's lead-ins to data (「案例名称：」): the text before the first piece of data on a line."""
    labels = []
    for content in rendered if rendered is not None else rendered_prompts(job):
        for line in content.splitlines():
            if _OPEN in line and (lead := line.split(_OPEN, 1)[0].strip()) and _DATA.sub("", lead) == lead:
                labels.append(lead)
    return sorted(set(labels))


def machine_text(job: DraftJob) -> MachineText:
    """The matcher for ``job``: prompt fragments and labels, the applicant's words, this part's own headings."""
    own = list(job.own_texts()) + list(job.other_drafts.values())
    allowed = [f"{sp.number}{sp.title}" for sp in job.part.subpoints] + [sp.title for sp in job.part.subpoints]
    rendered = rendered_prompts(job)
    return MachineText(prompt_fragments(job, rendered), own=own, allowed=allowed, labels=prompt_labels(job, rendered))
