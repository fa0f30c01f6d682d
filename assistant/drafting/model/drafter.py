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
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from assistant.core.errors import ModelUnavailableError
from assistant.core.figures import extract_numbers
from assistant.core.settings import Settings
from assistant.core.textlen import count_words, longest_prefix_within, split_sentences, trim_to_limit
from assistant.core.types import Issue
from assistant.drafting.copy_guard import copied_message
from assistant.drafting.model.prompt import (
    PromptMaterial,
    draft_variables,
    fit_material,
    material_from_job,
    neutralise,
    revise_variables,
    shortened_issue,
)
from assistant.drafting.preview_gate import PreviewGate
from assistant.drafting.protocol import DraftJob, DraftOutput
from assistant.forms.spec import PartSpec
from assistant.llm.chat import STREAM_RESTART, ChatMessage, ChatModel, DeltaCallback
from assistant.llm.client import EMPTY_MESSAGE
from assistant.llm.normalise import StreamNormaliser, normalise
from assistant.llm.prompts import render_messages
from assistant.llm.tokens import prompt_allowance, truncate_to_tokens
from assistant.review.privacy import private_data_message
from assistant.review.traceability import drop_untraceable_sentences, mask_ordinals, untraceable_figures

TARGET_RATIO = 0.9
MAX_CONDENSE_CALLS = 2
FOLLOWUP_MAX_WORDS = 120
# Until the lead adds "figure_omitted" to ``Issue.kind``; then set this to "figure_omitted".
FIGURE_OMITTED_KIND = "figure_omitted"

_BLOCK_RE = re.compile(r"^<([^<>\n]{1,12})>\n(.*?)^</\1>$", re.S | re.M)
_FRAMING_LINE_RE = re.compile(r"^(?:【(?:依据|范例)[A-Z]{1,3}】|〔).*$", re.M)  # a passage's label line inside a block
_NOT_DATA_BLOCKS = ("范例片段",)  # another applicant's text: for tone only, never to be copied
_POINT_RE = re.compile(r"^(?:\d{1,2}\.|（\d{1,2}）)")
_LABEL_RE = re.compile(r"^[^：:，。\s]{2,8}[：:]")  # a run-in label such as 「取得成效：」


def part_titles(part: PartSpec) -> list[str]:
    """The forms a part's title takes when a model repeats it: 「（一）问题描述」「问题描述」."""
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


def omitted_figures(text: str, answers: Iterable[str]) -> list[str]:
    """Figures of the applicant's ``answers`` that ``text`` does not contain (by value), in order."""
    present = {round(m.value, 6) for m in extract_numbers(mask_ordinals(text))}
    found: dict[str, bool] = {}
    for answer in answers:
        for mention in extract_numbers(mask_ordinals(answer)):
            found[mention.raw] = found.get(mention.raw, False) or round(mention.value, 6) in present
    return [raw for raw, ok in found.items() if not ok]


def _values(texts: Iterable[str]) -> set[float]:
    return {round(m.value, 6) for t in texts for m in extract_numbers(mask_ordinals(t))}


def point_keys(text: str) -> set[str]:
    """The numbered points of ``text``, as comparison keys (number and punctuation dropped)."""
    return {_key(_POINT_RE.sub("", line)) for line in text.split("\n") if _POINT_RE.match(line)}


def _key(sentence: str) -> str:
    return re.sub(r"[\W_]", "", sentence)


def keep_facts_trim(text: str, budget: int, applicant_texts: Iterable[str], points: Iterable[str] = ()) -> str:
    """Cut ``text`` to ``budget`` 字 at sentence ends, dropping other sentences before facts.

    Kept first: sentences that carry a figure of the applicant's or are one of ``points``
    (the first draft's numbered points, as ``point_keys``); then sentences opening a
    numbered point; then the rest, in order while they fit. Line breaks stay.
    """
    known = _values(applicant_texts)
    points = set(points)
    units: list[tuple[int, str, int]] = []  # (line, sentence, tier: 0 first, 2 last)
    for index, line in enumerate(text.split("\n")):
        for k, sentence in enumerate(split_sentences(line)):
            figures = {round(m.value, 6) for m in extract_numbers(mask_ordinals(sentence))}
            bare = _POINT_RE.sub("", sentence)
            if figures & known or {_key(bare), _key(_LABEL_RE.sub("", bare))} & points:
                tier = 0
            else:
                tier = 1 if k == 0 and _POINT_RE.match(line) else 2
            units.append((index, sentence, tier))
    first = [u for u in units if u[2] == 0]
    if sum(count_words(s) for _, s, _ in first) > budget:
        return trim_to_limit("\n".join(s for _, s, _ in first), budget)[0]
    chosen = {i for i, u in enumerate(units) if u[2] == 0}
    for tier in (1, 2):
        used = sum(count_words(units[i][1]) for i in chosen)
        for i, (_, sentence, t) in enumerate(units):
            if t == tier and used + count_words(sentence) <= budget:
                chosen.add(i)
                used += count_words(sentence)
    lines: dict[int, str] = {}
    for i in sorted(chosen):
        index, sentence, _ = units[i]
        lines[index] = lines.get(index, "") + sentence
    return "\n".join(line.strip() for _, line in sorted(lines.items()) if line.strip())


def hard_cut(text: str, limit: int) -> str:
    """Last resort when not even one sentence fits: cut characters and close the sentence."""
    cut = text[: longest_prefix_within(text, limit - 1)] if limit > 0 else ""  # "。" counts one more
    return cut + "。" if cut else ""


@dataclass
class _Run:
    """Book-keeping for one ``draft`` call."""

    job: DraftJob
    on_delta: DeltaCallback | None = None
    model_calls: int = 0
    condense_calls: int = 0
    issues: list[Issue] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    points: set[str] = field(default_factory=set)  # the first reply's numbered points
    gate: PreviewGate = field(init=False)  # what may be shown (and so kept), see ``PreviewGate``

    def __post_init__(self) -> None:
        self.gate = PreviewGate(self.job)

    def note_removed(self, numbers: list[str]) -> None:
        self.removed += [n for n in numbers if n not in self.removed]

    def issue(self, kind: str, message: str, severity: Literal["info", "warning", "error"] = "warning") -> None:
        self.issues.append(Issue(part_id=self.job.part.id, kind=kind, message=message, severity=severity))

    def output(self, text: str) -> DraftOutput:
        self.note_removed(self.gate.removed_figures)
        if self.gate.copied:
            self.issue("passage_copied", copied_message(self.gate.copied), severity="info")
        for kind in self.gate.private:
            self.issue("private_data", private_data_message(kind), severity="info")
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
            copied_sentences=list(self.gate.copied),
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
        material, messages = self._prompt(job)
        if (issue := shortened_issue(job, material)) is not None:
            run.issues.append(issue)
        sources = job.figure_sources()
        text = self._call(run, messages, on_delta)
        if not text:
            raise ModelUnavailableError(EMPTY_MESSAGE)
        run.points = point_keys(text)
        text = self._repair_numbers(run, text, sources, material)
        text = self._enforce_length(run, text)
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

    def _prompt(self, job: DraftJob) -> tuple[PromptMaterial, list[ChatMessage]]:
        target = self.target(job.budget)
        if job.instruction.strip():
            build = lambda m: render_messages("revise", **revise_variables(job, m, target))  # noqa: E731
        else:
            build = lambda m: render_messages("draft_part", **draft_variables(job, m, target))  # noqa: E731
        allowance = prompt_allowance(self.settings.llm_context_tokens, job.budget)
        return fit_material(material_from_job(job), build, allowance)

    def _call(self, run: _Run, messages: list[ChatMessage], on_delta: DeltaCallback | None = None) -> str:
        """One model call; the reply cleaned of chat, Markdown, the part's title and echoed instructions."""
        run.model_calls += 1
        cleaner = StreamNormaliser(
            titles=part_titles(run.job.part), echo=instruction_sentences(messages), admit=run.gate.admit
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

    def _repair_numbers(self, run: _Run, text: str, sources: list[str], material: PromptMaterial) -> str:
        found = untraceable_figures(text, sources, run.job.structure_numbers())
        omitted = [] if run.job.instruction.strip() else omitted_figures(text, run.job.answers)
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
        return cut

    def _drop_untraceable(self, run: _Run, text: str, sources: list[str]) -> str:
        text, removed = drop_untraceable_sentences(text, sources, run.job.structure_numbers())
        run.note_removed(removed)
        return text

    def _report_omitted(self, run: _Run, text: str) -> None:
        if run.job.instruction.strip():
            return
        missing = omitted_figures(text, run.job.answers)
        if missing:
            run.issue(
                FIGURE_OMITTED_KIND,
                f"草稿没有写入您回答中的数字：{'、'.join(missing)}。请核对后用修改意见补充，例如“补充：……”。",
            )
