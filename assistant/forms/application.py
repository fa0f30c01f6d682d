"""The applicant's own data: the 申报信息表 and the answers, as validated models.

This is the boundary for scripted mode (``case-assistant draft --answers``), the
API and the UI: unknown keys are reported as warnings, wrong shapes as Chinese errors.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field, field_validator

from assistant.forms.spec import FormSpec


class Person(BaseModel):
    name: str = ""
    title: str = ""
    phone: str = ""


class ApplicationInfo(BaseModel):
    applicant: str = ""
    co_applicants: list[str] = Field(default_factory=list)
    case_name: str = ""
    field: str = ""
    leader: Person = Field(default_factory=Person)
    contact: Person = Field(default_factory=Person)
    address: str = ""
    reason: str = ""
    date: str = ""
    """The date printed on the cover (YYYY-MM-DD); blank keeps the template's “年  月  日” to fill by hand."""
    extra: dict[str, str] = Field(default_factory=dict)
    """Items of another call's 申报信息表 that this model has no attribute for (by field id)."""

    @field_validator("co_applicants", mode="before")
    @classmethod
    def _drop_blank(cls, value: list[str] | str | None) -> list[str]:
        if isinstance(value, str):
            value = [value]
        return [v.strip() for v in value or [] if isinstance(v, str) and v.strip()]


    def value(self, field_id: str) -> str | list[str] | Person:
        """The value of a form's info field, whether a standard attribute or an extra item."""
        if field_id != "extra" and field_id in type(self).model_fields:
            return getattr(self, field_id)
        return self.extra.get(field_id, "")


class MediaInfo(BaseModel):
    images: list[str] = Field(default_factory=list)
    video: str = ""
    prepared: list[str] = Field(default_factory=list)
    """Ids of the call's submission items the applicant says are ready (营业执照复印件 …)."""


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
