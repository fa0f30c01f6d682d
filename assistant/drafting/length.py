"""Use the budget the material supports: how long a part should be, from what the applicant gave.

Asking a model for 90% of a part's default budget whatever the answers hold makes it pad a one-line
answer to 700 字 (repeated sentences, generic claims) and leaves a long, detailed answer squeezed
into the same room as a short one. So the length asked for follows the material: the applicant's
answers for the part, cleaned as the offline drafter cleans them (remarks to the tool set aside),
times ``EXPANSION`` (a written, structured draft of spoken answers runs about that much longer);
a part built from other parts (宣传推广材料 from the 简介) asks for its default, a summary. The
pipeline shares the group's limit by these wishes, so more material brings a part closer to the limit.
"""

from __future__ import annotations

from assistant.core.textlen import count_words
from assistant.drafting.offline.prose import clean_answer
from assistant.drafting.protocol import DraftJob
from assistant.interview.machine import MARKER_PREFIX

EXPANSION = 1.8
MIN_WANTED = 120  # even one sentence of material gets room for a sentence of context


def _cleaned_words(texts: list[str]) -> int:
    words = 0
    for text in texts:
        if text.strip() and not text.startswith(MARKER_PREFIX):
            words += sum(count_words("".join(p)) for p in clean_answer(text).paragraphs)
    return words


def own_material(job: DraftJob) -> int:
    """字 of the part's own answers, as written sentences."""
    return _cleaned_words(job.answers)


def material_words(job: DraftJob) -> int:
    """字 of the material the part is written from: its own answers, else the drafts or answers it is built from."""
    own = own_material(job)
    if own or not job.part.fallback_sources:
        return own
    drafts = sum(count_words(t) for t in job.other_drafts.values())
    return drafts or _cleaned_words([t for texts in job.fallback_answers.values() for t in texts])


def has_material(job: DraftJob) -> bool:
    """Whether there is anything of the applicant's to write from (else a model would only pad)."""
    return material_words(job) > 0


def wanted_words(job: DraftJob) -> int:
    """字 to ask a drafter for (before the budget caps it).

    A part built from other parts (its ``fallback_sources``) draws on them even when the applicant answered it
    too (a security sub-point takes it from the part whose questions ask for security): its material is both,
    its length at most its default.
    """
    own = own_material(job)
    if not job.part.fallback_sources:
        return max(MIN_WANTED, int(own * EXPANSION))
    drafts = sum(count_words(t) for t in job.other_drafts.values())
    others = drafts or _cleaned_words([t for texts in job.fallback_answers.values() for t in texts])
    return min(job.part.default_budget, max(MIN_WANTED, int((own + others) * EXPANSION)))
