"""Load and validate application-form specs (``knowledge/forms/<id>.yaml``) into typed models.

The template of a call for applications is data, not code: parts, their printed
titles, interview questions, guidance, required elements and length limits all come
from the YAML, so a new year's call is a new file.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from assistant.core.errors import InvalidInputError
from assistant.core.resources import bundled_dir
from assistant.forms.rubric import Rubric


class InfoField(BaseModel):
    """One item of the 申报信息表.

    ``printed`` is False for items kept for the tool but not given a row of their own
    (所属领域 shows in the case name); ``joined`` lists items printed in this row's cell
    after this one (联合申报单位 under 申报单位).
    """

    id: str
    label: str
    kind: Literal["text", "list", "choice", "person", "multiline"] = "text"
    required: bool = False
    help: str = ""
    max_chars: int = Field(200, gt=0)
    printed: bool = True
    joined: list[str] = Field(default_factory=list)
    drawn_from: list[str] = Field(default_factory=list)
    """Parts whose answers speak to this item by what they were asked (a reason item: innovation, summary)."""


class InfoSection(BaseModel):
    number: str
    title: str
    fields: list[InfoField]
    person_labels: list[str] = Field(default_factory=lambda: ["部门职务", "联系方式"], min_length=2, max_length=2)
    opinion_label: str
    seal_suffix: str = "（盖章）"
    opinion_text: str

    def field(self, field_id: str) -> InfoField | None:
        return next((f for f in self.fields if f.id == field_id), None)


class ElementSpec(BaseModel):
    """Something a part's answer must contain (numbers, data sources, …) and how to ask for it."""

    label: str
    detector: Literal["keywords", "number"] = "keywords"
    keywords: list[str] = Field(default_factory=list)
    followup: str


class SubPoint(BaseModel):
    number: str
    title: str
    guidance: str
    elements: list[str] = Field(default_factory=list)


class SummarySources(BaseModel):
    """Which parts a summary part is made from when the applicant did not answer it (its 问题 and 做法)."""

    problem: str
    approach: str


class PartSpec(BaseModel):
    id: str
    number: str
    title: str
    default_budget: int = Field(gt=0)
    guidance: str
    questions: list[str] = Field(min_length=1)
    required_elements: list[str] = Field(default_factory=list)
    fallback_sources: list[str] = Field(default_factory=list)
    subpoints: list[SubPoint] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)  # how applicants name the part besides its title
    structure: str = ""
    """The part's structure said plainly for the drafting prompt; blank: the prompt's general instruction."""
    arrange: Literal["plain", "enumerate", "results_first"] = "plain"
    """How the offline drafter orders the answers: as given, as 「一是……二是……」, or quantified results first."""
    summary: SummarySources | None = None
    """For a part built from others (a summary part): the parts its 问题 and 做法 paragraphs come from."""


class PartGroup(BaseModel):
    id: str
    number: str
    title: str
    aliases: list[str] = Field(default_factory=list)
    """How applicants name the group in chat (「宣传材料第二部分」): a part named by its ordinal is in that group."""
    limit: int = Field(gt=0)
    publishable: bool = False
    note: str = ""
    parts: list[PartSpec]

    @model_validator(mode="after")
    def _budgets_fit(self) -> PartGroup:
        total = sum(p.default_budget for p in self.parts)
        if total > self.limit:
            raise ValueError(f"{self.id}: default budgets {total} exceed the limit {self.limit}")
        return self


class VideoShot(BaseModel):
    """One segment of the offline video outline: name, seconds, what is shown, the parts its narration is from."""

    segment: str
    seconds: int = Field(ge=5, le=180)
    picture: str
    parts: list[str] = Field(default_factory=list)


class VideoSpec(BaseModel):
    format: str
    minutes: int
    guidance: str
    outline: list[VideoShot] = Field(default_factory=list)
    """The shot list the package's video outline follows; empty: one segment per part."""


class MediaSpec(BaseModel):
    number: str
    title: str
    note: str = ""
    images_heading: str = "（一）图片"
    video_heading: str = "（二）视频"
    images: list[str]
    image_format: str
    video: VideoSpec
    flow_parts: list[str] = Field(default_factory=list)
    """Parts the 数据要素流向图 is drawn from, in reading order; empty: every part."""


class PledgeSpec(BaseModel):
    number: str
    title: str
    text: str
    seal_note: str
    date_line: str = "{year}年  月  日"


class ElementCheck(BaseModel):
    element: str
    parts: list[str]
    label: str
    fix: str


class LawfulAcquisitionCheck(BaseModel):
    parts: list[str]
    keywords: list[str]
    fix: str


class AlignmentSpec(BaseModel):
    source_kind: str = "plan_digest"
    directions_label: str = "重点方向"


class SubmissionItem(BaseModel):
    """One requirement of the notice for what is handed in, with the notice's own words."""

    id: str
    requirement: str
    notice: str
    declared_by: Literal["media.video", "media.images", "parts", "deadline", "applicant"] = "applicant"


class ReviewSpec(BaseModel):
    """What the pre-submission reviewer checks for this call (see ``assistant/review``)."""

    alignment_part: str = ""
    """The part a missing 行动计划 direction is reported at; blank: the first part."""
    quantitative_parts: list[str] = Field(default_factory=list)
    element_checks: list[ElementCheck] = Field(default_factory=list)
    lawful_acquisition: LawfulAcquisitionCheck | None = None
    template_leftovers: list[str] = Field(default_factory=list)
    alignment: AlignmentSpec = Field(default_factory=AlignmentSpec)
    submission: list[SubmissionItem] = Field(default_factory=list)


class CoverField(BaseModel):
    id: str
    label: str


class CoverSpec(BaseModel):
    title: str
    fields: list[CoverField]


class FormSpec(BaseModel):
    id: str
    title: str
    issuer: str
    notice_ref: str
    notice_title: str
    deadline: str
    case_name_pattern: str
    case_name_example: str
    fields: list[str] = Field(min_length=1)
    cover: CoverSpec
    info: InfoSection
    elements: dict[str, ElementSpec]
    groups: list[PartGroup]
    media: MediaSpec
    pledge: PledgeSpec
    review: ReviewSpec = Field(default_factory=ReviewSpec)
    recommend_limit: int = Field(15, gt=0)
    """How many cases the bureau recommends upward at most (the line on the ranking board)."""
    place: str = ""
    """The home place of the call: the policy Q&A declines questions about another place's call."""
    batch: str = ""
    """Which of the home place's calls this is (「第二批」): a question about another batch is another call."""
    applicants_heading: str = ""
    """The heading of the notice's section on who may apply: the policy Q&A quotes that section whole when
    asked whether someone may apply (an empty heading: no such answer route)."""
    case_requirement_headings: list[str] = Field(default_factory=list)
    """The headings of the notice's sections on what a case must be (its focus, its requirements): the policy Q&A
    answers whether a project qualifies (「还没出效益能报吗」) from them (empty: no such answer route)."""
    process_heading: str = ""
    """The heading of the notice's section on how to apply (who organises, handing in, the deadline): the policy Q&A
    quotes its steps in order when asked for the whole process (empty: no such answer route)."""
    handing_in: list[str] = Field(default_factory=list)
    """What the applicant must still do by hand before handing in (seals, copies of licences, paper copies):
    the package's 材料清单 lists them, in this order, after what the package holds."""
    rubric: Rubric | None = None
    """The bureau's scoring rubric (see ``assistant.forms.rubric``); a call without one has no ranking board."""

    @model_validator(mode="after")
    def _rubric_resolves(self) -> FormSpec:
        if self.rubric is None:
            return self
        places = set(self.part_ids()) | {f"info.{f.id}" for f in self.info.fields}
        items = {s.id for s in self.review.submission}
        for gate in self.rubric.gates:
            if gate.group and gate.group not in {g.id for g in self.groups}:
                raise ValueError(f"rubric gate {gate.id}: unknown group {gate.group}")
            if gate.item and gate.item not in items:
                raise ValueError(f"rubric gate {gate.id}: unknown submission item {gate.item}")
        for criterion in self.rubric.criteria:
            for signal in criterion.signals:
                if signal.element and signal.element not in self.elements:
                    raise ValueError(f"rubric {criterion.id}: unknown element {signal.element}")
                if set(signal.parts or criterion.parts) - places:
                    raise ValueError(f"rubric {criterion.id}: unknown parts {set(signal.parts) - places}")
            if set(criterion.parts) - places:
                raise ValueError(f"rubric {criterion.id}: unknown parts {set(criterion.parts) - places}")
        return self

    @model_validator(mode="after")
    def _references_resolve(self) -> FormSpec:
        ids = [p.id for g in self.groups for p in g.parts]
        if len(ids) != len(set(ids)):
            raise ValueError("part ids must be unique")
        for part in self.all_parts():
            for element in part.required_elements + [e for s in part.subpoints for e in s.elements]:
                if element not in self.elements:
                    raise ValueError(f"{part.id}: unknown element {element}")
            for source in part.fallback_sources:
                if source not in ids:
                    raise ValueError(f"{part.id}: unknown fallback source {source}")
            if part.summary and {part.summary.problem, part.summary.approach} - set(ids):
                raise ValueError(f"{part.id}: unknown summary source in {part.summary}")
        named = self.media.flow_parts + [p for s in self.media.video.outline for p in s.parts]
        named += [self.review.alignment_part] if self.review.alignment_part else []
        named += self.review.quantitative_parts + [p for c in self.review.element_checks for p in c.parts]
        named += self.review.lawful_acquisition.parts if self.review.lawful_acquisition else []
        if unknown := set(named) - set(ids):
            raise ValueError(f"unknown parts named in media or review: {sorted(unknown)}")
        re.compile(self.case_name_pattern)
        return self

    @property
    def fields_phrase(self) -> str:
        """How the call names its field list (“N个领域”): counted from the YAML, never written in code."""
        return f"{len(self.fields)}个领域"

    def all_parts(self) -> list[PartSpec]:
        return [p for g in self.groups for p in g.parts]

    def part(self, part_id: str) -> PartSpec:
        for part in self.all_parts():
            if part.id == part_id:
                return part
        raise InvalidInputError(f"未知的部分编号“{part_id}”。可用的部分：{'、'.join(self.part_ids())}")

    def part_ids(self) -> list[str]:
        return [p.id for p in self.all_parts()]

    def flow_parts(self) -> list[str]:
        """Parts the 数据要素流向图 reads (the YAML's ``media.flow_parts``, else every part)."""
        return self.media.flow_parts or self.part_ids()

    def video_outline(self) -> list[VideoShot]:
        """The video shot list (the YAML's ``media.video.outline``, else one segment per part)."""
        if self.media.video.outline:
            return self.media.video.outline
        return [VideoShot(segment=p.title, seconds=30, picture="", parts=[p.id]) for p in self.all_parts()]

    def alignment_part(self) -> str:
        return self.review.alignment_part or self.part_ids()[0]

    def group_of(self, part_id: str) -> PartGroup:
        for group in self.groups:
            if any(p.id == part_id for p in group.parts):
                return group
        raise InvalidInputError(f"未知的部分编号“{part_id}”")


def forms_dir() -> Path:
    return bundled_dir("knowledge") / "forms"


def available_forms() -> list[str]:
    return sorted(p.stem for p in forms_dir().glob("*.yaml"))


def load_form_file(path: Path) -> FormSpec:
    """Parse and validate one form file; errors name the file and the problem."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return FormSpec.model_validate(raw)
    except (yaml.YAMLError, ValidationError) as exc:
        raise InvalidInputError(f"表单文件 {path.name} 格式错误：{exc}") from exc


def default_form() -> FormSpec:
    """The call served when a caller names none: the first bundled form by id."""
    return load_form(available_forms()[0])


@lru_cache(maxsize=8)
def load_form(form_id: str) -> FormSpec:
    """Load a bundled form by id, with a Chinese error listing the known ids."""
    path = forms_dir() / f"{form_id}.yaml"
    if not re.fullmatch(r"[A-Za-z0-9._-]+", form_id or "") or not path.is_file():
        known = "、".join(available_forms())
        raise InvalidInputError(f"未知的申报书模板“{form_id}”。可用的模板：{known}", code="unknown_form")
    return load_form_file(path)
