"""Checks on the 申报信息表, driven by the form's info fields (required, kind, choices)."""

from __future__ import annotations

from assistant.core.types import Issue
from assistant.forms.application import ApplicationInfo, Person, case_name_problem
from assistant.forms.spec import FormSpec, InfoField


def _missing(label: str) -> Issue:
    return Issue(
        part_id="info",
        kind="missing",
        severity="error",
        message=f"申报信息表缺少“{label}”，导出的文件中会保留【待补充】标记。",
    )


def _field_gaps(form: FormSpec, spec: InfoField, value: str | list[str] | Person) -> list[Issue]:
    if isinstance(value, Person):
        wanted = [(value.name, "姓名"), (value.phone, form.info.person_labels[1])]
        return [_missing(f"{spec.label}{suffix}") for text, suffix in wanted if not text.strip()]
    empty = not value if isinstance(value, list) else not value.strip()
    return [_missing(spec.label)] if empty else []


def info_issues(form: FormSpec, info: ApplicationInfo) -> list[Issue]:
    """Gaps and mistakes in the 申报信息表 (reported, not fatal, in scripted mode)."""
    issues: list[Issue] = []
    if form.info.field("field") and info.field not in form.fields:
        issues.append(
            Issue(
                part_id="info",
                kind="missing",
                severity="error",
                message=f"所属领域“{info.field}”须为{form.fields_phrase}之一：{'、'.join(form.fields)}。",
            )
        )
    if form.info.field("case_name") and (problem := case_name_problem(form, info.case_name, info.field)):
        issues.append(Issue(part_id="info", kind="inconsistent_name", severity="error", message=problem))
    for spec in form.info.fields:
        if spec.required and spec.id != "field":
            issues += _field_gaps(form, spec, info.value(spec.id))
    return issues
