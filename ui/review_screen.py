"""The 审阅 panel of the workspace and the 申报总览 tab (staff: every application; applicants: their own).

Handlers authenticate from the session cookie on every event and read only through the
service, which decides what each principal may see; downloads are links to the
authenticated ``/api/applications/{id}/…`` routes, so no file is put in Gradio's cache.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.core.errors import InvalidInputError
from assistant.forms.spec import FormSpec

from .feedback import guarded
from .review_render import (
    ALL_FIELDS,
    REVIEW_LINKS,
    STAFF_LINKS,
    download_links_html,
    overview_choices,
    overview_headers,
    overview_table,
    readonly_html,
    review_html,
)
from .session import Sessions

if TYPE_CHECKING:
    from assistant.service.service import Service


def review_layout() -> SimpleNamespace:
    gr.Markdown("提交前按通知和模板逐项审阅：每条问题注明所在部分、原文和修改建议。审阅报告单独下载，不写入申报书。")
    panel = gr.HTML("", elem_id="review-panel", js_on_load=None)
    links = gr.HTML("", elem_id="review-links", js_on_load=None)
    return SimpleNamespace(panel=panel, links=links)


def overview_layout(form: FormSpec) -> SimpleNamespace:
    gr.Markdown("所有申报书的进度与审阅结果（申报单位只能看到自己的申报书）。选择一份可只读查看并下载。")
    with gr.Row(equal_height=True):
        field = gr.Dropdown(
            label="按领域筛选", choices=[ALL_FIELDS, *form.fields], value=ALL_FIELDS, scale=2, elem_id="ov-field"
        )
        refresh = gr.Button("刷新", scale=0, min_width=100, elem_id="ov-refresh")
    table = gr.Dataframe(headers=overview_headers(form), value=[], interactive=False, wrap=True, elem_id="ov-table")
    pick = gr.Dropdown(label="查看申报书（只读）", choices=[], value=None, elem_id="ov-pick")
    links = gr.HTML("", elem_id="ov-links", js_on_load=None)
    with gr.Row():
        with gr.Column(scale=3):
            detail = gr.HTML("", elem_id="ov-detail", js_on_load=None)
        with gr.Column(scale=2):
            review = gr.HTML("", elem_id="ov-review", js_on_load=None)
    return SimpleNamespace(
        field=field, refresh=refresh, table=table, pick=pick, links=links, detail=detail, review=review
    )


class ReviewDesk:
    """The workspace's 审阅 panel and the 申报总览 tab."""

    def __init__(self, service: Service, sessions: Sessions, form: FormSpec) -> None:
        self.service, self.sessions, self.form = service, sessions, form

    def review(self, app_id: int | None, request: gr.Request) -> tuple[str, str]:
        principal = self.sessions.try_principal(request)
        if principal is None or not app_id:
            return review_html(self.form, None), ""
        report = self.service.review_report(principal, int(app_id))
        return review_html(self.form, report), download_links_html(int(app_id), REVIEW_LINKS)

    def overview(self, field: str | None, request: gr.Request) -> tuple[Any, Any]:
        principal = self.sessions.try_principal(request)
        if principal is None:
            return [], gr.update(choices=[], value=None)
        rows = self.service.overview(principal, None if not field or field == ALL_FIELDS else field)
        return overview_table(rows), gr.update(choices=overview_choices(rows), value=None)

    def open(self, app_id: int | None, request: gr.Request) -> tuple[str, str, str]:
        principal = self.sessions.principal(request)
        if not app_id:
            raise InvalidInputError("请先在列表中选择一份申报书。")
        view = self.service.get_application(principal, int(app_id))
        report = self.service.review_report(principal, view.id)
        return (
            download_links_html(view.id, STAFF_LINKS),
            readonly_html(self.form, view),
            review_html(self.form, report),
        )


def wire_overview(desk: ReviewDesk, ov: SimpleNamespace, tab: Any) -> None:
    handlers = {name: guarded(getattr(desk, name)) for name in ("overview", "open")}
    listing = dict(fn=handlers["overview"], inputs=[ov.field], outputs=[ov.table, ov.pick])
    ov.field.input(**listing)
    ov.refresh.click(**listing)
    tab.select(**listing)
    ov.pick.input(handlers["open"], [ov.pick], [ov.links, ov.detail, ov.review])
