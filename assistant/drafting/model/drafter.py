"""Draft or revise one part with a chat model, then make the draft safe to export.

A model cannot count Chinese characters, will happily invent a convincing figure and
wraps its answer in chat (preambles, Markdown, closing offers); the applicant signs a
pledge that every figure is true. So whatever the model writes goes through the same
pipeline:

1. generate (``draft_part`` or, when ``job.instruction`` is set, ``revise``), asking
   for ~90% of the budget; it is streamed to ``on_delta``, and so are later calls that rewrite the part
   (a restart marker first, see ``llm.chat.STREAM_RESTART``). Every
   reply is cleaned by ``assistant.llm.normalise`` (in the client, then again here
   with the part's title and the prompt's own instructions, which a model must not
   echo); the streamed preview is the cleaned text, and a sentence the guarantees would
   remove later (an untraceable figure, a pasted passage) is never shown (``PreviewGate``);
2. numbers: figures found neither in the applicant's answers nor in a passage the
   model was shown, and (new drafts) figures of the applicant's answers the draft
   left out, get one ``repair_numbers`` call;
3. length: counted with ``textlen.count_words`` (Word's 字数); at most two
   ``condense`` calls with an exact target; still over → sentences are dropped from
   the end, but never one that carries a figure of the applicant's or opens a
   numbered point while anything else can go;
4. numbers again: any untraceable figure left (or introduced by condensing) takes
   its sentence with it. Removed figures are listed in the output and an ``Issue``;
   applicant figures still missing are named in an ``Issue`` too.

``ModelUnavailableError`` propagates (also for a reply with nothing left after
cleaning): the orchestration offers the offline drafter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from assistant.core.errors import ModelUnavailableError
from assistant.core.settings import Settings
from assistant.core.textlen import count_words, split_sentences
from assistant.core.types import Issue
from assistant.drafting.length import wanted_words
from assistant.drafting.model.kept_figures import (
    hard_cut,
    keep_facts_trim,
    omitted_figures,
    point_keys,
    restore_figures,
)
from assistant.drafting.model.prompt import (
    PromptMaterial,
    draft_variables,
    fit_material,
    material_from_job,
    neutralise,
    revise_variables,
    shortened_issue,
    written,
)
from assistant.drafting.offline.prose import aside_issues, clean_answer
from assistant.drafting.preview_gate import PreviewGate
from assistant.drafting.protocol import DraftJob, DraftOutput, Removal
from assistant.drafting.removals import removal_issues
from assistant.drafting.revision_check import shortened_length
from assistant.forms.spec import PartSpec
from assistant.llm.chat import STREAM_RESTART, ChatMessage, ChatModel, DeltaCallback
from assistant.llm.client import EMPTY_MESSAGE
from assistant.llm.normalise import StreamNormaliser, normalise
from assistant.llm.prompts import render_messages
from assistant.llm.tokens import prompt_allowance, truncate_to_tokens
from assistant.review.privacy import private_data_message, redact
from assistant.review.traceability import untraceable_figures, untraceable_sentences

TARGET_RATIO = 0.9
MAX_CONDENSE_CALLS = 2
FOLLOWUP_MAX_WORDS = 120
# Until the lead adds "figure_omitted" to ``Issue.kind``; then set this to "figure_omitted".
FIGURE_OMITTED_KIND = "figure_omitted"

_BLOCK_RE = re.compile(r"^<([^<>\n]{1,12})>\n(.*?)^</\1>$", re.S | re.M)
_FRAMING_LINE_RE = re.compile(r"^(?:【(?:依据|范例)[A-Z]{1,3}】|〔).*$", re.M)  # a passage's label line inside a block
_NOT_DATA_BLOCKS = ("范例片段",)  # another applicant's text: for tone only, never to be copied


def part_titles(part: PartSpec) -> list[str]:
    """The forms a part's title takes when a model repeats it: numbered and bare, 「（一）……」「……」."""
    return [f"{part.number}{part.title}", part.title]


def instruction_sentences(messages: list[ChatMessage]) -> list[str]:
    """The prompt's own sentences outside its data blocks: a reply that copies one is an echo."""
    out: list[str] = []
    for message in messages:
        framing = _BLOCK_RE.sub(
            lambda m: (
                m.group(0)
                if m.group(1) in _NOT_DATA_BLOCKS
                else "\n" + "\n".join(_FRAMING_LINE_RE.findall(m.group(2))) + "\n"
            ),
            message.content,
        )
        out += [s.strip() for s in split_sentences(framing) if s.strip()]
    return out


def clean_reply(text: str, part_title: str = "") -> str:
    """The normalised reply, with ``part_title`` removed where the model repeated it."""
    return normalise(text, titles=[part_title] if part_title else [])


@dataclass
class _Run:
    """Book-keeping for one ``draft`` call."""

    job: DraftJob
    on_delta: DeltaCallback | None = None
    model_calls: int = 0
    condense_calls: int = 0
    issues: list[Issue] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    removals: list[Removal] = field(default_factory=list)  # sentences taken out after the stream
    points: set[str] = field(default_factory=set)  # the first reply's numbered points
    target: int = 0
    gate: PreviewGate = field(init=False)  # what may be shown (and so kept), see ``PreviewGate``

    def __post_init__(self) -> None:
        self.gate = PreviewGate(self.job)

    def note_removed(self, numbers: list[str]) -> None:
        self.removed += [n for n in numbers if n not in self.removed]

    def issue(self, kind: str, message: str, severity: Literal["info", "warning", "error"] = "warning") -> None:
        self.issues.append(Issue(part_id=self.job.part.id, kind=kind, message=message, severity=severity))

    def output(self, text: str) -> DraftOutput:
        self.note_removed(self.gate.removed_figures)
        for kind in self.gate.private:
            self.issue("private_data", private_data_message(kind), severity="info")
        removals = self.gate.removals + self.removals
        self.issues += removal_issues(self.job.part.id, removals)
        return DraftOutput(
            text=text,
            issues=self.issues,
            source="model",
            model_calls=self.model_calls,
            condense_calls=self.condense_calls,
            removed_numbers=self.removed,
            copied_sentences=list(self.gate.copied),
            removals=removals,
            target=self.target,
        )


class ModelDrafter:
    """``Drafter`` backed by a ``ChatModel``; see the module docstring for the pipeline."""

    mode: Literal["offline", "model"] = "model"

    def __init__(self, chat_model: ChatModel, settings: Settings) -> None:
        self.chat_model = chat_model
        self.settings = settings

    # ----- Drafter protocol ------------------------------------------------------
    def draft(self, job: DraftJob, *, on_delta: DeltaCallback | None = None) -> DraftOutput:
        run = _Run(job, on_delta)
        for answer in job.answers:
            run.issues += aside_issues(job.part.id, clean_answer(answer))
        material, messages = self._prompt(job)
        if (issue := shortened_issue(job, material)) is not None:
            run.issues.append(issue)
        sources = job.figure_sources()
        run.target = self._target(job)
        text = self._call(run, messages, on_delta)
        if not text:
            raise ModelUnavailableError(EMPTY_MESSAGE)
        run.points = point_keys(text)
        text = self._repair_numbers(run, text, sources, material)
        text = self._enforce_length(run, text)
        text = self._keep_figures(run, text)
        text = self._drop_untraceable(run, text, sources)
        text = normalise(text, titles=part_titles(job.part))  # renumber points left after cuts
        self._report_omitted(run, text)
        return run.output(text)

    def phrase_followup(self, part: PartSpec, missing_labels: list[str], default_text: str, answer: str) -> str:
        """One model-phrased follow-up question, within a few seconds; else the rule-based ``default_text``."""
        room = max(256, prompt_allowance(self.settings.llm_context_tokens, FOLLOWUP_MAX_WORDS) // 2)
        messages = render_messages(
            "followup",
            part_title=f"{part.number}{part.title}",
            guidance=part.guidance,
            missing_labels=missing_labels,
            default_text=default_text,
            answer=neutralise(truncate_to_tokens(answer, room)),
        )
        model = self.chat_model
        limited = getattr(model, "limited", None)
        if callable(limited):
            model = limited(self.settings.llm_followup_timeout)
        try:
            question = normalise(model.complete(messages), titles=part_titles(part))
        except ModelUnavailableError:
            return default_text
        question = question.splitlines()[0].strip() if question else ""
        if not question or count_words(question) > FOLLOWUP_MAX_WORDS:
            return default_text
        return question

    # ----- steps ----------------------------------------------------------------------
    def target(self, budget: int) -> int:
        return max(1, int(budget * TARGET_RATIO))

    def _target(self, job: DraftJob) -> int:
        """The length to ask for: what the material supports (``length``), within 90% of the budget.

        A revision keeps the budget's target: its length follows the instruction and the previous text. A
        shorten asks for the shorter length outright (the named place at three quarters): asked for the old
        length, a model that pads returns a text as long as before, which the revision check refuses.
        """
        if job.revision is not None and job.revision.kind == "shorten" and job.previous_text.strip():
            return max(1, min(self.target(job.budget), shortened_length(job.revision, job.previous_text)))
        if job.instruction.strip():
            return self.target(job.budget)
        return max(1, min(self.target(job.budget), wanted_words(job)))

    def _prompt(self, job: DraftJob) -> tuple[PromptMaterial, list[ChatMessage]]:
        target = self._target(job)
        if job.instruction.strip():
            build = lambda m: render_messages("revise", **revise_variables(job, m, target))  # noqa: E731
        else:
            build = lambda m: render_messages("draft_part", **draft_variables(job, m, target))  # noqa: E731
        allowance = prompt_allowance(self.settings.llm_context_tokens, job.budget)
        return fit_material(material_from_job(job), build, allowance)

    def _call(self, run: _Run, messages: list[ChatMessage], on_delta: DeltaCallback | None = None) -> str:
        """One model call; the reply cleaned of chat, Markdown, the part's title and echoed instructions."""
        run.model_calls += 1
        run.gate.restart()
        cleaner = StreamNormaliser(
            titles=part_titles(run.job.part),
            echo=instruction_sentences(messages),
            admit=run.gate.admit,
            whole_pieces=on_delta is not None,  # a streamed reply comes in whole sentences (ChatModel)
        )
        if on_delta is None:
            return cleaner.feed(self.chat_model.complete(messages)) + cleaner.finish()

        def relay(piece: str) -> None:
            if shown := cleaner.feed(piece):
                on_delta(shown)

        self.chat_model.complete(messages, on_delta=relay)
        if tail := cleaner.finish():
            on_delta(tail)
        return cleaner.text

    @staticmethod
    def _restart(run: _Run) -> DeltaCallback | None:
        """The turn's stream callback for a later call that rewrites the part: the preview starts over."""
        if run.on_delta is None:
            return None
        run.on_delta(STREAM_RESTART)
        return run.on_delta

    def _applicant_texts(self, job: DraftJob) -> list[str]:
        texts = list(job.answers) + [t for texts in job.fallback_answers.values() for t in texts]
        return texts + ([job.instruction] if job.instruction.strip() else [])

    @staticmethod
    def _written_answers(job: DraftJob) -> list[str]:
        """The part's answers as the model read them (a figure the applicant corrected is not theirs),
        without contact data (a phone number is not a figure to keep)."""
        return [redact(w).text for a in job.answers if (w := written(a)).strip()]

    def _repair_numbers(self, run: _Run, text: str, sources: list[str], material: PromptMaterial) -> str:
        found = untraceable_figures(text, sources, run.job.structure_numbers())
        omitted = [] if run.job.instruction.strip() else omitted_figures(text, self._written_answers(run.job))
        if not found and not omitted:
            return text
        run.note_removed(found)
        messages = render_messages(
            "repair_numbers",
            part_title=f"{run.job.part.number}{run.job.part.title}",
            text=neutralise(text),
            numbers=found,
            omitted=omitted,
            sources=[neutralise(s) for s in material.answers + [t for o in material.other_answers for t in o.texts]]
            + [neutralise(p.text) for p in material.passages],
            budget=run.job.budget,
        )
        return self._call(run, messages, self._restart(run)) or text

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
            text = self._call(run, messages, self._restart(run)) or text
            # The model overshot by count/target; aim lower by the same ratio next time.
            target = max(budget // 2, int(target * target / max(count_words(text), 1)))
        return self._trim(run, text)

    def _trim(self, run: _Run, text: str) -> str:
        before = count_words(text)
        budget = run.job.budget
        if before <= budget:
            return text
        cut = keep_facts_trim(text, budget, self._applicant_texts(run.job), run.points) or hard_cut(text, budget)
        run.issue(
            "trimmed",
            f"模型经 {run.condense_calls} 次压缩后仍有 {before} 字，超出本部分 {budget} 字的上限，"
            f"已删去部分句子（保留含您所给数字的句子和分条要点），现为 {count_words(cut)} 字；请检查内容是否连贯。",
        )
        if run.on_delta is not None:  # the preview ends on what is kept, not on the overlong reply
            run.on_delta(STREAM_RESTART)
            run.on_delta(cut)
        return cut

    def _keep_figures(self, run: _Run, text: str) -> str:
        """Bring back the applicant's sentences for figures the model left out, within the budget."""
        if run.job.instruction.strip():
            return text
        answers = self._written_answers(run.job)
        _, found = restore_figures(text, answers)
        restored = [s for s in (run.gate.admit(x) for x in found) if s]  # as shown: public voice, no repeat
        if not restored:
            return text
        appended = "\n" + "".join(restored)
        text = text.rstrip() + appended
        if count_words(text) > run.job.budget:
            text = keep_facts_trim(text, run.job.budget, answers, run.points)
            if run.on_delta is not None:
                run.on_delta(STREAM_RESTART)
                run.on_delta(text)
        elif run.on_delta is not None:
            run.on_delta(appended)  # the preview ends on what is stored
        shown = "；".join(r.rstrip("。") for r in restored[:3]) + (f"等{len(restored)}句" if len(restored) > 3 else "")
        run.issue(
            "figure_restored",
            f"模型稿漏写了您回答中的数字，已补入您回答中的原句（整理为书面语）：{shown}。请检查衔接是否通顺。",
            severity="info",
        )
        return text

    def _drop_untraceable(self, run: _Run, text: str, sources: list[str]) -> str:
        text, dropped = untraceable_sentences(text, sources, run.job.structure_numbers())
        for sentence, figures in dropped:
            run.note_removed(figures)
            run.removals.append(Removal(sentence=sentence, reason="untraceable_figure", detail="、".join(figures)))
        return text

    def _report_omitted(self, run: _Run, text: str) -> None:
        if run.job.instruction.strip():
            return
        missing = omitted_figures(text, self._written_answers(run.job))
        if missing:
            run.issue(
                FIGURE_OMITTED_KIND,
                f"草稿没有写入您回答中的数字：{'、'.join(missing)}。请核对后用修改意见补充，例如“补充：……”。",
            )
