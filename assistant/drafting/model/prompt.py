"""Turn a ``DraftJob`` into prompt variables that fit the model's context window.

Why a module of its own: what the model sees decides what a number may be traced
to (a passage dropped for lack of room is not a source), and what gets cut when the
prompt is too long is a policy the applicant must be told about. Order of cutting:
exemplars (lowest-ranked first), then guidance passages (lowest-ranked first), then
the longest answers are shortened — never silently: each shortened answer yields an
``Issue``. Lists arrive ranked best-first from retrieval.

Applicant text, passages and exemplars are data, not instructions: tag-like strings
in them (``</申报单位回答>``) are neutralised so they cannot close a data block early.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pydantic import BaseModel, Field

from assistant.core.errors import ModelUnavailableError, UserFacingError
from assistant.core.types import Issue, Passage
from assistant.drafting.offline.prose import clean_answer
from assistant.drafting.protocol import DraftJob
from assistant.forms.spec import load_form
from assistant.interview.machine import MARKER_PREFIX
from assistant.llm.chat import ChatMessage
from assistant.llm.tokens import count_message_tokens, count_tokens, truncate_to_tokens

TRUNCATION_NOTE = "……（以下内容过长，未提供给模型）"

# A part's structure is the form spec's ``structure`` (knowledge/forms/*.yaml); this is for a part without one.
DEFAULT_STRUCTURE = "先写申报单位回答中的事实，再按模板说明组织内容。"
_TAG_RE = re.compile(r"<(/?\s*[\u4e00-\u9fff]{1,12}\s*)>")
_MIN_ANSWER_TOKENS = 32


class OtherAnswers(BaseModel):
    """Answers given for another part, used where the form allows (e.g. 宣传推广材料 from 案例简介)."""

    part_id: str
    title: str
    texts: list[str]


class PromptMaterial(BaseModel):
    """The applicant-supplied and retrieved material one prompt carries."""

    answers: list[str]
    other_answers: list[OtherAnswers] = Field(default_factory=list)
    other_drafts: list[OtherAnswers] = Field(default_factory=list)  # stored drafts of the parts built from
    passages: list[Passage] = Field(default_factory=list)
    exemplars: list[Passage] = Field(default_factory=list)
    shortened: list[str] = Field(default_factory=list, description="labels of answers cut to fit the context")


def neutralise(text: str) -> str:
    """Make ``<标签>``-like strings harmless so data cannot end a data block early."""
    return _TAG_RE.sub(r"＜\1＞", text)


def _part_title(form_id: str, part_id: str) -> str:
    try:
        part = load_form(form_id).part(part_id)
    except UserFacingError:
        return part_id
    return f"{part.number}{part.title}"


def written(answer: str) -> str:
    """An answer as the model reads it: its content in written sentences, remarks to the tool set aside.

    「你看着写吧」「这个上面说过了」 are not the applicant's case and a model may take them as a request;
    spoken fillers and self-corrections (「3.8万户，哦不对，是4.3万户」) are cleaned by the same reviewed
    register the offline drafter uses. An answer with nothing left is dropped; a 【待补充】 mark stays as is.
    """
    if answer.startswith(MARKER_PREFIX):
        return answer
    return "\n".join("".join(p) for p in clean_answer(answer).paragraphs)


def material_from_job(job: DraftJob) -> PromptMaterial:
    others = [
        OtherAnswers(
            part_id=pid, title=_part_title(job.form_id, pid), texts=[w for t in texts if (w := written(t)).strip()]
        )
        for pid, texts in job.fallback_answers.items()
    ]
    drafts = [
        OtherAnswers(part_id=pid, title=_part_title(job.form_id, pid), texts=[text])
        for pid, text in job.other_drafts.items()
        if text.strip()
    ]
    return PromptMaterial(
        answers=[w for a in job.answers if (w := written(a)).strip()],
        other_answers=[o for o in others if o.texts],
        other_drafts=drafts,
        passages=list(job.guidance_passages),
        exemplars=list(job.exemplar_passages),
    )


def _label(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def passage_views(passages: list[Passage]) -> list[dict[str, str]]:
    return [
        {"label": _label(i), "title": neutralise(p.title), "text": neutralise(p.text)} for i, p in enumerate(passages)
    ]


def _common(job: DraftJob, material: PromptMaterial, target: int) -> dict[str, object]:
    return {
        "case_name": neutralise(job.case_name),
        "field": job.field,
        "part_number": job.part.number,
        "part_title": job.part.title,
        "guidance": job.part.guidance,
        "structure": job.part.structure or DEFAULT_STRUCTURE,
        "answers": [neutralise(a) for a in material.answers],
        "other_answers": [
            {"title": o.title, "texts": [neutralise(t) for t in o.texts]} for o in material.other_answers
        ],
        "passages": passage_views(material.passages),
        "target": target,
        "budget": job.budget,
    }


def draft_variables(job: DraftJob, material: PromptMaterial, target: int) -> dict[str, object]:
    """Variables of ``prompts/draft_part.md``."""
    return {
        **_common(job, material, target),
        "applicant": neutralise(job.applicant),
        "group_title": job.group.title,
        "group_note": job.group.note,
        "subpoints": [sp.model_dump() for sp in job.part.subpoints],
        "other_drafts": [{"title": o.title, "text": neutralise(o.texts[0])} for o in material.other_drafts],
        "exemplars": [
            {"label": _label(i), "title": neutralise(e.title), "text": neutralise(e.text)}
            for i, e in enumerate(material.exemplars)
        ],
    }


def revise_variables(job: DraftJob, material: PromptMaterial, target: int) -> dict[str, object]:
    """Variables of ``prompts/revise.md``."""
    return {
        **_common(job, material, target),
        "previous_text": neutralise(job.previous_text),
        "instruction": neutralise(job.instruction),
    }


def _shorten_longest_answer(material: PromptMaterial, excess: int) -> bool:
    """Cut the longest answer by about ``excess`` tokens; False when nothing is left to cut."""
    slots: list[tuple[str, int, int | None]] = [("answers", i, None) for i in range(len(material.answers))]
    slots += [("other", i, j) for i, o in enumerate(material.other_answers) for j in range(len(o.texts))]

    def get(slot: tuple[str, int, int | None]) -> str:
        kind, i, j = slot
        return material.answers[i] if kind == "answers" else material.other_answers[i].texts[j or 0]

    sizes = {slot: count_tokens(get(slot).removesuffix(TRUNCATION_NOTE)) for slot in slots}
    cuttable = [slot for slot in slots if sizes[slot] > _MIN_ANSWER_TOKENS]
    if not cuttable:
        return False
    slot = max(cuttable, key=lambda s: sizes[s])
    keep = max(_MIN_ANSWER_TOKENS, sizes[slot] - excess - 8)  # strictly shorter each round: the loop ends
    shortened = truncate_to_tokens(get(slot).removesuffix(TRUNCATION_NOTE), keep) + TRUNCATION_NOTE
    kind, i, j = slot
    if kind == "answers":
        material.answers[i] = shortened
        label = f"本部分第{i + 1}条回答"
    else:
        material.other_answers[i].texts[j or 0] = shortened
        label = f"“{material.other_answers[i].title}”中的一条回答"
    if label not in material.shortened:
        material.shortened.append(label)
    return True


def fit_material(
    material: PromptMaterial, build: Callable[[PromptMaterial], list[ChatMessage]], allowance: int
) -> tuple[PromptMaterial, list[ChatMessage]]:
    """Drop and shorten material until the rendered prompt is within ``allowance`` tokens."""
    if allowance <= 0:
        raise ModelUnavailableError(
            "模型上下文长度设置过小（CASE_ASSISTANT_LLM_CONTEXT_TOKENS），放不下本部分的提示词和回复；请调大后重试，也可以改用离线起草。"
        )
    fitted = material.model_copy(deep=True)
    while True:
        messages = build(fitted)
        excess = count_message_tokens([m.content for m in messages]) - allowance
        if excess <= 0:
            return fitted, messages
        if fitted.exemplars:
            fitted.exemplars.pop()
        elif fitted.passages:
            fitted.passages.pop()
        elif fitted.other_drafts and fitted.other_answers:  # the drafts carry the same facts, written
            fitted.other_answers.pop()
        elif not _shorten_longest_answer(fitted, excess):
            raise ModelUnavailableError(
                "提示词超出了模型上下文长度（CASE_ASSISTANT_LLM_CONTEXT_TOKENS），请调大该设置或缩短回答；也可以改用离线起草。"
            )


def shortened_issue(job: DraftJob, material: PromptMaterial) -> Issue | None:
    """The warning that tells the applicant which answers the model saw only in part."""
    if not material.shortened:
        return None
    return Issue(
        part_id=job.part.id,
        kind="trimmed",
        severity="warning",
        message=(
            f"回答过长，超出了模型一次能读取的长度：{'、'.join(material.shortened)}只有前一部分提供给了模型。"
            "您的回答已完整保存；请检查草稿是否遗漏了后面的内容，或把回答精简后重新起草。"
        ),
    )
