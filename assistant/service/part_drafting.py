"""Draft (or revise) one part inside a live application and store the new version.

The budget comes from what the other parts of the group hold right now, so the
group can never pass its limit whatever order parts are drafted or revised in.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, Field

from assistant.core.textlen import count_words
from assistant.core.types import Issue
from assistant.drafting.offline.drafter import OfflineDrafter
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
from assistant.drafting.revision_check import diff, problems
from assistant.forms.application import ApplicationInfo
from assistant.forms.spec import FormSpec
from assistant.interview.machine import InterviewState
from assistant.llm.chat import STREAM_RESTART, DeltaCallback
from assistant.store.json_object import JsonObject
from assistant.store.protocol import ApplicationStore
from assistant.store.rows import ApplicationRow
from assistant.understanding.acts import RevisionOp


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
    changes: str = ""  # a revision's short diff (「删去：……；新增：……」)
    refused: list[str] = Field(default_factory=list)  # why a revision was not stored


EXACT_EDITS = ("delete", "replace")
"""Operations done on the stored text itself, also when a model is configured: exact, nothing to generate."""


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
    revision: RevisionOp | None = None,
    state_update: Callable[[JsonObject], JsonObject] | None = None,
    on_delta: DeltaCallback | None = None,
) -> StoredDraft:
    """Draft ``part_id`` (or revise it when ``revision`` is given), check it, and store it as the new head.

    A revision is verified against what was asked (``revision_check``) before it is stored; one that
    fails is not stored and its reasons come back in ``refused``. ``state_update`` is applied in the
    same transaction as the version (a supplement's words join the part's answers only if it lands).
    """
    info = ApplicationInfo.model_validate(row.info)
    answers = {pid: progress.answers for pid, progress in state.parts.items()}
    heads = store.head_versions(row.id)
    group_ids = {p.id for p in form.group_of(part_id).parts}
    other_words = {pid: v.words for pid, v in heads.items() if pid != part_id and pid in group_ids}
    drafts = {pid: v.text for pid, v in heads.items()}  # a part built from the 简介 reads its stored drafts
    job = build_job(form, part_id, info, answers, budget=1, drafts=drafts)
    need = estimate_need(job, drafter)
    if revision is not None:  # room for what the revision adds: the supplied words, or the part's default to expand
        current = heads[part_id].words if part_id in heads else 0
        added = count_words(revision.content) + 2 if revision.kind == "supplement" else 0
        grown = form.part(part_id).default_budget if revision.kind == "expand" else 0
        need = max(need, current + added, grown)
    budget = part_budget(form, part_id, other_words, need)
    editor = OfflineDrafter() if revision is not None and revision.kind in EXACT_EDITS else drafter
    job = job.model_copy(
        update={"budget": budget, "instruction": instruction, "previous_text": previous, "revision": revision}
    )
    if editor.mode == "model":
        job = retrieve_for(knowledge, job)
    preview = _Preview(on_delta) if on_delta is not None else None
    draft = finalize_part(form, job, run_drafter(editor, job, preview), people_of(info))
    if revision is not None:
        unchanged = draft.text.strip() == previous.strip()
        reasons = [] if unchanged else problems(revision, previous, draft.text)
        if unchanged or reasons:
            if preview is not None:
                preview.settle(previous)
            return StoredDraft(
                part_id=part_id,
                text=previous,
                words=count_words(previous),
                budget=budget,
                version=None,
                issues=[i for i in draft.issues if i.kind == "revision"] if unchanged else [],
                refused=reasons,
            )
    # The model drafter's stream holds back what the guarantees remove; anything still different (a last cut to
    # the budget, an offline draft that did not stream) is shown before the turn ends: the last preview is stored.
    corrected = preview.settle(draft.text) if preview is not None else False
    report = {
        "issues": [i.model_dump() for i in draft.issues],
        "removed_numbers": draft.removed_numbers,
        "copied_sentences": draft.copied_sentences,
        "model_calls": draft.model_calls,
        "condense_calls": draft.condense_calls,
        "citations": [c.model_dump() for c in draft.citations],
        "preview_corrected": corrected,
    }
    if revision is not None:
        report["revision"] = revision.model_dump()
    # Optimistic check: if another request stored a version of this part meanwhile, this one is refused
    # (a Chinese 409) instead of silently becoming the head over it.
    version = store.add_version(
        row.id,
        part_id,
        draft.text,
        draft.words,
        budget,
        draft.source,
        "revise" if revision is not None else "draft",
        report,
        expected_head=heads[part_id].version if part_id in heads else 0,
        state_update=state_update,
    )
    return StoredDraft(
        part_id=part_id,
        text=draft.text,
        words=draft.words,
        budget=budget,
        version=version,
        issues=draft.issues,
        changes=diff(previous, draft.text).summary() if revision is not None else "",
    )
