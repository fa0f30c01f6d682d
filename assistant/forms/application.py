"""The applicant's own data: the 申报信息表 and the answers, as validated models.

This is the boundary for scripted mode (``case-assistant draft --answers``), the
API and the UI: unknown keys are reported as warnings, wrong shapes as Chinese errors.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field, ValidationError, field_validator

from assistant.core.errors import InvalidInputError
from assistant.core.text_input import clean_block, clean_line
from assistant.forms.spec import FormSpec

Line = Annotated[str, BeforeValidator(lambda v: clean_line(v) if isinstance(v, str) else v)]
Block = Annotated[str, BeforeValidator(lambda v: clean_block(v) if isinstance(v, str) else v)]
MAX_CO_APPLICANTS = 20
MAX_MEDIA_FILES = 30


class Person(BaseModel):
    name: Line = Field("", max_length=50)
    title: Line = Field("", max_length=100)
    phone: Line = Field("", max_length=40)


class ApplicationInfo(BaseModel):
    """The 申报信息表 as stored: every text normalised (NFC, no control or bidi characters) and bounded."""

    applicant: Line = Field("", max_length=100)
    co_applicants: list[Annotated[Line, Field(max_length=100)]] = Field(
        default_factory=list, max_length=MAX_CO_APPLICANTS
    )
    case_name: Line = Field("", max_length=120)
    field: Line = Field("", max_length=20)
    leader: Person = Field(default_factory=Person)
    contact: Person = Field(default_factory=Person)
    address: Line = Field("", max_length=200)
    reason: Block = Field("", max_length=3000)
    date: Line = Field("", max_length=10, pattern=r"^(\d{4}-\d{2}-\d{2})?$")
    """The date printed on the cover (YYYY-MM-DD); blank keeps the template's “年  月  日” to fill by hand."""
    extra: dict[Annotated[Line, Field(max_length=40)], Annotated[Block, Field(max_length=3000)]] = Field(
        default_factory=dict, max_length=20
    )
    """Items of another call's 申报信息表 that this model has no attribute for (by field id)."""

    @field_validator("date")
    @classmethod
    def _real_date(cls, value: str) -> str:
        if value:
            try:
                date.fromisoformat(value)
            except ValueError as exc:
                raise ValueError("不是有效的日期") from exc
        return value

    @field_validator("co_applicants", mode="before")
    @classmethod
    def _drop_blank(cls, value: list[str] | str | None) -> list[str]:
        if isinstance(value, str):
            value = [value]
        return [v for v in (clean_line(x) for x in value or [] if isinstance(x, str)) if v]

    def value(self, field_id: str) -> str | list[str] | Person:
        """The value of a form's info field, whether a standard attribute or an extra item."""
        if field_id != "extra" and field_id in type(self).model_fields:
            return getattr(self, field_id)
        return self.extra.get(field_id, "")


class MediaInfo(BaseModel):
    images: list[Annotated[Line, Field(max_length=200)]] = Field(default_factory=list, max_length=MAX_MEDIA_FILES)
    video: Line = Field("", max_length=200)
    prepared: list[Annotated[Line, Field(max_length=40)]] = Field(default_factory=list, max_length=40)
    """Ids of the call's submission items the applicant says are ready (营业执照复印件 …)."""


class UnknownInfoRowError(InvalidInputError):
    """An extra 申报信息表 row the call's form does not have, or one longer than the form allows (HTTP 422)."""

    status_code = 422


def check_extra_rows(form: FormSpec, info: ApplicationInfo) -> None:
    """The extra rows are the form's own (``info.fields`` beyond the standard attributes), each within its length."""
    standard = set(ApplicationInfo.model_fields) - {"extra"}
    rows = {f.id: f for f in form.info.fields if f.id not in standard}
    for key, value in info.extra.items():
        row = rows.get(key)
        if row is None:
            known = "、".join(f"{f.id}（{f.label}）" for f in rows.values()) or "无"
            raise UnknownInfoRowError(
                f"本次征集的申报信息表没有“{key}”这一项。可填写的其他项：{known}；请改用其中的编号后再试。",
                code="unknown_info_row",
            )
        if len(value) > row.max_chars:
            raise UnknownInfoRowError(f"“{row.label}”太长（上限 {row.max_chars} 字），请精简后再试。")


def case_name_problem(form: FormSpec, case_name: str, field: str) -> str | None:
    """Why the case name does not follow "<领域>领域——<名称>", or None if it does."""
    match = re.fullmatch(form.case_name_pattern, case_name.strip())
    if not match:
        return f"案例名称应写成“<领域>领域——<案例名称>”，例如“{form.case_name_example}”。"
    if match.group("field") not in form.fields:
        return f"案例名称中的“{match.group('field')}”不是{form.fields_phrase}之一：{'、'.join(form.fields)}。"
    if field and match.group("field") != field:
        return f"案例名称中的领域“{match.group('field')}”与所选领域“{field}”不一致。"
    return None


_LABELS = {
    "applicant": "申报单位",
    "co_applicants": "联合申报单位",
    "case_name": "案例名称",
    "field": "所属领域",
    "leader": "负责人",
    "contact": "联系人",
    "address": "通讯地址",
    "reason": "申报理由",
    "date": "日期",
    "name": "姓名",
    "title": "部门职务",
    "phone": "联系方式",
    "images": "图片",
    "video": "视频",
    "extra": "其他信息",
}
_LIMIT_WORDS = {
    "string_too_long": "太长",
    "too_long": "项数太多",
    "string_pattern_mismatch": "格式不对",
    "value_error": "不是有效的日期",
}


def parse_info(data: dict) -> ApplicationInfo:
    """Validate a 申报信息表 from any entry point; a wrong shape or an over-long item is a Chinese error."""
    try:
        return ApplicationInfo.model_validate(data)
    except ValidationError as exc:
        raise InvalidInputError(validation_text(exc)) from exc


def parse_media(data: dict) -> MediaInfo:
    try:
        return MediaInfo.model_validate(data)
    except ValidationError as exc:
        raise InvalidInputError(validation_text(exc)) from exc


def validation_text(exc: ValidationError) -> str:
    first = exc.errors()[0]
    keys = [str(x) for x in first["loc"] if not isinstance(x, int)]
    where = "·".join(_LABELS.get(k, k) for k in keys) + f"（{'.'.join(keys)}）"
    limit = first.get("ctx", {}).get("max_length")
    reason = _LIMIT_WORDS.get(first["type"], "格式不对")
    return f"“{where}”{reason}" + (f"（上限 {limit}）" if limit else "") + "，请修改后再试。"
