"""The applicant's own data: the 申报信息表 and the answers, as validated models.

This is the boundary for scripted mode (``case-assistant draft --answers``), the
API and the UI: unknown keys are reported as warnings, wrong shapes as Chinese errors.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field, field_validator

from .drafter import Issue
from .forms import FormSpec


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

    @field_validator("co_applicants", mode="before")
    @classmethod
    def _drop_blank(cls, value: list[str] | str | None) -> list[str]:
        if isinstance(value, str):
            value = [value]
        return [v.strip() for v in value or [] if isinstance(v, str) and v.strip()]


class MediaInfo(BaseModel):
    images: list[str] = Field(default_factory=list)
    video: str = ""


def case_name_problem(form: FormSpec, case_name: str, field: str) -> str | None:
    """Why the case name does not follow "<领域>领域——<名称>", or None if it does."""
    match = re.fullmatch(form.case_name_pattern, case_name.strip())
    if not match:
        return f"案例名称应写成“<领域>领域——<案例名称>”，例如“{form.case_name_example}”。"
    if match.group("field") not in form.fields:
        return f"案例名称中的“{match.group('field')}”不是行动计划的12个领域之一：{'、'.join(form.fields)}。"
    if field and match.group("field") != field:
        return f"案例名称中的领域“{match.group('field')}”与所选领域“{field}”不一致。"
    return None


def info_issues(form: FormSpec, info: ApplicationInfo) -> list[Issue]:
    """Gaps and mistakes in the 申报信息表 (reported, not fatal, in scripted mode)."""
    issues: list[Issue] = []
    if info.field not in form.fields:
        issues.append(Issue(part_id="info", kind="missing", severity="error",
                            message=f"所属领域“{info.field}”须为12个领域之一：{'、'.join(form.fields)}。"))
    problem = case_name_problem(form, info.case_name, info.field)
    if problem:
        issues.append(Issue(part_id="info", kind="inconsistent_name", severity="error", message=problem))
    required = {"applicant": info.applicant, "address": info.address, "reason": info.reason,
                "leader.name": info.leader.name, "leader.phone": info.leader.phone,
                "contact.name": info.contact.name, "contact.phone": info.contact.phone}
    labels = {f.id: f.label for f in form.info.fields}
    for key, value in required.items():
        if not value.strip():
            label = labels.get(key.split(".")[0], key)
            suffix = "联系方式" if key.endswith("phone") else ("姓名" if key.endswith("name") else "")
            issues.append(Issue(part_id="info", kind="missing", severity="error",
                                message=f"申报信息表缺少“{label}{suffix}”，导出的文件中会保留【待补充】标记。"))
    return issues
