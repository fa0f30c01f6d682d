"""Assemble an ``ApplicationView`` from stored rows: part status, counts per group, messages."""

from __future__ import annotations

from assistant.core.types import Issue, Passage
from assistant.forms.application import ApplicationInfo, MediaInfo
from assistant.forms.spec import FormSpec
from assistant.interview.machine import InterviewState, current_prompt
from assistant.review.info import info_issues
from assistant.service.views import (
    ApplicationView,
    GroupView,
    MessageView,
    PartStatus,
    PartView,
)
from assistant.store.protocol import ApplicationStore
from assistant.store.rows import ApplicationRow, VersionRow


def part_status(head: VersionRow | None, issues: list[Issue], has_answers: bool, is_current: bool) -> PartStatus:
    if head is None:
        return "进行中" if has_answers or is_current else "未开始"
    if any(i.severity == "error" for i in issues):
        return "需补充"
    return "已起草"


def build_view(form: FormSpec, row: ApplicationRow, store: ApplicationStore) -> ApplicationView:
    state = InterviewState.model_validate(row.state)
    heads = store.head_versions(row.id)
    parts: list[PartView] = []
    for group in form.groups:
        for part in group.parts:
            head = heads.get(part.id)
            issues = [Issue.model_validate(i) for i in head.report.get("issues", [])] if head else []
            progress = state.parts.get(part.id)
            parts.append(
                PartView(
                    part_id=part.id,
                    group_id=group.id,
                    number=part.number,
                    title=part.title,
                    status=part_status(head, issues, bool(progress and progress.answers), state.current == part.id),
                    words=head.words if head else 0,
                    budget=head.budget if head else part.default_budget,
                    text=head.text if head else "",
                    version=head.version if head else None,
                    source=head.source if head else "",
                    issues=issues,
                    citations=[Passage.model_validate(c) for c in head.report.get("citations", [])] if head else [],
                )
            )
    groups = [
        GroupView(
            id=g.id,
            number=g.number,
            title=g.title,
            limit=g.limit,
            words=sum(p.words for p in parts if p.group_id == g.id),
        )
        for g in form.groups
    ]
    info = ApplicationInfo.model_validate(row.info)
    messages = [
        MessageView(role=m.role, content=m.content, part_id=m.part_id, created_at=m.created_at)
        for m in store.messages(row.id)
    ]
    return ApplicationView(
        id=row.id,
        owner_id=row.owner_id,
        case_name=info.case_name,
        field=info.field,
        applicant=info.applicant,
        updated_at=row.updated_at,
        form_id=row.form_id,
        info=info,
        media=MediaInfo.model_validate(row.media),
        parts=parts,
        groups=groups,
        messages=messages,
        prompt=current_prompt(state, form),
        interrupted=list(state.pending_drafts),
        info_issues=info_issues(form, info),
    )
