"""The offline drafter: composes each part from the applicant's own answers, no model.

It never invents a fact, number, organisation or result. It cleans the answers
into written sentences (``prose`` + the reviewed register table), orders them as the
form spec's ``arrange`` of the part says (as given, “一是……二是……”, or quantified results
first), fills a part's numbered sub-points (``subpoints``) by role from its own answers and
then those of its ``fallback_sources``, drops a sentence only when the budget forces it
and then names it in the report, and marks anything missing with a visible
【待补充：…】 plus a report issue.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from assistant.core.textlen import count_words
from assistant.core.types import Issue
from assistant.drafting.offline.fitting import fit_paragraphs, fit_paragraphs_report
from assistant.drafting.offline.promo import describe, fill_points, third_person
from assistant.drafting.offline.prose import aside_issues, clean_answer, formalize_sentence
from assistant.drafting.offline.revise import revise_offline
from assistant.drafting.offline.roles import is_contact, split_by_role, standalone, subpoint_of, without_contact
from assistant.drafting.protocol import DraftJob, DraftOutput
from assistant.forms.spec import FormSpec, PartSpec, load_form
from assistant.interview.machine import MARKER_PREFIX
from assistant.llm.chat import DeltaCallback
from assistant.understanding.shipped import element_reader

_ORDINALS = "一二三四五六七八九十"


class _Material(BaseModel):
    own: list[list[str]] = Field(default_factory=list)  # this part's answers, cleaned
    moved: list[list[str]] = Field(default_factory=list)  # standalone sentences of the fallback parts
    moved_from: list[tuple[str, str]] = Field(default_factory=list)  # (fallback part id, sentence)
    markers: list[str] = Field(default_factory=list)  # 【待补充：…】 left by the interview
    significance: list[str] = Field(default_factory=list)  # the 申报理由, cleaned (a summary part's 意义)
    used_moved: bool = False


def placeholder(part: PartSpec, what: str | None = None) -> str:
    return f"【待补充：{what or part.title}——{part.questions[0]}】"


class OfflineDrafter:
    """Drafter that needs no model; see the module docstring for its promises."""

    mode: Literal["offline", "model"] = "offline"

    def __init__(self, form: FormSpec | None = None) -> None:
        """``form`` is the call's spec when it is not a bundled one (a form file under test, say)."""
        self.form = form

    def draft(self, job: DraftJob, *, on_delta: DeltaCallback | None = None) -> DraftOutput:
        output = self._revise(job) if job.instruction else self._compose(job)
        if on_delta:
            on_delta(output.text)
        return output

    def phrase_followup(self, part: PartSpec, missing_labels: list[str], default_text: str, answer: str) -> str:
        return default_text

    def estimate_need(self, job: DraftJob) -> int:
        """字 this drafter would like for ``job``: the answers it will use, headings and markers included.

        For a part with sub-points that is its own answers plus the 简介 sentences that fill an empty
        sub-point; the pipeline can ask for this instead of guessing from the answers' length.
        """
        text, _ = self._arrange(job, self._material(job, []), budget=10**6)
        return count_words(text) + 10

    # ---- material ----
    def _clean(self, job: DraftJob, answers: list[str], issues: list[Issue] | None) -> list[list[str]]:
        paragraphs: list[list[str]] = []
        for answer in answers:
            if answer.startswith(MARKER_PREFIX):
                continue
            cleaned = clean_answer(answer)
            paragraphs.extend(cleaned.paragraphs)
            if issues is not None:
                issues += aside_issues(job.part.id, cleaned)
        return _dedupe(paragraphs)

    def _material(self, job: DraftJob, issues: list[Issue] | None) -> _Material:
        own = self._clean(job, job.answers, issues)
        if job.group.publishable:
            own = self._without_contacts(job, own, issues)
        moved: list[list[str]] = []
        moved_from: list[tuple[str, str]] = []
        for pid in job.part.fallback_sources:
            for para in self._clean(job, job.fallback_answers.get(pid, []), None):
                kept = [formalize_sentence(t) for t in (standalone(s) for s in para) if t]
                if job.group.publishable:
                    kept = [t for t in kept if not is_contact(t)]
                if kept:
                    moved.append(kept)
                    moved_from.extend((pid, t) for t in kept)
        markers = [a for a in job.answers if a.startswith(MARKER_PREFIX)]
        significance = [s for p in self._clean(job, [job.significance], None) for s in p][:1]
        return _Material(
            own=own, moved=_dedupe(moved), moved_from=moved_from, markers=markers, significance=significance
        )

    def _without_contacts(
        self, job: DraftJob, paragraphs: list[list[str]], issues: list[Issue] | None
    ) -> list[list[str]]:
        """宣传推广材料 are published: phone numbers are taken out of a sentence, and a sentence that was only a
        contact line is left out, and said so."""
        kept = []
        for para in paragraphs:
            rest = [t for t in (without_contact(s) if is_contact(s) else s for s in para) if t]
            if issues is not None and len(rest) < len(para):
                issues.append(
                    Issue(
                        part_id=job.part.id,
                        kind="private_data",
                        severity="info",
                        message="宣传推广材料将对外公开，回答中只留联系方式的句子未写入（联系方式见申报信息表）。",
                    )
                )
            if rest:
                kept.append(rest)
        return kept

    def _compose(self, job: DraftJob) -> DraftOutput:
        issues: list[Issue] = []
        material = self._material(job, issues)
        if not material.own and not material.moved:
            issues.append(
                Issue(
                    part_id=job.part.id,
                    kind="missing",
                    severity="error",
                    message=f"“{job.part.title}”还没有回答，草稿中保留了【待补充】标记。",
                )
            )
            return DraftOutput(text=placeholder(job.part), issues=issues)
        if not material.own or (job.part.subpoints and material.used_moved):
            issues.append(
                Issue(
                    part_id=job.part.id,
                    kind="missing",
                    severity="info",
                    message=f"“{job.part.title}”根据案例简介中的回答自动整理，请核对是否适合对外公开。",
                )
            )
        text, dropped = self._arrange(job, material, job.budget)
        if dropped:
            names = "；".join(f"“{d[:24]}{'…' if len(d) > 24 else ''}”" for d in dropped[:6])
            more = f"等{len(dropped)}句" if len(dropped) > 6 else ""
            issues.append(
                Issue(
                    part_id=job.part.id,
                    kind="trimmed",
                    severity="warning",
                    message=f"为控制在{job.budget}字以内，草稿省略了{names}{more}（原回答已完整保存，可精简其他部分后重新起草）。",
                )
            )
        return DraftOutput(text=text, issues=issues)

    # ---- arrangement ----
    def _arrange(self, job: DraftJob, material: _Material, budget: int) -> tuple[str, list[str]]:
        text, dropped = self._arranged(job, material, budget)
        return (third_person(text, job.applicant) if job.group.publishable else text), dropped

    def _arranged(self, job: DraftJob, material: _Material, budget: int) -> tuple[str, list[str]]:
        if job.part.subpoints:
            return self._arrange_subpoints(job, material, budget)
        paragraphs = material.own
        if not paragraphs and job.group.publishable:  # a summary part from the 简介: 意义, 问题, 做法 — not a copy
            paragraphs = describe(material.moved_from, material.significance, job.part.summary) or material.moved
        paragraphs = paragraphs or material.moved
        if job.part.arrange == "results_first":
            paragraphs = self._results_first(job, paragraphs)
        tail = "".join(material.markers)
        enumerate_items = job.part.arrange == "enumerate"
        reserve = count_words(tail) + (2 * len(paragraphs) if enumerate_items else 0)

        def render(budget_left: int) -> tuple[str, list[str]]:
            fitted, dropped = fit_paragraphs_report(paragraphs, budget_left)
            fitted = [p for p in fitted if p]
            if enumerate_items:
                fitted = _enumerate(fitted)
            lines = ["".join(p) for p in fitted] + ([tail] if tail else [])
            return "\n".join(lines), dropped

        return _within(render, budget, reserve)

    def _results_first(self, job: DraftJob, paragraphs: list[list[str]]) -> list[list[str]]:
        """A results-first part leads with the quantified results, then the qualitative ones, then the rest."""
        form = self._form(job)
        flat = [s for p in paragraphs for s in p]
        held = dict(zip(flat, element_reader(form).present(flat), strict=True))  # one encoder batch

        def rank(sentence: str) -> int:
            found = held[sentence]
            if "numbers" in found and "results" in found:
                return 0
            return 1 if "numbers" in found or "results" in found else 2

        groups = [[s for s in flat if rank(s) == r] for r in range(3)]
        return [g for g in groups if g]

    def _arrange_subpoints(self, job: DraftJob, material: _Material, budget: int) -> tuple[str, list[str]]:
        form = self._form(job)
        subpoints = job.part.subpoints
        buckets: list[list[str]] = [[] for _ in subpoints]
        element_reader(form).present([s for para in material.own for s in para])  # warm the encoder in one batch
        for sentence in (s for para in material.own for s in para):
            for role, piece in split_by_role(form, subpoints, sentence):
                index = 0 if role is None else role
                if piece not in buckets[index]:
                    buckets[index].append(piece)
        # a sub-point the promotion answers leave empty is filled from the 简介 answers holding its element
        own_count = [len(b) for b in buckets]
        material.used_moved = fill_points(form, subpoints, buckets, material.moved_from)
        headings = [f"{sp.number}{sp.title}：" for sp in subpoints]
        markers = [f"【待补充：{sp.title}】" for sp in subpoints]
        reserve = sum(count_words(h) for h in headings) + sum(
            count_words(m) for m, b in zip(markers, buckets, strict=True) if not b
        )
        own = [b[:n] for b, n in zip(buckets, own_count, strict=True)]
        moved = [b[n:] for b, n in zip(buckets, own_count, strict=True)]

        def render(budget_left: int) -> tuple[str, list[str]]:
            # the part's own answers first; 简介 sentences only in the room that is left
            kept_own, dropped = fit_paragraphs_report(own, budget_left)
            room = budget_left - sum(count_words(x) for b in kept_own for x in b)
            kept_moved, dropped_moved = fit_paragraphs_report(moved, max(0, room))
            lines = [
                heading + ("".join(a + b) if a + b else marker)
                for heading, a, b, marker in zip(headings, kept_own, kept_moved, markers, strict=True)
            ]
            return "\n".join(lines), dropped + dropped_moved

        return _within(render, budget, reserve)

    def _form(self, job: DraftJob) -> FormSpec:
        if self.form is not None and self.form.id == job.form_id:
            return self.form
        return load_form(job.form_id)

    def _subpoint_for(self, job: DraftJob, sentence: str) -> int:
        """The sub-point a sentence serves (figures alone lean to 成效); 0 when it serves none."""
        index = subpoint_of(self._form(job), job.part.subpoints, sentence)
        return 0 if index is None else index

    def _revise(self, job: DraftJob) -> DraftOutput:
        return revise_offline(job)


def _within(render, budget: int, reserve: int) -> tuple[str, list[str]]:
    """Render with ``budget - reserve`` for sentences, shrinking only if the whole still overflows."""
    room = max(0, budget - reserve)
    text, dropped = render(room)
    while count_words(text) > budget and room > 0:
        room = max(0, room - (count_words(text) - budget))
        text, dropped = render(room)
    return text, dropped


def _enumerate(paragraphs: list[list[str]]) -> list[list[str]]:
    """“一是……二是……”: one item per paragraph, unless the applicant already enumerated."""
    if len(paragraphs) < 2 or len(paragraphs) > len(_ORDINALS):
        return paragraphs
    if any(re.search(r"[一二三四五六七八九十][是要]", "".join(p)[:40]) or "首先" in "".join(p) for p in paragraphs):
        return paragraphs
    result = []
    for index, para in enumerate(paragraphs):
        first = re.sub(r"^(另外|此外|同时|而且|其次|最后|再者|然后|还有|主要是|就是)[，,、]?", "", para[0])
        result.append([f"{_ORDINALS[index]}是{first}"] + para[1:])
    return result


def _dedupe(paragraphs: list[list[str]]) -> list[list[str]]:
    seen: set[str] = set()
    result = []
    for para in paragraphs:
        kept = []
        for sentence in para:
            key = re.sub(r"\W", "", sentence)
            if key not in seen:
                seen.add(key)
                kept.append(sentence)
        if kept:
            result.append(kept)
    return result


__all__ = ["OfflineDrafter", "placeholder", "fit_paragraphs", "formalize_sentence", "clean_answer"]
