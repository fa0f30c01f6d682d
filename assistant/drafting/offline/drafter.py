"""The offline drafter: composes each part from the applicant's own answers, no model.

It never invents a fact, number, organisation or result. It cleans the answers
into written sentences, orders them as the part's guidance asks (numbered
sub-points where the template has them, one item per experience in 解决方案), keeps
the most informative sentences when over budget, and marks anything missing with
a visible 【待补充：…】 plus a report issue.
"""

from __future__ import annotations

import re
from typing import Literal

from assistant.core.figures import extract_numbers
from assistant.core.textlen import count_words
from assistant.core.types import Issue
from assistant.drafting.offline.fitting import fit_paragraphs
from assistant.drafting.offline.prose import answer_to_paragraphs, formalize_sentence
from assistant.drafting.offline.revise import revise_offline
from assistant.drafting.protocol import DraftJob, DraftOutput
from assistant.forms.spec import ElementSpec, PartSpec, load_form
from assistant.llm.chat import DeltaCallback


def placeholder(part: PartSpec, what: str | None = None) -> str:
    return f"【待补充：{what or part.title}——{part.questions[0]}】"


class OfflineDrafter:
    """Drafter that needs no model; see the module docstring for its promises."""

    mode: Literal["offline", "model"] = "offline"

    def __init__(self, elements: dict[str, ElementSpec] | None = None) -> None:
        self.elements = elements or {}

    def draft(self, job: DraftJob, *, on_delta: DeltaCallback | None = None) -> DraftOutput:
        output = self._revise(job) if job.instruction else self._compose(job)
        if on_delta:
            on_delta(output.text)
        return output

    def phrase_followup(self, part: PartSpec, missing_labels: list[str], default_text: str, answer: str) -> str:
        return default_text

    def _source_answers(self, job: DraftJob) -> tuple[list[str], bool]:
        if job.answers:
            return job.answers, False
        ordered = [a for pid in job.part.fallback_sources for a in job.fallback_answers.get(pid, [])]
        return ordered, bool(ordered)

    def _compose(self, job: DraftJob) -> DraftOutput:
        answers, from_fallback = self._source_answers(job)
        issues: list[Issue] = []
        paragraphs: list[list[str]] = []
        for answer in answers:
            paras, set_aside = answer_to_paragraphs(answer)
            paragraphs.extend(paras)
            for text in set_aside:
                issues.append(
                    Issue(
                        part_id=job.part.id,
                        kind="instruction_ignored",
                        message=f"回答中的“{text[:30]}”像是对工具的指令，已作为普通内容处理、未执行，也未写入草稿。",
                    )
                )
        paragraphs = _dedupe(paragraphs)
        if not paragraphs:
            issues.append(
                Issue(
                    part_id=job.part.id,
                    kind="missing",
                    severity="error",
                    message=f"“{job.part.title}”还没有回答，草稿中保留了【待补充】标记。",
                )
            )
            return DraftOutput(text=placeholder(job.part), issues=issues)
        if from_fallback:
            issues.append(
                Issue(
                    part_id=job.part.id,
                    kind="missing",
                    severity="info",
                    message=f"“{job.part.title}”根据案例简介中的回答自动整理，请核对是否适合对外公开。",
                )
            )
        text, dropped = self._arrange(job, paragraphs)
        if dropped:
            issues.append(
                Issue(
                    part_id=job.part.id,
                    kind="trimmed",
                    severity="info",
                    message=f"为控制在{job.budget}字以内，草稿省略了{dropped}句次要内容（原回答已完整保存）。",
                )
            )
        return DraftOutput(text=text, issues=issues)

    def _arrange(self, job: DraftJob, paragraphs: list[list[str]]) -> tuple[str, int]:
        if job.part.subpoints:
            return self._arrange_subpoints(job, paragraphs)
        fitted, dropped = fit_paragraphs(paragraphs, job.budget)
        return "\n".join("".join(p) for p in fitted if p), dropped

    def _arrange_subpoints(self, job: DraftJob, paragraphs: list[list[str]]) -> tuple[str, int]:
        buckets: list[list[str]] = [[] for _ in job.part.subpoints]
        for sentence in (s for para in paragraphs for s in para):
            index = self._subpoint_for(job, sentence)
            if sentence not in buckets[index]:
                buckets[index].append(sentence)
        headings = [f"{sp.number}{sp.title}：" for sp in job.part.subpoints]
        reserve = sum(count_words(h) for h in headings) + 40 * sum(1 for b in buckets if not b)
        fitted, dropped = fit_paragraphs(buckets, max(0, job.budget - reserve))
        lines = []
        for heading, kept, sp in zip(headings, fitted, job.part.subpoints, strict=False):
            lines.append(heading + ("".join(kept) if kept else f"【待补充：{sp.title}】"))
        return "\n".join(lines), dropped

    def _subpoint_for(self, job: DraftJob, sentence: str) -> int:
        """The sub-point whose elements' keywords the sentence hits most (figures lean to 成效)."""
        elements = self.elements or load_form(job.form_id).elements
        scores = []
        for sp in job.part.subpoints:
            keywords = [k for e in sp.elements if e in elements for k in elements[e].keywords]
            scores.append(sum(sentence.count(k) for k in keywords))
        if max(scores) == 0:
            return len(job.part.subpoints) - 1 if extract_numbers(sentence) else 0
        return scores.index(max(scores))

    def _revise(self, job: DraftJob) -> DraftOutput:
        return revise_offline(job)


def _dedupe(paragraphs: list[list[str]]) -> list[list[str]]:
    seen: set[str] = set()
    result = []
    for para in paragraphs:
        kept = [s for s in para if not (re.sub(r"\W", "", s) in seen or seen.add(re.sub(r"\W", "", s)))]
        if kept:
            result.append(kept)
    return result


__all__ = ["OfflineDrafter", "placeholder", "fit_paragraphs", "formalize_sentence"]
