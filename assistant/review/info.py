"""Checks on the 申报信息表: required fields, the field list and the case-name form."""

from __future__ import annotations

from assistant.core.types import Issue
from assistant.forms.application import ApplicationInfo, case_name_problem
from assistant.forms.spec import FormSpec


def info_issues(form: FormSpec, info: ApplicationInfo) -> list[Issue]:
    """Gaps and mistakes in the 申报信息表 (reported, not fatal, in scripted mode)."""
    issues: list[Issue] = []
    if info.field not in form.fields:
        issues.append(
            Issue(
                part_id="info",
                kind="missing",
                severity="error",
                message=f"所属领域“{info.field}”须为12个领域之一：{'、'.join(form.fields)}。",
            )
        )
    problem = case_name_problem(form, info.case_name, info.field)
    if problem:
        issues.append(Issue(part_id="info", kind="inconsistent_name", severity="error", message=problem))
    required = {
        "applicant": info.applicant,
        "address": info.address,
        "reason": info.reason,
        "leader.name": info.leader.name,
        "leader.phone": info.leader.phone,
        "contact.name": info.contact.name,
        "contact.phone": info.contact.phone,
    }
    labels = {f.id: f.label for f in form.info.fields}
    for key, value in required.items():
        if not value.strip():
            label = labels.get(key.split(".")[0], key)
            suffix = "联系方式" if key.endswith("phone") else ("姓名" if key.endswith("name") else "")
            issues.append(
                Issue(
                    part_id="info",
                    kind="missing",
                    severity="error",
                    message=f"申报信息表缺少“{label}{suffix}”，导出的文件中会保留【待补充】标记。",
                )
            )
    return issues
