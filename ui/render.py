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
SOURCE_LABEL = {"offline": "离线整理", "model": "模型起草"}
ACTION_LABEL = {"draft": "起草", "revise": "修改"}


def short_title(title: str) -> str:
    """“数据要素×”典型案例简介 → 案例简介: the rail is narrow, the prefix is on every group."""
    return re.sub(r"^“数据要素×”典型", "", title)


def mode_badge_html(mode_label: str) -> str:
    kind = "offline" if mode_label.startswith("离线") else "model"
    return f'<div class="mode-badge mode-{kind}" title="{escape(mode_label)}">{escape(mode_label)}</div>'


def user_line_html(username: str, role: str, local: bool) -> str:
    role_label = {"applicant": "申报单位", "staff": "工作人员", "admin": "管理员"}.get(role, role)
    who = "本机使用（无需登录）" if local else f"{escape(username)}（{role_label}）"
    return f'<div class="user-line">{who}</div>'


def _bar(words: int, limit: int, extra_class: str = "") -> str:
    pct = 0 if limit <= 0 else min(100, round(words * 100 / limit))
    over = " over" if limit and words > limit else ""
    return f'<div class="bar {extra_class}{over}"><span style="width:{pct}%"></span></div>'


def group_html(group: GroupView, parts: Iterable[PartView], selected: str | None) -> str:
    rows = "".join(part_row_html(p, p.part_id == selected) for p in parts)
    return (
        f'<div class="rail-group" data-group="{group.id}">'
        f'<div class="rail-group-head"><b>{group.number}、{escape(short_title(group.title))}</b>'
        f'<span class="count" data-testid="group-count-{group.id}">{group.words}/{group.limit}字</span></div>'
        f'{_bar(group.words, group.limit, "group-bar")}{rows}</div>'
    )


def part_row_html(part: PartView, selected: bool) -> str:
    status = STATUS_CLASS.get(part.status, "todo")
    mark = " selected" if selected else ""
    count = f"{part.words}/{part.budget}字" if part.version is not None else f"—/{part.budget}字"
    return (
        f'<div class="rail-part status-{status}{mark}" data-part="{part.part_id}">'
        f'<div class="rail-part-head"><span class="chip">{part.status}</span>'
        f'<span class="title">{escape(part.number + part.title)}</span>'
        f'<span class="count" data-testid="part-count-{part.part_id}">{count}</span></div>'
        f'{_bar(part.words, part.budget, "part-bar")}</div>'
    )


def rail_html(view: ApplicationView | None, selected: str | None = None) -> str:
    """All parts with status and 字数, grouped under their limit (案例简介 x/5000 …)."""
    if view is None:
        return '<div class="rail empty">还没有打开申报书。请在上方选择，或点击“新建申报”。</div>'
    groups = "".join(group_html(g, [p for p in view.parts if p.group_id == g.id], selected) for g in view.groups)
    info = ""
    if view.info_issues:
        info = (
            f'<div class="rail-info">申报信息表：还有 {len(view.info_issues)} 项待补充，'
            "请在下方“申报信息表”中填写（未填的导出时保留【待补充】）</div>"
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
    """Choices for the part selector; “自动” lets the service pick the last drafted part."""
    choices = [("自动（最近起草的部分）", AUTO_PART)]
    if view is not None:
        choices += [(f"{p.number}{p.title} · {p.status}", p.part_id) for p in view.parts]
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


def preview_markdown(part: PartView | None) -> str:
    if part is None:
        return "*请选择一个部分查看草稿。*"
    head = f"### {part.number}{part.title}"
    if part.version is None:
        return f"{head}\n\n*{part.status}：还没有草稿。回答访谈问题后，这里会出现草稿。*"
    meta = f"第{part.version}版 · {part.words}/{part.budget}字 · {SOURCE_LABEL.get(part.source, part.source)}"
    paragraphs = "\n\n".join(_escape_md(line) for line in part.text.splitlines() if line.strip())
    return f"{head}\n\n<small>{meta}</small>\n\n{paragraphs}"


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


def download_link_html(app_id: int, filename: str) -> str:
    """A link to the authenticated export route (relative, so it works under a proxy prefix)."""
    return (
        f'<a class="download-link" href="api/applications/{int(app_id)}/export.docx" download>'
        f"下载 {escape(filename)}</a>"
    )
