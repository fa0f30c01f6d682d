"""Draft (or revise) one part inside a live application and store the new version.

The budget comes from what the other parts of the group hold right now, so the
group can never pass its limit whatever order parts are drafted or revised in.
"""

from __future__ import annotations

from pydantic import BaseModel

from assistant.core.types import Issue
from assistant.drafting.pipeline import (
    Retriever,
    build_job,
    estimate_need,
    finalize_part,
    part_budget,
    people_of,
    retrieve_for,
    run_drafter,
)
from assistant.drafting.protocol import Drafter
from assistant.forms.application import ApplicationInfo
from assistant.forms.spec import FormSpec
from assistant.interview.machine import InterviewState
from assistant.llm.chat import STREAM_RESTART, DeltaCallback
from assistant.store.protocol import ApplicationStore
from assistant.store.rows import ApplicationRow


class _Preview:
    """What the applicant sees of this part while it streams (a restart marker starts it over)."""

    def __init__(self, on_delta: DeltaCallback) -> None:
        self._on_delta = on_delta
        self.text = ""
        on_delta(STREAM_RESTART)  # each part of a turn has its own preview, never appended to the last one

    def __call__(self, delta: str) -> None:
        self.text = "" if delta == STREAM_RESTART else self.text + delta
        self._on_delta(delta)

    def settle(self, stored: str) -> bool:
        """Make the preview end on the text being stored; True when it had to be replaced."""
        if self.text.strip() == stored.strip():
            return False
        self._on_delta(STREAM_RESTART)
        self._on_delta(stored)
        return True


class StoredDraft(BaseModel):
    part_id: str
    text: str
    words: int
    budget: int
    version: int | None
    issues: list[Issue]


def draft_and_store(
    store: ApplicationStore,
    drafter: Drafter,
    knowledge: Retriever | None,
    row: ApplicationRow,
    form: FormSpec,
    state: InterviewState,
    part_id: str,
    *,
    instruction: str = "",
    previous: str = "",
    on_delta: DeltaCallback | None = None,
) -> StoredDraft:
    info = ApplicationInfo.model_validate(row.info)
    answers = {pid: progress.answers for pid, progress in state.parts.items()}
    heads = store.head_versions(row.id)
    group_ids = {p.id for p in form.group_of(part_id).parts}
    other_words = {pid: v.words for pid, v in heads.items() if pid != part_id and pid in group_ids}
    job = build_job(form, part_id, info, answers, budget=1)
    need = estimate_need(job, drafter)
    if instruction:
        need = max(need, heads[part_id].words if part_id in heads else 0)
    budget = part_budget(form, part_id, other_words, need)
    job = job.model_copy(update={"budget": budget, "instruction": instruction, "previous_text": previous})
    if drafter.mode == "model":
        job = retrieve_for(knowledge, job)
    preview = _Preview(on_delta) if on_delta is not None else None
    draft = finalize_part(form, job, run_drafter(drafter, job, preview), people_of(info))
    # The model drafter's stream holds back what the guarantees remove; anything still different (a last cut to
    # the budget, an offline draft that did not stream) is shown before the turn ends: the last preview is stored.
    corrected = preview.settle(draft.text) if preview is not None else False
    if instruction and draft.text.strip() == previous.strip():
        return StoredDraft(
            part_id=part_id, text=draft.text, words=draft.words, budget=budget, version=None, issues=draft.issues
        )
    report = {
        "issues": [i.model_dump() for i in draft.issues],
        "removed_numbers": draft.removed_numbers,
        "copied_sentences": draft.copied_sentences,
        "model_calls": draft.model_calls,
        "condense_calls": draft.condense_calls,
        "citations": [c.model_dump() for c in draft.citations],
        "preview_corrected": corrected,
    }
    # Optimistic check: if another request stored a version of this part meanwhile, this one is refused
    # (a Chinese 409) instead of silently becoming the head over it.
    version = store.add_version(
        row.id,
        part_id,
        draft.text,
        draft.words,
        budget,
        draft.source,
        "revise" if instruction else "draft",
        report,
        expected_head=heads[part_id].version if part_id in heads else 0,
    )
    return StoredDraft(
        part_id=part_id, text=draft.text, words=draft.words, budget=budget, version=version, issues=draft.issues
    )
