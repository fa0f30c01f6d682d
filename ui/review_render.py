"""HTML for the 审阅 panel, the staff overview and the read-only application view.

Pure functions (no gradio), every piece of application or document text HTML-escaped:
findings quote the applicant's drafts and citations quote uploaded documents, both untrusted.
"""

from __future__ import annotations

from html import escape
from typing import Any, Literal

from assistant.forms.application import Person
from assistant.forms.spec import FormSpec
from assistant.review.findings import Alignment, ChecklistItem, Finding, ReviewReport
from assistant.service.views import ApplicationView, OverviewRow

from .render import local_time, short_title

SEVERITIES: tuple[Literal["错误", "警告", "建议"], ...] = ("错误", "警告", "建议")
SEVERITY_CLASS = {"错误": "error", "警告": "warning", "建议": "suggestion"}
STATUS_CLASS = {"已具备": "ok", "未声明": "missing", "请自查": "check"}
ALL_FIELDS = "全部领域"


def part_label(form: FormSpec, part_id: str) -> str:
    """Where a finding is: the info table, a part (“（一）……”) or a whole group."""
    if part_id == "info":
        return "申报信息表"
    if part_id == "media":
        return "多媒体材料"
    if part_id in form.part_ids():
        part = form.part(part_id)
        return f"{short_title(form.group_of(part_id).title)} {part.number}{part.title}"
    group = next((g for g in form.groups if g.id == part_id), None)
    return short_title(group.title) if group else part_id


def finding_html(form: FormSpec, finding: Finding) -> str:
    excerpt = f'<div class="finding-excerpt">原文：“{escape(finding.excerpt)}”</div>' if finding.excerpt else ""
    fix = f'<div class="finding-fix">修改建议：{escape(finding.fix)}</div>' if finding.fix else ""
    return (
        f'<li class="finding finding-{SEVERITY_CLASS[finding.severity]}" data-rule="{escape(finding.rule)}">'
        f'<span class="finding-part">{escape(part_label(form, finding.part_id))}</span>'
        f'<span class="finding-message">{escape(finding.message)}</span>{excerpt}{fix}</li>'
    )


def findings_html(form: FormSpec, findings: list[Finding]) -> str:
    sections = []
    for severity in SEVERITIES:
        found = [f for f in findings if f.severity == severity]
        items = "".join(finding_html(form, f) for f in found) or '<li class="finding-none">无</li>'
        sections.append(
            f'<div class="review-group" data-severity="{severity}">'
            f'<div class="review-group-head sev-{SEVERITY_CLASS[severity]}">{severity}（{len(found)}）</div>'
            f"<ul>{items}</ul></div>"
        )
    return "".join(sections)


def checklist_html(items: list[ChecklistItem]) -> str:
    rows = "".join(
        f'<tr data-item="{escape(c.id)}"><td><span class="status status-{STATUS_CLASS.get(c.status, "check")}">'
        f"{escape(c.status)}</span></td><td>{escape(c.requirement)}<div class=\"checklist-detail\">"
        f'{escape(c.detail)}</div></td><td class="checklist-notice">{escape(c.notice)}</td></tr>'
        for c in items
    )
    return (
        '<table class="checklist"><thead><tr><th>状态</th><th>材料要求</th><th>通知原文</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def alignment_html(items: list[Alignment]) -> str:
    if not items:
        return '<div class="alignment empty">知识库中没有找到该领域的行动计划重点方向。</div>'
    rows = []
    for a in items:
        state = "已体现" if a.addressed else "未体现"
        terms = f'<span class="terms">（{escape("、".join(a.matched_terms))}）</span>' if a.matched_terms else ""
        note = f'<div class="alignment-note">{escape(a.note)}</div>' if a.note else ""
        cite = ""
        if a.citation is not None:
            cite = (
                f'<details class="citation"><summary>出处：{escape(a.citation.title)} '
                f'<span class="locator">{escape(a.citation.locator)}</span></summary>'
                f"<blockquote>{escape(a.citation.text)}</blockquote></details>"
            )
        rows.append(
            f'<li class="alignment-item {"addressed" if a.addressed else "open"}">'
            f"<b>{escape(a.direction)}</b>：{state}{terms}{note}{cite}</li>"
        )
    return '<ul class="alignment">' + "".join(rows) + "</ul>"


def review_html(form: FormSpec, report: ReviewReport | None) -> str:
    """The whole 审阅 panel: counts, findings by severity, the checklist, the plan alignment."""
    if report is None:
        return '<div class="review empty">打开一份申报书后，这里显示提交前审阅结果。</div>'
    counts = "，".join(f"{s} {report.count(s)} 项" for s in SEVERITIES)
    return (
        f'<div class="review"><div class="review-counts" data-testid="review-counts">{counts}</div>'
        f"<h4>问题清单</h4>{findings_html(form, report.findings)}"
        f"<h4>材料清单（对照通知）</h4>{checklist_html(report.checklist)}"
        f"<h4>与行动计划重点方向的对应</h4>{alignment_html(report.alignment)}</div>"
    )


def download_links_html(app_id: int | None, links: list[tuple[str, str]]) -> str:
    """Links to authenticated /api routes (relative, so they work under a proxy prefix)."""
    if not app_id:
        return ""
    items = "".join(
        f'<a class="download-link" data-testid="dl-{escape(suffix)}" '
        f'href="api/applications/{int(app_id)}/{escape(suffix)}" download>{escape(label)}</a>'
        for label, suffix in links
    )
    return f'<div class="download-links">{items}</div>'


REVIEW_LINKS = [  # the application's own files (Word, PDF, 宣传推广材料, package) are in the toolbar, one place
    ("下载审阅报告（Word）", "review.docx"),
    ("下载审阅报告（Markdown）", "review.md"),
]
STAFF_LINKS = [
    ("下载申报书（Word）", "export.docx"),
    ("下载审阅报告（Word）", "review.docx"),
    ("审阅报告（Markdown）", "review.md"),
]


# ---- the staff overview ----------------------------------------------------------------
def overview_headers(form: FormSpec) -> list[str]:
    groups = [f"{short_title(g.title)}字数" for g in form.groups]
    return ["编号", "申报单位", "案例名称", "所属领域", "已起草", *groups, "错误", "警告", "最后修改"]


def overview_table(rows: list[OverviewRow]) -> list[list[Any]]:
    return [
        [
            r.id,
            r.applicant or "（未填写）",
            r.case_name or "（未命名）",
            r.field,
            f"{r.parts_drafted}/{r.parts_total}",
            *[f"{g.words}/{g.limit}" for g in r.groups],
            r.errors,
            r.warnings,
            local_time(r.updated_at),
        ]
        for r in rows
    ]


def overview_choices(rows: list[OverviewRow]) -> list[tuple[str, int]]:
    return [(f"{r.id}. {r.case_name or '未命名申报'}（{r.applicant or '未填写单位'}）", r.id) for r in rows]


def readonly_html(form: FormSpec, view: ApplicationView) -> str:
    """One application as staff read it: the info table, then each part's current text."""
    info_rows = []
    for spec in form.info.fields:
        value = view.info.value(spec.id)
        if isinstance(value, Person):
            text = "　".join(x for x in (value.name, value.title, value.phone) if x)
        else:
            text = "、".join(value) if isinstance(value, list) else str(value)
        info_rows.append(f"<tr><th>{escape(spec.label)}</th><td>{escape(text) or '<i>未填写</i>'}</td></tr>")
    media = "、".join(view.media.images) or "未登记"
    info_rows.append(f"<tr><th>图片</th><td>{escape(media)}</td></tr>")
    info_rows.append(f"<tr><th>视频</th><td>{escape(view.media.video or '未登记')}</td></tr>")
    parts = []
    for group in view.groups:
        body = "".join(
            f'<div class="ro-part" data-part="{escape(p.part_id)}"><h5>{escape(p.number + p.title)}'
            f' <small>{p.words}/{p.budget}字</small></h5><div class="ro-text">'
            f"{escape(p.text) if p.version is not None else '<i>还没有草稿</i>'}</div></div>"
            for p in view.parts
            if p.group_id == group.id
        )
        parts.append(f"<h4>{escape(group.number)}、{escape(group.title)}（{group.words}/{group.limit}字）</h4>{body}")
    return (
        f'<div class="readonly" data-app="{view.id}"><h3>{escape(view.case_name or "未命名申报")}</h3>'
        f'<table class="ro-info">{"".join(info_rows)}</table>{"".join(parts)}</div>'
    )
