"""Turn service views into what the applicant workspace shows: HTML, Markdown, choices.

Pure functions with no gradio import, so the layout logic is unit-tested without a
browser. Every piece of user or document text is HTML-escaped here, because drafts
and uploaded documents are untrusted input that ends up inside ``gr.HTML``.

Text that goes into Markdown (chat bubbles, the draft preview, review notes) is made
inert by :func:`inert_markdown`: every ASCII punctuation mark is backslash-escaped,
so no HTML tag, image, link, autolink, heading or list can form — an applicant's
``<img src=…>`` or ``![](http://…)`` shows as those characters in every browser,
the staff's included, and loads nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from html import escape

from assistant.forms.spec import load_form
from assistant.service.views import (
    ApplicationSummary,
    ApplicationView,
    GroupView,
    PartView,
    VersionView,
)

AUTO_PART = "auto"
STATUS_CLASS = {"未开始": "todo", "进行中": "doing", "已起草": "done", "需补充": "needs"}
# Plain-text markers: emoji glyphs are missing from many CJK fonts on office PCs and render as boxes.
SEVERITY_MARK = {"error": "【需处理】", "warning": "【注意】", "info": "【提示】"}
SOURCE_LABEL = {"offline": "离线整理", "model": "模型起草", "manual": "手动修改", "imported": "导入原文"}
ACTION_LABEL = {"draft": "起草", "revise": "修改", "edit": "手动修改", "import": "导入", "condense": "压缩"}
DOWNLOADS = [
    ("Word", "export.docx"),
    ("PDF", "export.pdf"),
    ("宣传推广材料", "promo.docx"),
    ("材料包", "package.zip"),
]


def short_title(title: str) -> str:
    """A group's title without the prefix all groups share (“……”典型<name> → <name>): the rail is narrow."""
    return re.sub(r"^“数据要素×”典型", "", title)


def mode_badge_html(mode_label: str) -> str:
    """「离线模式」 always; the rest of the label (what it means, the model's name) only where there is room."""
    kind = "offline" if mode_label.startswith("离线") else "model"
    short, sep, rest = mode_label.partition("：")
    detail = f'<span class="mode-detail">{escape(sep + rest)}</span>' if rest else ""
    return (
        f'<span id="mode-badge" class="mode-badge mode-{kind}" title="{escape(mode_label)}">'
        f"{escape(short)}{detail}</span>"
    )


def user_line_html(username: str, role: str, local: bool) -> str:
    role_label = {"applicant": "申报单位", "staff": "工作人员", "admin": "管理员"}.get(role, role)
    who = "本机使用（无需登录）" if local else f"{escape(username)}（{role_label}）"
    return f'<span id="user-line" class="user-line" title="{who}">{who}</span>'


def header_html(title: str, mode_label: str, user_line: str = "") -> str:
    """One flexible line (two on a phone): the title, the mode, who is logged in; nothing overlaps."""
    who = user_line or '<span id="user-line" class="user-line"></span>'
    return f'<div class="ca-header"><h1>{escape(title)}</h1>{mode_badge_html(mode_label)}{who}</div>'


def downloads_html(app_id: int | None) -> str:
    """Every file of the open application, one click each: links to the authenticated API routes."""
    if not app_id:
        return '<div class="downloads empty">打开申报书后可在这里下载 Word、PDF、宣传推广材料和申报材料包。</div>'
    links = "".join(
        f'<a class="dl" data-testid="dl-{suffix}" href="api/applications/{int(app_id)}/{suffix}" download>{label}</a>'
        for label, suffix in DOWNLOADS
    )
    return f'<div class="downloads"><span class="dl-label">导出下载：</span>{links}</div>'


def _bar(words: int, limit: int, extra_class: str = "") -> str:
    pct = 0 if limit <= 0 else min(100, round(words * 100 / limit))
    over = " over" if limit and words > limit else ""
    return f'<div class="bar {extra_class}{over}"><span style="width:{pct}%"></span></div>'


def template_limit(view: ApplicationView | None, part: PartView) -> int:
    """The 字数 the template suggests for a part (its form's default budget), not the budget a draft was given:
    that one is re-allocated within the group on every draft and read as "85% full" when it was not."""
    if view is None:
        return part.budget
    try:
        return load_form(view.form_id).part(part.part_id).default_budget
    except Exception:  # noqa: BLE001 - an unknown form or part: the stored budget is the best there is
        return part.budget


def group_html(
    group: GroupView, parts: Iterable[PartView], selected: str | None, limits: dict[str, int] | None = None
) -> str:
    rows = "".join(part_row_html(p, p.part_id == selected, (limits or {}).get(p.part_id)) for p in parts)
    return (
        f'<div class="rail-group" data-group="{group.id}">'
        f'<div class="rail-group-head"><b>{group.number}、{escape(short_title(group.title))}</b>'
        f'<span class="count" data-testid="group-count-{group.id}" title="模板要求合计不超过{group.limit}字">'
        f"{group.words}/{group.limit}字</span></div>"
        f'{_bar(group.words, group.limit, "group-bar")}{rows}</div>'
    )


def part_row_html(part: PartView, selected: bool, limit: int | None = None) -> str:
    """One clickable part (a button: the rail's click handler reads ``data-part``) with the template's 字数."""
    limit = limit or part.budget
    status = STATUS_CLASS.get(part.status, "todo")
    mark = " selected" if selected else ""
    count = f"{part.words}/{limit}字" if part.version is not None else f"—/{limit}字"
    return (
        f'<button type="button" class="rail-part status-{status}{mark}" data-part="{escape(part.part_id)}" '
        f'title="查看并修改{escape(part.number + part.title)}（模板建议约{limit}字）">'
        f'<span class="rail-part-head"><span class="chip">{part.status}</span>'
        f'<span class="title">{escape(part.number + part.title)}</span>'
        f'<span class="count" data-testid="part-count-{escape(part.part_id)}">{count}</span></span>'
        f'{_bar(part.words, limit, "part-bar")}</button>'
    )


def rail_html(view: ApplicationView | None, selected: str | None = None) -> str:
    """All parts with status and 字数 against the template's numbers, grouped under their limit (案例简介 x/5000 …)."""
    if view is None:
        return '<div class="rail empty">还没有打开申报书。请在“当前申报书”中选择，或点击“新建申报”。</div>'
    limits = {p.part_id: template_limit(view, p) for p in view.parts}
    groups = "".join(
        group_html(g, [p for p in view.parts if p.group_id == g.id], selected, limits) for g in view.groups
    )
    info = ""
    if view.info_issues:
        info = (
            f'<div class="rail-info">申报信息表：还有 {len(view.info_issues)} 项待补充，'
            "请在“申报信息表”页填写（未填的导出时保留【待补充】）</div>"
        )
    return f'<div class="rail">{groups}{info}</div>'


_MD_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def inert_markdown(text: str) -> str:
    """Markdown that renders as exactly ``text``: no HTML, images, links, emphasis or lists."""
    return _MD_PUNCTUATION.sub(r"\\\1", text or "")


def chat_message(role: str, content: str) -> dict[str, str]:
    return {"role": role if role in ("user", "assistant") else "assistant", "content": inert_markdown(content)}


def chat_messages(view: ApplicationView | None) -> list[dict[str, str]]:
    """The stored conversation in Chatbot's messages format (a refresh rebuilds it from here)."""
    if view is None:
        return []
    return [chat_message(m.role, m.content) for m in view.messages]


def application_choices(apps: list[ApplicationSummary]) -> list[tuple[str, int]]:
    return [(f"{a.case_name or '未命名申报'}（{a.field}）", a.id) for a in apps]


def part_choices(view: ApplicationView | None) -> list[tuple[str, str]]:
    """Choices for the part selector, each with its group (two parts are called （一）); “自动”: the last drafted."""
    choices = [("自动（最近起草的部分）", AUTO_PART)]
    if view is not None:
        groups = {g.id: short_title(g.title) for g in view.groups}
        choices += [(f"{groups.get(p.group_id, '')} · {p.number}{p.title} · {p.status}", p.part_id) for p in view.parts]
    return choices


def find_part(view: ApplicationView | None, part_id: str | None) -> PartView | None:
    if view is None or not part_id:
        return None
    return next((p for p in view.parts if p.part_id == part_id), None)


def preview_part_id(view: ApplicationView | None, selected: str | None) -> str | None:
    """Which part the preview shows: the selected one, else the interview's current part."""
    if view is None:
        return None
    if selected and selected != AUTO_PART:
        return selected
    drafted = [p.part_id for p in view.parts if p.version is not None]
    return drafted[-1] if drafted else view.prompt.part_id


def preview_markdown(part: PartView | None, limit: int | None = None) -> str:
    """The part's current version; ``limit``: the template's 字数 for it (default: the stored budget)."""
    if part is None:
        return "*请选择一个部分查看草稿。*"
    head = f"### {part.number}{part.title}"
    if part.version is None:
        return f"{head}\n\n*{part.status}：还没有草稿。回答访谈问题后，这里会出现草稿。*"
    source = SOURCE_LABEL.get(part.source, part.source)
    meta = f"第{part.version}版 · {part.words}/{limit or part.budget}字 · {source}"
    paragraphs = "\n\n".join(_escape_md(line) for line in part.text.splitlines() if line.strip())
    return f"{head}\n\n<small>{meta}</small>\n\n{paragraphs}"


def streaming_markdown(part: PartView | None, text: str, seconds: int, waiting: int | None = None) -> str:
    """The preview while a turn writes: the part's text as it streams in, so the draft and the chat agree."""
    head = f"### {part.number}{part.title}" if part is not None else "### 正在起草"
    if waiting is not None:
        return f"{head}\n\n*正在排队，轮到后开始起草。*"
    if not text.strip():
        return f"{head}\n\n*正在起草（用时{seconds}秒）……*"
    paragraphs = "\n\n".join(_escape_md(line) for line in text.splitlines() if line.strip())
    return f"{head}\n\n<small>正在起草 · 已写{len(text)}字 · 用时{seconds}秒</small>\n\n{paragraphs}"


def _escape_md(text: str) -> str:
    """Keep draft text literal: no lists, headings, links, images or HTML from the applicant's words."""
    return inert_markdown(text)


def issues_markdown(part: PartView | None) -> str:
    if part is None or part.version is None:
        return ""
    shown = [i for i in part.issues if i.severity != "info" or i.kind in ("trimmed", "revision")]
    if not shown:
        return "**审阅意见**：这一部分没有发现问题。"
    lines = [f"- {SEVERITY_MARK.get(i.severity, '')}{inert_markdown(i.message)}" for i in shown]
    return "**审阅意见**\n\n" + "\n".join(lines)


def local_time(stamp: str) -> str:
    """Stored times are UTC ISO strings; show them in the server's local time, to the minute."""
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp[:16]


def versions_html(versions: list[VersionView]) -> str:
    """Every stored version, newest first, each expandable to its full text."""
    if not versions:
        return '<div class="versions empty">暂无历史版本。</div>'
    items = []
    for v in sorted(versions, key=lambda v: v.version, reverse=True):
        current = "（当前）" if v.is_head else ""
        action = ACTION_LABEL.get(v.action, v.action)
        label = f"第{v.version}版{current} · {action} · {v.words}字 · {local_time(v.created_at)}"
        items.append(
            f'<details class="version"><summary>{escape(label)}</summary>'
            f'<div class="version-text">{escape(v.text)}</div></details>'
        )
    return '<div class="versions">' + "".join(items) + "</div>"
