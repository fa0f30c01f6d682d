"""Draft or revise one part with a chat model, then make the draft safe to export.

A model cannot count Chinese characters and will happily invent a convincing figure;
the applicant signs a pledge that every figure is true. So whatever the model writes
goes through the same pipeline:

1. generate (``draft_part`` or, when ``job.instruction`` is set, ``revise``), asking
   for ~90% of the budget; only this first call is streamed to ``on_delta``;
2. numbers: figures found neither in the applicant's answers nor in a passage the
   model was shown get one ``repair_numbers`` call;
3. length: counted with ``textlen.count_words`` (Word's 字数); at most two
   ``condense`` calls with an exact target; still over → cut at a sentence end;
4. numbers again: any untraceable figure left (or introduced by condensing) takes
   its sentence with it. Removed figures are listed in the output and an ``Issue``.

``ModelUnavailableError`` propagates: the orchestration offers the offline drafter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from assistant.core.settings import Settings
from assistant.core.textlen import count_words, trim_to_limit
from assistant.core.types import Issue
from assistant.drafting.model.prompt import (
    PromptMaterial,
    draft_variables,
    fit_material,
    material_from_job,
    neutralise,
    revise_variables,
    shortened_issue,
)
from assistant.drafting.protocol import DraftJob, DraftOutput
from assistant.forms.spec import PartSpec
from assistant.llm.chat import ChatMessage, ChatModel, DeltaCallback
from assistant.llm.prompts import render_messages
from assistant.llm.tokens import prompt_allowance, truncate_to_tokens
from assistant.review.traceability import drop_untraceable_sentences, untraceable_figures

TARGET_RATIO = 0.9
MAX_CONDENSE_CALLS = 2
FOLLOWUP_MAX_WORDS = 120

_THINK_RE = re.compile(r"<think>.*?</think>", re.S)
_FENCE_RE = re.compile(r"^```[a-zA-Z]*\s*$", re.M)
_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s*", re.M)


def clean_reply(text: str, part_title: str = "") -> str:
    """Strip what models add around the answer: reasoning blocks, fences, Markdown, a repeated title."""
    text = _THINK_RE.sub("", text)
    text = _FENCE_RE.sub("", text)
    text = _HEADING_RE.sub("", text).replace("**", "")
    lines = text.strip().splitlines()
    if lines and part_title and part_title in lines[0] and count_words(lines[0]) <= count_words(part_title) + 8:
        lines = lines[1:]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def hard_cut(text: str, limit: int) -> str:
    """Last resort when not even one sentence fits: cut characters and close the sentence."""
    cut = text
    while cut and count_words(cut + "。") > limit:
        cut = cut[:-1]
    return cut + "。" if cut else ""


@dataclass
class _Run:
    """Book-keeping for one ``draft`` call."""

    job: DraftJob
    model_calls: int = 0
    condense_calls: int = 0
    issues: list[Issue] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def note_removed(self, numbers: list[str]) -> None:
        self.removed += [n for n in numbers if n not in self.removed]

    def issue(self, kind: str, message: str, severity: Literal["info", "warning", "error"] = "warning") -> None:
        self.issues.append(Issue(part_id=self.job.part.id, kind=kind, message=message, severity=severity))  # type: ignore[arg-type]

    def output(self, text: str) -> DraftOutput:
        if self.removed:
            self.issue(
                "number_removed",
                f"已删除或替换无法溯源的数字：{'、'.join(self.removed)}。这些数字在您的回答和引用的政策文件中都找不到；"
                "如确有其数，请在回答中补充后重新起草。",
            )
        return DraftOutput(
            text=text,
            issues=self.issues,
            source="model",
            model_calls=self.model_calls,
            condense_calls=self.condense_calls,
            removed_numbers=self.removed,
        )


class ModelDrafter:
    """``Drafter`` backed by a ``ChatModel``; see the module docstring for the pipeline."""

    mode: Literal["offline", "model"] = "model"

    def __init__(self, chat_model: ChatModel, settings: Settings) -> None:
        self.chat_model = chat_model
        self.settings = settings

    # ----- Drafter protocol ------------------------------------------------------
    def draft(self, job: DraftJob, *, on_delta: DeltaCallback | None = None) -> DraftOutput:
        run = _Run(job)
        material, messages = self._prompt(job)
        if (issue := shortened_issue(job, material)) is not None:
            run.issues.append(issue)
        sources = job.figure_sources()
        text = self._call(run, messages, on_delta)
        text = self._repair_numbers(run, text, sources, material)
        text = self._enforce_length(run, text)
        text = self._drop_untraceable(run, text, sources)
        return run.output(text)

    def phrase_followup(self, part: PartSpec, missing_labels: list[str], default_text: str, answer: str) -> str:
        """One model-phrased follow-up question; the rule-based ``default_text`` when the reply is unusable."""
        room = max(256, prompt_allowance(self.settings.llm_context_tokens, FOLLOWUP_MAX_WORDS) // 2)
        messages = render_messages(
            "followup",
            part_title=f"{part.number}{part.title}",
            guidance=part.guidance,
            missing_labels=missing_labels,
            default_text=default_text,
            answer=neutralise(truncate_to_tokens(answer, room)),
        )
        question = clean_reply(self.chat_model.complete(messages))
        question = question.splitlines()[0].strip() if question else ""
        if not question or count_words(question) > FOLLOWUP_MAX_WORDS:
            return default_text
        return question

    # ----- steps ----------------------------------------------------------------------
    def target(self, budget: int) -> int:
        return max(1, int(budget * TARGET_RATIO))

    def _prompt(self, job: DraftJob) -> tuple[PromptMaterial, list[ChatMessage]]:
        target = self.target(job.budget)
        if job.instruction.strip():
            build = lambda m: render_messages("revise", **revise_variables(job, m, target))  # noqa: E731
        else:
            build = lambda m: render_messages("draft_part", **draft_variables(job, m, target))  # noqa: E731
        allowance = prompt_allowance(self.settings.llm_context_tokens, job.budget)
        return fit_material(material_from_job(job), build, allowance)

    def _call(self, run: _Run, messages: list[ChatMessage], on_delta: DeltaCallback | None = None) -> str:
        run.model_calls += 1
        return clean_reply(self.chat_model.complete(messages, on_delta=on_delta), run.job.part.title)

    def _repair_numbers(self, run: _Run, text: str, sources: list[str], material: PromptMaterial) -> str:
        found = untraceable_figures(text, sources, run.job.structure_numbers())
        if not found:
            return text
        run.note_removed(found)
        messages = render_messages(
            "repair_numbers",
            part_title=f"{run.job.part.number}{run.job.part.title}",
            text=neutralise(text),
            numbers=found,
            sources=[neutralise(s) for s in material.answers + [t for o in material.other_answers for t in o.texts]]
            + [neutralise(p.text) for p in material.passages],
            budget=run.job.budget,
        )
        return self._call(run, messages) or text

    def _enforce_length(self, run: _Run, text: str) -> str:
        budget = run.job.budget
        target = self.target(budget)
        for _ in range(MAX_CONDENSE_CALLS):
            current = count_words(text)
            if current <= budget:
                return text
            run.condense_calls += 1
            messages = render_messages(
                "condense",
                part_title=f"{run.job.part.number}{run.job.part.title}",
                text=neutralise(text),
                current=current,
                target=target,
                budget=budget,
            )
            text = self._call(run, messages) or text
            # The model overshot by count/target; aim lower by the same ratio next time.
            target = max(budget // 2, int(target * target / max(count_words(text), 1)))
        return self._trim(run, text)

    def _trim(self, run: _Run, text: str) -> str:
        before = count_words(text)
        budget = run.job.budget
        if before <= budget:
            return text
        cut, _ = trim_to_limit(text, budget)
        cut = cut or hard_cut(text, budget)
        run.issue(
            "trimmed",
            f"模型经 {run.condense_calls} 次压缩后仍有 {before} 字，超出本部分 {budget} 字的上限，"
            f"已在句末截断为 {count_words(cut)} 字；请检查结尾内容是否完整。",
        )
        return cut

    def _drop_untraceable(self, run: _Run, text: str, sources: list[str]) -> str:
        text, removed = drop_untraceable_sentences(text, sources, run.job.structure_numbers())
        run.note_removed(removed)
        return text
